"""My organisation, the page's logic and the board's report (no browser): the form checked in the page's language,
a reform of the organisation alone on a tiny fitted territory, the report's content and the scenario reproducing it."""

from __future__ import annotations

import html
import io
import re
import socket
import sys
import tomllib
from pathlib import Path

import pytest
from test_cli import ClosedPipe

from sim import scenarios
from sim.cli import main
from sim.dashboard import organisation as work
from sim.organisation import fit, form, report
from sim.organisation import reform as org_reform

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "organisations"
TINY = (("n_users", 300), ("n_workers", 12), ("n_organisations", 2), ("spinup_weeks", 26))
"""A tiny territory with a short spin-up (the fit's words and the report do not depend on its size)."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def studied():
    draft, base = work.example_draft("small_association", "fr")
    entered, problems = work.check(draft, "fr")
    assert not problems
    fitted = work.run_fit(work.FitSettings(entered, base, seeds=1, rounds=2, values=TINY))
    changes = (("reporting_pressure", 0.1), ("caseload_cap", 20))
    result = work.run_reform(work.OrgReformSettings(fitted, 20, changes, replicates=3, years=1))
    return fitted, result


# ------------------------------------------------------------------ the form as the page checks it
def test_an_example_reads_back_as_the_same_form():
    draft, base = work.example_draft("public_service_vacancies", "fr")
    entered, problems = work.check(draft, "fr")
    assert not problems and base == "npm"
    assert entered == form.load(EXAMPLES / "public_service_vacancies.toml")[0]
    assert entered == work.check(work.example_draft("public_service_vacancies", "en")[0], "en")[0]


@pytest.mark.parametrize(
    ("changes", "key", "fr", "en"),
    [
        ({"funded_posts": "beaucoup"}, "funded_posts", "n'est pas un nombre", "is not a number"),
        ({"funded_posts": "900"}, "funded_posts", "hors de la plage plausible\u00a0: de 2 à 500", "from 2 to 500"),
        ({"people_supported": "90,5"}, "people_supported", "un nombre entier", "a whole number"),
        ({"name": "  "}, "name", "À remplir", "Required"),
        ({"kind": ""}, "kind", "Choisissez", "Choose"),
        ({"vacant_posts": "9"}, "vacant_posts", "au plus 7\u00a0ETP", "at most 7 FTE"),
        ({"catchment_population": "100"}, "catchment_population", "au moins 106", "at least 106"),
        ({"departures_last_year": "40"}, "departures_last_year", "Au plus 2 départs", "At most 2 departures"),
        ({"outreach_hours_per_week": "200"}, "outreach_hours_per_week", "des heures de l'équipe", "team's hours"),
        ({"funding.global_allocation": "10"}, "funding", "elles font 40\u202f%", "they sum to 40%"),
    ],
)
def test_a_bad_value_gets_one_sentence_under_its_field_in_the_page_language(changes, key, fr, en):
    draft, _ = work.example_draft("small_association", "fr")
    for lang, words in (("fr", fr), ("en", en)):
        entered, problems = work.check({**draft, **changes}, lang)
        assert entered is None and list(problems) == [key]
        assert words in problems[key] and "\n" not in problems[key]
        assert "organisation." not in problems[key] and "expected" not in problems[key]  # no code words


def test_numbers_are_read_as_a_director_types_them():
    draft, _ = work.example_draft("small_association", "fr")
    typed = {**draft, "catchment_population": "45\u202f000", "cost_growth_percent": "2.5", "funded_posts": "8,0"}
    entered, problems = work.check(typed, "fr")
    assert not problems and entered.catchment_population == 45_000 and entered.cost_growth_percent == 2.5
    empty, problems = work.check(work.empty_draft(), "fr")
    assert empty is None and "non_take_up_percent" not in problems and "outreach_hours_per_week" not in problems


def test_every_field_of_the_form_is_on_the_page_once():
    from sim.dashboard.pages.organisation import GROUPS

    keys = [k for _, group in GROUPS for k in group]
    assert sorted(keys) == sorted(f.key for f in form.FIELDS) and len(keys) == len(set(keys))


# ------------------------------------------------------------------ the reform of the organisation alone
def test_the_reform_changes_the_organisation_alone_on_common_seeds(studied):
    fitted, result = studied
    r = result.reform
    assert r.reform.organisation == fit.DIRECTOR and r.changes == {"reporting_pressure": 0.1, "caseload_cap": 20}
    reformed = r.scenario_with_reform.reforms[-1]
    assert set(reformed.changes) == {"reporting_pressure@0", "caseload_cap@0"}
    assert set(r.own["indicator"]) >= set(org_reform.OWN)
    assert sorted(r.neighbours["organisation"].unique()) == [1, 2, 3]
    # before the reform both arms are the same runs (same seeds): the difference is zero
    before = r.own_difference[r.own_difference["week"] < 20]
    assert (before[list(org_reform.OWN)].abs().to_numpy() == 0).all()
    totals = r.totals.set_index("indicator")
    runs = r.effect.runs
    last = runs[runs["week"] > runs["week"].max() - 52]
    summed = last[last["arm"] == "counterfactual"].groupby(["replicate", "week"])["supported"].sum().mean()
    assert totals.loc["supported", "counterfactual"] == pytest.approx(summed)
    assert org_reform.unchanged(fitted.scenario, {"caseload_cap": org_reform.current(fitted.scenario, "caseload_cap")})


# ------------------------------------------------------------------ the board's report
def test_the_report_holds_the_figures_the_fit_the_reform_and_its_uncertainty(studied):
    fitted, result = studied
    page = report.html(fitted, result.reform, "fr")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "@media print" in page and "size: A4" in page
    assert not re.search(r"(src|href)=\"?https?:", page)  # nothing to fetch: it prints offline
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for words in (
        "Association Le Relais (exemple)",
        "1. Les chiffres saisis",
        "Postes financés",
        "8\u00a0ETP",
        "Axess 2023",  # the national comparison
        "Vous avez saisi",
        "Le modèle part de",
        "Selon les tirages",
        "semaine 20",
        "Pression du reporting",
        "sans la réforme",
        "IC 95\u202f% de l'effet (graines)",
        "Le territoire (tous les établissements)",
        "Voisin 1",
        "4. Les hypothèses qui comptent",
        "Intervalles sur les graines",
        "ne couvrent ni l'incertitude de l'ajustement",
        "centaure compare depart.toml reforme.toml",
    ):
        assert words in text, words
    for row in fitted.rows:
        assert fit.t(f"organisation.row.{row.key}", "fr") in text
    english = report.html(fitted, result.reform, "en")
    assert '<html lang="en">' in english and "You entered" in english and "without the reform" in english


def test_the_report_without_a_reform_says_so(studied):
    fitted, _ = studied
    page = html.unescape(report.html(fitted, None, "fr"))
    assert "Aucune réforme n'a encore été testée" in page and "Voisin" not in page


def test_the_report_fits_on_one_a4_page(studied):
    """A budget for one sheet at the print size: few enough lines of tables and text (the browser test prints it
    with Chromium and counts the pages: one, at 48 table rows and about 1,500 words)."""
    fitted, result = studied
    page = report.html(fitted, result.reform, "fr")
    rows = page.count("<tr>")
    words = len(re.sub(r"<[^>]+>|<style>.*?</style>", " ", page, flags=re.S).split())
    assert rows <= 56 and words <= 1700, (rows, words)


def test_the_reports_scenario_reproduces_it(studied, tmp_path):
    fitted, result = studied
    path = tmp_path / "reforme.toml"
    path.write_text(report.scenario_toml(fitted, result.reform, "fr"), encoding="utf-8")
    loaded = scenarios.load(path)
    assert loaded.params == result.reform.scenario.params
    assert loaded.reforms == result.reform.scenario_with_reform.reforms
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["reforms"][0]["organisation"] == 0 and "organisation" in data
    assert form.load(path)[0] == fitted.form  # the figures travel with it
    start = tmp_path / "depart.toml"
    start.write_text(report.start_toml(fitted, result.reform, "fr"), encoding="utf-8")
    without = scenarios.load(start)  # the same territory and horizon, without the reform
    assert without.params == loaded.params and not without.reforms


def test_the_command_writes_the_report_only_when_asked(tmp_path, capsys, monkeypatch):
    quick = fit.fit

    def tiny(*args, **kwargs):
        return quick(*args, **{**kwargs, "rounds": 1, "changes": dict(TINY)})

    monkeypatch.setattr(fit, "fit", tiny)
    out = tmp_path / "rapport.html"
    good = EXAMPLES / "small_association.toml"
    assert main(["--lang", "fr", "organisation", str(good), "--seeds", "1", "--report", str(out)]) == 0
    assert "Vous avez saisi" in out.read_text(encoding="utf-8")
    assert main(["organisation", str(good), "--report", str(tmp_path / "r.pdf")]) == 2
    assert "--report" in capsys.readouterr().err
    out.unlink()  # a pager that closes the pipe early: the report is written before anything is printed
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # the command closes it on a broken pipe
    assert main(["organisation", str(good), "--seeds", "1", "--report", str(out)]) == 0
    assert "</html>" in out.read_text(encoding="utf-8")


def test_the_fit_stops_between_two_runs_when_cancelled():
    """The page's Cancel (and a closed tab) stop the fit after the run in progress."""
    from sim.dashboard.background import Cancelled

    entered, _ = work.check(work.example_draft("small_association", "fr")[0], "fr")
    calls = []

    def tick():
        calls.append(1)
        if len(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        work.run_fit(work.FitSettings(entered, "npm", seeds=3, rounds=2, values=TINY), tick)
    assert len(calls) == 2
