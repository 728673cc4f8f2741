"""The dashboard in the room: what a lecturer or a director does in front of people, in headless Chromium.

Clicks in any order and speed, several tabs playing at once, a tab closed
mid-run. Every test fails on a traceback in the page, a console error, a
request that failed or left this machine (``watch``), and on an error in the
server's log (``server_log``). Territories are tiny (300 people) to keep CI short.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from sim import scenarios

pytestmark = pytest.mark.browser

APP = "sim.dashboard.app"
TINY = "n_users=300&n_workers=12&n_organisations=2"


def week(page) -> int:
    """The week the page shows."""
    text = page.locator(".centaure-week").inner_text()
    return int("".join(c for c in text.split("·")[0] if c.isdigit()))


def wait_label(page, css: str, text: str) -> None:
    page.locator(css, has_text=text).wait_for(timeout=20_000)


def play(page) -> None:
    page.locator(".centaure-play").click()
    wait_label(page, ".centaure-play", "Pause")


def pause(page) -> None:
    page.locator(".centaure-play").click()
    wait_label(page, ".centaure-play", "Lancer")


def open_explore(page, base_url: str, query: str = TINY) -> None:
    page.goto(f"{base_url}/?{query}")
    page.locator(".centaure-week").wait_for(timeout=30_000)


def test_fifty_play_pause_cycles_and_quick_mixes_with_the_network_shown(
    solara_app, solara_server, page_session, watch, server_log
):
    page = page_session
    watch(page)
    rng = random.Random(11)
    with solara_app(APP):
        open_explore(page, solara_server.base_url)
        assert page.locator(".centaure-network svg").count() == 2
        weeks = []
        for _ in range(50):
            play(page)
            page.wait_for_timeout(rng.choice([0, 30, 120, 400]))
            pause(page)
            weeks.append(week(page))
        assert weeks == sorted(weeks) and weeks[-1] > 0
        # quick mixes: play, step, reset, speed, in any order, without waiting for the page
        for _ in range(40):
            rng.choice(
                [
                    lambda: page.locator(".centaure-play").click(),
                    lambda: page.locator(".centaure-step").click(no_wait_after=True, force=True),
                    lambda: page.locator(".centaure-reset").click(),
                ]
            )()
            page.wait_for_timeout(rng.choice([0, 10, 60]))
        page.wait_for_timeout(1500)
        # it still works: one more clean cycle advances the run
        if "Pause" in page.locator(".centaure-play").text_content():
            pause(page)
        before = week(page)
        play(page)
        page.wait_for_function(
            f"() => !document.querySelector('.centaure-week').innerText.includes('Semaine {before} ')"
        )
        pause(page)


def test_page_and_language_switches_mid_run(solara_app, solara_server, page_session, watch, server_log):
    page = page_session
    watch(page)
    with solara_app(APP):
        open_explore(page, solara_server.base_url)
        play(page)
        page.wait_for_timeout(500)
        page.locator(".centaure-lang button", has_text="EN").click()
        wait_label(page, ".centaure-play", "Pause")  # still playing, now in English
        page.wait_for_timeout(300)
        page.locator(".centaure-nav-compare").click()
        page.locator(".centaure-run-compare").wait_for()
        page.locator(".centaure-nav-explore").click()
        page.locator(".centaure-play", has_text="Play").wait_for()  # leaving the page paused it
        page.locator(".centaure-lang button", has_text="FR").click()
        play(page)
        page.wait_for_timeout(300)
        pause(page)


def test_five_tabs_playing_at_once(solara_app, solara_server, browser, browser_context_args, watch, server_log):
    with solara_app(APP):
        contexts = [browser.new_context(**browser_context_args) for _ in range(5)]
        try:
            pages = []
            for context in contexts:
                page = context.new_page()
                watch(page)
                open_explore(page, solara_server.base_url)
                pages.append(page)
            for page in pages:
                play(page)
            time.sleep(6)
            started = [week(page) for page in pages]
            for page, first in zip(pages, started, strict=True):
                deadline = time.monotonic() + 30  # a loaded machine may hold one tab's frame back a while
                while week(page) <= first and time.monotonic() < deadline:
                    time.sleep(0.5)
                assert week(page) > first  # every tab is still playing
                assert "Pause" in page.locator(".centaure-play").text_content()
            for page in pages:
                pause(page)
        finally:
            for context in contexts:
                context.close()


def job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("centaure-")]


def kernels():
    from solara.server import kernel_context

    return {key: context for key, context in kernel_context.contexts.items() if not context.closed_event.is_set()}


def test_closing_a_tab_stops_its_run_and_its_comparison(
    solara_app, solara_server, browser, browser_context_args, watch, server_log
):
    with solara_app(APP):
        before = set(kernels())
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        watch(page)
        open_explore(page, solara_server.base_url)
        play(page)
        page.locator(".centaure-nav-compare").click()
        page.goto(f"{solara_server.base_url}/compare?scenarios=npm,alliance&replicates=30&years=20&{TINY}")
        page.locator(".centaure-run-compare").click()
        page.locator(".centaure-progress-text").wait_for(timeout=20_000)
        assert any(t.name.startswith("centaure-job-compare") for t in job_threads())
        mine = set(kernels()) - before
        assert mine
        page.close(run_before_unload=True)  # the tab goes (as a person closes it): its kernel closes
        context.close()
        deadline = time.monotonic() + 20
        while (job_threads() or mine & set(kernels())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not mine & set(kernels()), "the kernel is still open"
        assert not job_threads(), job_threads()


def test_leaving_compare_keeps_its_settings_and_its_running_comparison(
    solara_app, solara_server, page_session, watch, server_log
):
    page = page_session
    watch(page)
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}/compare?scenarios=npm,alliance&replicates=5&years=4&{TINY}")
        page.locator(".centaure-pick-aller_vers input").check(force=True)
        page.wait_for_function("() => window.location.search.includes('aller_vers')")
        page.locator(".centaure-run-compare").click()
        page.locator(".centaure-progress-text").wait_for(timeout=20_000)
        page.locator(".centaure-nav-learn").click()
        page.locator(".centaure-learn-open").wait_for()
        page.locator(".centaure-nav-compare").click()
        page.wait_for_function("() => window.location.search.includes('aller_vers')")  # the settings came back
        page.locator(".centaure-result-heading").wait_for(timeout=60_000)  # the comparison went on meanwhile
        heading = page.locator(".centaure-result-heading").text_content()
        assert "Aller-vers" in heading or "aller" in heading.lower()
        assert page.locator(".centaure-stale").count() == 0
        page.locator(".centaure-nav-explore").click()
        page.locator(".centaure-week").wait_for()
        page.locator(".centaure-nav-compare").click()
        page.locator(".centaure-result-heading").wait_for()  # the result too


def test_opening_every_panel_changes_nothing(solara_app, solara_server, page_session, watch, server_log):
    page = page_session
    watch(page)
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}/?scenario=npm")
        page.locator(".centaure-week").wait_for(timeout=30_000)
        page.locator(".centaure-step").click()
        page.wait_for_function("() => document.querySelector('.centaure-week').innerText.includes('Semaine 1 ')")
        address = page.evaluate("window.location.search")
        for group in ("structure", "behaviour"):
            page.locator(f".centaure-panel-{group} .centaure-disclosure-button").click()
        page.locator(".centaure-param-need_arrival_rate .v-slider").wait_for()
        page.wait_for_timeout(1500)
        assert page.evaluate("window.location.search") == address  # no value written
        assert "Semaine 1 " in page.locator(".centaure-week").inner_text()  # not restarted
        npm_value = repr(scenarios.load("npm").params.need_arrival_rate).replace(".", ",")  # off the slider's grid
        values = page.locator(".centaure-param-need_arrival_rate .centaure-value").text_content()
        assert values.startswith(npm_value), values
        assert page.locator(".centaure-param-need_arrival_rate input[inputmode=decimal]").input_value() == npm_value
