"""Browser tests: headless Debian Chromium driven by Playwright through pytest-ipywidgets.

They skip (not fail) when ``/usr/bin/chromium`` is absent. Never run
``playwright install``: it downloads a browser and fails offline.
"""

from __future__ import annotations

import os
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
