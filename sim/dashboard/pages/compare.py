"""Compare: two to four scenarios over posterior draws × seeds in the background, bands, a summary table with
units, and for two scenarios what explains their difference (Shapley contributions of their families of levers)."""

from __future__ import annotations

import solara

from sim import scenarios
from sim.dashboard import experiments
from sim.dashboard.components.common import (
    ChartGrid,
    Download,
    DrawsControl,
    Heading,
    Notices,
    RunSize,
    TableDownloads,
    file_stem,
    use_url_settings,
)
from sim.dashboard.components.jobs import JobStatus
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.experiments import CompareResult, DecompositionResult
from sim.dashboard.urlstate import CompareSettings, parse_compare
from sim.decompose import MAX_FAMILIES
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


def stem(result: CompareResult | DecompositionResult) -> str:
    s = result.settings
    draws = f"{s.draws}draws" if s.draws else ""
    return file_stem("compare", "-".join(s.scenarios), draws, f"{s.replicates}reps", f"{s.years}y")


@solara.component
def CompareResultView(result: CompareResult, lang: str, current: bool, presenting: bool):
    drawn = solara.use_memo(lambda: experiments.compare_charts(result, lang), [id(result), lang])
    header, rows = summary_rows(result, lang)
    caption = experiments.summary_caption(result, lang)
    solara.Text(experiments.result_heading(result, lang), classes=["centaure-result-heading"])
    if not current:
        solara.Warning(t("compare.stale", lang), dense=True, classes=["centaure-stale"])
    ChartGrid(drawn, HEADLINE, lang, presenting, classes=["centaure-compare-charts"])
    solara.Text(caption, classes=["centaure-panel-title"])
    SimpleTable(header, rows, caption=caption, classes=["centaure-summary"])
    solara.Text(
        experiments.interval_note(result.coverage, lang), classes=["centaure-caption", "centaure-interval-note"]
    )
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        TableDownloads(lang, stem(result), result.runs, result.summary, "summary")
        Download(
            t("export.png", lang), f"{stem(result)}.png", lambda: experiments.compare_png(result, lang), "image/png"
        )


@solara.component
def DecompositionView(result: DecompositionResult, lang: str, current: bool, presenting: bool):
    """Per headline indicator: a sentence, the contributions' table and the waterfall; the CSV."""
    explained = solara.use_memo(lambda: experiments.explanations(result, lang), [id(result), lang])
    figures = solara.use_memo(
        lambda: {e.indicator: experiments.waterfall_html(result, e, lang) for e in explained}, [id(result), lang]
    )
    solara.Text(
        experiments.decomposition_heading(result, lang),
        classes=["centaure-result-heading", "centaure-decompose-heading"],
    )
    if not current:
        solara.Warning(t("compare.stale", lang), dense=True, classes=["centaure-stale"])
    with solara.v.Html(tag="ul", class_="centaure-prose centaure-explanations"):
        for explanation in explained:
            solara.v.Html(tag="li", children=[explanation.sentence])
    with solara.Div(classes=["centaure-chart-grid"]):
        for explanation in explained:
            header, rows = experiments.explanation_rows(result, explanation, lang)
            SimpleTable(
                header,
                rows,
                caption=experiments.explanation_caption(result, explanation, lang),
                classes=["centaure-decompose-table", f"centaure-decompose-{explanation.indicator.replace('_', '-')}"],
            )
    solara.Text(experiments.interval_note(result.coverage, lang), classes=["centaure-caption"])
    ChartGrid(figures, [e.indicator for e in explained], lang, presenting, classes=["centaure-waterfalls"])
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        Download(
            t("export.summary_csv", lang),
            f"{stem(result)}_decomposition.csv",
            lambda: experiments.decomposition_csv(result),
            "text/csv",
        )


@solara.component
def Explains(settings: CompareSettings, lang: str, presenting: bool, busy: bool):
    """What explains the difference between the two compared scenarios, computed on demand (2^families runs
    per replicate and draw), in the background like the comparison."""
    from sim.dashboard.session import use_session

    job = use_session().decompose
    state = job.state.value
    Heading(t("decompose.title", lang), level=2)
    if len(settings.scenarios) != 2:
        solara.Text(t("decompose.pick", lang), classes=["centaure-caption"])
    else:
        families = experiments.decomposition_families(settings)
        if not families or len(families) > MAX_FAMILIES:
            key = "decompose.nothing" if not families else "decompose.too_many"
            solara.Warning(t(key, lang, n=len(families), most=MAX_FAMILIES), dense=True)
        else:
            solara.Text(experiments.decomposition_intro(settings, lang), classes=["centaure-caption"])
            solara.Button(
                t("decompose.run", lang),
                icon_name="mdi-chart-waterfall",
                color="primary",
                outlined=True,
                on_click=lambda: job.start(settings, experiments.decomposition_runs(settings)),
                disabled=state.running or busy,
                classes=["centaure-run-decompose"],
            )
    JobStatus(job, state, lang)
    if state.result is not None:
        DecompositionView(state.result, lang, state.result.settings == settings, presenting)


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
            DrawsControl(
                settings.draws, lambda k: update(draws=k), experiments.compare_runs(settings), lang, state.running
            )
            solara.Button(
                t("compare.run", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: job.start(settings, experiments.compare_runs(settings)),
                disabled=state.running or session.decompose.state.value.running or not ready,
                classes=["centaure-run-compare"],
            )
            JobStatus(job, state, lang)
        with solara.Column():
            if state.result is not None:
                CompareResultView(state.result, lang, state.result.settings == settings, session.presenting.value)
            if ready:
                Explains(settings, lang, session.presenting.value, state.running)
