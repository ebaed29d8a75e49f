"""`.ci/run`'s browser step, through `bash .ci/run --browser-only` (no pip, no pytest), on a PATH with
every system program but the browsers:
- as an unprivileged user (`nobody`, when the tests run as root): one clear message naming the command
  to run, or Playwright's browser when it is there; never a raw apt error;
- as root on Debian: apt-get installs chromium (a fake apt-get that logs its arguments); when apt-get
  fails, Playwright's installer is tried, then the same clear message.
Playwright's installer is pointed at a closed local port, so no test downloads anything.
"""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests.browser_lookup import PATH_NAMES, playwright_chromium
from tests.conftest import PROJECT_ROOT

RUN = os.path.join(PROJECT_ROOT, ".ci", "run")
SYSTEM_BIN = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")
NO_DOWNLOADS = "http://127.0.0.1:9"   # the discard port: nothing listens, the download fails at once
IS_ROOT = os.geteuid() == 0

pytestmark = pytest.mark.skipif(not shutil.which("bash") or sys.platform != "linux", reason="Linux and bash only")


def debian_like():
    try:
        with open("/etc/os-release") as f:
            return any(line.startswith(("ID=", "ID_LIKE=")) and ("debian" in line or "ubuntu" in line) for line in f)
    except OSError:
        return False


@pytest.fixture(scope="module")
def shared():
    """A temporary folder the unprivileged user can read (pytest's tmp_path is private to its user)."""
    folder = tempfile.mkdtemp(prefix="attention-lab-ci-run-")
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def no_browsers(shared):
    """A folder of links to every system program but the browsers: the PATH with chromium hidden."""
    folder = os.path.join(shared, "no-browsers")
    os.mkdir(folder)
    for system in SYSTEM_BIN:
        for name in os.listdir(system) if os.path.isdir(system) else []:
            link = os.path.join(folder, name)
            if name not in PATH_NAMES and not os.path.lexists(link):
                os.symlink(os.path.join(system, name), link)
    return folder


def owned_folder(shared, name, uid):
    folder = os.path.join(shared, name)
    os.makedirs(folder)
    os.chown(folder, uid, -1)
    return folder


def user_can_import_playwright(prefix, python, env):
    result = subprocess.run([*prefix, python, "-c", "import playwright.sync_api"], env=env, capture_output=True)
    return result.returncode == 0


@pytest.fixture(scope="module")
def user(shared):
    """(command prefix, uid, PYTHON, extra environment) of an unprivileged user with the playwright package:
    ourselves when not root; else `nobody`, whose Python may need the package linked where it can read it
    (here the project's Python lives under /root, which nobody cannot enter)."""
    if not IS_ROOT:
        return [], os.getuid(), sys.executable, {}
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is needed to run .ci/run as nobody")
    nobody = pwd.getpwnam("nobody")
    prefix = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    env = {"PATH": "/usr/bin:/bin", "HOME": shared}
    if user_can_import_playwright(prefix, sys.executable, env):
        return prefix, nobody.pw_uid, sys.executable, {}
    import greenlet
    import playwright
    site = os.path.join(shared, "site-packages")
    for package in (playwright, greenlet):   # hard links: instant and no copy of Playwright's 165 MB
        source = os.path.dirname(package.__file__)
        shutil.copytree(source, os.path.join(site, os.path.basename(source)), copy_function=_link_or_copy)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if os.path.exists(python) and user_can_import_playwright(prefix, python, {**env, "PYTHONPATH": site}):
            return prefix, nobody.pw_uid, python, {"PYTHONPATH": site}
    pytest.skip(f"no {version} that nobody can run with the playwright package")


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def ci_run(prefix, python, path, home, browsers, **extra):
    """bash .ci/run --browser-only in a clean environment (no CI, no ATTENTION_LAB_CHROMIUM)."""
    env = {"PATH": path, "HOME": home, "LANG": "C.UTF-8", "PYTHON": python, "PLAYWRIGHT_BROWSERS_PATH": browsers,
           "PLAYWRIGHT_DOWNLOAD_HOST": NO_DOWNLOADS, **extra}
    result = subprocess.run([*prefix, "/bin/bash", RUN, "--browser-only"], env=env, capture_output=True,
                            text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def assert_one_clear_message(output, command):
    lines = output.strip().splitlines()
    assert lines and all(line.startswith(".ci/run: ") for line in lines), output   # nothing raw leaks
    assert "no browser for the browser tests" in output
    assert f"run `bash .ci/run` again:    {command}" in output


def playwright_browser_under(browsers, monkeypatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", browsers)   # where Playwright computes its browser path
    return playwright_chromium()


def test_an_unprivileged_user_without_a_browser_gets_one_clear_message(user, shared, no_browsers):
    prefix, uid, python, extra = user
    home = owned_folder(shared, "home-1", uid)
    browsers = owned_folder(shared, "browsers-1", uid)
    code, output = ci_run(prefix, python, no_browsers, home, browsers, **extra)
    assert code == 1, output
    assert_one_clear_message(output, f"{os.path.basename(python)} -m playwright install chromium")
    assert "failed here (Error: connect ECONNREFUSED" in output   # Playwright's installer was tried
    assert "E: " not in output and "Permission denied" not in output and "are you root" not in output


def test_an_unprivileged_user_finds_playwrights_browser(user, shared, no_browsers, monkeypatch):
    prefix, uid, python, extra = user
    home = owned_folder(shared, "home-2", uid)
    browsers = owned_folder(shared, "browsers-2", uid)
    expected = playwright_browser_under(browsers, monkeypatch)
    os.makedirs(os.path.dirname(expected), mode=0o755)
    with open(expected, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(expected, 0o755)
    code, output = ci_run(prefix, python, no_browsers, home, browsers, **extra)
    assert code == 0, output
    assert output.strip() == f".ci/run: browser for the browser tests: {expected} (Playwright's browser)"


@pytest.fixture
def fake_apt(tmp_path):
    """A folder with an apt-get that logs its arguments and, told to, 'installs' chromium into the folder."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()

    def make(fails=False):
        body = ('echo "E: Unable to locate package chromium" >&2; exit 100' if fails else
                '[ "$1" = install ] && printf "#!/bin/sh\\n" > "$(dirname "$0")/chromium" '
                '&& chmod +x "$(dirname "$0")/chromium"; exit 0')
        apt = folder / "apt-get"
        apt.write_text(f'#!/bin/sh\necho "$@" >> "$(dirname "$0")/apt.log"\n{body}\n')
        apt.chmod(0o755)
        return str(folder)
    return make


needs_root_on_debian = pytest.mark.skipif(not (IS_ROOT and debian_like()), reason="root on Debian or Ubuntu only")


@needs_root_on_debian
def test_root_on_debian_installs_chromium_with_apt_get(fake_apt, tmp_path, no_browsers):
    folder = fake_apt()
    code, output = ci_run([], sys.executable, f"{folder}:{no_browsers}", str(tmp_path), str(tmp_path / "browsers"))
    assert code == 0, output
    with open(os.path.join(folder, "apt.log")) as f:
        assert f.read().splitlines() == ["update -qq", "install -y -qq chromium"]
    assert output.strip().endswith(f"browser for the browser tests: {folder}/chromium (chromium on the PATH)")


@needs_root_on_debian
def test_root_tries_playwright_when_apt_get_fails(fake_apt, tmp_path, no_browsers):
    folder = fake_apt(fails=True)
    code, output = ci_run([], sys.executable, f"{folder}:{no_browsers}", str(tmp_path), str(tmp_path / "browsers"))
    assert code == 1, output
    assert "apt-get could not install chromium (E: Unable to locate package chromium)" in output
    assert_one_clear_message(output, f"{os.path.basename(sys.executable)} -m playwright install chromium")


@needs_root_on_debian
def test_a_wrong_browser_variable_stops_before_any_install(fake_apt, tmp_path, no_browsers):
    folder = fake_apt()
    code, output = ci_run([], sys.executable, f"{folder}:{no_browsers}", str(tmp_path), str(tmp_path / "browsers"),
                          ATTENTION_LAB_CHROMIUM=str(tmp_path / "missing"))
    assert code == 1 and not os.path.exists(os.path.join(folder, "apt.log")), output
    assert f"ATTENTION_LAB_CHROMIUM={tmp_path / 'missing'} is not an executable file" in output
