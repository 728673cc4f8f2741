"""Mon établissement in headless Chromium, in French: the form (a bad value gets its message), an example, the
fit on a tiny territory, a reform of the organisation alone, the report downloaded; axe-core on the page; two
sessions never see each other's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_dashboard_a11y import axe_violations, settle
from test_dashboard_browser import shot

from sim.organisation import report

pytestmark = pytest.mark.browser

APP = "sim.dashboard.app"
TINY = "n_users=300&n_workers=12&n_organisations=2&spinup_weeks=26"
"""A tiny territory with a short spin-up: the fit and the reform take seconds."""
PAGE = f"/organisation?seeds=1&rounds=2&replicates=5&years=1&week=20&draws=0&{TINY}"


MARGIN_MM = int(re.search(r"@page \{ size: A4; margin: (\d+)mm", report.CSS)[1])
A4_CONTENT_PX = int((210 - 2 * MARGIN_MM) / 25.4 * 96)
"""The width of an A4 sheet inside the report's margins, in CSS pixels (96 px an inch)."""


def check_one_a4_page(context, report: str, tmp_path) -> None:
    """The report printed by Chromium (PDF, A4): one page, at full size.

    Chromium shrinks a page wider than the sheet to fit it (down to half), which
    would fit the sheet with unreadable type: at the print style and the sheet's
    width, nothing may be wider than the sheet.
    """
    path = tmp_path / "rapport.html"
    path.write_text(report, encoding="utf-8")
    printed = context.new_page()
    try:
        printed.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
        printed.goto(path.as_uri())
        pdf = printed.pdf(format="A4", prefer_css_page_size=True)
        printed.emulate_media(media="print")
        width = printed.evaluate("document.documentElement.scrollWidth")
    finally:
        printed.close()
    assert width <= A4_CONTENT_PX, f"the printed report is {width} px wide, the sheet {A4_CONTENT_PX}"
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def field(page, key: str):
    return page.locator(f".centaure-form-{key} input").first


def test_the_whole_path_in_french(solara_app, solara_server, page_session, watch, server_log, tmp_path):
    page = page_session
    watch(page)
    with solara_app(APP):
        page.goto(f"{solara_server.base_url}{PAGE}")
        page.locator(".centaure-nav-organisation", has_text="Mon établissement").wait_for(timeout=30_000)
        page.locator(".centaure-incomplete").wait_for()  # an empty form: nothing to fit yet
        expect(page.locator(".centaure-run-fit")).to_be_disabled(timeout=10_000)
        page.locator(".centaure-example-small_association").click()
        field(page, "funded_posts").wait_for()
        page.wait_for_function(
            "() => document.querySelector('.centaure-form-funded_posts input').value === '8'", timeout=10_000
        )
        page.locator(".centaure-national").first.wait_for()
        assert "Axess 2023" in page.locator(".centaure-national").inner_text()
        # a bad value: a message in the field, in French, and no fit possible
        field(page, "vacant_posts").fill("12")
        message = page.locator(".centaure-form-vacant_posts .error--text .v-messages__message")
        message.wait_for(timeout=10_000)
        assert "au plus 7\u00a0ETP" in message.inner_text()
        expect(page.locator(".centaure-run-fit")).to_be_disabled(timeout=10_000)
        field(page, "vacant_posts").fill("abc")
        page.locator(".centaure-form-vacant_posts .v-messages__message", has_text="n'est pas un nombre").wait_for()
        field(page, "vacant_posts").fill("0")
        page.locator(".centaure-national").first.wait_for()
        # the fit, in the background, then the table "vous avez saisi / le modèle part de"
        page.locator(".centaure-run-fit").click()
        table = page.locator(".centaure-fit-table")
        table.wait_for(timeout=60_000)
        text = table.inner_text()
        assert "Vous avez saisi" in text and "Le modèle part de" in text and "Selon les tirages" in text, text
        assert page.locator(".centaure-unmatched, .centaure-all-matched").count() == 1
        # a reform of this organisation alone
        page.locator(".centaure-org-levers .centaure-disclosure-button").first.wait_for()
        page.locator(".centaure-lever-reporting_pressure label").click()
        page.wait_for_function("() => window.location.search.includes('reform.reporting_pressure')", timeout=10_000)
        page.locator(".centaure-reform-reason").wait_for()  # the organisation's own value: a reform changing nothing
        expect(page.locator(".centaure-run-org-reform")).to_be_disabled(timeout=10_000)
        number = page.locator(".centaure-param-reporting_pressure .centaure-number input")
        number.fill("0,1")
        number.press("Enter")
        page.wait_for_function("() => window.location.search.includes('reform.reporting_pressure=0.1')", timeout=10_000)
        page.locator(".centaure-run-org-reform").click()
        page.locator(".centaure-org-own").wait_for(timeout=90_000)
        assert "IC 95\u202f% de l'effet (graines)" in page.locator(".centaure-org-own").inner_text()
        assert page.locator(".centaure-org-neighbours tbody tr").count() == 3 * 2  # 3 neighbours x 2 counts
        assert page.locator(".centaure-org-totals tbody tr").count() == 4
        assert page.locator(".centaure-effects li").count() >= 5
        assert "reporting_pressure" in page.evaluate("window.location.search")
        assert "Relais" not in page.evaluate("window.location.href")  # the figures never go in the address
        settle(page)
        shot(page, "organisation_fr.png")
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
        # the report for the board
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Rapport").click()
        report = Path(info.value.path()).read_text(encoding="utf-8")
        assert report.startswith("<!DOCTYPE html>") and '<html lang="fr">' in report and "@media print" in report
        assert "Association Le Relais" in report and "Pression du reporting" in report
        check_one_a4_page(page.context, report, tmp_path)
        with page.expect_download() as info:
            page.locator(".centaure-download", has_text="Scénario avec la réforme").click()
        toml = Path(info.value.path()).read_text(encoding="utf-8")
        assert "[[reforms]]" in toml and "organisation = 0" in toml and "[organisation]" in toml


def test_two_directors_never_see_each_others_figures(solara_app, solara_server, browser, browser_context_args):
    with solara_app(APP):
        contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
        try:
            a, b = (context.new_page() for context in contexts)
            for page in (a, b):
                page.goto(f"{solara_server.base_url}{PAGE}")
                page.locator(".centaure-incomplete").wait_for(timeout=30_000)
            a.locator(".centaure-example-public_service_vacancies").click()
            a.wait_for_function(
                "() => { const e = document.querySelector('.centaure-form-name input'); return e && e.value.length > 0; }",
                timeout=10_000,
            )
            field(a, "name").fill("Service A confidentiel")
            a.locator(".centaure-nav-compare").click()  # leave and come back: the figures are still there
            a.locator(".centaure-run-compare").wait_for(timeout=30_000)
            a.locator(".centaure-nav-organisation").click()
            a.wait_for_function(
                "() => { const e = document.querySelector('.centaure-form-name input'); return e && e.value === 'Service A confidentiel'; }",
                timeout=20_000,
            )
            b.reload()
            b.locator(".centaure-incomplete").wait_for(timeout=30_000)
            assert field(b, "name").input_value() == ""
            assert "confidentiel" not in b.locator("body").inner_text()
        finally:
            for context in contexts:
                context.close()
