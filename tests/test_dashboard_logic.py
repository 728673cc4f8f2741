"""Dashboard logic without a browser: words, addresses, the live run, replicate runs."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest

from sim import i18n, scenarios
from sim.dashboard import experiments, svg, urlstate
from sim.dashboard.components.controls import control_kind, float_step, snap
from sim.dashboard.live import ExploreRun
from sim.errors import CentaureError
from sim.model import CentaureModel
from sim.params import Params, levers

SMALL = {"n_users": 300, "n_workers": 12, "n_organisations": 2}
SMALL_QUERY = "n_users=300&n_workers=12&n_organisations=2"


def test_every_parameter_gets_a_control_with_label_and_unit():
    for name, spec in Params.specs().items():
        kind = control_kind(spec)
        assert kind in {"switch", "select", "slider", "number"}, name
        assert i18n.label(spec, "fr") and i18n.label(spec, "en"), name
        if kind == "slider" and spec.kind is float:
            assert 0 < float_step(spec) <= (spec.high - spec.low) / 50
            assert spec.low <= snap(spec, spec.high + 1) <= spec.high
    for spec in levers().values():  # every lever has help text and a French unit
        assert i18n.help_text(spec, "fr") and i18n.help_text(spec, "en"), spec.name
        assert i18n.unit(spec.unit, "fr") != "" and (
            spec.unit == "rule" or i18n.unit(spec.unit, "fr") != spec.unit or spec.unit in ("engagement",)
        ), spec.name


def test_explore_address_round_trip():
    settings, errors = urlstate.parse_explore(
        f"scenario=alliance&seed=3&{SMALL_QUERY}&reporting_pressure=0.2&change=10:participation_level=6,peer_worker_programme=true"
    )
    assert errors == []
    assert settings.scenario == "alliance" and settings.seed == 3
    assert settings.values["reporting_pressure"] == 0.2
    assert settings.changes[0].week == 10 and settings.changes[0].changes == {
        "participation_level": 6,
        "peer_worker_programme": True,
    }
    again, errors = urlstate.parse_explore(settings.query())
    assert again == settings and errors == []


@pytest.mark.parametrize(
    "query",
    [
        "scenario=nope",
        "reporting_pressure=9",
        "reporting_pressure=abc",
        "n_users=50000000",
        "funding_market=0&funding_redistribution=0&funding_reciprocity=0",
        "change=oops",
        "change=5:n_users=10",
        "seed=-1",
        "unknown_lever=1",
    ],
)
def test_bad_addresses_are_reported_not_raised(query):
    settings, errors = urlstate.parse_explore(query)
    assert errors
    settings.build()  # still a valid scenario


def test_compare_and_reform_addresses():
    c, errors = urlstate.parse_compare(f"scenarios=npm,alliance,bogus&replicates=6&years=2&{SMALL_QUERY}")
    assert c.scenarios == ("npm", "alliance") and c.replicates == 6 and c.years == 2 and len(errors) == 1
    assert urlstate.parse_compare(c.query())[0] == c
    r, errors = urlstate.parse_reform(
        f"scenario=npm&week=40&reform.participation_level=6&reform.n_users=10&{SMALL_QUERY}"
    )
    assert r.changes == {"participation_level": 6} and r.week == 40 and len(errors) == 1
    assert urlstate.parse_reform(r.query())[0] == r


def test_live_run_steps_and_records_changes_as_reforms():
    settings, _ = urlstate.parse_explore(SMALL_QUERY)
    run = ExploreRun(settings)
    run.step(3)
    assert run.week == 3
    assert run.change("reporting_pressure", 0.2) == "applied"
    assert run.change("outreach_share", 0.1) == "applied"
    assert run.settings.changes[0].week == 4
    assert run.model.params.reporting_pressure == 0.39  # scheduled on the model, as any reform
    run.step(1)
    assert run.model.params.reporting_pressure == 0.2 and run.model.params.outreach_share == 0.1
    run.step(1)
    assert run.change("reporting_pressure", 0.3) == "applied"
    run.step(3)
    # the recorded changes replay the same run from the address, and from the exported TOML
    replay = ExploreRun(urlstate.parse_explore(run.settings.query())[0])
    replay.step(8)
    assert run.history().equals(replay.history())
    exported = scenarios.from_dict(tomllib.loads(scenarios.to_toml(run.current_scenario())))
    model = CentaureModel(exported, rng=run.settings.seed, collect_organisations=False)
    model.run_for(8)
    assert run.history().equals(model.datacollector.get_model_vars_dataframe())
    # structure changes restart; bad values change nothing
    assert run.change("team_size", 4) == "restarted" and run.week == 0
    for name, value in (("reporting_pressure", 5.0), ("n_users", 10_000_000), ("n_workers", 1)):
        before = run.settings
        with pytest.raises(CentaureError):  # out of range, above the dashboard's limit, fewer posts than organisations
            run.change(name, value)
        assert run.settings == before
    # the export is a scenario file that `centaure run` accepts
    text = scenarios.to_toml(run.current_scenario())
    loaded = scenarios.from_dict(tomllib.loads(text))
    assert loaded.params == run.scenario.params


def test_network_views_are_sampled_and_fast():
    run = ExploreRun(urlstate.parse_explore("")[0])  # reference territory: 5,000 people
    edges, nodes = run.network_svg()
    assert run.view.sampled and len(run.view.users) <= 360
    run.step()
    _, nodes2 = run.network_svg()
    assert run.render_seconds < 0.2
    assert nodes2.startswith("<svg") and edges.startswith("<svg")
    png = run.network_png(
        {
            **{f"status.{s}": s for s in ("resolved", "unaware", "not_asking", "waiting", "dropped", "supported")},
            "post.vacant": "v",
            "post.engagement": "e",
        }
    )
    assert png[:4] == b"\x89PNG"
    assert "<svg" in svg.legend_html(
        {
            **{f"status.{s}": s for s in ("resolved", "unaware", "not_asking", "waiting", "dropped", "supported")},
            "post.vacant": "v",
            "post.engagement": "e",
        }
    )


def test_compare_and_reform_runs_share_seeds_and_read_in_words():
    c, _ = urlstate.parse_compare(f"scenarios=npm,alliance&replicates=5&years=1&{SMALL_QUERY}")
    ticks = []
    result = experiments.compare(c, lambda: ticks.append(1))
    assert len(ticks) == 10 and set(result.runs.scenario) == {"npm", "alliance"}
    assert set(result.summary.columns) >= {"scenario", "indicator", "mean", "ci_low", "ci_high"}
    assert experiments.compare_png(result, "fr")[:4] == b"\x89PNG"
    cells = experiments.compare_cells(result, "fr")
    assert "\u202f%" in cells["non_recourse"]["npm"] and "." not in cells["non_recourse"]["npm"]
    for row in result.summary.itertuples():  # intervals of shares stay within 0-100 %
        text = cells[row.indicator][row.scenario]
        assert "-" not in text and "−" not in text, text
    drawn = experiments.compare_charts(result, "fr")
    assert set(drawn) == set(experiments.HEADLINE)
    for chart in drawn.values():  # tick labels and summaries in French: no decimal point between digits
        assert not re.search(r">\d+\.\d", chart), chart[:300]

    r, _ = urlstate.parse_reform(
        f"scenario=npm&week=20&replicates=5&years=1&reform.reporting_pressure=0.1&{SMALL_QUERY}"
    )
    result = experiments.reform(r)
    before = result.difference[result.difference.week < 20]
    assert (before.drop(columns=["arm", "replicate", "week"]).abs().to_numpy() == 0).all()  # same seeds
    assert experiments.reform_png(result, "en")[:4] == b"\x89PNG"
    assert "[[reforms]]" in scenarios.to_toml(result.scenario)
    effects = {e.indicator: e for e in experiments.effects(result, "fr")}
    share = effects["non_recourse"]
    assert share.effect.endswith(("points", "point")) and "%" in share.before and "%" in share.after
    assert share.before in share.sentence and share.after in share.sentence and share.effect in share.sentence
    assert not effects["engagement"].effect.endswith("points")  # an index, not a share
    arms, differences = experiments.reform_charts(result, "fr")
    assert set(arms) == set(differences) == set(experiments.HEADLINE)


def test_a_reform_that_changes_nothing_is_recognised():
    r, _ = urlstate.parse_reform("scenario=npm&week=20&reform.reporting_pressure=0.39")
    assert experiments.unchanged_levers(r) == ["reporting_pressure"]  # npm's own value
    r, _ = urlstate.parse_reform("scenario=npm&week=20&reform.reporting_pressure=0.2&reform.participation_level=3")
    assert experiments.unchanged_levers(r) == ["participation_level"]
    late = scenarios.load("reform_alliance").reforms[0]
    lever, value = next(iter(late.changes.items()))
    r, _ = urlstate.parse_reform(f"scenario=reform_alliance&week={late.week + 1}&reform.{lever}={value}")
    assert experiments.unchanged_levers(r) == [lever]  # the scenario's own reform already set it


def test_a_session_job_runs_in_its_thread_reports_and_stops_when_cancelled_or_closed():
    import threading

    import solara

    from sim.dashboard.background import Job, JobState

    state = solara.Reactive(JobState())
    started, release = threading.Event(), threading.Event()

    def work(settings, tick):
        started.set()
        for _ in range(settings):
            release.wait(0.05)  # one "run"
            tick()
        return "done"

    job = Job("test", work, state)
    job.start(3, total=3)
    assert started.wait(5) and job.thread.name.startswith("centaure-job-test") and state.value.running
    release.set()
    job.thread.join(5)
    assert state.value.outcome == "finished" and state.value.result == "done" and not state.value.running
    release.clear()
    job.start(1000, total=1000)
    job.cancel()
    release.set()
    job.thread.join(5)
    assert not job.thread.is_alive() and state.value.outcome == "cancelled" and state.value.result == "done"
    release.clear()
    job.start(1000, total=1000)
    first = job.thread
    job.start(2, total=2)  # a new batch replaces the one under way
    release.set()
    job.thread.join(5)
    first.join(5)
    assert not first.is_alive() and state.value.outcome == "finished"  # the replaced batch reports nothing
    release.clear()
    job.start(1000, total=1000)
    job.close()  # the session closes: cancel and wait
    assert not job.thread.is_alive()


def params_error(**values) -> CentaureError:
    with pytest.raises(CentaureError) as info:
        urlstate.within_limits(Params().replace(**values))
    return info.value


ENGLISH = ("expected", "out of range", "invalid literal", "must be", "unknown", "not a lever", "the dashboard")


@pytest.mark.parametrize(
    "error",
    [
        params_error(n_users=-5),
        params_error(reporting_pressure=0.9),
        params_error(intake_priority="nope"),
        params_error(peer_worker_programme=3),
        params_error(n_workers=4),  # fewer posts than organisations
        params_error(funding_market=0.0, funding_redistribution=0.0),
        params_error(n_users=50_000),  # above the dashboard's limit
        *urlstate.parse_explore("seed=abc&scenario=nope&change=oops&change=3:n_users=4&bogus=1&n_users=-5")[1],
        *urlstate.parse_reform("reform.n_users=400&week=x&replicates=1")[1],
    ],
    ids=repr,
)
def test_errors_are_phrased_in_french_with_labels_and_no_code_names(error):
    from sim.dashboard.messages import error_text

    text = error_text(error, "fr", urlstate.LIMITS)
    for name in Params.specs():
        assert name not in text, text
    for word in ENGLISH:
        assert word not in text, text
    assert text.endswith(".") and text[0].isupper() or text.startswith("«"), text
    english = error_text(error, "en", urlstate.LIMITS)
    assert english != text


def test_chart_ticks_are_round_and_written_as_the_language_writes_numbers():
    from sim.dashboard import htmlchart

    share = htmlchart.Axis(0.0, 1.0, percent=True)
    step = htmlchart.nice_step(1.0)
    assert [htmlchart.tick_text(k * step, step, share, "fr") for k in range(5)] == [
        "0\u202f%",
        "25\u202f%",
        "50\u202f%",
        "75\u202f%",
        "100\u202f%",
    ]
    assert htmlchart.tick_text(0.025, 0.025, share, "en") == "2.5%"
    assert htmlchart.tick_text(0.15, 0.05, htmlchart.Axis(0, 1), "fr") == "0,15"
    axis = htmlchart.fit_axis([np.array([0.1, 0.3])], percent=True)
    assert axis.low == 0.0 and 0.3 < axis.high <= 1.0


# ---------------------------------------------------------------------------- parameter uncertainty (issue 10)
@pytest.fixture
def calibration(tmp_path, monkeypatch):
    """A tiny synthetic posterior, shipped for the test (``posterior.shipped`` returns it)."""
    import pandas as pd

    from sim import posterior

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "waiting_drop_rate": rng.uniform(0.01, 0.2, 12),
            "support_effect": rng.uniform(0.02, 0.3, 12),
            "weight": rng.uniform(0.5, 1.0, 12),
        }
    )
    path = tmp_path / "posterior.parquet"
    frame.to_parquet(path)
    shipped = posterior.read(path)
    monkeypatch.setattr(posterior, "shipped", lambda: shipped)
    return shipped


@pytest.fixture
def no_calibration(monkeypatch):
    from sim import posterior

    monkeypatch.setattr(posterior, "shipped", lambda: None)


def test_draws_are_on_by_default_with_a_calibration_and_kept_in_the_address(calibration):
    from sim import posterior

    c, errors = urlstate.parse_compare(f"scenarios=npm,alliance&{SMALL_QUERY}")
    assert errors == [] and c.draws == posterior.DEFAULT_DRAWS and "draws=10" in c.query()
    c, errors = urlstate.parse_compare(f"scenarios=npm,alliance&replicates=5&draws=3&{SMALL_QUERY}")
    assert errors == [] and c.draws == 3
    assert urlstate.parse_compare(c.query()) == (c, [])
    r, errors = urlstate.parse_reform(f"scenario=npm&week=20&draws=0&reform.reporting_pressure=0.2&{SMALL_QUERY}")
    assert errors == [] and r.draws == 0
    assert urlstate.parse_reform(r.query()) == (r, [])
    assert experiments.compare_runs(c) == 2 * 3 * 5 and experiments.reform_runs(r) == 2 * r.replicates


@pytest.mark.parametrize("text", ["1", "21", "-2", "abc", "2.5"])
def test_bad_draws_give_one_message_in_the_page_language(calibration, text):
    from sim.dashboard.messages import error_text

    c, errors = urlstate.parse_compare(f"draws={text}")
    assert c.draws == 10 and len(errors) == 1
    fr, en = error_text(errors[0], "fr", urlstate.LIMITS), error_text(errors[0], "en", urlstate.LIMITS)
    assert fr.startswith("«\u00a0Tirages de la calibration\u00a0»") and "graines seules" in fr and "20" in fr
    assert en.startswith("“Posterior draws”") and "seeds only" in en


def test_draws_without_a_calibration_are_off_and_said_so(no_calibration):
    from sim.dashboard.messages import error_text

    c, errors = urlstate.parse_compare("scenarios=npm,alliance")
    assert c.draws == 0 and errors == []
    c, errors = urlstate.parse_reform("draws=5")
    assert c.draws == 0 and len(errors) == 1
    assert "aucune calibration" in error_text(errors[0], "fr") and "no calibration" in error_text(errors[0], "en")
    with pytest.raises(CentaureError):
        experiments.posterior_draws(5)


def test_compare_and_reform_over_draws_name_the_uncertainty_they_cover(calibration):
    c, _ = urlstate.parse_compare(f"scenarios=npm,alliance&replicates=5&draws=2&years=1&{SMALL_QUERY}")
    ticks = []
    result = experiments.compare(c, lambda: ticks.append(1))
    assert len(ticks) == experiments.compare_runs(c) == 20
    assert result.coverage == experiments.Coverage(5, 2)
    assert set(result.runs["draw"]) == {0, 1}
    fr, en = experiments.result_heading(result, "fr"), experiments.result_heading(result, "en")
    assert "2\u00a0tirages de la calibration × 5\u00a0répétitions" in fr and "incertitude des paramètres calibrés" in fr
    assert "2\u00a0posterior draws × 5\u00a0replicates" in en and "calibrated parameters' uncertainty" in en
    assert "sur les tirages" in experiments.summary_caption(result, "fr")
    note = experiments.interval_note(result.coverage, "fr")
    assert "2 tirages" in note.replace("\u00a0", " ") and "centile" in note
    drawn = experiments.compare_charts(result, "en")
    assert set(drawn) == set(experiments.HEADLINE)
    bands = experiments.bands(result.runs)  # per-draw means' percentiles: within the draws' range
    assert (bands["ci_low"] <= bands["mean"] + 1e-12).all() and (bands["mean"] <= bands["ci_high"] + 1e-12).all()

    seeds_only = experiments.compare(c.__class__(**{**c.__dict__, "draws": 0}))
    assert seeds_only.coverage.kind == "seeds"
    heading = experiments.result_heading(seeds_only, "fr")
    assert "tirage" not in heading and "le hasard du modèle seul" in heading
    assert "graines" in experiments.summary_caption(seeds_only, "fr")

    r, _ = urlstate.parse_reform(
        f"scenario=npm&week=20&replicates=5&draws=2&years=1&reform.reporting_pressure=0.1&{SMALL_QUERY}"
    )
    result = experiments.reform(r)
    assert result.coverage.kind == "draws" and len(result.runs) and set(result.difference["draw"]) == {0, 1}
    effects = experiments.effects(result, "en")
    assert all("95% interval over the draws" in e.sentence for e in effects)
    assert "2\u00a0posterior draws × 5\u00a0pairs of runs" in experiments.summary_caption(result, "en")
    _, differences = experiments.reform_charts(result, "fr")
    assert "intervalle 95\u202f% sur les tirages" in next(iter(differences.values()))


def test_the_decomposition_of_two_scenarios_reads_in_words(no_calibration):
    c, _ = urlstate.parse_compare(f"scenarios=de_npm,npm&replicates=5&years=1&{SMALL_QUERY}")
    assert experiments.pair(c) == ("npm", "de_npm")  # npm is the baseline
    families = experiments.decomposition_families(c)
    assert set(families) == {"funding", "pressure"}
    ticks = []
    result = experiments.decomposition(c, lambda: ticks.append(1))
    assert len(ticks) == experiments.decomposition_runs(c) == 4 * 5
    explained = {e.indicator: e for e in experiments.explanations(result, "fr")}
    assert set(explained) == set(experiments.HEADLINE)
    share = explained["non_recourse"]
    names = [c.name for c in share.contributions]
    assert names[-1] == "Différence totale" and set(names[:-1]) == {i18n.t(f"family.{f}", "fr") for f in families}
    assert all(c.value.endswith(("points", "point")) for c in share.contributions)  # a share: in points
    total = share.contributions[-1]
    assert share.sentence.startswith(i18n.indicator_label("non_recourse", "fr"))
    assert total.value in share.sentence and "IC 95\u202f% sur les graines" in share.sentence
    assert ("Il tient surtout" in share.sentence) or ("Aucune famille" in share.sentence)
    # the contributions add up to the total (Shapley efficiency), as the table says it
    rows = result.decomposition.contributions("non_recourse")
    assert rows["mean"].iloc[:-1].sum() == pytest.approx(rows["mean"].iloc[-1])
    header, table = experiments.explanation_rows(result, share, "en")
    assert header == ["Family of levers", "Contribution", "95% CI over seeds"] and len(table) == len(families) + 1
    assert experiments.waterfall_png(result, "engagement", "fr")[:4] == b"\x89PNG"
    figure = experiments.waterfall_html(result, share, "fr")
    assert 'alt="' in figure and "<figcaption>" in figure
    csv = experiments.decomposition_csv(result).decode()
    assert csv.startswith("family,indicator,mean,ci_low,ci_high") and "seeds" in csv
    baseline, scenario = (scenarios.load(n).text("title", "en") for n in ("npm", "de_npm"))
    english = experiments.explanations(result, "en")[0].sentence
    assert f"from {baseline} to {scenario}" in english
