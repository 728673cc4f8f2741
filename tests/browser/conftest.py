"""Browser tests: headless Debian Chromium driven by Playwright through pytest-ipywidgets.

They skip (not fail) when ``/usr/bin/chromium`` is absent. Never run
``playwright install``: it downloads a browser and fails offline.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CENTAURE_CHROMIUM", "/usr/bin/chromium"))


def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test; without Chromium they are skipped."""
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, offline and quiet."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French-speaking browser at 1280x720 (the dashboard must then start in French)."""
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "viewport": {"width": 1280, "height": 720},
        "accept_downloads": True,
    }


@pytest.fixture(scope="session", autouse=True)
def _quiet_solara():
    """No usage telemetry and no banner in the test server."""
    import solara.server.settings as settings

    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    yield


class Watch:
    """What went wrong in a page: tracebacks shown, console errors, failed or outside requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _failed(self, request) -> None:
        if request.failure and "ERR_ABORTED" in request.failure:
            return  # a download or a navigation that replaced a pending request
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _request(self, request) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")):
            return
        if host not in ("localhost", "127.0.0.1", "::1"):
            self.problems.append(f"request outside this machine: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check(self) -> None:
        """Fail on a traceback in the page or any problem seen so far."""
        if not self.page.is_closed():
            body = self.page.evaluate("document.body ? document.body.innerText : ''")
            for word in ("Traceback", "RuntimeError", "Too many renders"):
                if word in body:
                    self.problems.append(f"{word} in the page: {body[body.index(word) : body.index(word) + 600]}")
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watch():
    """``watch(page)`` starts watching a page; every watched page is checked at the end of the test."""
    watched: list[Watch] = []

    def start(page) -> Watch:
        watched.append(Watch(page))
        return watched[-1]

    yield start
    for w in watched:
        w.check()


class ServerLog(logging.Handler):
    """Errors the dashboard's server logs during a test (reacton and Solara log there)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@pytest.fixture
def server_log():
    """Fails the test if the server logged an error or worse while it ran."""
    handler = ServerLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    assert not handler.records, "\n".join(handler.records)
