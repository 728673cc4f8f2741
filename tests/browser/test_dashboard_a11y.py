"""Accessibility and the projector: axe-core on every page, the skip link, ``<html lang>``, chart text sizes.

axe-core is vendored (``vendor/axe.min.js``, MPL-2.0, from the npm package
``axe-core``): CI needs nothing more than the Python test dependencies.
Every test also fails on console errors and on any request that fails or
leaves this machine (``watch``): the dashboard must work offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sim.metrics import HEADLINE

pytestmark = pytest.mark.browser

APP = "sim.dashboard.app"
TINY = "n_users=300&n_workers=12&n_organisations=2"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """Serious and critical violations axe-core finds in the page as it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def test_every_page_passes_axe_in_french(solara_app, solara_server, page_session, watch, server_log):
    page = page_session
    watch(page)
    base = solara_server.base_url
    with solara_app(APP):
        page.goto(f"{base}/?{TINY}")
        page.locator(".centaure-week").wait_for(timeout=30_000)
        for group in ("structure", "behaviour"):
            page.locator(f".centaure-panel-{group} .centaure-disclosure-button").click()
        settle(page)
        assert page.evaluate("document.documentElement.lang") == "fr"
        found = {"explore": axe_violations(page)}
        page.goto(f"{base}/compare?scenarios=npm,de_npm&replicates=5&years=1&{TINY}&spinup_weeks=0")
        page.locator(".centaure-run-compare").click()
        page.locator(".centaure-result-heading").first.wait_for(timeout=60_000)
        page.locator(".centaure-run-decompose").click()  # with the decomposition's section
        page.locator(".centaure-decompose-table").first.wait_for(timeout=60_000)
        settle(page)
        found["compare"] = axe_violations(page)
        page.goto(f"{base}/reform?scenario=npm&week=20&replicates=5&years=1&reform.reporting_pressure=0.2&{TINY}")
        page.locator(".centaure-run-reform").click()
        page.locator(".centaure-result-heading").wait_for(timeout=60_000)
        settle(page)
        found["reform"] = axe_violations(page)
        page.goto(f"{base}/learn?step=2")
        page.locator(".centaure-learn-open").wait_for()
        settle(page)
        found["learn"] = axe_violations(page)
        page.locator(".centaure-lang button", has_text="EN").click()
        page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert not any(found.values()), "\n".join(f"{page}: {v}" for page, vs in found.items() for v in vs)


def test_the_skip_link_is_the_first_stop_and_reaches_play(solara_app, solara_server, page_session, watch, server_log):
    page = page_session
    watch(page)
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}/?{TINY}")
        page.locator(".centaure-week").wait_for(timeout=30_000)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className").startswith("centaure-skip")
        page.keyboard.press("Enter")
        assert "centaure-play" in page.evaluate("document.activeElement.className")
        page.keyboard.press("Enter")  # and the keyboard plays
        page.locator(".centaure-play", has_text="Pause").wait_for()
        page.keyboard.press("Enter")
        page.locator(".centaure-play", has_text="Lancer").wait_for()


def text_sizes(page, selector: str) -> list[float]:
    """Rendered font sizes (px) of every text inside ``selector``."""
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)].flatMap(root => {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const sizes = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.textContent.trim()) continue;
                const el = node.parentElement;
                const box = el.getBoundingClientRect();
                if (box.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
                sizes.push(parseFloat(getComputedStyle(el).fontSize));
            }
            return sizes;
        })""",
        selector,
    )


@contextmanager
def page_of_size(browser, browser_context_args, watch, size: tuple[int, int]) -> Iterator:
    """A new watched page of ``size`` (width, height) in its own browser context, closed afterwards."""
    width, height = size
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": width, "height": height}})
    try:
        page = context.new_page()
        watch(page)
        yield page
    finally:
        context.close()


def app_bar_cuts(page, width: int) -> list[str]:
    """Texts of the app bar that are cut (an ellipsis: wider than their box) or reach past the window."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('.v-app-bar .v-toolbar__title, .v-app-bar .v-btn')]
            .filter(el => el.offsetParent !== null)
            .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > width)
            .map(el => el.innerText)""",
        width,
    )


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1366, 768)], ids=["1024x768", "1280x720", "1366x768"])
def test_every_switch_of_the_app_bar_stays_on_a_projectors_screen(
    solara_app, solara_server, browser, browser_context_args, watch, server_log, size
):
    """In both modes: every page, the presentation switch and the language switch are on screen, and each page
    button keeps its name (read aloud and shown as its title) when only its icon shows."""
    from sim.dashboard.app import PAGES
    from sim.i18n import t

    width, _ = size
    with solara_app(APP), page_of_size(browser, browser_context_args, watch, size) as page:
        for query in (TINY, f"{TINY}&present=1"):
            page.goto(f"{solara_server.base_url}/compare?{query}")
            page.locator(".centaure-lang").wait_for(timeout=30_000)
            page.locator(".centaure-present").wait_for()
            assert app_bar_cuts(page, width) == [], f"the app bar cuts or overflows ({query})"
            for _, key, _ in PAGES:
                button = page.get_by_role("button", name=t(key, "fr"), exact=True)
                assert button.is_visible() and button.get_attribute("title") == t(key, "fr")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_presentation_mode_shows_one_large_chart_with_readable_french_text(
    solara_app, solara_server, browser, browser_context_args, watch, server_log, size
):
    width, height = size
    with solara_app(APP), page_of_size(browser, browser_context_args, watch, size) as page:
        page.goto(f"{solara_server.base_url}/?{TINY}")
        page.locator(".centaure-week").wait_for(timeout=30_000)
        assert app_bar_cuts(page, width) == [], "the app bar cuts or overflows"
        for _ in range(3):
            page.locator(".centaure-step").click()
        page.locator(".centaure-chart-workforce .cchart-summary", has_text="Semaine 3").wait_for()
        sizes = text_sizes(page, ".cchart")
        assert sizes and min(sizes) >= 14, sizes  # already legible without presentation mode
        page.locator(".centaure-present").click()
        page.locator(".centaure-view-picker").wait_for()
        page.locator(".centaure-view-non_recourse").click()
        page.locator(".centaure-chart-non-recourse").wait_for()
        assert page.locator(".cchart").count() == 1  # one chart, large
        sizes = text_sizes(page, ".cchart")
        assert min(sizes) >= 17, sizes
        box = page.locator(".cchart-plot").bounding_box()
        assert box["height"] >= 0.4 * height
        ticks = page.locator(".cchart-y span").all_text_contents()
        assert all(re.fullmatch(r"\d+(,\d+)?\u202f%", t) for t in ticks), ticks  # French: 25 %, 12,5 %
        page.locator(".centaure-view-workforce").click()
        page.locator(".centaure-chart-workforce").wait_for()
        ticks = page.locator(".centaure-chart-workforce .cchart-y span").all_text_contents()
        assert ticks and not any("." in t for t in ticks) and any("," in t for t in ticks), ticks
        assert "present=1" in page.evaluate("window.location.search")  # a reload or a shared link stays in it
        page.goto(f"{solara_server.base_url}/compare?scenarios=npm,alliance&replicates=5&years=1&{TINY}&present=1")
        page.locator(".centaure-run-compare").click()
        page.locator(".centaure-result-heading").wait_for(timeout=60_000)
        assert page.locator(".cchart").count() == 1  # still presenting: one indicator at a time
        assert min(text_sizes(page, ".cchart, .centaure-table")) >= 17
        page.locator(".centaure-present").click()
        page.locator(".centaure-chart-grid").wait_for()
        assert page.locator(".cchart").count() == len(HEADLINE)
        assert min(text_sizes(page, ".cchart")) >= 14
