"""Compare: two to four scenarios, replicate runs off the UI thread, CI bands and a summary table."""

from __future__ import annotations

import solara

from sim import scenarios
from sim.dashboard import experiments
from sim.dashboard.components.common import Download, Notices, Picture, RunSize, TableDownloads, use_url_settings
from sim.dashboard.components.jobs import JobStatus, use_job
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.experiments import CompareResult
from sim.dashboard.urlstate import parse_compare
from sim.i18n import indicator_label, indicator_unit, number, t
from sim.metrics import HEADLINE


def cell(mean: float, low: float, high: float, lang: str) -> str:
    """``mean [low, high]`` in the reader's number format."""
    sep = "\u202f; " if lang == "fr" else ", "
    return f"{number(mean, lang)} [{number(low, lang)}{sep}{number(high, lang)}]"


def summary_rows(result: CompareResult, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the summary table: one row per headline indicator, one column per scenario."""
    table = result.summary
    names = list(result.settings.scenarios)
    header = [t("compare.indicator", lang), t("compare.unit", lang)]
    header += [scenarios.load(n).text("title", lang) for n in names]
    rows = []
    for ind in HEADLINE:
        row = [indicator_label(ind, lang), indicator_unit(ind, lang)]
        for name in names:
            r = table[(table.indicator == ind) & (table.scenario == name)].iloc[0]
            row.append(cell(r["mean"], r["ci_low"], r["ci_high"], lang))
        rows.append(row)
    return header, rows


@solara.component
def CompareResultView(result: CompareResult, lang: str):
    png = solara.use_memo(lambda: experiments.compare_png(result, lang), [id(result), lang])
    header, rows = summary_rows(result, lang)
    Picture(png, alt=t("nav.compare", lang), classes=["centaure-compare-chart"])
    solara.Markdown(f"**{t('compare.summary', lang, n=result.settings.replicates)}**")
    SimpleTable(header, rows, classes=["centaure-summary"])
    stem = "centaure_compare_" + "_".join(result.settings.scenarios)
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        TableDownloads(lang, stem, result.runs, result.summary, "summary")
        Download(t("export.png", lang), f"{stem}.png", png, "image/png")


@solara.component
def Page():
    """The Compare page."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    settings, url_errors, update = use_url_settings("/compare", parse_compare, session.lang_param())
    task, done = use_job(experiments.compare, session.compare_result.set)

    def toggle(name: str, on: bool) -> None:
        chosen = [n for n in settings.scenarios if n != name]
        if on:
            chosen.append(name)
        update(scenarios=tuple(n for n in scenarios.shipped() if n in chosen))

    n = len(settings.scenarios)
    ready = 2 <= n <= 4
    solara.Title(f"{t('nav.compare', lang)} · Centaure")
    Notices(url_errors, lang)
    solara.Text(t("compare.intro", lang), style={"color": "#444"})
    with solara.Columns([3, 9], gutters_dense=True):
        with solara.Column():
            solara.Text(t("compare.scenarios", lang), style={"font-weight": "600"})
            for name in scenarios.shipped():
                chosen = name in settings.scenarios
                solara.v.Checkbox(
                    label=f"{scenarios.load(name).text('title', lang)} ({name})",
                    v_model=chosen,
                    on_v_model=lambda on, name=name: toggle(name, bool(on)),
                    disabled=task.pending or (not chosen and n >= 4),
                    class_=f"centaure-pick-{name}",
                    dense=True,
                    hide_details=True,
                )
            if not ready:
                solara.Warning(t("compare.pick", lang), dense=True)
            RunSize(
                settings.replicates,
                settings.years,
                lambda v: update(replicates=v),
                lambda v: update(years=v),
                dict(settings.values),
                lang,
                task.pending,
            )
            solara.Button(
                t("compare.run", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: task(settings),
                disabled=task.pending or not ready,
                classes=["centaure-run-compare"],
            )
            JobStatus(task, done.value, n * settings.replicates, lang, task.cancel)
        with solara.Column():
            result = session.compare_result.value
            if result is not None:
                CompareResultView(result, lang)
