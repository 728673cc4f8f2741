"""A report for the board: one printable HTML page (one A4 sheet), French by default.

:func:`html` writes the figures entered (and how they compare with the
national ones), the model's starting point against them (the fit, its spread
over the seeds, what could not be matched and why), the reform of the
director's organisation, its results with their uncertainty (and which
uncertainty the intervals cover), what happens to the neighbours and the
territory, and the assumptions that matter, in plain words. The page needs
nothing from outside (no script, font or picture to fetch): printed or saved
as PDF from the browser, it is one A4 page (``@media print``).

:func:`scenario_toml` is the scenario that reproduces it (``centaure run``,
``centaure compare``). The dashboard's *Mon établissement* page and
``centaure organisation FORM.toml --report report.html`` both call these.
"""

from __future__ import annotations

import dataclasses
import html as html_module
from collections.abc import Container, Sequence

from sim import scenarios
from sim.dashboard import experiments, formats
from sim.i18n import number, plural, t, unit
from sim.organisation import fit as fit_module
from sim.organisation import form as form_module
from sim.organisation.fit import Fit
from sim.organisation.reform import OWN, TOTALS, OrganisationReform

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 1.5rem auto; max-width: 60rem; }
h1 { font-size: 14pt; margin: 0 0 0.2rem; } h2 { font-size: 11pt; margin: 0.7rem 0 0.2rem; border-bottom: 1px solid #999; }
p, li { margin: 0.15rem 0; } ul { margin: 0.1rem 0; padding-left: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.2rem 0; }
th, td { text-align: left; padding: 1px 5px; border-top: 1px solid #ccc; vertical-align: top; }
td.n, th.n { text-align: right; }  /* wraps inside a unit only: a number and its unit are joined by a no-break space */
.figures td:nth-child(2) { padding-right: 1.2rem; } .wide td:first-child, .wide th { white-space: nowrap; }
.note { font-size: 8.5pt; color: #333; } code { font-size: 8.5pt; }
@page { size: A4; margin: 9mm; }
@media print {
  body { font-size: 7pt; line-height: 1.1; margin: 0; max-width: none; }
  h1 { font-size: 9.5pt; } h2 { font-size: 8.4pt; margin-top: 0.3rem; }
  .note, code { font-size: 6.6pt; } th, td { padding: 0 3px; }
  h2, table { break-inside: avoid; }
}
"""
"""Screen and print styles. At print the page fits one A4 sheet at full size: no table is wider than the
sheet (a number and its unit never part; units stand in the labels of the effect tables), so the browser has
nothing to shrink (it would shrink a wider page to fit, down to half its size)."""


def _e(text: object) -> str:
    return html_module.escape(str(text))


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Container[int] | None = None, css: str = ""
) -> str:
    """An HTML table; the columns in ``numeric`` (default: all but the first) are right-aligned."""

    def cells(values: Sequence[str], tag: str) -> str:
        return "".join(
            f"<{tag}{' class=n' if (k > 0 if numeric is None else k in numeric) else ''}>{_e(v)}</{tag}>"
            for k, v in enumerate(values)
        )

    head = f"<thead><tr>{cells(header, 'th')}</tr></thead>"
    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    return f"<table{f' class={css}' if css else ''}>{head}<tbody>{body}</tbody></table>"


def side_by_side(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Rows of (label, value) folded into two pairs a row, the first half on the left: half the height at print."""
    half = (len(rows) + 1) // 2
    return [[*rows[k], *(rows[k + half] if k + half < len(rows) else ["", ""])] for k in range(half)]


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


# ------------------------------------------------------------------ the figures entered
def entered_rows(f: form_module.Form, lang: str) -> list[list[str]]:
    """(label, value with its unit) for every field of the form that is filled in; the participation instances last."""
    values = f.as_dict()
    rows = []
    for field in form_module.FIELDS:
        section, _, key = field.key.rpartition(".")
        value = values[section][key] if section else values.get(key)
        if value is None or section == "participation":
            continue
        label = t(f"form.{field.key}.label", lang)
        if field.key == "kind":
            shown = t(f"choice.{value}", lang)
        elif isinstance(value, str):
            shown = value
        else:
            shown = f"{number(value, lang)}\u00a0{unit(field.unit, lang, count=value)}"
        rows.append([label, shown])
    instances = [
        t(f"form.participation.{k}.label", lang) for k in form_module.PARTICIPATION if values["participation"][k]
    ]
    rows.append([t("report.participation", lang), ", ".join(instances) or t("report.no_instance", lang)])
    return rows


# ------------------------------------------------------------------ the reform's results
def _summary_rows(summary, names: Sequence[str], lang: str) -> list[list[str]]:
    """(indicator with its unit, without, with, effect, interval): bare numbers, so that a row is one line."""
    chosen = summary[summary["indicator"].isin(names)]
    order = {n: k for k, n in enumerate(names)}
    chosen = chosen.sort_values("indicator", key=lambda s: s.map(order))
    return [
        [
            formats.labelled(r.indicator, lang),
            formats.value(r.indicator, r.counterfactual, lang, with_unit=False),
            formats.value(r.indicator, r.reform, lang, with_unit=False),
            formats.difference(r.indicator, r.mean, lang, with_unit=False),
            formats.difference_interval(r.indicator, r.ci_low, r.ci_high, lang, r.mean, with_unit=False),
        ]
        for r in chosen.itertuples()
    ]


def coverage(result: OrganisationReform) -> experiments.Coverage:
    return experiments.Coverage.of(result.own, result.replicates)


def effect_header(result: OrganisationReform, lang: str) -> list[str]:
    return [
        t("compare.indicator", lang),
        t("reform.arm.counterfactual", lang),
        t("reform.arm.reform", lang),
        t("reform.effect", lang),
        t(f"uncertainty.effect_interval.{coverage(result).kind}", lang),
    ]


def own_rows(result: OrganisationReform, lang: str) -> list[list[str]]:
    """The director's organisation: without, with, effect, interval (:data:`sim.organisation.reform.OWN`)."""
    return _summary_rows(result.own, OWN, lang)


def total_rows(result: OrganisationReform, lang: str) -> list[list[str]]:
    """The territory's totals (every organisation summed)."""
    return _summary_rows(result.totals, TOTALS, lang)


NEIGHBOUR_INDICATORS = ("supported", "waiting_list")
"""What the report and the page show of each neighbour."""


def neighbour_rows(result: OrganisationReform, lang: str) -> list[list[str]]:
    """Each neighbour's people supported and waiting list: without, with, effect, interval (a row each)."""
    rows = []
    for j, group in result.neighbours.groupby("organisation", sort=True):
        for row in _summary_rows(group, NEIGHBOUR_INDICATORS, lang):
            rows.append([t("report.neighbour", lang, j=int(j), what=row[0]), *row[1:]])
    return rows


def neighbour_table(result: OrganisationReform, lang: str) -> str:
    """The neighbours as an HTML table of one row each: every indicator's without, with, effect and interval
    side by side under the indicator's name (half the rows of :func:`neighbour_rows`, for the printed page)."""
    short = [t(f"report.short.{k}", lang) for k in ("without", "with", "effect", "interval")]
    groups = "".join(f"<th colspan={len(short)}>{_e(formats.labelled(n, lang))}</th>" for n in NEIGHBOUR_INDICATORS)
    columns = "".join(f"<th class=n>{_e(h)}</th>" for h in short) * len(NEIGHBOUR_INDICATORS)
    body = ""
    for j, group in result.neighbours.groupby("organisation", sort=True):
        cells = [cell for row in _summary_rows(group, NEIGHBOUR_INDICATORS, lang) for cell in row[1:]]
        name = t("report.neighbour_name", lang, j=int(j))
        body += f"<tr><td>{_e(name)}</td>" + "".join(f"<td class=n>{_e(c)}</td>" for c in cells) + "</tr>"
    head = f"<thead><tr><th></th>{groups}</tr><tr><th></th>{columns}</tr></thead>"
    return f"<table class=wide>{head}<tbody>{body}</tbody></table>"


def text_table(result: OrganisationReform, lang: str) -> list[str]:
    """The director's organisation and the territory's totals as aligned text lines (the command line's)."""
    header, own, totals = effect_header(result, lang), own_rows(result, lang), total_rows(result, lang)
    widths = [max(len(row[k]) for row in (header, *own, *totals)) for k in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(cells))

    return [line(header), *map(line, own), "", t("report.totals", lang), *map(line, totals)]


def reform_sentence(result: OrganisationReform, lang: str) -> str:
    """What was tested: when, which levers, over how many runs, how long."""
    return t(
        "report.reform_what",
        lang,
        when=experiments.when_text(result.week, lang),
        what=experiments.changes_text(result.changes, lang),
        size=experiments.size_text(coverage(result), lang, unit="count.pairs"),
        years=plural("count.years", result.years, lang),
    )


def assumptions(result: Fit, reform: OrganisationReform | None, lang: str) -> list[str]:
    """The assumptions that matter, in plain words."""
    p = result.scenario.params
    out = [
        t(
            "report.assume.territory",
            lang,
            neighbours=p.n_organisations - 1,
            base=scenarios.load(result.base).text("title", lang),
        ),
        t("report.assume.fit", lang, seeds=plural("count.seeds", len(result.seeds), lang)),
        t("report.assume.funding", lang),
        t("report.assume.posts", lang, posts=number(round(result.start.get("posts", 0.0), 1), lang)),
    ]
    if reform is not None:
        out.append(experiments.covers_text(coverage(reform), lang) + " " + t("report.assume.not_covered", lang))
    out.append(t("report.assume.model", lang))
    return out


# ------------------------------------------------------------------ the page
def start_file(lang: str) -> str:
    """The starting scenario's file name, as the page downloads it and the report names it."""
    return t("report.file_start", lang)


def reform_file(lang: str) -> str:
    return t("report.file_reform", lang)


def html(result: Fit, reform: OrganisationReform | None = None, lang: str = "fr") -> str:
    """The board's report as one self-contained HTML page (prints to one A4 page)."""
    f = result.form
    *figures, participation = entered_rows(f, lang)
    field, value = t("report.field", lang), t("report.value", lang)
    parts = [
        f"<h1>{_e(t('report.title', lang, name=f.name))}</h1>",
        f"<p class=note>{_e(t('report.private', lang))}</p>",
        f"<h2>{_e(t('report.entered', lang))}</h2>",
        _table([field, value, field, value], side_by_side(figures), numeric=(1, 3), css="figures"),
        f"<p>{_e(t('report.label_value', lang, label=participation[0], value=participation[1]))}</p>",
        _list(form_module.comparisons(f, lang)),
        f"<h2>{_e(t('report.start', lang))}</h2>",
        f"<p>{_e(t('report.start_how', lang, seeds=plural('count.seeds', len(result.seeds), lang), rounds=result.rounds))}</p>",
        _table(*fit_module.table_cells(result, lang)),
    ]
    gaps = fit_module.unmatched_lines(result, lang)
    parts.append(f"<p>{_e(t('organisation.unmatched', lang) if gaps else t('organisation.all_matched', lang))}</p>")
    if gaps:
        parts.append(_list(gaps))
    parts.append(
        f"<p class=note>{_e(t('organisation.fitted_header', lang))} {_e('; '.join(fit_module.parameter_lines(result, lang)))}</p>"
    )
    if reform is None:
        parts.append(f"<h2>{_e(t('report.reform', lang))}</h2><p>{_e(t('report.no_reform', lang))}</p>")
    else:
        header = effect_header(reform, lang)
        parts += [
            f"<h2>{_e(t('report.reform', lang))}</h2>",
            f"<p>{_e(reform_sentence(reform, lang))}</p>",
            f"<p><strong>{_e(f.name)}</strong></p>",
            _table(header, own_rows(reform, lang)),
            f"<p><strong>{_e(t('report.neighbours', lang))}</strong></p>",
            neighbour_table(reform, lang),
            f"<p><strong>{_e(t('report.totals', lang))}</strong></p>",
            _table(header, total_rows(reform, lang)),
            f"<p class=note>{_e(experiments.interval_note(coverage(reform), lang))}</p>",
        ]
    parts += [
        f"<h2>{_e(t('report.assumptions', lang))}</h2>",
        _list(assumptions(result, reform, lang)),
        f"<p class=note>{_e(t('report.reproduce', lang, start=start_file(lang), reform=reform_file(lang)))}</p>",
    ]
    body = "\n".join(parts)
    title = _e(t("report.title", lang, name=f.name))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def start_toml(result: Fit, reform: OrganisationReform | None = None, lang: str = "fr") -> str:
    """The starting scenario without the reform (at the reform's horizon, if any: ``centaure compare`` of it and
    :func:`scenario_toml` compares like with like)."""
    if reform is None:
        return fit_module.to_toml(result, lang)
    return fit_module.to_toml(dataclasses.replace(result, scenario=reform.scenario), lang)


def scenario_toml(result: Fit, reform: OrganisationReform | None = None, lang: str = "fr") -> str:
    """The scenario that reproduces the report: the fitted start (and the reform, as ``[[reforms]]``)."""
    if reform is None:
        return fit_module.to_toml(result, lang)
    reformed = reform.scenario_with_reform
    comment = t("report.toml_comment", lang, name=result.form.name, what=reform_sentence(reform, lang))
    return f"# {comment}\n" + fit_module.to_toml(
        dataclasses.replace(result, scenario=reformed),
        lang,
    )
