"""What the page *Mon établissement* / *My organisation* does, without its UI.

* the form as the page holds it (a *draft*: the text typed in each field),
  checked field by field in the page's language (:func:`check`): a bad value
  gets one sentence under its field, the rules between fields too, and only
  a draft with no problem becomes a :class:`sim.organisation.form.Form`;
* the fit (:func:`run_fit`, :func:`sim.organisation.fit.fit`) and the reform
  of the organisation alone (:func:`run_reform`,
  :func:`sim.organisation.reform.run`), each a batch the session owns
  (:class:`sim.dashboard.background.Job`), with its settings;
* the words and charts of the reform, from :mod:`sim.dashboard.experiments`
  and :mod:`sim.organisation.report`.

The figures typed stay in the session (never in the address, never on disk):
they leave the page only when the director downloads the report or a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim import schema
from sim.dashboard import experiments
from sim.errors import FormError
from sim.i18n import NBSP, number, percent, t, unit
from sim.organisation import fit as fit_module
from sim.organisation import form as form_module
from sim.organisation import reform as reform_module
from sim.organisation.fit import Fit
from sim.organisation.form import FIELDS, Form, FormField
from sim.organisation.reform import OrganisationReform
from sim.params import Params

Draft = dict[str, Any]
"""field key (``funded_posts``, ``participation.cvs``, ``funding.activity_based``) -> what is typed or ticked."""

SPACES = (" ", NBSP, "\u202f")


def examples() -> dict[str, Any]:
    """The shipped example forms: name -> path (``scenarios/organisations/``)."""
    return form_module.examples()


def empty_draft() -> Draft:
    """A form with nothing typed (the kind and the instances unset)."""
    out: Draft = {}
    for field in FIELDS:
        out[field.key] = False if isinstance(field.reader, schema.Boolean) else ""
    return out


def draft_of(f: Form, lang: str) -> Draft:
    """A filled form as the page shows it (numbers written as the reader writes them)."""
    values = f.as_dict()
    out = empty_draft()
    for field in FIELDS:
        section, _, key = field.key.rpartition(".")
        value = values[section][key] if section else values.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or isinstance(value, str):
            out[field.key] = value
        else:
            text = str(value) if isinstance(value, int) else format(value, ".10g")
            out[field.key] = text.replace(".", ",") if lang == "fr" else text
    return out


def example_draft(name: str, lang: str) -> tuple[Draft, str]:
    """An example's draft and its baseline."""
    f, base = form_module.load(examples()[name])
    return draft_of(f, lang), base


def _parse_number(text: str, lang: str) -> float | None:
    """A number as a director types it: ``12,5`` or ``12.5``, ``45 000``; in English ``45,000`` too."""
    cleaned = str(text).strip()
    for space in SPACES:
        cleaned = cleaned.replace(space, "")
    if lang == "en" and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", cleaned):
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".").replace("%", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def field_label(key: str, lang: str) -> str:
    return t(f"form.{key}.label", lang)


def range_text(field: FormField, lang: str) -> str:
    """``de 2 à 500 ETP``: the plausible range of a number field, with its unit."""
    r = field.reader
    return t("orgpage.range", lang, low=number(r.low, lang), high=number(r.high, lang), unit=unit(field.unit, lang))


def _read_field(field: FormField, raw: Any, lang: str) -> tuple[Any, str | None]:
    """(value, None), or (None, the message to show under the field); ``schema.MISSING`` when left empty."""
    reader = field.reader
    if isinstance(reader, schema.Boolean):
        return bool(raw), None
    if isinstance(reader, schema.Choice):
        return (raw, None) if raw in reader.options else (None, t("orgpage.error.choose", lang))
    text = "" if raw is None else str(raw)
    if isinstance(reader, schema.Text):
        return (text.strip(), None) if text.strip() else (None, t("orgpage.error.required", lang))
    if not text.strip():
        if reader.default is schema.MISSING:
            return None, t("orgpage.error.required", lang)
        return schema.MISSING, None  # optional (or with a default): left to the form's default
    value = _parse_number(text, lang)
    if value is None:
        return None, t("orgpage.error.number", lang, value=text.strip())
    if isinstance(reader, schema.Integer):
        if not float(value).is_integer():
            return None, t("orgpage.error.whole", lang, value=text.strip(), range=range_text(field, lang))
        value = int(value)
    if not reader.low <= value <= reader.high:
        return None, t("orgpage.error.range", lang, value=text.strip(), range=range_text(field, lang))
    return value, None


def _rule_message(key: str, section: Mapping[str, Any], lang: str) -> str:
    """A rule between fields, in the page's language (``key`` is the field the form names)."""
    staff = section["funded_posts"] - section["vacant_posts"]
    if key == "vacant_posts":
        return t("orgpage.rule.vacant_posts", lang, most=number(section["funded_posts"] - 1, lang))
    if key == "catchment_population":
        least = section["people_supported"] + section["waiting_list"]
        return t("orgpage.rule.catchment_population", lang, least=number(least, lang))
    if key == "people_supported":
        most = int(form_module.MAX_CASELOAD * staff)
        return t("orgpage.rule.people_supported", lang, per=form_module.MAX_CASELOAD, most=number(most, lang))
    if key == "departures_last_year":
        most = int(form_module.MAX_TURNOVER * staff)
        return t("orgpage.rule.departures_last_year", lang, per=number(form_module.MAX_TURNOVER, lang), most=most)
    if key == "outreach_hours_per_week":
        share = form_module.MAX_OUTREACH_SHARE
        most = share * Params().hours_per_week * staff
        return t("orgpage.rule.outreach_hours_per_week", lang, share=percent(share, lang, 0), most=number(most, lang))
    if key == "cost_growth_percent":
        low, high = form_module.SCISSORS_RANGE
        budget = section["budget_growth_percent"]
        return t(
            "orgpage.rule.cost_growth_percent", lang, low=number(budget + low, lang), high=number(budget + high, lang)
        )
    if key == "funding":
        total = sum(section["funding"].values())
        return t("orgpage.rule.funding", lang, total=number(total, lang))
    return t("orgpage.rule.community_grants", lang)


def check(draft: Draft, lang: str) -> tuple[Form | None, dict[str, str]]:
    """The form, or the problems: field key -> one sentence in ``lang`` (``funding`` for the shares' sum)."""
    problems: dict[str, str] = {}
    section: dict[str, Any] = {"participation": {}, "funding": {}}
    for field in FIELDS:
        value, problem = _read_field(field, draft.get(field.key), lang)
        if problem:
            problems[field.key] = problem
            continue
        if value is schema.MISSING:
            continue
        group, _, key = field.key.rpartition(".")
        (section[group] if group else section)[key] = value
    if problems:
        return None, problems
    try:
        return form_module.read(section), {}
    except FormError as err:
        key = (err.field or "").removeprefix("organisation.")
        key = "funding.community_grants" if key == "funding.community_grants" else key
        return None, {key: _rule_message(key, section, lang)}


# ------------------------------------------------------------------ the fit, a batch of the session
@dataclass(frozen=True)
class FitSettings:
    form: Form
    base: str = "npm"
    seeds: int = 3
    rounds: int = fit_module.ROUNDS
    values: tuple[tuple[str, Any], ...] = ()  # changes to the baseline (a smaller territory)


def fit_runs(settings: FitSettings) -> int:
    return settings.seeds * settings.rounds


def run_fit(settings: FitSettings, tick: Callable[[], None] = lambda: None) -> Fit:
    """:func:`sim.organisation.fit.fit`, ``tick`` after each run (it may raise to stop between two runs)."""
    return fit_module.fit(
        settings.form,
        settings.base,
        seeds=tuple(range(1, settings.seeds + 1)),
        rounds=settings.rounds,
        progress=lambda _: tick(),
        changes=dict(settings.values),
    )


# ------------------------------------------------------------------ the reform of the organisation alone
@dataclass(frozen=True)
class OrgReformSettings:
    fit: Fit
    week: int
    changes: tuple[tuple[str, Any], ...]
    replicates: int
    years: int
    draws: int = 0


def reform_runs(settings: OrgReformSettings) -> int:
    return 2 * settings.replicates * max(1, settings.draws)


@dataclass(frozen=True)
class OrgReformResult:
    settings: OrgReformSettings
    reform: OrganisationReform

    @property
    def coverage(self) -> experiments.Coverage:
        return experiments.Coverage.of(self.reform.own, self.settings.replicates)


def run_reform(settings: OrgReformSettings, tick: Callable[[], None] = lambda: None) -> OrgReformResult:
    """The reform of organisation 0 against its counterfactual, on the same seeds and posterior draws."""
    draws = experiments.posterior_draws(settings.draws)
    result = reform_module.run(
        settings.fit.scenario,
        settings.week,
        dict(settings.changes),
        settings.replicates,
        settings.years,
        draws=draws,
        progress=tick,
    )
    return OrgReformResult(settings, result)


def reform_charts(result: OrgReformResult, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The Reform lab's charts of the director's organisation: both arms, and the paired difference."""
    r = result.reform
    sentences = {e.indicator: e.sentence for e in experiments.summary_effects(r.own, result.coverage, lang)}
    return experiments.arm_charts(r.own_runs, r.own_difference, sentences, r.years, r.week, result.coverage, lang)


def own_sentences(result: OrgReformResult, lang: str) -> list[str]:
    """One sentence per indicator of the director's organisation (:data:`sim.organisation.reform.OWN`)."""
    own = result.reform.own
    chosen = own[own["indicator"].isin(reform_module.OWN)]
    return [e.sentence for e in experiments.summary_effects(chosen, result.coverage, lang)]


def reform_heading(result: OrgReformResult, lang: str, name: str) -> str:
    from sim.organisation import report

    what = report.reform_sentence(result.reform, lang)
    return t("orgpage.heading", lang, name=name, what=what) + " " + experiments.covers_text(result.coverage, lang)
