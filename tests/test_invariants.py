"""Invariants that hold for any lever values (hypothesis): statuses, counts, rates."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import CentaureModel, Worker
from sim.metrics import INDICATORS
from sim.params import levers
from sim.state import N_STATUS, Status

from small import small


def lever_value(spec):
    if spec.kind is bool:
        return st.booleans()
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.kind is int:
        return st.integers(int(spec.low), int(spec.high))
    return st.floats(spec.low, spec.high, allow_nan=False)


LEVERS = st.fixed_dictionaries({name: lever_value(spec) for name, spec in levers().items()})


def check_invariants(model):
    users, workers = model.users, model.workers
    p = model.params
    assert users.status.min() >= 0 and users.status.max() < N_STATUS
    eligible = users.status != Status.RESOLVED
    supported = users.status == Status.SUPPORTED
    # every eligible user is in exactly one of the five eligible statuses; need and status agree
    assert np.all(users.need[~eligible] == 0.0) and np.all(users.need[eligible] > 0.0)
    assert np.array_equal(supported, users.worker >= 0)
    assert np.all(workers.active[users.worker[supported]])
    # head-counts add up
    assert np.array_equal(workers.caseload, np.bincount(users.worker[supported], minlength=workers.org.size))
    assert workers.caseload.max() <= p.caseload_cap
    assert workers.active.sum() == len(model.agents_by_type.get(Worker, []))
    vacant = ~workers.active  # the observation counts vacant posts as zeros
    assert not (workers.engagement[vacant].any() or workers.exhaustion[vacant].any() or workers.tenure[vacant].any())
    ind = model.indicators
    assert ind["supported"] == supported.sum() and ind["eligible"] == eligible.sum()
    assert abs(ind["non_recourse"] - ind["non_connaissance"] - ind["non_demande"] - ind["non_reception"]) < 1e-9
    for name, info in INDICATORS.items():
        assert np.isfinite(ind[name]), name
        if info.share:
            assert 0.0 <= ind[name] <= 1.0, (name, ind[name])
        else:
            assert ind[name] >= 0.0, name
    for arr in (users.trust, users.power, workers.engagement, workers.exhaustion):
        assert arr.min() >= 0.0 and arr.max() <= 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=LEVERS, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_levers(values, seed):
    try:
        scenario = small(**values, weeks=40)
    except ValueError:
        return  # e.g. all funding weights zero: rejected at validation, nothing to run
    model = CentaureModel(scenario, rng=seed)
    check_invariants(model)
    for week in range(40):
        model.step()
        if week % 5 == 4:
            check_invariants(model)
