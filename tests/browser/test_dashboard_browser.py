"""End-to-end: the dashboard in headless Chromium (pages, slider, step, comparison, language, CSV).

Screenshots are taken at every run; with ``CENTAURE_SCREENSHOTS=1`` they are
written to ``docs/img/`` for ``docs/dashboard.md`` (otherwise to a temporary folder,
so that running the tests leaves the work tree clean).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from sim.metrics import HEADLINE

pytestmark = pytest.mark.browser

SMALL = "n_users=300&n_workers=12&n_organisations=2"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
IMG = DOCS_IMG if os.environ.get("CENTAURE_SCREENSHOTS") else Path(tempfile.gettempdir()) / "centaure-screenshots"
APP = "sim.dashboard.app"


def shot(page, name: str) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(IMG / name))


def week_is(page, text: str) -> None:
    page.wait_for_function(
        "t => { const e = document.querySelector('.centaure-week'); return e && e.innerText.includes(t); }",
        arg=text,
        polling="raf",
        timeout=20_000,
    )


def location(page) -> str:
    return page.evaluate("window.location.pathname + window.location.search")


def click_slider(page, index: int, fraction: float) -> None:
    slider = page.locator(".centaure-control .v-slider").nth(index)
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def test_explore_in_french_step_slider_csv_and_language(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}/?{SMALL}")
        week_is(page, "Semaine 0")  # French from the browser's Accept-Language
        page.locator(".centaure-nav-explore", has_text="Explorer").wait_for()
        # step, with the network shown (its latency is measured by benchmarks/bench_dashboard.py, not here)
        for n in range(1, 4):
            page.locator(".centaure-step").click()
            week_is(page, f"Semaine {n} ")
        assert page.locator(".centaure-network svg").count() == 2
        # a slider: the lever moves from next week on and the address records it
        before = page.locator(".centaure-value").first.inner_text()
        click_slider(page, 0, 0.2)
        page.wait_for_function(
            "b => document.querySelector('.centaure-value').innerText !== b", arg=before, timeout=10_000
        )
        page.wait_for_function("() => window.location.search.includes('change=4')", timeout=10_000)
        for n in range(4, 7):
            page.locator(".centaure-step").click()
            week_is(page, f"Semaine {n} ")
        shot(page, "explore_fr.png")
        # the data behind the charts, as CSV
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Données (CSV)").click()
        csv = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
        assert csv[0].startswith("week,engagement,annual_turnover,vacancy_rate,non_recourse")
        assert len(csv) == 1 + 7  # weeks 0..6
        # the link reproduces the run (same settings, same change, same seed)
        link = location(page)
        page.goto(f"{solara_server.base_url}{link}")
        week_is(page, "Semaine 0")
        assert "change=4" in location(page)
        # switch to English from the app bar: the page and the address follow
        page.locator(".centaure-lang button", has_text="EN").click()
        week_is(page, "Week 0")
        page.locator(".centaure-nav-compare", has_text="Compare").wait_for()
        page.wait_for_function("() => window.location.search.includes('lang=en')", timeout=10_000)


def test_compare_reform_and_learn_pages(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        # Compare two scenarios: runs off the UI thread with progress, then bands and a table
        page.goto(f"{solara_server.base_url}/compare?scenarios=npm,alliance&replicates=5&years=2&{SMALL}")
        page.locator(".centaure-run-compare").click()
        page.locator(".centaure-table").wait_for(timeout=60_000)
        assert page.locator(".centaure-table tr").count() == 1 + len(HEADLINE)
        page.locator(".centaure-compare-charts .cchart").first.wait_for()
        shot(page, "compare_fr.png")
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Tableau (CSV)").click()
        assert Path(info.value.path()).read_text().startswith("scenario,indicator,mean,ci_low,ci_high")

        # Reform lab: a reform at week 40 against its counterfactual, same seeds
        page.goto(
            f"{solara_server.base_url}/reform?lang=en&scenario=npm&week=40&replicates=5&years=2"
            f"&reform.participation_level=6&reform.reporting_pressure=0.2&{SMALL}"
        )
        page.locator(".centaure-run-reform").click()
        page.locator(".centaure-reform-summary").wait_for(timeout=60_000)
        shot(page, "reform_en.png")
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Scenario (TOML)").click()
        assert "[[reforms]]" in Path(info.value.path()).read_text()

        # Learn: the guided sequence, one click into Explore
        page.goto(f"{solara_server.base_url}/learn?step=2")
        page.locator(".centaure-learn-open").wait_for()
        shot(page, "learn_fr.png")
        page.locator(".centaure-learn-open").click()
        week_is(page, "Semaine 0")
        page.wait_for_function("() => window.location.search.includes('scenario=aller_vers')", timeout=10_000)


def test_three_sessions_do_not_see_each_other(solara_app, solara_server, browser, browser_context_args):
    with solara_app(APP):
        pages = []
        contexts = [browser.new_context(**browser_context_args) for _ in range(3)]
        try:
            for context in contexts:
                page = context.new_page()
                page.goto(f"{solara_server.base_url}/?{SMALL}")
                week_is(page, "Semaine 0")
                pages.append(page)
            a, b, c = pages
            for n in range(1, 4):  # A steps three weeks
                a.locator(".centaure-step").click()
                week_is(a, f"Semaine {n} ")
            value_c = c.locator(".centaure-value").first.inner_text()
            click_slider(b, 0, 0.9)  # B moves a lever
            b.wait_for_function(
                "v => document.querySelector('.centaure-value').innerText !== v", arg=value_c, timeout=10_000
            )
            b.locator(".centaure-step").click()
            week_is(b, "Semaine 1 ")
            time.sleep(0.5)
            assert "Semaine 3 " in a.locator(".centaure-week").inner_text()
            assert "Semaine 1 " in b.locator(".centaure-week").inner_text()
            assert "Semaine 0 " in c.locator(".centaure-week").inner_text()
            assert c.locator(".centaure-value").first.inner_text() == value_c
            assert a.locator(".centaure-value").first.inner_text() == value_c
            assert "reporting_pressure" not in location(a) + location(c)
        finally:
            for context in contexts:
                context.close()


QUICK = f"{SMALL}&spinup_weeks=0"  # no spin-up: a run takes a fraction of a second


def synthetic_posterior(tmp_path):
    """A tiny posterior over two behaviour constants (the shipped calibration may not exist yet)."""
    import numpy as np
    import pandas as pd

    from sim import posterior

    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {"waiting_drop_rate": rng.uniform(0.01, 0.2, 8), "support_effect": rng.uniform(0.02, 0.3, 8), "weight": 1.0}
    )
    frame.to_parquet(tmp_path / "posterior.parquet")
    return posterior.read(tmp_path / "posterior.parquet")


def test_compare_over_posterior_draws_and_what_explains_the_difference(
    solara_app, solara_server, page_session, watch, server_log, monkeypatch, tmp_path
):
    from sim import posterior

    shipped = synthetic_posterior(tmp_path)
    monkeypatch.setattr(posterior, "shipped", lambda: shipped)
    page = page_session
    watch(page)
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}/compare?scenarios=npm,tokenism&replicates=5&draws=2&years=1&{QUICK}")
        page.locator(".centaure-draws").wait_for()
        assert "20\u00a0simulations" in page.locator(".centaure-runs").inner_text()
        page.locator(".centaure-run-compare").click()
        heading = page.locator(".centaure-result-heading").first
        heading.wait_for(timeout=60_000)
        text = heading.inner_text()
        assert "2\u00a0tirages de la calibration × 5\u00a0répétitions" in text, text
        assert "l'incertitude des paramètres calibrés" in text, text
        note = page.locator(".centaure-interval-note").inner_text()
        assert "tirages de la calibration" in note and "centile" in note, note
        # what explains the difference: npm is the baseline, 1 family -> 2 coalitions x 2 draws x 5 seeds
        page.locator(".centaure-run-decompose").click()
        page.locator(".centaure-decompose-table").first.wait_for(timeout=60_000)
        assert page.locator(".centaure-decompose-table").count() == len(HEADLINE)
        rows = page.locator(".centaure-decompose-non-recourse tr")
        assert rows.count() == 1 + 1 + 1  # header, the family, the total
        table = page.locator(".centaure-decompose-non-recourse").inner_text()
        assert "Différence totale" in table and "intervalle 95\u202f% sur les tirages" in table, table
        assert page.locator(".centaure-explanations li").count() == len(HEADLINE)
        assert page.locator(".centaure-waterfall img").count() >= 1
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Tableau (CSV)").last.click()
        csv = Path(info.value.path()).read_text()
        assert csv.startswith("family,indicator,mean") and "posterior draws x seeds" in csv
        # draws=0: the seeds only, said so
        page.locator(".centaure-draws .v-radio").first.click()
        page.wait_for_function("() => window.location.search.includes('draws=0')", timeout=10_000)
        page.locator(".centaure-stale").first.wait_for(timeout=10_000)
