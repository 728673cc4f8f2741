"""Patterns the calibration did not use (pattern-oriented modelling, Grimm et al. 2005).

The calibration fits six national *levels* of the territory (sim/data/targets.csv).
The patterns here are *relations across organisations* of the calibrated
baseline, pooled over organisations and seeds after the spin-up; the
literature reports them for social-work services, and nothing in the
calibration asked for them:

* organisations whose workers are more often highly exhausted lose more of
  them *for reasons of the job*: emotional exhaustion is among the strongest
  predictors of social workers' intention to leave (Mor Barak, Nissly & Levin
  2001, Social Service Review 75(4): 625-661, meta-analysis of 25 studies; Kim
  & Stoner 2008, Administration in Social Work 32(3): 5-25). The relation is
  tested on job-driven departures (``turnover_job``), the ones an intention to
  leave predicts; with all departures, retirements and moves included, it is
  near zero at the calibrated point (docs/verification.md §7 reports it);
* heavier caseloads go with more exhaustion (job demands, Bakker & Demerouti
  2007, Journal of Managerial Psychology 22(3): 309-328);
* engagement and exhaustion move in opposite directions (Schaufeli & Bakker
  2004, Journal of Organizational Behavior 25(3): 293-315).

The individual rules contain the first link (exhaustion in the quit hazard);
what is checked is that it survives aggregation to organisations, with
their different sizes, teams, managers and catchments, and the noise of one
year. The test on the mutant (no exhaustion in the quit hazard) shows the
first pattern is not produced by something else. docs/verification.md §7
gives the values and a pattern the model does not reproduce.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import scenarios
from sim.run import run
from sim.stats import final_year

pytestmark = pytest.mark.slow

TERRITORY = dict(n_users=6000, n_workers=240, n_organisations=12, team_size=5, spinup_weeks=104, weeks=104)
SEEDS = range(3)


def organisations(**changes) -> pd.DataFrame:
    """Final-year means per organisation, pooled over seeds, of the calibrated npm baseline."""
    scenario = scenarios.load("npm").with_changes(**{**TERRITORY, **changes})
    frames = [final_year(run(scenario, seed, by_organisation=True)).groupby("organisation").mean() for seed in SEEDS]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return organisations()


def correlation(frame: pd.DataFrame, a: str, b: str) -> float:
    return float(np.corrcoef(frame[a], frame[b])[0, 1])


def test_more_exhausted_organisations_lose_more_workers(baseline):
    assert correlation(baseline, "high_exhaustion_share", "turnover_job") > 0.05  # weak: see docs/verification.md §7


def test_without_exhaustion_in_the_quit_hazard_the_pattern_goes(baseline):
    mutant = organisations(quit_exhaustion=0.0)
    assert (
        correlation(mutant, "high_exhaustion_share", "turnover_job")
        < correlation(baseline, "high_exhaustion_share", "turnover_job") - 0.1
    )


def test_heavier_caseloads_go_with_more_exhaustion(baseline):
    assert correlation(baseline, "caseload", "high_exhaustion_share") > 0.25


def test_engagement_and_exhaustion_move_apart(baseline):
    assert correlation(baseline, "engagement", "high_exhaustion_share") < -0.15
