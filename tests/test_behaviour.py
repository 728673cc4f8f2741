"""Behaviour that must emerge from the mechanisms, over several seeds (MODEL.md §1, §6).

No rule tests a scenario's name or a target value: these directions come out of
the loops. Each comparison uses common random numbers (the same seeds for both
arms) and compares final-year means averaged over the seeds.
"""

import numpy as np
import pandas as pd
import pytest

from sim import scenarios
from sim.run import run
from sim.stats import final_year

pytestmark = pytest.mark.slow

SEEDS = range(4)
MEDIUM = dict(n_users=2000, n_workers=80, n_organisations=4, weeks=312)


def outcome(scenario, **changes) -> pd.DataFrame:
    """Final-year mean of every indicator, one row per seed."""
    sc = scenarios.load(scenario).with_changes(**{**MEDIUM, **changes})
    return pd.DataFrame([final_year(run(sc, seed)).mean() for seed in SEEDS])


@pytest.fixture(scope="module")
def results():
    return {name: outcome(name) for name in ("npm", "alliance", "aller_vers", "austerity", "centaure")}


def higher(a: pd.Series, b: pd.Series) -> bool:
    """a above b in the mean, and in most seeds (paired by seed)."""
    return a.mean() > b.mean() and (a.to_numpy() > b.to_numpy()).mean() >= 0.75


def test_alliance_beats_npm_on_engagement_turnover_and_non_recourse(results):
    npm, alliance = results["npm"], results["alliance"]
    assert higher(alliance["engagement"], npm["engagement"])
    assert higher(npm["annual_turnover"], alliance["annual_turnover"])
    assert higher(npm["non_recourse"], alliance["non_recourse"])


def test_aller_vers_lowers_non_connaissance(results):
    assert higher(results["npm"]["non_connaissance"], results["aller_vers"]["non_connaissance"])


def test_austerity_raises_non_reception(results):
    assert higher(results["austerity"]["non_reception"], results["npm"]["non_reception"])


def test_centaure_brings_non_recourse_below_npm(results):
    assert higher(results["npm"]["non_recourse"], results["centaure"]["non_recourse"])


def test_outreach_without_spare_capacity_moves_people_to_non_reception():
    tight = dict(caseload_cap=12)
    without = outcome("npm", outreach_share=0.0, **tight)
    with_outreach = outcome("npm", outreach_share=0.2, **tight)
    assert higher(without["non_connaissance"], with_outreach["non_connaissance"])
    assert higher(with_outreach["non_reception"], without["non_reception"])


def test_outreach_costs_face_to_face_time(results):
    assert higher(results["npm"]["face_to_face_share"], results["aller_vers"]["face_to_face_share"])


def test_participation_costs_hours_first_and_pays_once_evaluation_is_co_built():
    """Participation takes face-to-face hours at once; co-built evaluation relieves reporting only later."""
    base = scenarios.load("npm").with_changes(**MEDIUM)
    early, late = [], []
    for level in (3, 7):
        frame = run(base.with_changes(participation_level=level), seed=0)
        early.append(frame.loc[frame.week.between(1, 4), "face_to_face_share"].mean())
        late.append(final_year(frame)["face_to_face_share"].mean())
    assert early[1] < early[0]
    assert late[1] > late[0]


def test_npm_baseline_reproduces_the_calibration_targets():
    """Pattern-oriented check on the reference territory: npm within the target bands of targets.csv."""
    from importlib.resources import files

    targets = pd.read_csv(files("sim") / "data" / "targets.csv")
    indicator = {
        "non_take_up_rate": "non_recourse",
        "persistent_non_take_up_rate": "persistent_non_recourse",
        "annual_departure_rate": "annual_turnover",
        "vacancy_rate": "vacancy_rate",
        "reporting_time_share": "reporting_share",
    }
    runs = [final_year(run("npm", seed)).mean() for seed in range(6)]
    means = pd.DataFrame(runs).mean()
    for row in targets.itertuples():
        value = means[indicator[row.target]]
        assert row.low <= value <= row.high, (row.target, value, row.low, row.high)
    assert np.isfinite(means).all()
