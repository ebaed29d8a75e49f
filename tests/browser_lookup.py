"""Which Chromium the browser tests drive: looked for where users keep one, in this order.

1. ATTENTION_LAB_CHROMIUM: a path to a Chromium or Google Chrome executable. When it is set it is the
   only place looked at: a wrong path is a mistake to report, not a reason to test another browser.
2. `chromium`, `chromium-browser`, `google-chrome` on the PATH (each name along the whole PATH before
   the next name): Debian's package, Ubuntu's and other distributions' name, Google's.
3. Playwright's own browser, where `python -m playwright install chromium` puts it.

`python -m tests.browser_lookup` prints the browser and where it came from (exit 0) or why there is
none (exit 1): .ci/run asks it, so the test command and the tests agree on one browser. Only the
standard library is needed at import: .ci/run may ask before the test packages are installed.
"""
import os
import shutil
import sys

ENV_VAR = "ATTENTION_LAB_CHROMIUM"
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = f"run `python -m playwright install chromium` or set {ENV_VAR} to a Chromium or Chrome executable"


def playwright_chromium():
    """Where Playwright's own Chromium is or would be installed; None without the playwright package."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        return p.chromium.executable_path


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_chromium(playwright_path=playwright_chromium):
    """-> (path, where it came from) of the browser to launch, or (None, the reason there is none).

    playwright_path: a callable giving Playwright's browser path (or None). The launch fixture passes
    its running Playwright's, so Playwright's driver is not started twice.
    """
    chosen = os.environ.get(ENV_VAR, "")
    if chosen:
        if _executable(chosen):
            return chosen, ENV_VAR
        return None, f"{ENV_VAR}={chosen} is not an executable file"
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found, f"{name} on the PATH"
    installed = playwright_path()
    if installed and _executable(installed):
        return installed, "Playwright's browser"
    playwright = (f"Playwright's browser is not installed ({installed})" if installed
                  else "the playwright package is not installed")
    return None, f"{ENV_VAR} is not set, no {', '.join(PATH_NAMES)} on the PATH, {playwright}"


def in_ci():
    """CI=true (or any value but false/0/no): CI services set it; there a missing browser must fail."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0", "no")


def chromium_for_tests(playwright_path=playwright_chromium):
    """The browser's path for a launch fixture. Without one: skip on a user's machine, so the rest of the
    suite still runs; fail under CI, so CI can never pass without the browser tests."""
    import pytest   # here, not at the top: .ci/run imports this module before pytest is installed

    path, where = find_chromium(playwright_path)
    if path:
        return path
    message = f"no browser for the browser tests: {where}; {INSTALL_HINT}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def main():
    path, where = find_chromium()
    if path is None:
        print(where)
        return 1
    print(f"{path} ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
