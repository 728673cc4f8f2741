"""French and English words of the dashboard (French first), and number formatting.

Labels, units and help texts of parameters come from :mod:`sim.params`;
indicator labels from :mod:`sim.metrics`; scenario texts from the scenario
files. This module only holds the dashboard's own words, and French for the
units that the declarations give in English. Everything here is read-only.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

from sim.metrics import INDICATORS
from sim.params import Spec

LANGS = ("fr", "en")
DEFAULT_LANG = "en"

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (fr, en)
    "app.title": ("Centaure — tableau de bord", "Centaure — dashboard"),
    "app.subtitle": (
        "Simuler les institutions du travail social",
        "Simulating social-work institutions",
    ),
    "nav.explore": ("Explorer", "Explore"),
    "nav.compare": ("Comparer", "Compare"),
    "nav.reform": ("Labo des réformes", "Reform lab"),
    "nav.learn": ("Apprendre", "Learn"),
    "lang.switch": ("Langue", "Language"),
    # Explore
    "explore.scenario": ("Scénario", "Scenario"),
    "explore.seed": ("Graine aléatoire", "Random seed"),
    "explore.new_seed": ("Autre tirage", "New draw"),
    "explore.reset": ("Recommencer", "Reset"),
    "explore.play": ("Lancer", "Play"),
    "explore.pause": ("Pause", "Pause"),
    "explore.step": ("Une semaine", "Step one week"),
    "explore.speed": ("Semaines par image", "Weeks per frame"),
    "explore.week": ("Semaine {week} · année {year}", "Week {week} · year {year}"),
    "explore.finished": (
        "Horizon atteint : recommencez ou allongez l'horizon.",
        "Horizon reached: reset or lengthen the horizon.",
    ),
    "explore.levers": ("Leviers de gouvernance", "Governance levers"),
    "explore.levers_note": (
        "En cours de simulation, un levier change dès la semaine suivante (comme une réforme).",
        "During a run, a lever changes from the next week on (like a reform).",
    ),
    "explore.structure": ("Territoire (relance la simulation)", "Territory (restarts the run)"),
    "explore.behaviour": (
        "Constantes de comportement (relance la simulation)",
        "Behaviour constants (restart the run)",
    ),
    "explore.changes": ("Changements en cours de simulation", "Changes during the run"),
    "explore.forget_changes": ("Oublier ces changements", "Forget these changes"),
    "explore.change_item": ("semaine {week} : {what}", "week {week}: {what}"),
    "explore.network": ("Réseau", "Network"),
    "explore.network_caption": (
        "Points : personnes, couleur selon leur situation. Carrés : postes de professionnels, "
        "du rouge (engagement faible) au vert (engagement fort) ; blanc : poste vacant. "
        "Traits gris : liens de voisinage ; bleus : accompagnement.",
        "Dots: people, coloured by their situation. Squares: worker posts, from red (low engagement) "
        "to green (high engagement); white: vacant post. Grey lines: neighbourhood ties; blue: support.",
    ),
    "explore.sample": (
        "Échantillon : {users} personnes sur {total_users}, {orgs} organisations sur {total_orgs}.",
        "Sample: {users} of {total_users} people, {orgs} of {total_orgs} organisations.",
    ),
    "explore.show_network": ("Afficher le réseau", "Show the network"),
    "explore.charts": ("Indicateurs", "Indicators"),
    "explore.restarted": (
        "Ce réglage vaut depuis le début : la simulation a recommencé en semaine 0.",
        "This setting applies from the start: the run restarted at week 0.",
    ),
    "explore.applied": (
        "Appliqué à partir de la semaine {week}.",
        "Applied from week {week}.",
    ),
    "explore.about": ("À propos de ce scénario", "About this scenario"),
    "explore.reforms_planned": ("Réformes prévues par le scénario", "Reforms the scenario schedules"),
    "explore.render_time": ("Image calculée en {ms} ms", "Frame drawn in {ms} ms"),
    # charts
    "chart.workforce": ("Professionnels", "Workforce"),
    "chart.non_recourse": ("Non-recours et ses trois causes", "Non-recourse and its three causes"),
    "chart.years": ("années", "years"),
    "chart.share": ("part", "share"),
    # statuses
    "status.resolved": ("sans besoin", "no current need"),
    "status.unaware": ("ne connaît pas ses droits", "unaware of rights"),
    "status.not_asking": ("ne demande pas", "not asking"),
    "status.waiting": ("en attente", "waiting"),
    "status.dropped": ("a renoncé", "gave up"),
    "status.supported": ("accompagnée", "supported"),
    "post.vacant": ("poste vacant", "vacant post"),
    "post.engagement": ("engagement des professionnels (faible → fort)", "workers' engagement (low → high)"),
    # exports
    "export.csv": ("Données (CSV)", "Data (CSV)"),
    "export.png": ("Graphique (PNG)", "Chart (PNG)"),
    "export.toml": ("Scénario (TOML)", "Scenario (TOML)"),
    "export.summary_csv": ("Tableau (CSV)", "Table (CSV)"),
    "export.share": ("Lien de cette page", "Link to this page"),
    "export.share_help": (
        "L'adresse de la page contient le scénario et les réglages : copiez-la pour partager ce que vous voyez.",
        "The page address holds the scenario and the settings: copy it to share what you see.",
    ),
    # compare
    "compare.intro": (
        "Choisissez de deux à quatre scénarios et un nombre de répétitions (graines différentes, "
        "les mêmes pour chaque scénario). Les bandes montrent l'intervalle de confiance à 95 % de la moyenne.",
        "Pick two to four scenarios and a number of replicates (different seeds, the same for every "
        "scenario). Bands show the 95% confidence interval of the mean.",
    ),
    "compare.scenarios": ("Scénarios", "Scenarios"),
    "compare.replicates": ("Répétitions", "Replicates"),
    "compare.years": ("Horizon (années)", "Horizon (years)"),
    "compare.run": ("Lancer la comparaison", "Run the comparison"),
    "compare.cancel": ("Annuler", "Cancel"),
    "compare.progress": ("{done} simulations sur {total}", "{done} of {total} runs"),
    "compare.cancelled": ("Annulé.", "Cancelled."),
    "compare.pick": ("Choisissez de 2 à 4 scénarios.", "Pick 2 to 4 scenarios."),
    "compare.summary": (
        "Moyenne de la dernière année, sur {n} répétitions [IC 95 %]",
        "Final-year mean over {n} replicates [95% CI]",
    ),
    "compare.indicator": ("Indicateur", "Indicator"),
    "compare.unit": ("Unité", "Unit"),
    "compare.overrides": (
        "Réglages appliqués à chaque scénario : {what}",
        "Settings applied to every scenario: {what}",
    ),
    "compare.error": ("La simulation a échoué : {err}", "The run failed: {err}"),
    # reform lab
    "reform.intro": (
        "Partez d'un scénario, choisissez une semaine et les leviers que la réforme change. "
        "La réforme est comparée à son contrefactuel (le même scénario sans elle) sur les mêmes graines.",
        "Start from a scenario, choose a week and the levers the reform changes. The reform is compared "
        "with its counterfactual (the same scenario without it) on the same seeds.",
    ),
    "reform.base": ("Scénario de départ", "Starting scenario"),
    "reform.week": ("Semaine de la réforme", "Week of the reform"),
    "reform.levers": ("Leviers changés par la réforme", "Levers the reform changes"),
    "reform.none": ("Choisissez au moins un levier.", "Choose at least one lever."),
    "reform.run": ("Simuler la réforme", "Simulate the reform"),
    "reform.arm.counterfactual": ("sans la réforme", "without the reform"),
    "reform.arm.reform": ("avec la réforme", "with the reform"),
    "reform.difference": ("Différence (avec − sans) et IC 95 %", "Difference (with − without) and 95% CI"),
    "reform.summary": (
        "Effet sur la dernière année (avec − sans), sur {n} paires de simulations [IC 95 %]",
        "Effect over the final year (with − without), over {n} paired runs [95% CI]",
    ),
    "reform.effect": ("Effet", "Effect"),
    "reform.from": ("à partir de la semaine {week}", "from week {week}"),
    # learn
    "learn.intro": (
        "Un parcours pour une classe : de la nouvelle gestion publique à la stratégie du Centaure. "
        "À chaque étape, lisez ce que montre le scénario, ouvrez-le dans Explorer, essayez les pistes proposées.",
        "A path for a class: from New Public Management to the Centaur strategy. At each step, read what "
        "the scenario shows, open it in Explore, and try the suggestions.",
    ),
    "learn.step": ("Étape {n} sur {total}", "Step {n} of {total}"),
    "learn.shows": ("Ce que montre ce scénario", "What this scenario shows"),
    "learn.try": ("Pistes à essayer", "Things to try"),
    "learn.open": ("Ouvrir dans Explorer", "Open in Explore"),
    "learn.compare_prev": ("Comparer avec l'étape précédente", "Compare with the previous step"),
    "learn.changes": ("Ce qui change par rapport à l'étape précédente", "What changes from the previous step"),
    "learn.no_text": ("(texte à venir)", "(text to come)"),
    "learn.prev": ("Étape précédente", "Previous step"),
    "learn.next": ("Étape suivante", "Next step"),
    # generic
    "lever": ("Levier", "Lever"),
    "value": ("Valeur", "Value"),
    "before": ("avant", "before"),
    "after": ("après", "after"),
    "help": ("Aide", "Help"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "error.invalid": ("Valeur refusée : {err}", "Value refused: {err}"),
    "error.limit": (
        "Le tableau de bord va jusqu'à {limit} ; au-delà, utilisez la commande « centaure run ».",
        "The dashboard goes up to {limit}; beyond that, use the `centaure run` command.",
    ),
    "error.scenario": ("Scénario inconnu : {name}", "Unknown scenario: {name}"),
    "error.url": ("Réglage ignoré dans l'adresse : {err}", "Setting ignored in the address: {err}"),
}

TEXTS = MappingProxyType(_TEXTS)

_UNITS_FR: dict[str, str] = {
    "share of work time": "part du temps de travail",
    "index 0-1": "indice 0-1",
    "weight": "poids",
    "per year": "par an",
    "years": "ans",
    "rung of Arnstein's ladder": "barreau de l'échelle d'Arnstein",
    "on/off": "oui/non",
    "cases per worker": "situations par professionnel",
    "rule": "règle",
    "people": "personnes",
    "posts": "postes",
    "organisations": "organisations",
    "funders": "financeurs",
    "workers": "professionnels",
    "ties per user": "liens par personne",
    "probability": "probabilité",
    "weeks": "semaines",
    "share of users": "part des personnes",
    "hours per week": "heures par semaine",
    "share of work time per rung": "part du temps de travail par barreau",
    "hours per case per week": "heures par situation et par semaine",
    "per week": "par semaine",
    "per week at quality 1": "par semaine à qualité 1",
    "need severity": "gravité du besoin",
    "per aware peer per week": "par pair informé et par semaine",
    "per peer-worker tie per week": "par lien avec un pair-aidant et par semaine",
    "per week per peer-worker tie": "par semaine et par lien avec un pair-aidant",
    "hours per outreach contact": "heures par contact d'aller-vers",
    "share of the trust gap closed": "part de l'écart de confiance comblée",
    "share of trust lost": "part de la confiance perdue",
    "share of the market envelope": "part de l'enveloppe « marché »",
    "community hours per funded hour": "heures bénévoles par heure financée",
    "share of reporting": "part du reporting",
    "relative change": "variation relative",
    "relative": "relatif",
    "share of supported users": "part des personnes accompagnées",
    "outreach hours per week": "heures d'aller-vers par semaine",
    "engagement": "engagement",
    "exhaustion": "épuisement",
    "expected meaning": "sens attendu",
    "per vacancy per week": "par poste vacant et par semaine",
    "mean 0-1": "moyenne 0-1",
    "mean 0-1 (eligible users)": "moyenne 0-1 (personnes en besoin)",
    "share of workers": "part des professionnels",
    "quits per head per year": "départs par personne et par an",
    "share of posts": "part des postes",
    "share of eligible": "part des personnes en besoin",
    "share of supported": "part des personnes accompagnées",
    "need supported / need eligible": "besoin des accompagnés / besoin des ayants droit",
    "posts per year": "postes par an",
    "months of cash": "mois de trésorerie",
}
UNITS_FR = MappingProxyType(_UNITS_FR)

_CHOICES: dict[str, tuple[str, str]] = {
    "by_funding": ("selon le financement", "by funding mode"),
    "greatest_need": ("les plus grands besoins d'abord", "greatest need first"),
    "easiest_first": ("les cas les plus faciles d'abord", "easiest cases first"),
    "first_come": ("premier arrivé, premier servi", "first come, first served"),
}
CHOICES = MappingProxyType(_CHOICES)
del _TEXTS, _UNITS_FR, _CHOICES  # only the read-only views remain


def t(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (the key itself if unknown), with ``{names}`` filled in."""
    pair = TEXTS.get(key)
    text = key if pair is None else (pair[0] if lang == "fr" else pair[1])
    return text.format(**values) if values else text


def label(spec: Spec, lang: str) -> str:
    """A parameter's label in ``lang``."""
    return spec.label_fr if lang == "fr" else spec.label_en


def help_text(spec: Spec, lang: str) -> str:
    """A parameter's help text in ``lang`` (the other language's if missing)."""
    first, second = (spec.help_fr, spec.help_en) if lang == "fr" else (spec.help_en, spec.help_fr)
    return first or second


def unit(text: str, lang: str) -> str:
    """A unit in ``lang`` (the declarations give them in English)."""
    return UNITS_FR.get(text, text) if lang == "fr" else text


def choice(value: str, lang: str) -> str:
    """A choice value in plain words."""
    pair = CHOICES.get(value)
    return value if pair is None else (pair[0] if lang == "fr" else pair[1])


def indicator_label(name: str, lang: str) -> str:
    """An indicator's label in ``lang``."""
    info = INDICATORS.get(name)
    if info is None:
        return name
    return info.label_fr if lang == "fr" else info.label_en


def indicator_unit(name: str, lang: str) -> str:
    info = INDICATORS.get(name)
    return "" if info is None else unit(info.unit, lang)


def number(x: float | int | None, lang: str, digits: int = 3) -> str:
    """A number for people: up to ``digits`` significant digits, decimal comma in French."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return t("yes" if x else "no", lang)
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1:
        text = f"{int(round(x)):,}".replace(",", "\u202f" if lang == "fr" else ",")
        return text
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{digits + 2}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def value_text(spec: Spec, value: Any, lang: str) -> str:
    """A parameter's value in plain words (with its unit)."""
    if spec.kind is bool:
        return t("yes" if value else "no", lang)
    if spec.choices:
        return choice(str(value), lang)
    return f"{number(value, lang)} {unit(spec.unit, lang)}"


def pick_language(accept_language: str | None) -> str:
    """``fr`` or ``en`` from an Accept-Language header (quality values respected)."""
    if not accept_language:
        return DEFAULT_LANG
    ranked = []
    for n, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, val = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        ranked.append((-q, n, primary))
    for _, _, primary in sorted(ranked):
        if primary in LANGS:
            return primary
    return DEFAULT_LANG
