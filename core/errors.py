"""The one exception type whose message is meant for the user, and the CLI wrapper that shows it."""
import sys


class UserError(Exception):
    """Bad input from the user (a string, a file, a run directory): the message says what and where."""


def run_cli(main):
    """Call main(); a UserError becomes one line on stderr and exit status 2, never a traceback."""
    try:
        return main()
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
