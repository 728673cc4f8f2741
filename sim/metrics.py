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
    """Keeps the 52-week windows and the unsupported streaks, and computes indicators."""

    def __init__(self, n_orgs: int) -> None:
        self.quits = np.zeros((WINDOW, n_orgs))
        self.heads = np.zeros((WINDOW, n_orgs))
        self.filled = 0

    def observe(self, s: Territory, p: Params, quits_by_org: np.ndarray) -> tuple[dict[str, float], dict[str, np.ndarray]]:
        """Indicators of the week just simulated: (territory values, per-organisation arrays)."""
        users, workers, orgs = s.users, s.workers, s.orgs
        n = orgs.budget.size
        eligible = users.status != Status.RESOLVED
        supported = users.status == Status.SUPPORTED
        users.unsupported_streak = np.where(eligible & ~supported, users.unsupported_streak + 1, 0).astype(np.int32)

        counts = np.bincount(users.org * N_STATUS + users.status, minlength=n * N_STATUS).reshape(n, N_STATUS)
        active = workers.active
        w_org = workers.org[active]
        head = np.bincount(w_org, minlength=n).astype(float)
        slot = self.filled % WINDOW
        self.quits[slot] = quits_by_org
        self.heads[slot] = head
        self.filled += 1
        window = min(self.filled, WINDOW)

        def by_org(groups: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(groups, weights=weights, minlength=n).astype(float)

        sums = {
            "eligible": counts[:, 1:].sum(axis=1).astype(float),
            "unaware": counts[:, Status.UNAWARE].astype(float),
            "not_asking": counts[:, Status.NOT_ASKING].astype(float),
            "waiting": counts[:, Status.WAITING].astype(float),
            "dropped": counts[:, Status.DROPPED].astype(float),
            "supported": counts[:, Status.SUPPORTED].astype(float),
            "persistent": by_org(users.org[eligible & (users.unsupported_streak >= PERSISTENT_WEEKS)]),
            "wait_total": by_org(users.org[users.status == Status.WAITING], users.wait_weeks[users.status == Status.WAITING]),
            "need_supported": by_org(users.org[supported], users.need[supported]),
            "need_eligible": by_org(users.org[eligible], users.need[eligible]),
            "power_eligible": by_org(users.org[eligible], users.power[eligible]),
            "participants": by_org(users.org[users.participant & supported]),
            "peer_workers": by_org(users.org[users.peer_worker]),
            "head": head,
            "posts": orgs.posts.astype(float),
            "engagement": by_org(w_org, workers.engagement[active]),
            "burnout": by_org(w_org[workers.exhaustion[active] > p.burnout_threshold]),
            "tenure": by_org(w_org, workers.tenure[active].astype(float)),
            "face_to_face": orgs.face_to_face * head,
            "reporting": orgs.reporting * head,
            "quits_window": self.quits.sum(axis=0),
            "heads_window": self.heads.sum(axis=0) / window,
            "budget": orgs.budget,
            "reserves": orgs.reserves,
        }
        per_org = _indicators(sums, window)
        territory = _indicators({k: np.array([v.sum()]) for k, v in sums.items()}, window)
        territory["reserves_months"] = np.array([orgs.reserves.mean()])
        return {k: float(v[0]) for k, v in territory.items()}, per_org


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=float), where=b > 0)


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
        "reserves_months": x["reserves"],
        "headcount": x["head"],
        "eligible": el,
        "supported": x["supported"],
        "peer_workers": x["peer_workers"],
    }
