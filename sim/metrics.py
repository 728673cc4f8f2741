"""11. Observation: the indicators of MODEL.md §5, for the territory and each organisation.

All indicators are computed once per week from per-organisation sums
(``np.bincount`` over organisation x status), so the territory value is
exactly the aggregate of the organisations' (ratios of sums, not means of
ratios). Definitions:

* ``engagement``: mean engagement of workers in post; ``burnout_share``: share
  of them with exhaustion above ``burnout_threshold``;
* ``annual_turnover``: quits over the last 52 weeks / worker-years over those
  weeks (sum of weekly headcounts / 52), i.e. quits / mean headcount, scaled
  to a year during the first (Axess's departure rate);
* ``vacancy_rate``: funded posts without a worker / funded posts;
* ``non_recourse``: eligible users not supported / eligible users, split into
  ``non_connaissance`` (unaware), ``non_demande`` (aware, not asking) and
  ``non_reception`` (waiting or dropped): the three always sum to non_recourse;
* ``persistent_non_recourse``: eligible users unsupported 39 weeks in a row or
  more / eligible users (three quarters, as DREES measures it);
* ``cream_skimming``: mean need of supported users / mean need of eligible
  users (below 1: the easiest cases are served first);
* the rest are means or counts named by their label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import Params
from sim.state import N_STATUS, Status, Territory

PERSISTENT_WEEKS = 39
WINDOW = 52


@dataclass(frozen=True)
class Indicator:
    """Description of one indicator (its label, in both languages, is in the catalogue: ``indicator.<name>.label``)."""

    unit: str
    share: bool  # True if a rate in [0, 1]


INDICATORS: dict[str, Indicator] = {
    "engagement": Indicator("mean 0-1", True),
    "burnout_share": Indicator("share of workers", True),
    "annual_turnover": Indicator("quits per head per year", False),
    "vacancy_rate": Indicator("share of posts", True),
    "mean_tenure_years": Indicator("years", False),
    "non_recourse": Indicator("share of eligible", True),
    "non_connaissance": Indicator("share of eligible", True),
    "non_demande": Indicator("share of eligible", True),
    "non_reception": Indicator("share of eligible", True),
    "persistent_non_recourse": Indicator("share of eligible", True),
    "waiting_list": Indicator("people", False),
    "mean_wait_weeks": Indicator("weeks", False),
    "face_to_face_share": Indicator("share of work time", True),
    "reporting_share": Indicator("share of work time", True),
    "power_to_act": Indicator("mean 0-1 (eligible users)", True),
    "participation_rate": Indicator("share of supported", True),
    "cream_skimming": Indicator("need supported / need eligible", False),
    "budget": Indicator("posts per year", False),
    "reserves_months": Indicator("months of cash", False),
    "headcount": Indicator("workers", False),
    "eligible": Indicator("people", False),
    "supported": Indicator("people", False),
    "peer_workers": Indicator("people", False),
}

HEADLINE = (
    "engagement",
    "burnout_share",
    "annual_turnover",
    "vacancy_rate",
    "non_recourse",
    "non_connaissance",
    "non_demande",
    "non_reception",
)
"""The indicators `centaure compare` tables and plots."""


class Observer:
    """Keeps the 52-week windows and the unsupported streaks, and computes indicators.

    Users and worker posts are stored in contiguous blocks per organisation, so
    per-organisation sums are ``np.add.reduceat`` over each column, written
    into one preallocated table of sums (one row per name of :data:`SUMS`,
    one column per organisation and a last one for the territory).
    """

    def __init__(self, s: Territory) -> None:
        n_orgs = s.orgs.budget.size
        self.n_orgs = n_orgs
        self.status_key = s.users.org * N_STATUS
        self.post_starts = s.orgs.position_start
        self.quits = np.zeros((WINDOW, n_orgs))
        self.heads = np.zeros((WINDOW, n_orgs))
        self.filled = 0
        self.table = np.zeros((len(SUMS), n_orgs + 1))
        self.table[_ROW["organisations"], :n_orgs] = 1.0

    def observe(self, s: Territory, p: Params, quits_by_org: np.ndarray) -> np.ndarray:
        """Indicators of the week just simulated: one row per name of :data:`INDICATORS`,
        one column per organisation and a last one for the territory."""
        users, workers, orgs = s.users, s.workers, s.orgs
        n, table = self.n_orgs, self.table
        status = users.status
        supported = status == Status.SUPPORTED
        eligible = status != Status.RESOLVED
        streak = users.unsupported_streak
        streak += 1
        streak *= eligible ^ supported  # eligible and not supported (the supported are eligible)
        counts = np.bincount(self.status_key + status, minlength=n * N_STATUS).reshape(n, N_STATUS)
        table[: len(_STATUS_ROWS), :n] = _STATUS_SUMS @ counts.T
        user_columns = (
            streak >= PERSISTENT_WEEKS,
            users.wait_weeks,  # 0 unless waiting
            supported * users.need,
            users.need,  # 0 for the non-eligible
            eligible * users.power,
            users.participant & supported,
            users.peer_worker,
        )
        active = workers.active
        worker_columns = (
            active,
            workers.engagement,  # 0 on vacant posts
            workers.exhaustion > p.burnout_threshold,  # 0 on vacant posts
            workers.tenure,  # 0 on vacant posts
        )
        for row, column in enumerate(user_columns, _ROW["persistent"]):
            np.add.reduceat(column, s.catchment_start, dtype=np.float64, out=table[row, :n])
        for row, column in enumerate(worker_columns, _ROW["head"]):
            np.add.reduceat(column, self.post_starts, dtype=np.float64, out=table[row, :n])
        head = table[_ROW["head"], :n]
        slot = self.filled % WINDOW
        self.quits[slot] = quits_by_org
        self.heads[slot] = head
        self.filled += 1
        table[_ROW["posts"] : _ROW["organisations"], :n] = (
            orgs.posts,
            np.maximum(orgs.posts - head, 0.0),
            orgs.face_to_face * head,
            orgs.reporting * head,
            self.quits.sum(axis=0),
            self.heads.sum(axis=0) / WINDOW,  # worker-years
            orgs.budget,
            orgs.reserves,
        )  # the row "organisations" is a constant 1, set once
        table[:, n] = table[:, :n].sum(axis=1)
        return indicator_values(table)


SUMS = (
    "unaware",
    "not_asking",
    "waiting",
    "dropped",
    "supported",
    "eligible",
    "unsupported",
    "not_received",
    "persistent",
    "wait_total",
    "need_supported",
    "need_eligible",
    "power_eligible",
    "participants",
    "peer_workers",
    "head",
    "engagement",
    "burnout",
    "tenure",
    "posts",
    "vacancies",
    "face_to_face",
    "reporting",
    "quits_window",
    "worker_years",
    "budget",
    "reserves",
    "organisations",
)
"""Per-organisation sums the indicators are ratios of (rows of the observation table)."""

_STATUS_ROWS = {
    # first rows of SUMS: user counts by status
    "unaware": (Status.UNAWARE,),
    "not_asking": (Status.NOT_ASKING,),
    "waiting": (Status.WAITING,),
    "dropped": (Status.DROPPED,),
    "supported": (Status.SUPPORTED,),
    "eligible": tuple(code for code in range(N_STATUS) if code != Status.RESOLVED),
    "unsupported": (Status.UNAWARE, Status.NOT_ASKING, Status.WAITING, Status.DROPPED),
    "not_received": (Status.WAITING, Status.DROPPED),
}
assert tuple(_STATUS_ROWS) == SUMS[: len(_STATUS_ROWS)]
_STATUS_SUMS = np.array([[code in codes for code in range(N_STATUS)] for codes in _STATUS_ROWS.values()], dtype=float)
"""Counts by status -> the status rows of the table, as one matrix product."""


RATIOS = {
    # indicator: (numerator sum, denominator sum, scale)
    "engagement": ("engagement", "head", 1.0),
    "burnout_share": ("burnout", "head", 1.0),
    "annual_turnover": ("quits_window", "worker_years", 1.0),
    "vacancy_rate": ("vacancies", "posts", 1.0),
    "mean_tenure_years": ("tenure", "head", 1.0 / 52.0),
    "non_recourse": ("unsupported", "eligible", 1.0),
    "non_connaissance": ("unaware", "eligible", 1.0),
    "non_demande": ("not_asking", "eligible", 1.0),
    "non_reception": ("not_received", "eligible", 1.0),
    "persistent_non_recourse": ("persistent", "eligible", 1.0),
    "mean_wait_weeks": ("wait_total", "waiting", 1.0),
    "face_to_face_share": ("face_to_face", "head", 1.0),
    "reporting_share": ("reporting", "head", 1.0),
    "power_to_act": ("power_eligible", "eligible", 1.0),
    "participation_rate": ("participants", "supported", 1.0),
    "reserves_months": ("reserves", "organisations", 1.0),
    "need_supported": ("need_supported", "supported", 1.0),
    "need_eligible": ("need_eligible", "eligible", 1.0),
}
COUNTS = {
    "waiting_list": "waiting",
    "budget": "budget",
    "headcount": "head",
    "eligible": "eligible",
    "supported": "supported",
    "peer_workers": "peer_workers",
}
_ROW = {name: k for k, name in enumerate(SUMS)}
_NUM = np.array([_ROW[n] for n, _, _ in RATIOS.values()])
_DEN = np.array([_ROW[d] for _, d, _ in RATIOS.values()])
_SCALE = np.array([scale for _, _, scale in RATIOS.values()])[:, None]
_TINY = np.finfo(float).tiny
_NEED_SUPPORTED = list(RATIOS).index("need_supported")
_NEED_ELIGIBLE = list(RATIOS).index("need_eligible")
_COUNT_ROWS = np.array([_ROW[row] for row in COUNTS.values()])
_STACKED = (*RATIOS, "cream_skimming", *COUNTS)
_ORDER = np.array([_STACKED.index(name) for name in INDICATORS])


def indicator_values(table: np.ndarray) -> np.ndarray:
    """Indicators from the table of sums (one row per name of SUMS): ratios of sums, then counts.

    Returns one row per name of :data:`INDICATORS`, in that order, and the
    table's columns: the same code serves the organisations and the territory.
    Every numerator is 0 where its denominator is (no eligible user, no worker...),
    and the ratio is then 0.
    """
    num, den = table[_NUM], table[_DEN]
    ratio = num / np.maximum(den, _TINY)
    ratio *= _SCALE
    cream_skimming = ratio[_NEED_SUPPORTED] / np.maximum(ratio[_NEED_ELIGIBLE], _TINY)
    return np.concatenate((ratio, cream_skimming[None], table[_COUNT_ROWS]))[_ORDER]
