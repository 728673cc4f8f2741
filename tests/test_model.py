"""CentaureModel behaves the way Mesa users expect, settles in its spin-up, reads organisations' own values, replays."""

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import CentaureModel, Funder, Manager, Organisation, User, Worker
from sim.errors import ScenarioError
from sim.metrics import INDICATORS
from sim.params import ParameterError
from sim.run import run
from sim.scenarios import Reform

from small import SMALL, small


@pytest.fixture(scope="module")
def model():
    m = CentaureModel(small(), rng=42)
    for _ in range(10):
        m.step()
    return m


def test_scenario_name_seed_and_lever_overrides():
    m = CentaureModel(scenario="alliance", rng=42, **SMALL, outreach_share=0.1)
    assert m.params.outreach_share == 0.1
    assert m.params.participation_level == 6 or m.params.participation_level >= 5
    assert m.scenario_spec.name == "alliance"
    with pytest.raises(ParameterError, match="outreach_share"):
        CentaureModel(scenario="npm", rng=1, **SMALL, outreach_share=2.0)


def test_agents_by_type_hold_every_kind(model):
    p = model.params
    by_type = model.agents_by_type
    assert len(by_type[User]) == p.n_users
    assert len(by_type[Worker]) == int(model.workers.active.sum())
    assert len(by_type[Manager]) == len(by_type[Organisation]) == p.n_organisations
    assert len(by_type[Funder]) == p.n_funders
    assert len(model.agents) == sum(len(s) for s in by_type.values())


def test_agentset_queries_return_live_values(model):
    users = model.agents_by_type[User]
    supported = users.select(lambda a: a.status == "supported")
    assert len(supported) == int((model.users.status == 5).sum())
    assert all(a.worker is not None and a.worker.organisation == a.organisation for a in supported)
    first = users[0]
    first.trust = 0.123
    assert model.users.trust[first.index] == pytest.approx(0.123)
    assert users.get("trust")[0] == pytest.approx(0.123)
    caseloads = model.agents_by_type[Worker].get("caseload")
    assert sum(caseloads) == len(supported)
    by_org = model.agents_by_type[Worker].groupby("organisation").count()
    assert sum(by_org.values()) == int(model.workers.active.sum())


def test_worker_agents_follow_quits_and_hires():
    m = CentaureModel(small(quit_base=0.05, hire_rate=1.0, recruitment_difficulty=0.0), rng=3)
    ids_before = {a.unique_id for a in m.agents_by_type[Worker]}
    for _ in range(5):
        m.step()
        posts = sorted(a.post for a in m.agents_by_type[Worker])
        assert posts == np.flatnonzero(m.workers.active).tolist()
    ids_after = {a.unique_id for a in m.agents_by_type[Worker]}
    assert ids_before - ids_after and ids_after - ids_before


def test_datacollector_records_every_indicator_each_week(model):
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == ["week", *INDICATORS]
    assert list(frame["week"]) == list(range(model.steps + 1))
    org = model.organisation_frame()
    assert len(org) == (model.steps + 1) * model.params.n_organisations
    last = org[org.week == model.steps]
    assert last["supported"].sum() == frame["supported"].iloc[-1]
    assert last["headcount"].sum() == frame["headcount"].iloc[-1]
    organisation = model.agents_by_type[Organisation][0]
    assert organisation.supported == last.loc[last.organisation == organisation.org, "supported"].iloc[0]


def test_collect_every_records_fewer_rows():
    m = CentaureModel(small(weeks=22), rng=1, collect_every=4)
    m.run_for(22)
    assert list(m.datacollector.get_model_vars_dataframe()["week"]) == [0, 4, 8, 12, 16, 20, 22]
    frame = run(small(weeks=22), seed=1, every=4)
    assert list(frame["week"]) == [0, 4, 8, 12, 16, 20, 22]
    pd.testing.assert_frame_equal(
        frame, run(small(weeks=22), seed=1).iloc[[0, 4, 8, 12, 16, 20, 22]].reset_index(drop=True)
    )


def test_reforms_change_levers_at_their_week():
    m = CentaureModel(small("reform_alliance", weeks=160), rng=1)
    m.run_for(155)
    assert m.params.participation_level == small().params.participation_level
    m.step()
    assert m.params.participation_level == small("alliance").params.participation_level


def test_running_stops_at_the_horizon():
    m = CentaureModel(small(weeks=5), rng=1)
    while m.running:
        m.step()
    assert m.steps == 5


def test_mesa_batch_run_works():
    results = mesa.batch_run(
        CentaureModel,
        parameters={"scenario": ["npm", "alliance"], **SMALL, "weeks": 8},
        rng=[1, 2],
        max_steps=8,
        data_collection_period=1,
        number_processes=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert set(frame["scenario"]) == {"npm", "alliance"}
    assert frame["Step"].max() == 8
    assert "non_recourse" in frame.columns
    assert len(frame) == 2 * 2 * 9


def test_same_seed_same_frame_different_seed_differs():
    a = run(small(weeks=30), seed=7)
    b = run(small(weeks=30), seed=7)
    c = run(small(weeks=30), seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_seed_sequence_seeds_are_reproducible():
    seed = np.random.SeedSequence(123, spawn_key=(4,))
    a = run(small(weeks=10), seed=seed)
    b = run(small(weeks=10), seed=np.random.SeedSequence(123, spawn_key=(4,)))
    pd.testing.assert_frame_equal(a, b)


def test_multiplex_network_has_every_layer(model):
    g = model.network()
    layers = {d["layer"] for _, _, d in g.edges(data=True)}
    assert layers == {"peer", "support", "team", "hierarchy", "funding"}
    support_edges = sum(1 for _, _, d in g.edges(data=True) if d["layer"] == "support")
    assert support_edges == int((model.users.worker >= 0).sum())


def test_the_indicator_collector_records_what_mesa_own_collector_records():
    model = CentaureModel("npm", rng=3, n_users=300, n_workers=12, n_organisations=2)
    plain = mesa.DataCollector(model_reporters=model.datacollector.model_reporters)
    plain.collect(model)
    for _ in range(6):
        model.step()
        plain.collect(model)
    pd.testing.assert_frame_equal(model.datacollector.get_model_vars_dataframe(), plain.get_model_vars_dataframe())


# ---------------------------------------------------------------------------- the spin-up
def test_the_spin_up_settles_the_territory_before_week_0_and_records_nothing():
    settled = CentaureModel(small(spinup_weeks=20, weeks=5), rng=4)
    drawn = CentaureModel(small(spinup_weeks=0, weeks=5), rng=4)  # the same initial draw, observed as drawn
    assert settled.week == drawn.week == 0 and settled.steps == 0
    frame, org = settled.datacollector.get_model_vars_dataframe(), settled.organisation_frame()
    assert frame["week"].tolist() == [0] and set(org["week"]) == {0}  # nothing recorded before week 0
    first, initial = frame.iloc[0], drawn.datacollector.get_model_vars_dataframe().iloc[0]
    assert not first.equals(initial)
    assert first["new_needs"] > 0 and initial["new_needs"] == 0  # week 0 reports the spin-up's last year of events
    assert not np.array_equal(settled.users.status, drawn.users.status)


def test_budgets_costs_and_needs_do_not_grow_during_the_spin_up():
    model = CentaureModel(small(spinup_weeks=156, cost_growth=0.1, budget_growth=0.1, need_growth=0.1), rng=2)
    np.testing.assert_array_equal(model.orgs.cost, 1.0)
    assert model.orgs.budget.sum() == pytest.approx(SMALL["n_workers"])
    assert model.territory.need_factor == 1.0 and not model.territory.stationary
    model.step()  # after a spin-up, the run's week 1 starts a year: the first budget round of the run
    np.testing.assert_allclose(model.orgs.cost, 1.1)
    assert model.territory.need_factor == pytest.approx(1.1)


def test_the_same_seed_after_a_spin_up_gives_the_same_frames():
    a = CentaureModel(small(spinup_weeks=30, weeks=20), rng=9)
    b = CentaureModel(small(spinup_weeks=30, weeks=20), rng=9)
    a.run_for(20)
    b.run_for(20)
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )
    pd.testing.assert_frame_equal(a.organisation_frame(), b.organisation_frame())


# ---------------------------------------------------------------------------- organisations' own values
def test_organisations_own_values_through_the_model_keywords_and_scenario_files(tmp_path):
    own = {1: {"reporting_pressure": 0.6, "caseload_cap": 12}, 2: {"kind": "for_profit"}}
    by_table = CentaureModel(small(weeks=6, spinup_weeks=0), rng=5, organisations=own)
    by_keyword = CentaureModel(
        small(weeks=6, spinup_weeks=0),
        rng=5,
        **{"reporting_pressure@1": 0.6, "caseload_cap@1": 12, "kind@2": "for_profit"},
    )
    path = tmp_path / "own.toml"
    path.write_text(
        'base = "npm"\n\n[levers]\n'
        + "".join(f"{k} = {v}\n" for k, v in {**SMALL, "weeks": 6, "spinup_weeks": 0}.items())
        + "\n"
        + '[organisations.1]\nreporting_pressure = 0.6\ncaseload_cap = 12\n\n[organisations.2]\nkind = "for_profit"\n',
        encoding="utf-8",
    )
    by_file = CentaureModel(path, rng=5)
    for model in (by_table, by_keyword, by_file):
        p = model.params
        assert p.org_array("reporting_pressure").tolist() == [p.reporting_pressure, 0.6, p.reporting_pressure]
        assert p.value("caseload_cap", 1) == 12 and p.value("caseload_cap", 0) == p.caseload_cap
        assert model.territory.levers.kind.tolist() == ["non_profit", "non_profit", "for_profit"]
        assert model.orgs.for_profit.tolist() == [False, False, True]
        assert model.agents_by_type[Organisation][2].kind == "for_profit"
        assert model.agents_by_type[Organisation][1].lever("caseload_cap") == 12
        model.run_for(6)
    frames = [m.organisation_frame() for m in (by_table, by_keyword, by_file)]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    last = frames[0][frames[0].week == 6].set_index("organisation")
    assert last.loc[1, "reporting_share"] > last.loc[0, "reporting_share"]
    assert by_table.workers.caseload[by_table.workers.org == 1].max() <= 12


def test_a_shipped_scenario_with_organisation_tables():
    model = CentaureModel(small("for_profit_entry", n_organisations=8, n_workers=48, n_users=800, weeks=2), rng=1)
    kinds = model.territory.levers.kind.tolist()
    assert kinds == ["non_profit"] * 6 + ["for_profit"] * 2
    assert model.params.value("intake_priority", 7) == "easiest_first"
    assert model.orgs.cost[6] < model.orgs.cost[0]  # a for-profit post costs less


def test_mesa_batch_run_sweeps_an_organisation_own_value():
    results = mesa.batch_run(
        CentaureModel,
        parameters={"scenario": "npm", **SMALL, "weeks": 3, "spinup_weeks": 0, "reporting_pressure@0": [0.1, 0.6]},
        rng=[1],
        max_steps=3,
        data_collection_period=-1,
        number_processes=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert sorted(frame["reporting_pressure@0"]) == [0.1, 0.6]
    low, high = frame.sort_values("reporting_pressure@0")["reporting_share"]
    assert high > low


# ---------------------------------------------------------------------------- reforms of one organisation
def reform_pair(week=4, weeks=30):
    """The same run twice, one with organisation 1's reporting pressure cut to 0.05 from ``week`` (scheduled live)."""
    plain = CentaureModel(small(weeks=weeks, spinup_weeks=10), rng=11)
    reformed = CentaureModel(small(weeks=weeks, spinup_weeks=10), rng=11)
    reformed.schedule(Reform(week=week, changes={"reporting_pressure": 0.05}, organisation=1))
    for model in (plain, reformed):
        model.run_for(weeks)
    return plain, reformed


def test_a_one_organisation_reform_changes_that_organisation_levers_only():
    plain, reformed = reform_pair()
    p = reformed.params
    assert p.value("reporting_pressure", 1) == 0.05
    assert p.value("reporting_pressure", 0) == p.value("reporting_pressure", 2) == plain.params.reporting_pressure
    a, b = (m.organisation_frame().set_index(["week", "organisation"]) for m in (plain, reformed))
    before = a.index.get_level_values("week") < 4
    pd.testing.assert_frame_equal(a[before], b[before])  # identical until the reform's week
    # the reformed organisation reports less from the reform's week on ...
    one = (slice(4, None), 1)
    assert (b.loc[one, "reporting_share"] < a.loc[one, "reporting_share"] - 0.1).all()
    # ... while the others' own levers and what follows from them alone do not move (their random
    # draws do: the organisations share one stream of random numbers)
    for j in (0, 2):
        others = (slice(None), j)
        for name in ("reporting_share", "responsiveness", "participation_realised"):
            pd.testing.assert_series_equal(a.loc[others, name], b.loc[others, name])


def test_a_live_reform_is_kept_in_the_scenario_and_replays_identically():
    _, reformed = reform_pair(weeks=12)
    assert [(r.week, r.organisation, dict(r.changes)) for r in reformed.scenario_spec.reforms] == [
        (4, 1, {"reporting_pressure@1": 0.05})
    ]
    replay = CentaureModel(reformed.scenario_spec, rng=11)
    replay.run_for(12)
    pd.testing.assert_frame_equal(replay.organisation_frame(), reformed.organisation_frame())
    with pytest.raises(ScenarioError, match="week"):
        reformed.schedule(Reform(week=3, changes={"outreach_share": 0.1}, organisation=0))  # in the past


# ---------------------------------------------------------------------------- reproducibility
def test_same_scenario_parameters_and_seed_give_identical_frames():
    scenario = small("alliance", weeks=40, spinup_weeks=8, **{"outreach_share@2": 0.2})
    scenario = scenario.with_reforms(Reform(week=10, changes={"caseload_cap": 20}, organisation=0))
    runs = []
    for seed in (21, 21, 22):
        model = CentaureModel(scenario, rng=seed)
        model.run_for(40)
        runs.append((model.datacollector.get_model_vars_dataframe(), model.organisation_frame()))
    for a, b in zip(runs[0], runs[1], strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert not runs[0][0].equals(runs[2][0])
