"""11. Observation: the indicators of MODEL.md §5, for the territory and each organisation.

Every indicator is a ratio of two sums, or a sum, over the users, posts or
events of an organisation (``np.add.reduceat`` over the contiguous blocks in
which users and posts are stored), so the territory's value is exactly the
aggregate of the organisations' (a ratio of sums, not a mean of ratios);
means over organisations (style-like quantities) divide by the number of
organisations. Flows (departures, admissions, contacts, new needs) are summed
over the last 52 weeks (a year; fewer in a run's first year). Definitions:

* ``engagement``: mean engagement of workers in post; ``high_exhaustion_share``:
  share of them with exhaustion above ``high_exhaustion_threshold`` (the MBI
  emotional-exhaustion cut-off); ``burnout_share``: share with high exhaustion
  *and* engagement below ``low_engagement_threshold``;
* ``annual_turnover``: departures over the last 52 weeks / worker-years over
  those weeks (sum of weekly headcounts / 52), i.e. departures / mean headcount
  (Axess's departure rate), split into ``turnover_exogenous`` and
  ``turnover_job``; posts cut (layoffs) are counted apart (``posts_cut``);
* ``vacancy_rate``: funded posts without a worker / funded posts;
* ``caseload``: mean caseload of workers in post; ``over_capacity_share``: share
  of them holding more cases than their face-to-face hours allow;
* ``non_recourse``: eligible users not supported / eligible users, split into
  ``non_connaissance`` (unaware), ``non_demande`` (aware, not asking) and
  ``non_reception`` (waiting or dropped): the three always sum to non_recourse;
  ``non_recourse_known`` + ``non_recourse_new`` = ``non_recourse``: the part of it
  made of people supported before (for this need or an earlier one: they fell
  out of support) and of people never supported (never reached);
* ``persistent_non_recourse``: eligible users unsupported 39 weeks in a row or
  more / eligible users (three quarters, as DREES measures it);
* ``cream_skimming`` (at intake): 1 - (mean need of those admitted) / (mean need
  of those asking, i.e. waiting when intake opens), over the last 52 weeks:
  0 when intake ignores need, above 0 when the easiest cases enter first,
  below 0 when the greatest needs do;
* ``outreach_take_up``: among the people reached by outreach (met while
  eligible, neither supported nor waiting) whose ``accompaniment_weeks`` ended
  in the last 52 weeks, the share who asked for support in those weeks (a
  cohort share: both counts close in the same week, :mod:`awareness`; a person
  reached again restarts their weeks);
* ``outreach_yield``: people admitted over the last 52 weeks who had been met by
  outreach less than ``promise_weeks`` before; ``outreach_need``: their mean need;
* ``participation_offered``: mean rung offered (0-7, ``participation_level``) over organisations;
  ``participation_rate``: participants / supported users (uptake);
  ``responsiveness`` and ``participation_realised`` (offer weight x
  responsiveness): means over organisations;
* ``new_needs``: needs that arose over the last 52 weeks (the exogenous
  inflow), ``relapses``: resolved needs that came back;
* money: ``budget`` (post-years at week-0 cost), ``cost_per_post`` and
  ``reserves_months`` (means over organisations), ``posts`` (funded);
* the rest are means or counts named by their label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.constants import WEEKS_PER_YEAR
from sim.params import Params
from sim.state import N_STATUS, Status, Territory

PERSISTENT_WEEKS = 39
BLOCK_COUNTS_FROM = 50_000
"""Users (or posts) from which per-organisation sums go column by column, statuses one at a time, rather than
through one stacked array or one bincount (fewer passes over large arrays; more calls on small ones)."""
WINDOW = WEEKS_PER_YEAR


@dataclass(frozen=True)
class Indicator:
    """Description of one indicator (its label, in both languages, is in the catalogue: ``indicator.<name>.label``)."""

    unit: str
    share: bool  # True if a rate in [0, 1]
    signed: bool = False  # True if it may be negative (an index around 0)


INDICATORS: dict[str, Indicator] = {
    "engagement": Indicator("mean 0-1", True),
    "high_exhaustion_share": Indicator("share of workers", True),
    "burnout_share": Indicator("share of workers", True),
    "annual_turnover": Indicator("departures per head per year", False),
    "turnover_exogenous": Indicator("departures per head per year", False),
    "turnover_job": Indicator("departures per head per year", False),
    "vacancy_rate": Indicator("share of posts", True),
    "posts_cut": Indicator("posts per year", False),
    "mean_tenure_years": Indicator("years", False),
    "caseload": Indicator("cases per worker", False),
    "over_capacity_share": Indicator("share of workers", True),
    "non_recourse": Indicator("share of eligible", True),
    "non_connaissance": Indicator("share of eligible", True),
    "non_demande": Indicator("share of eligible", True),
    "non_reception": Indicator("share of eligible", True),
    "persistent_non_recourse": Indicator("share of eligible", True),
    "non_recourse_known": Indicator("share of eligible", True),
    "non_recourse_new": Indicator("share of eligible", True),
    "eligible": Indicator("people", False),
    "supported": Indicator("people", False),
    "waiting_list": Indicator("people", False),
    "mean_wait_weeks": Indicator("weeks", False),
    "new_needs": Indicator("needs per year", False),
    "relapses": Indicator("needs per year", False),
    "cream_skimming": Indicator("index (0 = need ignored)", False, signed=True),
    "outreach_contacts": Indicator("contacts per year", False),
    "outreach_take_up": Indicator("share of people reached", True),
    "outreach_yield": Indicator("people per year", False),
    "outreach_need": Indicator("need severity", False),
    "face_to_face_share": Indicator("share of work time", True),
    "reporting_share": Indicator("share of work time", True),
    "power_to_act": Indicator("mean 0-1 (eligible users)", True),
    "participation_offered": Indicator("rung of Arnstein's ladder", False),
    "participation_rate": Indicator("share of supported", True),
    "responsiveness": Indicator("share", True),
    "participation_realised": Indicator("index 0-1", True),
    "peer_workers": Indicator("people", False),
    "community_hours": Indicator("hours per week", False),
    "budget": Indicator("post-years", False),
    "cost_per_post": Indicator("times the week-0 cost", False),
    "reserves_months": Indicator("months of cash", False),
    "posts": Indicator("posts", False),
    "headcount": Indicator("workers", False),
}

HEADLINE = (
    "engagement",
    "high_exhaustion_share",
    "burnout_share",
    "annual_turnover",
    "vacancy_rate",
    "non_recourse",
    "non_connaissance",
    "non_demande",
    "non_reception",
)
"""The indicators `centaure compare` tables and plots."""

EVENTS = (
    "quits_exogenous",
    "quits_job",
    "posts_cut",
    "asking",
    "asking_need",
    "admitted",
    "admitted_need",
    "outreach_admitted",
    "outreach_admitted_need",
    "contacts",
    "reached",
    "reached_asked",
    "new_needs",
    "relapses",
)
"""Counts per organisation that mechanisms record each week in ``territory.events`` (summed over the window)."""

_STATUS_ROWS = {
    "unaware": (Status.UNAWARE,),
    "not_asking": (Status.NOT_ASKING,),
    "waiting": (Status.WAITING,),
    "dropped": (Status.DROPPED,),
    "supported": (Status.SUPPORTED,),
    "eligible": tuple(code for code in range(N_STATUS) if code != Status.RESOLVED),
    "unsupported": (Status.UNAWARE, Status.NOT_ASKING, Status.WAITING, Status.DROPPED),
    "not_received": (Status.WAITING, Status.DROPPED),
}
_USER_ROWS = (
    "persistent",
    "wait_total",
    "power_eligible",
    "participants",
    "peer_workers",
    "known_unsupported",
)
_WORKER_ROWS = ("head", "engagement", "high_exhaustion", "burnout", "tenure", "caseload", "over_capacity")
_ORG_ROWS = (
    "posts",
    "vacancies",
    "face_to_face",
    "reporting",
    "worker_years",
    "budget",
    "cost",
    "reserves",
    "offered",
    "responsiveness",
    "realised",
    "community_hours",
    "organisations",
)
SUMS = (*_STATUS_ROWS, *_USER_ROWS, *_WORKER_ROWS, *_ORG_ROWS, *EVENTS)
"""Per-organisation sums the indicators are made of (rows of the observation table)."""
_ROW = {name: k for k, name in enumerate(SUMS)}
_STATUS_SUMS = np.array([[code in codes for code in range(N_STATUS)] for codes in _STATUS_ROWS.values()], dtype=float)
"""Counts by status -> the status rows of the table, as one matrix product."""

RATIOS = {
    # indicator: (numerator sum, denominator sum)
    "engagement": ("engagement", "head"),
    "high_exhaustion_share": ("high_exhaustion", "head"),
    "burnout_share": ("burnout", "head"),
    "annual_turnover": ("quits", "worker_years"),
    "turnover_exogenous": ("quits_exogenous", "worker_years"),
    "turnover_job": ("quits_job", "worker_years"),
    "vacancy_rate": ("vacancies", "posts"),
    "mean_tenure_years": ("tenure", "head"),
    "caseload": ("caseload", "head"),
    "over_capacity_share": ("over_capacity", "head"),
    "non_recourse": ("unsupported", "eligible"),
    "non_connaissance": ("unaware", "eligible"),
    "non_demande": ("not_asking", "eligible"),
    "non_reception": ("not_received", "eligible"),
    "persistent_non_recourse": ("persistent", "eligible"),
    "non_recourse_known": ("known_unsupported", "eligible"),
    "non_recourse_new": ("new_unsupported", "eligible"),
    "mean_wait_weeks": ("wait_total", "waiting"),
    "outreach_need": ("outreach_admitted_need", "outreach_admitted"),
    "outreach_take_up": ("reached_asked", "reached"),
    "face_to_face_share": ("face_to_face", "head"),
    "reporting_share": ("reporting", "head"),
    "power_to_act": ("power_eligible", "eligible"),
    "participation_offered": ("offered", "organisations"),
    "participation_rate": ("participants", "supported"),
    "responsiveness": ("responsiveness", "organisations"),
    "participation_realised": ("realised", "organisations"),
    "cost_per_post": ("cost", "organisations"),
    "reserves_months": ("reserves", "organisations"),
    "admitted_need": ("admitted_need", "admitted"),
    "asking_need": ("asking_need", "asking"),
}
COUNTS = {
    "posts_cut": "posts_cut",
    "eligible": "eligible",
    "supported": "supported",
    "waiting_list": "waiting",
    "new_needs": "new_needs",
    "relapses": "relapses",
    "outreach_contacts": "contacts",
    "outreach_yield": "outreach_admitted",
    "peer_workers": "peer_workers",
    "community_hours": "community_hours",
    "budget": "budget",
    "posts": "posts",
    "headcount": "head",
}
DERIVED = {
    # sums made of others (rows appended to the table): name -> (plus, minus)
    "quits": (("quits_exogenous", "quits_job"), ()),
    "new_unsupported": (("unsupported",), ("known_unsupported",)),
}
_TINY = np.finfo(float).tiny
_EVENT_ROWS = slice(len(SUMS) - len(EVENTS), len(SUMS))
_ALL = (*SUMS, *DERIVED)
_ROW = {name: k for k, name in enumerate(_ALL)}
_DERIVED_ROWS = [
    (_ROW[name], [_ROW[a] for a in plus], [_ROW[b] for b in minus]) for name, (plus, minus) in DERIVED.items()
]
_NUM = np.array([_ROW[num] for num, _ in RATIOS.values()])
_DEN = np.array([_ROW[den] for _, den in RATIOS.values()])
_RATIO = {name: k for k, name in enumerate(RATIOS)}
_COUNT_ROWS = np.array([_ROW[row] for row in COUNTS.values()])
_STACKED = (*RATIOS, "cream_skimming", *COUNTS)
_ORDER = np.array([_STACKED.index(name) for name in INDICATORS])
_ADMITTED, _ASKED, _ADMITTED_NEED = _ROW["admitted"], _RATIO["asking_need"], _RATIO["admitted_need"]
_TENURE = _RATIO["mean_tenure_years"]


def bounds(name: str) -> tuple[float, float]:
    """The values an indicator can take (shares and 0-1 indices: 0 to 1; counts and rates: 0 up)."""
    info = INDICATORS.get(name)
    return (0.0, 1.0) if info is not None and info.share else (0.0, float("inf"))


def clipped(name: str, low: float, high: float) -> tuple[float, float]:
    """An interval of an indicator's mean kept within the values the indicator can take."""
    lowest, highest = bounds(name)
    return max(low, lowest), min(high, highest)


class Observer:
    """Keeps the 52-week windows of events and the unsupported streaks, and computes indicators.

    Users and worker posts are stored in contiguous blocks per organisation, so
    per-organisation sums are ``np.add.reduceat`` over each column, written
    into one preallocated table of sums (one row per name of :data:`SUMS`,
    one column per organisation and a last one for the territory).
    """

    def __init__(self, s: Territory) -> None:
        n_orgs = s.orgs.budget.size
        self.n_orgs = n_orgs
        self.status_key = s.users.org * N_STATUS
        self.events = np.zeros((WINDOW, len(EVENTS), n_orgs))
        self.heads = np.zeros((WINDOW, n_orgs))
        self.filled = 0
        self.table = np.zeros((len(_ALL), n_orgs + 1))
        self.table[_ROW["organisations"], :n_orgs] = 1.0

    def observe(self, s: Territory, p: Params) -> np.ndarray:
        """Indicators of the week just simulated: one row per name of :data:`INDICATORS`,
        one column per organisation and a last one for the territory."""
        supported, eligible, unsupported = self.advance(s)
        return self.indicators(s, p, supported, eligible, unsupported)

    def advance(self, s: Territory) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The week's part that later weeks read: the unsupported streaks (and the window's clock).

        Enough for a spin-up week whose events fall out of the window before week 0.
        Returns the masks (supported, eligible, eligible and unsupported) of the users.
        """
        status = s.users.status
        supported = status == Status.SUPPORTED
        eligible = status != Status.RESOLVED
        unsupported = eligible ^ supported  # eligible and not supported (the supported are eligible)
        streak = s.users.unsupported_streak
        streak += 1
        streak *= unsupported
        self.filled += 1
        return supported, eligible, unsupported

    def record(self, s: Territory, head: np.ndarray | None = None) -> None:
        """Add the week's events and headcounts to the 52-week windows (after :meth:`advance`)."""
        slot = (self.filled - 1) % WINDOW
        events = self.events[slot]
        for k, name in enumerate(EVENTS):
            events[k] = s.events[name]
        self.heads[slot] = s.headcount() if head is None else head

    def status_counts(self, s: Territory) -> np.ndarray:
        """Users of each status (rows) in each organisation's catchment (columns), as whole numbers.

        One bincount over (organisation, status) keys, or, in a large territory,
        one count per status over the blocks (fewer passes over the users).
        """
        status = s.users.status
        if status.size < BLOCK_COUNTS_FROM:
            return np.bincount(self.status_key + status, minlength=self.n_orgs * N_STATUS).reshape(-1, N_STATUS).T
        counts = np.zeros((N_STATUS, self.n_orgs), dtype=np.int64)
        for code in range(N_STATUS):
            if _STATUS_SUMS[:, code].any():  # RESOLVED enters no row
                counts[code] = s.per_catchment(status == code)
        return counts

    def indicators(
        self, s: Territory, p: Params, supported: np.ndarray, eligible: np.ndarray, unsupported: np.ndarray
    ) -> np.ndarray:
        """Record the week (after :meth:`advance`) and compute its indicators (see :meth:`observe`)."""
        users, workers, orgs, levers = s.users, s.workers, s.orgs, s.levers
        n, table = self.n_orgs, self.table
        streak = users.unsupported_streak
        table[: len(_STATUS_ROWS), :n] = _STATUS_SUMS @ self.status_counts(s)
        user_columns = (
            streak >= PERSISTENT_WEEKS,
            users.wait_weeks,  # 0 unless waiting
            eligible * users.power,
            users.participant & supported,
            users.peer_worker,
            users.ever_supported & unsupported,
        )
        active = workers.active
        worker_columns = (
            active,
            workers.engagement,  # 0 on vacant posts
            workers.exhaustion > p.high_exhaustion_threshold,  # 0 on vacant posts
            (workers.exhaustion > p.high_exhaustion_threshold) & (workers.engagement < p.low_engagement_threshold),
            workers.tenure,  # 0 on vacant posts
            workers.caseload,  # 0 on vacant posts
            workers.caseload > workers.capacity,  # capacity is 0 on vacant posts, as caseload
        )
        first_user, first_worker = _ROW[_USER_ROWS[0]], _ROW[_WORKER_ROWS[0]]
        block_sums(table[first_user : first_user + len(user_columns), :n], user_columns, s.catchment_start)
        block_sums(table[first_worker : first_worker + len(worker_columns), :n], worker_columns, orgs.position_start)
        head = table[_ROW["head"], :n]
        self.record(s, head)
        table[_ROW["posts"] : _ROW["organisations"], :n] = (
            orgs.posts,
            np.maximum(orgs.posts - head, 0.0),
            orgs.face_to_face * head,
            orgs.reporting * head,
            self.heads.sum(axis=0) / WINDOW,  # worker-years
            orgs.budget,
            orgs.cost,
            orgs.reserves,
            levers.participation_level,
            orgs.responsiveness,
            levers.offer * orgs.responsiveness,
            orgs.community_hours,
        )  # the row "organisations" is a constant 1, set once
        table[_EVENT_ROWS, :n] = self.events.sum(axis=0)
        for row, plus, minus in _DERIVED_ROWS:
            table[row, :n] = table[plus, :n].sum(axis=0) - table[minus, :n].sum(axis=0)
        table[:, n] = table[:, :n].sum(axis=1)
        return indicator_values(table)


def block_sums(rows: np.ndarray, columns: tuple[np.ndarray, ...], starts: np.ndarray) -> None:
    """Write into ``rows[k]`` the sums of ``columns[k]`` over the blocks starting at ``starts``.

    In a small territory, one ``np.add.reduceat`` over the columns stacked in
    float64 (fewer calls); in a large one (``BLOCK_COUNTS_FROM``), column by
    column without that copy: counts and whole numbers as integers (exact, so
    in any order; a block holds fewer than 2^31 people), floats as they are, by
    the same ``np.add.reduceat`` over each block.
    """
    if columns[0].size < BLOCK_COUNTS_FROM:
        rows[:] = np.add.reduceat(np.array(columns, dtype=np.float64), starts, axis=1)
        return
    for row, column in zip(rows, columns, strict=True):
        if column.dtype == np.bool_:
            row[:] = np.add.reduceat(column.view(np.uint8), starts, dtype=np.int32)
        elif column.dtype.kind in "iu":
            row[:] = np.add.reduceat(column, starts, dtype=np.int64)
        else:
            row[:] = np.add.reduceat(column, starts)


def indicator_values(table: np.ndarray) -> np.ndarray:
    """Indicators from the table of sums (one row per name of SUMS, then DERIVED): ratios of sums, then counts.

    Returns one row per name of :data:`INDICATORS`, in that order, and the
    table's columns: the same code serves the organisations and the territory.
    Every numerator is 0 where its denominator is (no eligible user, no worker...),
    and the ratio is then 0.
    """
    ratio = table[_NUM] / np.maximum(table[_DEN], _TINY)
    ratio[_TENURE] /= WEEKS_PER_YEAR  # weeks -> years
    asked = ratio[_ASKED]
    admitted = table[_ADMITTED] > 0
    cream = np.where(admitted & (asked > 0), 1.0 - ratio[_ADMITTED_NEED] / np.maximum(asked, _TINY), 0.0)
    return np.concatenate((ratio, cream[None], table[_COUNT_ROWS]))[_ORDER]
