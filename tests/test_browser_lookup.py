"""The browser lookup, one source at a time: fake executables on a temporary PATH, Playwright's real path
computation pointed at a temporary folder, and the skip outside CI / failure under CI."""
import os
import stat

import pytest

from tests import browser_lookup
from tests.browser_lookup import ENV_VAR, chromium_for_tests, find_chromium, playwright_chromium


def fake_browser(path):
    """An executable file where a browser would be: the lookup must find it, never run it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(path, 0o755)
    return str(path)


def no_playwright():
    return None


@pytest.fixture
def bins(tmp_path, monkeypatch):
    """Two empty folders as the whole PATH; no ATTENTION_LAB_CHROMIUM, no CI."""
    first, second = tmp_path / "bin1", tmp_path / "bin2"
    first.mkdir()
    second.mkdir()
    monkeypatch.setenv("PATH", f"{first}{os.pathsep}{second}")
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("CI", raising=False)
    return first, second


def test_nothing_found_names_every_source(bins):
    path, reason = find_chromium(no_playwright)
    assert path is None
    assert ENV_VAR in reason and "chromium-browser" in reason and "playwright package" in reason


def test_the_path_names_in_order_each_along_the_whole_path(bins):
    first, second = bins
    google = fake_browser(first / "google-chrome")
    assert find_chromium(no_playwright) == (google, "google-chrome on the PATH")
    ubuntu = fake_browser(first / "chromium-browser")
    assert find_chromium(no_playwright) == (ubuntu, "chromium-browser on the PATH")
    debian = fake_browser(second / "chromium")   # later on the PATH, but the first name
    assert find_chromium(no_playwright) == (debian, "chromium on the PATH")


def test_a_file_that_is_not_executable_is_no_browser(bins):
    first, _ = bins
    (first / "chromium").write_text("not a program")
    os.chmod(first / "chromium", stat.S_IRUSR | stat.S_IWUSR)
    assert find_chromium(no_playwright)[0] is None


def test_the_environment_variable_comes_first(bins, tmp_path, monkeypatch):
    fake_browser(bins[0] / "chromium")
    chosen = fake_browser(tmp_path / "my chrome" / "chrome")
    monkeypatch.setenv(ENV_VAR, chosen)
    assert find_chromium(no_playwright) == (chosen, ENV_VAR)


def test_a_wrong_environment_variable_is_reported_not_replaced(bins, tmp_path, monkeypatch):
    fake_browser(bins[0] / "chromium")   # there is a browser, but the user asked for another one
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    path, reason = find_chromium(no_playwright)
    assert path is None and reason == f"{ENV_VAR}={tmp_path / 'missing'} is not an executable file"


def test_playwrights_own_browser_last(bins, tmp_path, monkeypatch):
    # Playwright computes where its browser lives from PLAYWRIGHT_BROWSERS_PATH: a temporary folder here
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    expected = playwright_chromium()
    assert expected.startswith(str(tmp_path / "browsers"))
    path, reason = find_chromium()
    assert path is None and f"Playwright's browser is not installed ({expected})" in reason
    fake_browser(expected)
    assert find_chromium() == (expected, "Playwright's browser")
    on_path = fake_browser(bins[1] / "google-chrome")   # the PATH still comes before it
    assert find_chromium() == (on_path, "google-chrome on the PATH")


def test_without_a_browser_the_tests_skip_in_one_line(bins):
    with pytest.raises(pytest.skip.Exception) as skipped:
        chromium_for_tests(no_playwright)
    message = str(skipped.value)
    assert "\n" not in message and message.startswith("no browser for the browser tests:")
    assert "python -m playwright install chromium" in message


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_without_a_browser_ci_fails(bins, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="no browser for the browser tests"):
        chromium_for_tests(no_playwright)


def test_ci_false_is_not_ci(bins, monkeypatch):
    monkeypatch.setenv("CI", "false")
    assert not browser_lookup.in_ci()
    with pytest.raises(pytest.skip.Exception):
        chromium_for_tests(no_playwright)


def test_with_a_browser_the_tests_get_its_path(bins, monkeypatch):
    monkeypatch.setenv("CI", "true")
    browser = fake_browser(bins[0] / "chromium-browser")
    assert chromium_for_tests(no_playwright) == browser
