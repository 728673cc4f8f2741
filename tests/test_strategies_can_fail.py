"""Every strategy can fail: the mechanisms of MODEL.md §3 [v2] that make it so, each shown to matter.

Each test states a mechanism as "other things equal, more X moves Y this way",
over several seeds with common random numbers (the same seeds in both arms),
on a small territory after a short spin-up. Each test runs twice: on the model
as it is (``intact``: the direction must hold) and on a **mutant** in which
that one mechanism is switched off (the direction must then fail): this is
how each test shows it can fail, and that it tests the mechanism it names.
No test compares named scenarios.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim import scenarios
from sim.mechanisms import demand, funding, intake, support, time_use, turnover
from sim.model import CentaureModel
from sim.state import Status

pytestmark = pytest.mark.slow

TERRITORY = dict(n_users=1600, n_workers=64, n_organisations=4, team_size=8, spinup_weeks=104, weeks=156)
SEEDS = range(4)
MUTANT = pytest.mark.parametrize("mutant", [False, True], ids=["intact", "mutant"])


def final_year(model: CentaureModel) -> pd.Series:
    frame = model.datacollector.get_model_vars_dataframe()
    return frame[frame["week"] > model.params.weeks - 52].mean()


def final_two_years(model: CentaureModel) -> pd.Series:
    frame = model.datacollector.get_model_vars_dataframe()
    return frame[frame["week"] > model.params.weeks - 104].mean()


def runs(measure: Callable[[CentaureModel], float | pd.Series], scenario: str = "npm", **changes) -> pd.DataFrame:
    """``measure`` of the final state of one run per seed (common random numbers across arms).

    ``measure`` may go on simulating past the horizon (it then sees weeks the indicators do not record).
    """
    sc = scenarios.load(scenario).with_changes(**{**TERRITORY, **changes})
    rows = []
    for seed in SEEDS:
        model = CentaureModel(sc, rng=seed, collect_organisations=False)
        model.run_for(sc.params.weeks)
        rows.append(measure(model))
    return pd.DataFrame(rows) if isinstance(rows[0], pd.Series) else pd.DataFrame({"value": rows})


def higher(a: pd.Series, b: pd.Series, margin: float = 0.0) -> bool:
    """``a`` above ``b`` + margin in the mean over seeds, and above ``b`` in at least three seeds of four."""
    return bool(a.mean() > b.mean() + margin and (a.to_numpy() > b.to_numpy()).mean() >= 0.75)


# ---------------------------------------------------------------------------- the budget scissors
@MUTANT
def test_budgets_below_cost_growth_exhaust_workers_and_raise_turnover_not_only_non_recourse(monkeypatch, mutant):
    """Austerity: the budget pays fewer posts each year; the overload falls on workers (hand-overs up to the
    cap, admissions pushed beyond capacity) and the cuts bring job insecurity. Mutant: the v1 world in which
    capacity is a hard ceiling for workers and the budget brings no insecurity (scarcity falls on users only)."""
    if mutant:
        monkeypatch.setattr(intake, "admission_slots", lambda s: np.maximum(s.workers.capacity - s.workers.caseload, 0))
        original = turnover.hand_over

        def hand_over_within_capacity(s, p, leavers, rng):
            cap = s.levers.caseload_cap.copy()
            s.levers.caseload_cap = np.zeros_like(cap)  # teammates take no case beyond what they hold ...
            try:
                original(s, p, leavers, rng)
            finally:
                s.levers.caseload_cap = cap

        monkeypatch.setattr(turnover, "hand_over", hand_over_within_capacity)
        monkeypatch.setattr(funding, "clip", lambda x: np.zeros_like(x))  # ... and deficits bring no insecurity
    larger = dict(n_users=3200, n_workers=128, n_organisations=4, weeks=208)  # departures are rare events
    stable = runs(final_two_years, budget_growth=0.02, cost_growth=0.02, **larger)
    cut = runs(final_two_years, budget_growth=-0.04, cost_growth=0.02, **larger)
    assert higher(cut["non_recourse"], stable["non_recourse"])  # users pay, in both worlds
    # Job-driven departures: in the mutant too the cuts exhaust workers a little (capacity falls with exhaustion,
    # so held cases end above it), but they barely leave for it (about +2 points a year against +9 intact).
    workers_pay = higher(cut["high_exhaustion_share"], stable["high_exhaustion_share"], 0.03) and higher(
        cut["turnover_job"], stable["turnover_job"], 0.04
    )
    assert workers_pay != mutant


# ---------------------------------------------------------------------------- participation can backfire
def participants_trust(model: CentaureModel) -> float:
    users = model.users
    return float(users.trust[users.participant].mean())


@MUTANT
def test_a_high_offer_with_low_responsiveness_lowers_participants_trust_below_a_low_offers(monkeypatch, mutant):
    """Tokenism: under strong indicator pressure and standardisation responsiveness stays low; offering the
    upper rungs then costs participants trust. Mutant: tokenism does nothing (offer minus responsiveness ignored)."""
    if mutant:
        monkeypatch.setattr(support, "tokenism", lambda s: np.zeros_like(s.levers.offer))
        from sim.mechanisms import participation

        monkeypatch.setattr(participation, "tokenism", lambda s: np.zeros_like(s.levers.offer))
    pressure = dict(reporting_pressure=0.6, standardisation=0.9, manager_style=0.1)
    low = runs(participants_trust, participation_level=2, **pressure)["value"]
    high = runs(participants_trust, participation_level=7, **pressure)["value"]
    # a higher offer also brings in people of lower trust (about 0.03 lower on average, with or without
    # tokenism): the margin asks for more than that composition effect
    assert higher(low, high, 0.06) != mutant


# ---------------------------------------------------------------------------- outreach: modes and promises
@MUTANT
def test_accompanied_outreach_raises_take_up_among_those_met_more_than_information(monkeypatch, mutant):
    """Accompanied outreach lowers the compliance cost of those met for some weeks; information does not.
    Mutant: accompaniment lifts no burden."""
    if mutant:
        original = demand.compliance_burden
        monkeypatch.setattr(
            demand,
            "compliance_burden",
            lambda s, p, people: original(s, p.replace(accompanied_burden_relief=0.0), people),
        )
    outreach = dict(outreach_share=0.1, caseload_cap=60, hours_per_case=1.0)  # spare capacity: asking is the step
    information = runs(final_year, outreach_accompanied=0.0, **outreach)["outreach_take_up"]
    accompanied = runs(final_year, outreach_accompanied=1.0, **outreach)["outreach_take_up"]
    assert higher(accompanied, information, 0.03) != mutant


def trust_after_contact(model: CentaureModel, contact_weeks: int = 13, follow: int = 26) -> pd.Series:
    """Difference in differences: the change in trust of people in need and not supported who are met by
    outreach over ``contact_weeks`` weeks, from just before to ``follow`` weeks after, minus that of those
    not met at all over the period."""
    users = model.users
    start = model.week
    before = users.trust.copy()
    waiting_for_help = (users.status != Status.RESOLVED) & (users.status != Status.SUPPORTED)
    model.run_for(contact_weeks)
    met = waiting_for_help & (users.met_week > start)
    model.run_for(follow)
    met &= users.met_week <= start + contact_weeks  # not met again during the follow-up
    control = waiting_for_help & (users.met_week <= start)
    change = users.trust - before
    return pd.Series(
        {"contact_effect": change[met].mean() - change[control].mean(), **final_year(model)[["non_reception"]]}
    )


@MUTANT
def test_outreach_without_spare_capacity_raises_non_reception_and_costs_the_trust_of_those_met(monkeypatch, mutant):
    """Outreach as a promise: with no spare capacity, those met ask, wait or are turned away, and lose more
    trust than people never met. Mutant: a contact promises nothing (no extra loss)."""
    if mutant:
        monkeypatch.setattr(intake, "promised", lambda s, p, people: np.zeros(people.size, dtype=bool))
    tight = dict(hours_per_case=2.2, caseload_cap=14, weeks=52)
    without = runs(final_year, outreach_share=0.0, **tight)
    with_outreach = runs(trust_after_contact, outreach_share=0.04, **tight)
    assert higher(with_outreach["non_reception"], without["non_reception"], 0.01)  # in both worlds
    lowered = (with_outreach["contact_effect"] < 0).mean() >= 0.75 and with_outreach["contact_effect"].mean() < -0.01
    assert lowered != mutant


# ---------------------------------------------------------------------------- reciprocity holds no case
@MUTANT
def test_replacing_posts_with_reciprocity_leaves_more_cases_unheld(monkeypatch, mutant):
    """Community hours complement casework but hold no case. Mutant: the hope that volunteers replace posts —
    reciprocity grants mobilise their full leverage whatever the participation, and community hours hold cases."""
    if mutant:
        from sim.mechanisms import participation

        mature = participation.mature
        monkeypatch.setattr(participation, "mature", lambda s, p: mature(s, p.replace(reciprocity_floor=1.0)))
        original = time_use.step

        def community_holds_cases(s, p, rng):
            original(s, p, rng)
            extra = s.orgs.community_hours / np.maximum(s.headcount(), 1)
            hours = s.orgs.face_to_face * p.hours_per_week + extra
            cases = np.minimum(s.levers.caseload_cap, np.floor(hours / p.hours_per_case)).astype(np.intp)
            s.face_to_face_hours = np.where(s.workers.active, hours[s.workers.org], 0.0)
            s.workers.capacity = np.where(s.workers.active, cases[s.workers.org], 0)

        monkeypatch.setattr(time_use, "step", community_holds_cases)  # the model calls the modules' step

    def unheld(model: CentaureModel) -> float:
        return float(final_year(model)["non_reception"])

    posts = runs(unheld, funding_market=0.6, funding_redistribution=0.4, funding_reciprocity=0.0)["value"]
    community = runs(unheld, funding_market=0.45, funding_redistribution=0.3, funding_reciprocity=0.25)["value"]
    assert higher(community, posts, 0.02) != mutant


# ---------------------------------------------------------------------------- for-profit entry
@MUTANT
def test_for_profit_entry_raises_cream_skimming_at_intake(monkeypatch, mutant):
    """For-profit providers keep a margin, pay less per post and refuse the heaviest situations; they win calls
    for projects on cost per case. Other things equal, organisations 6 and 7 entering as for-profit providers
    rather than as non-profit ones raise cream-skimming at intake. Mutant: for-profit providers select no one."""
    if mutant:
        monkeypatch.setattr(intake, "admissible", lambda s, p, waiting: waiting)

    def skimming(model: CentaureModel) -> float:
        return float(final_year(model)["cream_skimming"])

    territory = dict(n_users=2400, n_workers=96, n_organisations=8, team_size=6, call_for_projects_period=1)
    non_profit = runs(skimming, "for_profit_entry", **{"kind@6": "non_profit", "kind@7": "non_profit"}, **territory)
    for_profit = runs(skimming, "for_profit_entry", **territory)
    assert higher(for_profit["value"], non_profit["value"], 0.02) != mutant


# ---------------------------------------------------------------------------- structural needs and departures
FAVOURABLE = dict(
    reporting_pressure=0.0,
    standardisation=0.0,
    manager_style=1.0,
    participation_level=7,
    funding_market=0.0,
    funding_redistribution=1.0,
    recruitment_difficulty=0.0,
)


@MUTANT
def test_exogenous_departures_alone_keep_a_turnover_floor_no_governance_removes(monkeypatch, mutant):
    """Part of the departures has nothing to do with the job: under the most favourable governance, other things
    equal, exogenous departures at their default raise turnover by about their own rate (the floor) above a world
    without them, and turnover stays above that floor. Mutant: every departure is job-driven."""
    if mutant:
        original = turnover.departures
        monkeypatch.setattr(turnover, "departures", lambda s, p, rng: original(s, p.replace(quit_exogenous=0.0), rng))
    from sim.scenarios import load

    floor = 1.0 - (1.0 - load("npm").params.quit_exogenous) ** 52
    best = runs(final_year, **FAVOURABLE)["annual_turnover"]
    without = runs(final_year, **FAVOURABLE, quit_exogenous=0.0)["annual_turnover"]
    assert best.mean() >= 0.9 * floor
    assert higher(best, without, 0.5 * floor) != mutant


@MUTANT
def test_governance_does_not_change_the_inflow_of_needs(monkeypatch, mutant):
    """New needs arise at an exogenous rate per resident. Mutant: the v1 rule, a hazard per person without a
    need, so that governance that resolves more needs also makes more of them."""
    if mutant:
        original = support.arrivals

        def per_person_without_need(s, p, rng, no_need):
            share = no_need.size / s.users.org.size
            rates = s.levers.need_arrival_rate
            s.levers.need_arrival_rate = rates * share / 0.35
            try:
                return original(s, p, rng, no_need)
            finally:
                s.levers.need_arrival_rate = rates

        monkeypatch.setattr(support, "arrivals", per_person_without_need)

    def arrivals_last_year(model: CentaureModel) -> float:
        return float(model.indicators["new_needs"])  # needs that arose in the last 52 weeks

    npm = runs(arrivals_last_year)["value"].sum()
    governed = runs(arrivals_last_year, **FAVOURABLE)["value"].sum()
    same = abs(governed - npm) < 3.0 * np.sqrt(governed + npm)  # within Poisson noise (three standard errors)
    assert same != mutant
