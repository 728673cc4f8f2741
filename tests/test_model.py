"""CentaureModel behaves the way Mesa users expect."""

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import CentaureModel, Funder, Manager, Organisation, User, Worker
from sim.metrics import INDICATORS
from sim.params import ParameterError
from sim.run import run

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
