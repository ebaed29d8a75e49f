"""The one exception type whose message is meant for the user, and what the commands show it with:
the CLI wrapper and the argument parser, both one line on stderr and exit status 2."""
import argparse
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


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit status 2, as every other error."""

    def error(self, message):
        self.exit(2, f"error: {message} (see --help)\n")
