"""11. Observation: the indicators of MODEL.md §5, for the territory and each organisation.

All indicators are computed once per week from per-organisation sums
(``np.bincount`` over organisation x status), so the territory value is
exactly the aggregate of the organisations' (ratios of sums, not means of
ratios). Definitions:

* ``engagement``: mean engagement of workers in post; ``burnout_share``: share
  of them with exhaustion above ``burnout_threshold``;
* ``annual_turnover``: quits over the last 52 weeks / mean headcount over those
  weeks (Axess's departure rate; partial window during the first year);
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
    """Description of one indicator (for tables, plots and the dashboard)."""

    label_en: str
    label_fr: str
    unit: str
    share: bool  # True if a rate in [0, 1]


INDICATORS: dict[str, Indicator] = {
    "engagement": Indicator("Engagement", "Engagement", "mean 0-1", True),
    "burnout_share": Indicator("Burnout share", "Part en épuisement", "share of workers", True),
    "annual_turnover": Indicator("Annual turnover", "Rotation annuelle", "quits per head per year", False),
    "vacancy_rate": Indicator("Vacancy rate", "Taux de vacance", "share of posts", True),
    "mean_tenure_years": Indicator("Mean tenure", "Ancienneté moyenne", "years", False),
    "non_recourse": Indicator("Non-recourse", "Non-recours", "share of eligible", True),
    "non_connaissance": Indicator("Non-recourse: unaware", "Non-connaissance", "share of eligible", True),
    "non_demande": Indicator("Non-recourse: not asking", "Non-demande", "share of eligible", True),
    "non_reception": Indicator("Non-recourse: not received", "Non-réception", "share of eligible", True),
    "persistent_non_recourse": Indicator(
        "Persistent non-recourse", "Non-recours persistant", "share of eligible", True
    ),
    "waiting_list": Indicator("Waiting list", "Liste d'attente", "people", False),
    "mean_wait_weeks": Indicator("Mean wait", "Attente moyenne", "weeks", False),
    "face_to_face_share": Indicator("Face-to-face time", "Temps de face-à-face", "share of work time", True),
    "reporting_share": Indicator("Reporting time", "Temps de reporting", "share of work time", True),
    "power_to_act": Indicator("Power to act", "Pouvoir d'agir", "mean 0-1 (eligible users)", True),
    "participation_rate": Indicator("Participation rate", "Taux de participation", "share of supported", True),
    "cream_skimming": Indicator("Cream-skimming index", "Indice d'écrémage", "need supported / need eligible", False),
    "budget": Indicator("Budget", "Budget", "posts per year", False),
    "reserves_months": Indicator("Reserves", "Réserves", "months of cash", False),
    "headcount": Indicator("Workers in post", "Professionnels en poste", "workers", False),
    "eligible": Indicator("People in need", "Personnes en besoin", "people", False),
    "supported": Indicator("People supported", "Personnes accompagnées", "people", False),
    "peer_workers": Indicator("Peer workers", "Pair-aidants", "people", False),
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
    per-organisation sums are one ``np.add.reduceat`` over stacked columns.
    """

    def __init__(self, s: Territory) -> None:
        n_orgs = s.orgs.budget.size
        self.user_starts = np.searchsorted(s.users.org, np.arange(n_orgs))
        self.post_starts = s.orgs.position_start
        self.quits = np.zeros((WINDOW, n_orgs))
        self.heads = np.zeros((WINDOW, n_orgs))
        self.filled = 0

    def observe(self, s: Territory, p: Params, quits_by_org: np.ndarray) -> tuple[dict[str, float], dict[str, np.ndarray]]:
        """Indicators of the week just simulated: (territory values, per-organisation arrays)."""
        users, workers, orgs = s.users, s.workers, s.orgs
        status = users.status
        eligible = status != Status.RESOLVED
        supported = status == Status.SUPPORTED
        waiting = status == Status.WAITING
        users.unsupported_streak = np.where(eligible & ~supported, users.unsupported_streak + 1, 0).astype(np.int32)
        user_columns = {
            "eligible": eligible,
            "unaware": status == Status.UNAWARE,
            "not_asking": status == Status.NOT_ASKING,
            "waiting": waiting,
            "dropped": status == Status.DROPPED,
            "supported": supported,
            "persistent": users.unsupported_streak >= PERSISTENT_WEEKS,
            "wait_total": np.where(waiting, users.wait_weeks, 0),
            "need_supported": np.where(supported, users.need, 0.0),
            "need_eligible": users.need,  # need is 0 for the non-eligible
            "power_eligible": np.where(eligible, users.power, 0.0),
            "participants": users.participant & supported,
            "peer_workers": users.peer_worker,
        }
        active = workers.active
        worker_columns = {
            "head": active,
            "engagement": workers.engagement,  # 0 on vacant posts
            "burnout": active & (workers.exhaustion > p.burnout_threshold),
            "tenure": np.where(active, workers.tenure, 0),
        }
        sums = dict(zip(user_columns, np.add.reduceat(np.array(list(user_columns.values()), dtype=float), self.user_starts, axis=1)))
        sums.update(zip(worker_columns, np.add.reduceat(np.array(list(worker_columns.values()), dtype=float), self.post_starts, axis=1)))
        head = sums["head"]
        slot = self.filled % WINDOW
        self.quits[slot] = quits_by_org
        self.heads[slot] = head
        self.filled += 1
        window = min(self.filled, WINDOW)
        sums.update(
            posts=orgs.posts.astype(float),
            face_to_face=orgs.face_to_face * head,
            reporting=orgs.reporting * head,
            quits_window=self.quits.sum(axis=0),
            heads_window=self.heads.sum(axis=0) / window,
            budget=orgs.budget,
            reserves=orgs.reserves,
            organisations=np.ones(head.size),
        )
        # one extra row for the territory: ratios of sums, computed by the same code
        table = np.array([np.append(v, v.sum()) for v in sums.values()])
        values = _indicators(dict(zip(sums, table)), window)
        territory = {k: float(v[-1]) for k, v in values.items()}
        return territory, {k: v[:-1] for k, v in values.items()}


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros(a.shape), where=b > 0)


def _indicators(x: dict[str, np.ndarray], window: int) -> dict[str, np.ndarray]:
    """Indicators from sums; the same code serves the organisations and the territory."""
    el = x["eligible"]
    return {
        "engagement": _ratio(x["engagement"], x["head"]),
        "burnout_share": _ratio(x["burnout"], x["head"]),
        "annual_turnover": _ratio(x["quits_window"], x["heads_window"]) * (WINDOW / window),
        "vacancy_rate": _ratio(np.maximum(x["posts"] - x["head"], 0.0), x["posts"]),
        "mean_tenure_years": _ratio(x["tenure"], x["head"]) / 52.0,
        "non_recourse": _ratio(el - x["supported"], el),
        "non_connaissance": _ratio(x["unaware"], el),
        "non_demande": _ratio(x["not_asking"], el),
        "non_reception": _ratio(x["waiting"] + x["dropped"], el),
        "persistent_non_recourse": _ratio(x["persistent"], el),
        "waiting_list": x["waiting"],
        "mean_wait_weeks": _ratio(x["wait_total"], x["waiting"]),
        "face_to_face_share": _ratio(x["face_to_face"], x["head"]),
        "reporting_share": _ratio(x["reporting"], x["head"]),
        "power_to_act": _ratio(x["power_eligible"], el),
        "participation_rate": _ratio(x["participants"], x["supported"]),
        "cream_skimming": _ratio(_ratio(x["need_supported"], x["supported"]), _ratio(x["need_eligible"], el)),
        "budget": x["budget"],
        "reserves_months": _ratio(x["reserves"], x["organisations"]),
        "headcount": x["head"],
        "eligible": el,
        "supported": x["supported"],
        "peer_workers": x["peer_workers"],
    }
