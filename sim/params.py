"""Every parameter of Centaure, declared once.

Each field of :class:`Params` carries its unit, allowed range, default, source
(or "assumption"), a label in French and English, and a group:

* ``lever`` — governance levers of MODEL.md §4, changeable by a reform during a run;
* ``context`` — the territory's exogenous context (growth of needs), also changeable;
* ``structure`` — population sizes, organisations, network shape, horizon;
* ``behaviour`` — behavioural coefficients of the mechanisms (calibration constants).

Validation, the scenario-file format, ``--set`` overrides on the command line,
the dashboard's controls and the parameter table of ``docs/ODD.md`` are all
generated from these declarations; nothing else lists the parameters.

Rates are weekly (one step = one week); where a weekly rate is given, its help
text also gives the yearly figure practitioners read.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import ParameterError

GROUPS = ("lever", "context", "structure", "behaviour")
REFORMABLE_GROUPS = ("lever", "context")
INTAKE_RULES = ("by_funding", "greatest_need", "easiest_first", "first_come")


@dataclass(frozen=True)
class Spec:
    """Metadata of one parameter: everything a user or a tool needs to know about it."""

    name: str
    kind: type
    default: Any
    low: float | None
    high: float | None
    unit: str
    group: str
    source: str
    label_en: str
    label_fr: str
    help_en: str
    help_fr: str
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)} ({self.unit})"

    def error(self, value: Any, problem: str = "") -> ParameterError:
        """The one-line error for ``value``: ``name = value[ problem]: expected ...``."""
        return ParameterError(
            f"{self.name} = {value!r}{problem}: expected {self.allowed()}",
            field=self.name,
            value=value,
            allowed=self.allowed(),
        )

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        if self.kind is bool:
            if not isinstance(value, bool | np.bool_):
                raise self.error(value)
            return bool(value)
        if self.choices:
            if value not in self.choices:
                raise self.error(value)
            return str(value)
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise self.error(value)
        if not math.isfinite(value):
            raise self.error(value)
        if self.kind is int:
            if not float(value).is_integer():
                raise self.error(value)
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise self.error(value, " is out of range")
        return value

    def parse(self, text: str) -> Any:
        """Convert a command-line or address-bar string (``--set name=text``) and check it."""
        text = text.strip()
        if self.kind is bool:
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "oui"):
                return True
            if lowered in ("false", "0", "no", "non"):
                return False
            raise self.error(text)
        if self.choices:
            return self.check(text)
        try:
            number = float(text)
        except ValueError:
            raise self.error(text) from None
        return self.check(number)


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else f"{x:,}".replace(",", "_")


def _p(
    default: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    unit: str,
    group: str,
    source: str = "assumption",
    en: str,
    fr: str,
    help_en: str = "",
    help_fr: str = "",
    choices: tuple[str, ...] = (),
) -> Any:
    """Declare one parameter (a dataclass field whose metadata is its Spec)."""
    meta = dict(
        default=default,
        low=low,
        high=high,
        unit=unit,
        group=group,
        source=source,
        label_en=en,
        label_fr=fr,
        help_en=help_en,
        help_fr=help_fr,
        choices=choices,
    )
    return field(default=default, metadata={"spec": meta})


@dataclass(frozen=True)
class Params:
    """The full parameter set of one run. Build with :meth:`Params.from_mapping` to validate."""

    # ---------------------------------------------------------------- levers (MODEL.md §4)
    reporting_pressure: float = _p(
        0.39,
        0.0,
        0.7,
        unit="share of work time",
        group="lever",
        source="targets.csv: CNAF/Acadie 2011, 39% of social workers' time on admin and reporting (npm)",
        en="Reporting pressure",
        fr="Pression du reporting",
        help_en="Share of a worker's time that funders' indicators and reporting require, before the manager softens or amplifies it.",
        help_fr="Part du temps de travail exigée par les indicateurs et le reporting des financeurs, avant que la direction ne l'atténue ou ne l'amplifie.",
    )
    standardisation: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        en="Standardisation of practice",
        fr="Standardisation des pratiques",
        help_en="How far procedures, grids and protocols prescribe the work (HAS frameworks, SERAFIN-PH). Autonomy = (1 - standardisation) x (0.5 + 0.5 x manager style).",
        help_fr="Degré auquel procédures, grilles et protocoles prescrivent le travail (référentiels HAS, SERAFIN-PH). Autonomie = (1 - standardisation) x (0,5 + 0,5 x style de direction).",
    )
    manager_style: float = _p(
        0.35,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        en="Management style (anchor)",
        fr="Style de direction (ancrage)",
        help_en="0 = managerial control, 1 = ethical, participatory direction (Janvier 2017). Managers drift from this anchor toward control under indicator pressure and toward participation where participation works.",
        help_fr="0 = contrôle managérial, 1 = direction éthique et participative (Janvier 2017). Les directions dérivent de cet ancrage vers le contrôle sous pression des indicateurs, vers la participation là où elle fonctionne.",
    )
    funding_market: float = _p(
        0.6,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        source="Polanyi's three principles, via the essay's hybridisation strategy; value an assumption",
        en="Funding: market (weight)",
        fr="Financement : marché (poids)",
        help_en="Weight of activity-based, indicator-driven funding with calls for projects. The three funding weights are normalised to sum to 1.",
        help_fr="Poids du financement à l'activité, piloté par indicateurs et appels à projets. Les trois poids sont normalisés pour sommer à 1.",
    )
    funding_redistribution: float = _p(
        0.4,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        source="Polanyi; assumption",
        en="Funding: redistribution (weight)",
        fr="Financement : redistribution (poids)",
        help_en="Weight of global allocations by assessed needs.",
        help_fr="Poids des dotations globales attribuées selon les besoins évalués.",
    )
    funding_reciprocity: float = _p(
        0.0,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        source="Polanyi; Eynaud & França Filho 2019; assumption",
        en="Funding: reciprocity (weight)",
        fr="Financement : réciprocité (poids)",
        help_en="Weight of grants to reciprocity-based projects (community, mutual aid, peer support): they fund no casework post but mobilise community hours for outreach and support, which grow only with real participation.",
        help_fr="Poids des financements de projets fondés sur la réciprocité (entraide, pair-aidance, collectifs) : ils ne financent pas de poste mais mobilisent des heures de la communauté pour l'aller-vers et l'accompagnement, qui ne croissent qu'avec une participation réelle.",
    )
    budget_growth: float = _p(
        0.0,
        -0.1,
        0.1,
        unit="per year",
        group="lever",
        en="Budget growth",
        fr="Croissance du budget",
        help_en="Yearly growth of the public budget. Below the growth of needs, this is austerity.",
        help_fr="Croissance annuelle du budget public. En dessous de la croissance des besoins, c'est l'austérité.",
    )
    call_for_projects_period: int = _p(
        3,
        1,
        10,
        unit="years",
        group="lever",
        source="HPST law 2009 calls for projects; period an assumption",
        en="Call-for-projects period",
        fr="Périodicité des appels à projets",
        help_en="Every this many years, the market share of the budget moves toward the organisations with the best indicators.",
        help_fr="Tous les combien d'années la part « marché » du budget se déplace vers les organisations aux meilleurs indicateurs.",
    )
    procedure_complexity: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Moynihan, Herd & Harvey 2015 (compliance costs); value an assumption",
        en="Complexity of procedures",
        fr="Complexité des démarches",
        help_en="Compliance cost of asking for support (forms, documents, appointments).",
        help_fr="Coût de conformité de la demande d'aide (formulaires, justificatifs, rendez-vous).",
    )
    conditionality: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Moynihan, Herd & Harvey 2015; essay §2 (sanctions, RSA duties); value an assumption",
        en="Conditionality of benefits",
        fr="Conditionnalité des aides",
        help_en="Duties and sanctions attached to support: a compliance cost of asking (with the complexity of procedures).",
        help_fr="Devoirs et sanctions attachés à l'aide : un coût de conformité de la demande (avec la complexité des démarches).",
    )
    outreach_share: float = _p(
        0.02,
        0.0,
        0.4,
        unit="share of work time",
        group="lever",
        source="essay §4 (aller-vers); value an assumption",
        en="Outreach (aller-vers) time",
        fr="Temps d'aller-vers",
        help_en="Share of worker time spent meeting people where they are. It informs and builds trust, but takes face-to-face hours.",
        help_fr="Part du temps des professionnels passée à aller à la rencontre des personnes. Elle informe et crée la confiance, mais prend des heures d'accompagnement.",
    )
    participation_level: int = _p(
        3,
        0,
        7,
        unit="rung of Arnstein's ladder",
        group="lever",
        source="Arnstein 1969; CASF participation instances (CVS); essay §4 (alliance)",
        en="Participation level",
        fr="Niveau de participation",
        help_en="0 manipulation, 1 therapy, 2 informing, 3 consultation, 4 placation, 5 partnership, 6 delegated power, 7 citizen control. Effects grow as (level/7)^2: the lower rungs are tokenism.",
        help_fr="0 manipulation, 1 thérapie, 2 information, 3 consultation, 4 apaisement, 5 partenariat, 6 délégation de pouvoir, 7 contrôle citoyen. Les effets croissent comme (niveau/7)^2 : les premiers barreaux sont symboliques.",
    )
    peer_worker_programme: bool = _p(
        False,
        unit="on/off",
        group="lever",
        source="essay §4 (pair-aidants, travailleurs pairs)",
        en="Peer-worker programme",
        fr="Programme de pair-aidance",
        help_en="Supported users with high power to act who take part in governance can become peer workers: they do outreach and bridge trust.",
        help_fr="Des personnes accompagnées au pouvoir d'agir élevé et qui participent à la gouvernance peuvent devenir pair-aidantes : elles vont vers les autres et font le pont de la confiance.",
    )
    caseload_cap: int = _p(
        30,
        5,
        80,
        unit="cases per worker",
        group="lever",
        en="Caseload cap",
        fr="Plafond de file active",
        help_en="Most cases a worker may hold, including cases handed over when a colleague leaves.",
        help_fr="Nombre maximal de situations suivies par un professionnel, y compris celles reprises au départ d'un collègue.",
    )
    recruitment_difficulty: float = _p(
        0.5,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Axess barometer 2023 (recruitment tensions); value an assumption",
        en="Recruitment difficulty",
        fr="Difficulté de recrutement",
        help_en="Labour-market tension: the weekly chance to fill a vacancy is p0 x (1 - difficulty) x sector engagement.",
        help_fr="Tension du marché du travail : la chance hebdomadaire de pourvoir un poste vaut p0 x (1 - difficulté) x engagement du secteur.",
    )
    intake_priority: str = _p(
        "by_funding",
        unit="rule",
        group="lever",
        choices=INTAKE_RULES,
        source="MODEL.md §3.6 (cream-skimming under indicator-driven funding)",
        en="Intake priority rule",
        fr="Règle de priorité à l'entrée",
        help_en="by_funding: easiest cases first in proportion to the market weight, greatest need first otherwise; or a fixed rule.",
        help_fr="by_funding : les cas les plus faciles d'abord à proportion du poids du marché, les plus grands besoins sinon ; ou une règle fixe.",
    )
    # ---------------------------------------------------------------- context
    need_growth: float = _p(
        0.0,
        -0.05,
        0.1,
        unit="per year",
        group="context",
        source="default 0: a stationary territory, so that scenarios differ by governance, not drift; essay §2 for austerity (ASE measures +15% 2017-2023, about 2%/year)",
        en="Growth of needs",
        fr="Croissance des besoins",
        help_en="Yearly growth of the rate at which new needs arise in the population.",
        help_fr="Croissance annuelle du rythme d'apparition de nouveaux besoins dans la population.",
    )
    # ---------------------------------------------------------------- structure (MODEL.md §2)
    n_users: int = _p(
        5000,
        20,
        5_000_000,
        unit="people",
        group="structure",
        source="MODEL.md §2 reference territory",
        en="Users",
        fr="Personnes",
    )
    n_workers: int = _p(
        200,
        2,
        500_000,
        unit="posts",
        group="structure",
        source="MODEL.md §2 reference territory",
        en="Worker posts",
        fr="Postes de professionnels",
        help_en="The initial public budget, in posts; the market and redistribution shares fund casework posts (all of them unless reciprocity is used), then the budget sets the number of posts.",
        help_fr="Le budget public initial, en postes ; les parts marché et redistribution financent les postes (tous, sauf recours à la réciprocité), puis le budget fixe le nombre de postes.",
    )
    n_organisations: int = _p(
        8,
        1,
        100_000,
        unit="organisations",
        group="structure",
        source="MODEL.md §2 reference territory",
        en="Organisations",
        fr="Organisations",
    )
    n_funders: int = _p(
        2,
        1,
        1000,
        unit="funders",
        group="structure",
        source="MODEL.md §2 reference territory",
        en="Funders",
        fr="Financeurs",
    )
    team_size: int = _p(
        8,
        2,
        50,
        unit="workers",
        group="structure",
        en="Team size",
        fr="Taille des équipes",
    )
    peer_degree: int = _p(
        6,
        2,
        50,
        unit="ties per user",
        group="structure",
        source="Watts & Strogatz 1998 small world; degree an assumption",
        en="Peer ties per user",
        fr="Liens de voisinage par personne",
        help_en="Mean number of peer ties (even; rounded down to even).",
        help_fr="Nombre moyen de liens entre pairs (pair ; arrondi au pair inférieur).",
    )
    peer_rewiring: float = _p(
        0.1,
        0.0,
        1.0,
        unit="probability",
        group="structure",
        source="Watts & Strogatz 1998",
        en="Peer-tie rewiring",
        fr="Recâblage des liens",
        help_en="Share of neighbourhood ties rewired at random: 0 = closed neighbourhoods, 1 = random graph.",
        help_fr="Part des liens de voisinage recâblés au hasard : 0 = quartiers fermés, 1 = graphe aléatoire.",
    )
    weeks: int = _p(
        520,
        1,
        5200,
        unit="weeks",
        group="structure",
        source="MODEL.md §2 (ten years)",
        en="Horizon",
        fr="Horizon",
    )
    initial_eligible_share: float = _p(
        0.6,
        0.0,
        1.0,
        unit="share of users",
        group="structure",
        en="Initial share in need",
        fr="Part initiale de personnes en besoin",
    )
    # ---------------------------------------------------------------- behaviour (calibration constants)
    hours_per_week: float = _p(
        35.0,
        10.0,
        60.0,
        unit="hours per week",
        group="behaviour",
        source="French legal working week (Code du travail, L3121-27)",
        en="Working hours",
        fr="Heures de travail",
    )
    admin_share: float = _p(
        0.10,
        0.0,
        0.5,
        unit="share of work time",
        group="behaviour",
        en="Fixed admin share",
        fr="Part administrative fixe",
        help_en="Time on meetings, travel and administration that no lever changes.",
        help_fr="Temps de réunions, trajets et administration qu'aucun levier ne change.",
    )
    participation_time_per_rung: float = _p(
        0.01,
        0.0,
        0.05,
        unit="share of work time per rung",
        group="behaviour",
        source="MODEL.md §6 (participation takes face-to-face hours); value an assumption",
        en="Time cost of participation",
        fr="Coût en temps de la participation",
    )
    hours_per_case: float = _p(
        1.7,
        0.25,
        10.0,
        unit="hours per case per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
        en="Face-to-face hours a case needs",
        fr="Heures de face-à-face par situation",
    )
    need_arrival_rate: float = _p(
        0.008,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
        help_en="Weekly hazard that a person with no current need develops one (0.008/week is about 34%/year).",
        en="Arrival of new needs",
        fr="Apparition de nouveaux besoins",
    )
    spontaneous_exit_rate: float = _p(
        0.002,
        0.0,
        0.2,
        unit="per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
        help_en="Weekly chance that an unsupported need resolves on its own (0.002/week is about 10%/year).",
        en="Spontaneous exit",
        fr="Sortie spontanée",
    )
    need_worsening: float = _p(
        0.003,
        0.0,
        0.1,
        unit="per week",
        group="behaviour",
        en="Worsening of unmet needs",
        fr="Aggravation des besoins non couverts",
        help_en="need <- need + rate x (1 - need) each week without support.",
    )
    support_effect: float = _p(
        0.05,
        0.0,
        0.5,
        unit="per week at quality 1",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
        en="Effect of support on need",
        fr="Effet de l'accompagnement sur le besoin",
        help_en="need <- need x (1 - effect x quality) each supported week.",
    )
    resolve_threshold: float = _p(
        0.1,
        0.0,
        0.5,
        unit="need severity",
        group="behaviour",
        en="Need resolved below",
        fr="Besoin résolu sous",
    )
    continuity_weeks: float = _p(
        8.0,
        0.5,
        104.0,
        unit="weeks",
        group="behaviour",
        source="MODEL.md §3.7 (continuity with the same worker); value an assumption",
        en="Continuity time constant",
        fr="Constante de continuité",
        help_en="continuity = 1 - exp(-weeks with the same worker / constant).",
    )
    awareness_retention: float = _p(
        0.5,
        0.0,
        1.0,
        unit="probability",
        group="behaviour",
        source="assumption: rights are specific to a need (Warin 2016, non-connaissance)",
        en="Knowledge kept for a new need",
        fr="Connaissance conservée pour un nouveau besoin",
        help_en="Chance that someone who knew their rights still knows the relevant ones when a new need arises.",
    )
    learn_from_peer: float = _p(
        0.002,
        0.0,
        0.5,
        unit="per aware peer per week",
        group="behaviour",
        source="MODEL.md §7; value an assumption; value calibrated by hand on targets.csv (npm)",
        en="Learning from a peer",
        fr="Apprentissage par un pair",
    )
    learn_from_peer_worker: float = _p(
        0.05,
        0.0,
        1.0,
        unit="per peer-worker tie per week",
        group="behaviour",
        en="Learning from a peer worker",
        fr="Apprentissage par un pair-aidant",
    )
    hours_per_contact: float = _p(
        1.0,
        0.1,
        10.0,
        unit="hours per outreach contact",
        group="behaviour",
        en="Hours per outreach contact",
        fr="Heures par contact d'aller-vers",
    )
    outreach_trust_gain: float = _p(
        0.15,
        0.0,
        1.0,
        unit="share of the trust gap closed",
        group="behaviour",
        source="essay §4: aller-vers works through the relation, not only information",
        en="Trust built by an outreach contact",
        fr="Confiance créée par un contact d'aller-vers",
    )
    ask_intercept: float = _p(
        -3.0,
        -10.0,
        5.0,
        unit="log-odds per week",
        group="behaviour",
        source="MODEL.md §7 logistic choice; calibrated on targets.csv",
        en="Asking: intercept",
        fr="Demande : constante",
    )
    ask_need: float = _p(
        2.5,
        0.0,
        10.0,
        unit="log-odds per unit of need",
        group="behaviour",
        en="Asking: weight of need",
        fr="Demande : poids du besoin",
    )
    ask_trust: float = _p(
        3.0,
        0.0,
        10.0,
        unit="log-odds per unit of trust",
        group="behaviour",
        en="Asking: weight of trust",
        fr="Demande : poids de la confiance",
    )
    ask_stigma: float = _p(
        6.0,
        0.0,
        10.0,
        unit="log-odds per unit of stigma",
        group="behaviour",
        source="Moynihan, Herd & Harvey 2015 (psychological costs); value calibrated by hand on targets.csv (npm)",
        en="Asking: weight of stigma",
        fr="Demande : poids de la stigmatisation",
    )
    ask_burden: float = _p(
        2.5,
        0.0,
        10.0,
        unit="log-odds per unit of burden",
        group="behaviour",
        source="Moynihan, Herd & Harvey 2015 (compliance costs)",
        en="Asking: weight of administrative burden",
        fr="Demande : poids de la charge administrative",
    )
    trust_contagion: float = _p(
        0.02,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        en="Trust contagion among peers",
        fr="Contagion de la confiance entre pairs",
    )
    trust_rate_supported: float = _p(
        0.05,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        en="Trust adjustment when supported",
        fr="Ajustement de la confiance quand accompagné",
    )
    trust_loss_dropped: float = _p(
        0.3,
        0.0,
        1.0,
        unit="share of trust lost",
        group="behaviour",
        en="Trust lost when turned away",
        fr="Confiance perdue en cas de refus",
    )
    trust_loss_worker_left: float = _p(
        0.2,
        0.0,
        1.0,
        unit="share of trust lost",
        group="behaviour",
        source="MODEL.md §3.9 (a quit breaks continuity and trust)",
        en="Trust lost when one's worker leaves",
        fr="Confiance perdue au départ de son référent",
    )
    waiting_drop_rate: float = _p(
        0.03,
        0.0,
        1.0,
        unit="per week",
        group="behaviour",
        en="Dropping out of the waiting list",
        fr="Abandon de la liste d'attente",
        help_en="Weekly hazard of giving up while waiting (0.03/week is about 80%/year).",
    )
    cfp_transfer: float = _p(
        0.25,
        0.0,
        1.0,
        unit="share of the market envelope",
        group="behaviour",
        en="Budget moved by a call for projects",
        fr="Budget déplacé par un appel à projets",
    )
    reciprocity_leverage: float = _p(
        1.5,
        0.0,
        10.0,
        unit="community hours per funded hour",
        group="behaviour",
        source="assumption (volunteer and peer time mobilised by associative grants)",
        en="Leverage of reciprocity grants",
        fr="Effet de levier de la réciprocité",
    )
    cobuild_weeks: float = _p(
        52.0,
        1.0,
        520.0,
        unit="weeks",
        group="behaviour",
        source="MODEL.md §6 (co-built budgets need time before they pay)",
        en="Time for co-construction to pay",
        fr="Délai de la co-construction",
    )
    coeval_reporting_relief: float = _p(
        0.4,
        0.0,
        1.0,
        unit="share of reporting",
        group="behaviour",
        source="essay §4: evaluation built with the people concerned",
        en="Reporting relief from co-built evaluation",
        fr="Allègement du reporting par l'évaluation co-construite",
    )
    style_reporting_effect: float = _p(
        0.5,
        0.0,
        2.0,
        unit="relative change",
        group="behaviour",
        en="Manager's effect on reporting",
        fr="Effet de la direction sur le reporting",
        help_en="reporting = pressure x (1 + effect x (0.5 - style)) x (1 - relief x co-evaluation).",
    )
    style_spread: float = _p(
        0.1,
        0.0,
        0.5,
        unit="standard deviation of style",
        group="behaviour",
        source="MODEL.md §6 (organisations differ in governance); value an assumption",
        en="Spread of management styles",
        fr="Dispersion des styles de direction",
        help_en="Each manager keeps a fixed offset ~ Normal(0, spread) from the territory's style anchor.",
        help_fr="Chaque direction garde un écart fixe ~ Normale(0, dispersion) à l'ancrage du territoire.",
    )
    style_adjust_weeks: float = _p(
        104.0,
        1.0,
        1040.0,
        unit="weeks",
        group="behaviour",
        en="Time for management style to drift",
        fr="Délai d'évolution du style de direction",
    )
    participation_max_share: float = _p(
        0.6,
        0.0,
        1.0,
        unit="share of supported users",
        group="behaviour",
        en="Most users taking part",
        fr="Part maximale de participants",
    )
    participation_trust_gain: float = _p(
        0.02,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        en="Trust gained by taking part",
        fr="Confiance gagnée en participant",
    )
    quality_voice_boost: float = _p(
        0.3,
        0.0,
        2.0,
        unit="relative",
        group="behaviour",
        en="Participation's boost to support quality",
        fr="Gain de qualité par la participation",
    )
    power_gain: float = _p(
        0.03,
        0.0,
        0.5,
        unit="per week at quality 1",
        group="behaviour",
        source="essay §1 (the person as subject, pouvoir d'agir)",
        en="Growth of power to act",
        fr="Croissance du pouvoir d'agir",
    )
    power_loss: float = _p(
        0.01,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        en="Erosion of power to act",
        fr="Érosion du pouvoir d'agir",
        help_en="Without support, power to act erodes: power <- power (1 - loss) for eligible unsupported users.",
    )
    peer_worker_rate: float = _p(
        0.02,
        0.0,
        1.0,
        unit="per week",
        group="behaviour",
        en="Recruitment of peer workers",
        fr="Recrutement de pair-aidants",
    )
    peer_worker_max_share: float = _p(
        0.01,
        0.0,
        0.1,
        unit="share of users",
        group="behaviour",
        en="Most peer workers",
        fr="Nombre maximal de pair-aidants",
    )
    peer_worker_hours: float = _p(
        4.0,
        0.0,
        35.0,
        unit="outreach hours per week",
        group="behaviour",
        en="Peer worker's outreach hours",
        fr="Heures d'aller-vers d'un pair-aidant",
    )
    peer_worker_trust_gain: float = _p(
        0.02,
        0.0,
        0.5,
        unit="per week per peer-worker tie",
        group="behaviour",
        en="Trust bridged by a peer worker",
        fr="Confiance relayée par un pair-aidant",
    )
    jdr_rate: float = _p(
        0.04,
        0.001,
        1.0,
        unit="per week",
        group="behaviour",
        source="Bakker & Demerouti 2007 (JD-R); rate an assumption",
        en="Engagement/exhaustion adjustment",
        fr="Ajustement engagement/épuisement",
    )
    vocation: float = _p(
        0.2,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (the motivation that brings people to the job); value an assumption",
        en="Engagement from vocation",
        fr="Engagement par vocation",
        help_en="Engagement a worker draws from the vocation itself, whatever the job's resources: target = vocation + (1 - vocation) x resources - drag x exhaustion.",
    )
    exhaustion_drag: float = _p(
        0.3,
        0.0,
        2.0,
        unit="engagement per unit of exhaustion",
        group="behaviour",
        source="Bakker & Demerouti 2007 (health-impairment path)",
        en="Exhaustion's drag on engagement",
        fr="Frein de l'épuisement sur l'engagement",
    )
    team_contagion: float = _p(
        0.05,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="Bakker, Demerouti & Schaufeli 2005 (burnout and engagement crossover)",
        en="Emotional contagion in teams",
        fr="Contagion émotionnelle dans les équipes",
    )
    burnout_threshold: float = _p(
        0.6,
        0.0,
        1.0,
        unit="exhaustion",
        group="behaviour",
        en="Burnout threshold",
        fr="Seuil d'épuisement professionnel",
    )
    quit_base: float = _p(
        0.0009,
        0.0,
        0.1,
        unit="per week",
        group="behaviour",
        source="Homer 1985; Levine et al. 1985; calibrated on Axess 2023 departures",
        en="Base quit hazard",
        fr="Risque de départ de base",
    )
    quit_exhaustion: float = _p(
        1.5,
        0.0,
        10.0,
        unit="log-hazard per unit of exhaustion",
        group="behaviour",
        en="Quit hazard: exhaustion",
        fr="Départ : épuisement",
    )
    quit_meaning_gap: float = _p(
        3.0,
        0.0,
        10.0,
        unit="log-hazard per unit of gap",
        group="behaviour",
        source="Levine et al. 1985 (unmet expectations of meaning)",
        en="Quit hazard: meaning gap",
        fr="Départ : écart de sens",
    )
    hire_rate: float = _p(
        0.35,
        0.0,
        1.0,
        unit="per vacancy per week",
        group="behaviour",
        source="calibrated on Axess 2023 vacancy rate",
        en="Base hiring rate",
        fr="Taux de recrutement de base",
    )
    new_hire_engagement: float = _p(
        0.75,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (young professionals arrive with a motivation that gives meaning)",
        en="New hires' engagement",
        fr="Engagement des recrues",
    )
    new_hire_expectation: float = _p(
        0.7,
        0.0,
        1.0,
        unit="expected meaning",
        group="behaviour",
        en="New hires' expectations",
        fr="Attentes des recrues",
    )
    experience_weeks: float = _p(
        26.0,
        1.0,
        520.0,
        unit="weeks",
        group="behaviour",
        en="Time to gain experience",
        fr="Temps d'acquisition de l'expérience",
        help_en="experience = 1 - 0.5 x exp(-tenure / constant): new hires give lower-quality support.",
    )

    # ------------------------------------------------------------------ API
    def __post_init__(self) -> None:
        """Check and coerce every field (a Params that exists is valid), then the cross-field rules."""
        for name, spec in _SPECS.items():
            value = getattr(self, name)
            checked = spec.check(value)
            if checked is not value:
                object.__setattr__(self, name, checked)
        for rule in CROSS_FIELD_RULES:
            rule(self)

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """The declaration of every parameter, in declaration order."""
        return _SPECS

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Params | None = None) -> Params:
        """``base`` (default: the defaults) with ``values`` (name -> value); unknown names are refused."""
        check_names(values)
        return dataclasses.replace(base if base is not None else cls(), **values)

    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes`` applied (checked like any Params)."""
        return Params.from_mapping(changes, base=self)

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` dictionary (for manifests, TOML export, DataFrames)."""
        return dataclasses.asdict(self)

    def changed(self) -> dict[str, Any]:
        """The values that differ from the defaults."""
        return {k: v for k, v in self.as_dict().items() if v != _DEFAULTS[k]}

    @property
    def funding_weights(self) -> tuple[float, float, float]:
        """(market, redistribution, reciprocity), normalised to sum to 1."""
        total = self.funding_market + self.funding_redistribution + self.funding_reciprocity
        return (
            self.funding_market / total,
            self.funding_redistribution / total,
            self.funding_reciprocity / total,
        )


def _some_funding(p: Params) -> None:
    if p.funding_market + p.funding_redistribution + p.funding_reciprocity <= 0:
        raise ParameterError(
            "funding_market + funding_redistribution + funding_reciprocity must be > 0",
            field="funding_market",
            allowed="weights that sum to more than 0",
        )


def _a_worker_per_organisation(p: Params) -> None:
    if p.n_workers < p.n_organisations:
        raise ParameterError(
            f"n_workers = {p.n_workers} must be at least n_organisations = {p.n_organisations}",
            field="n_workers",
            value=p.n_workers,
            allowed=f"at least n_organisations = {p.n_organisations}",
        )


def _users_per_organisation(p: Params) -> None:
    if p.n_users < 2 * p.n_organisations:
        raise ParameterError(
            f"n_users = {p.n_users} must be at least twice n_organisations = {p.n_organisations}",
            field="n_users",
            value=p.n_users,
            allowed=f"at least {2 * p.n_organisations}",
        )
    if p.peer_degree >= p.n_users // p.n_organisations:
        raise ParameterError(
            f"peer_degree = {p.peer_degree} must be below the users per organisation"
            f" ({p.n_users // p.n_organisations})",
            field="peer_degree",
            value=p.peer_degree,
            allowed=f"below {p.n_users // p.n_organisations}",
        )


CROSS_FIELD_RULES = (_some_funding, _a_worker_per_organisation, _users_per_organisation)
"""Rules between fields, checked after every field is (the first that fails is reported)."""


def suggest(name: str, known: Iterable[str] | None = None) -> str:
    """The hint " (did you mean ...?)" for a misspelt name (default: parameter names), or an empty string."""
    close = difflib.get_close_matches(name, list(_SPECS if known is None else known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_names(values: Mapping[str, Any], known: Mapping[str, Any] | None = None, what: str = "parameter") -> None:
    """Raise ParameterError for the first name of ``values`` not in ``known`` (default: every parameter)."""
    known = _SPECS if known is None else known
    for name in values:
        if name not in known:
            raise ParameterError(f"{name}: unknown {what}{suggest(name, known)}", field=name, allowed=f"a {what} name")


def _build_specs() -> dict[str, Spec]:
    specs = {}
    for f in dataclasses.fields(Params):
        meta = dict(f.metadata["spec"])
        kind = {"float": float, "int": int, "bool": bool, "str": str}[f.type]
        specs[f.name] = Spec(name=f.name, kind=kind, **meta)
    return specs


_SPECS = _build_specs()
_DEFAULTS = {name: spec.default for name, spec in _SPECS.items()}


def levers() -> dict[str, Spec]:
    """The parameters a reform may change during a run (groups lever and context)."""
    return {n: s for n, s in _SPECS.items() if s.group in REFORMABLE_GROUPS}
