"""Compare: two to four scenarios, replicate runs in the background, bands, and a summary table with units."""

from __future__ import annotations

import solara

from sim import scenarios
from sim.dashboard import experiments
from sim.dashboard.components.common import (
    ChartGrid,
    Download,
    Notices,
    RunSize,
    TableDownloads,
    file_stem,
    use_url_settings,
)
from sim.dashboard.components.jobs import JobStatus
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.experiments import CompareResult
from sim.dashboard.urlstate import parse_compare
from sim.i18n import indicator_label, indicator_unit, t
from sim.metrics import HEADLINE


def summary_rows(result: CompareResult, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the summary table: one row per headline indicator, one column per scenario."""
    names = list(result.settings.scenarios)
    cells = experiments.compare_cells(result, lang)
    header = [t("compare.indicator", lang), t("compare.unit", lang)]
    header += [scenarios.load(n).text("title", lang) for n in names]
    rows = [[indicator_label(i, lang), indicator_unit(i, lang), *(cells[i][n] for n in names)] for i in HEADLINE]
    return header, rows


def stem(result: CompareResult) -> str:
    s = result.settings
    return file_stem("compare", "-".join(s.scenarios), f"{s.replicates}reps", f"{s.years}y")


@solara.component
def CompareResultView(result: CompareResult, lang: str, current: bool, presenting: bool):
    drawn = solara.use_memo(lambda: experiments.compare_charts(result, lang), [id(result), lang])
    header, rows = summary_rows(result, lang)
    solara.Text(experiments.compare_heading(result.settings, lang), classes=["centaure-result-heading"])
    if not current:
        solara.Warning(t("compare.stale", lang), dense=True, classes=["centaure-stale"])
    ChartGrid(drawn, HEADLINE, lang, presenting, classes=["centaure-compare-charts"])
    solara.Text(t("compare.summary", lang, n=result.settings.replicates), classes=["centaure-panel-title"])
    SimpleTable(
        header, rows, caption=t("compare.summary", lang, n=result.settings.replicates), classes=["centaure-summary"]
    )
    solara.Text(t("compare.interval_note", lang), classes=["centaure-caption"])
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        TableDownloads(lang, stem(result), result.runs, result.summary, "summary")
        Download(
            t("export.png", lang), f"{stem(result)}.png", lambda: experiments.compare_png(result, lang), "image/png"
        )


@solara.component
def Page():
    """The Compare page."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    settings, url_errors, update = use_url_settings("/compare", parse_compare, session)
    job = session.compare
    state = job.state.value

    def toggle(name: str, on: bool) -> None:
        chosen = [n for n in settings.scenarios if n != name]
        if on:
            chosen.append(name)
        update(scenarios=tuple(n for n in scenarios.shipped() if n in chosen))

    n = len(settings.scenarios)
    ready = 2 <= n <= 4
    solara.Title(f"{t('nav.compare', lang)} · Centaure")
    Notices(url_errors, lang)
    solara.Text(t("compare.intro", lang), classes=["centaure-intro"])
    with solara.Columns([3, 9], gutters_dense=True):
        with solara.Column():
            with solara.v.Html(tag="fieldset", class_="centaure-fieldset"):
                solara.v.Html(tag="legend", children=[t("compare.scenarios", lang)], class_="centaure-panel-title")
                for name in scenarios.shipped():
                    chosen = name in settings.scenarios
                    solara.v.Checkbox(
                        label=scenarios.load(name).text("title", lang),
                        v_model=chosen,
                        on_v_model=lambda on, name=name: toggle(name, bool(on)),
                        disabled=state.running or (not chosen and n >= 4),
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
                state.running,
            )
            solara.Button(
                t("compare.run", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: job.start(settings, n * settings.replicates),
                disabled=state.running or not ready,
                classes=["centaure-run-compare"],
            )
            JobStatus(job, state, lang)
        with solara.Column():
            if state.result is not None:
                CompareResultView(state.result, lang, state.result.settings == settings, session.presenting.value)
