"""Reform lab: a reform from a chosen year and week against its counterfactual, on the same seeds, read in words."""

from __future__ import annotations

from typing import Any

import solara

from sim import scenarios
from sim.constants import WEEKS_PER_YEAR
from sim.dashboard import experiments
from sim.dashboard.components.common import (
    ChartGrid,
    Choice,
    Disclosure,
    Download,
    DrawsControl,
    Notices,
    RunSize,
    TableDownloads,
    file_stem,
    use_url_settings,
)
from sim.dashboard.components.controls import ParamControl
from sim.dashboard.components.jobs import JobStatus
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.experiments import ReformResult
from sim.dashboard.messages import error_text
from sim.dashboard.urlstate import LIMITS, parse_reform, within_limits
from sim.errors import CentaureError
from sim.i18n import indicator_label, label, t
from sim.metrics import HEADLINE
from sim.params import levers
from sim.scenarios import to_toml


def stem(result: ReformResult) -> str:
    s = result.settings
    draws = f"{s.draws}draws" if s.draws else ""
    return file_stem(
        "reform", s.scenario, f"week{s.week}", "-".join(s.changes), draws, f"{s.replicates}reps", f"{s.years}y"
    )


@solara.component
def EffectsTable(result: ReformResult, effects: list[experiments.Effect], lang: str):
    """Before → after, and the effect with its interval, per headline indicator."""
    header = [
        t("compare.indicator", lang),
        t("reform.arm.counterfactual", lang),
        t("reform.arm.reform", lang),
        t("reform.effect", lang),
        t(f"uncertainty.effect_interval.{result.coverage.kind}", lang),
    ]
    rows = [[indicator_label(e.indicator, lang), e.before, e.after, e.effect, e.interval] for e in effects]
    SimpleTable(
        header,
        rows,
        caption=experiments.summary_caption(result, lang),
        classes=["centaure-reform-summary"],
    )


@solara.component
def ReformResultView(result: ReformResult, lang: str, current: bool, presenting: bool):
    arms, differences = solara.use_memo(lambda: experiments.reform_charts(result, lang), [id(result), lang])
    effects = solara.use_memo(lambda: experiments.effects(result, lang), [id(result), lang])
    which, set_which = solara.use_state("arms")
    solara.Text(experiments.result_heading(result, lang), classes=["centaure-result-heading"])
    if not current:
        solara.Warning(t("compare.stale", lang), dense=True, classes=["centaure-stale"])
    solara.Text(experiments.summary_caption(result, lang), classes=["centaure-panel-title"])
    with solara.v.Html(tag="ul", class_="centaure-prose centaure-effects"):
        for effect in effects:
            solara.v.Html(tag="li", children=[effect.sentence])
    EffectsTable(result, effects, lang)
    solara.Text(
        experiments.interval_note(result.coverage, lang), classes=["centaure-caption", "centaure-interval-note"]
    )
    with solara.v.BtnToggle(
        v_model=0 if which == "arms" else 1,
        on_v_model=lambda k: set_which("arms" if k == 0 else "difference"),
        mandatory=True,
        class_="centaure-reform-view",
        attributes={"role": "group", "aria-label": t("reform.view", lang)},
    ):
        solara.v.Btn(children=[t("reform.view_arms", lang)])
        solara.v.Btn(children=[t("reform.view_difference", lang)])
    drawn = arms if which == "arms" else differences
    ChartGrid(drawn, HEADLINE, lang, presenting, classes=["centaure-reform-charts"])
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        TableDownloads(lang, stem(result), result.runs, result.summary, "effects")
        Download(
            t("export.png", lang),
            f"{stem(result)}_difference.png",
            lambda: experiments.reform_png(result, lang),
            "image/png",
        )
        Download(
            t("export.toml", lang),
            f"{stem(result)}_scenario.toml",
            lambda: to_toml(result.scenario).encode(),
            "application/toml",
        )


@solara.component
def ReformWeek(week: int, years: int, on_week, lang: str, disabled: bool):
    """When the reform starts: a year of the horizon and a week of that year (the last week cannot start one)."""
    year, within = divmod(week - 1, WEEKS_PER_YEAR)
    last = WEEKS_PER_YEAR * years - 1

    def set_year(value: int) -> None:
        on_week(min(WEEKS_PER_YEAR * (int(value) - 1) + within + 1, last))

    def set_within(value: int) -> None:
        on_week(min(WEEKS_PER_YEAR * year + int(value), last))

    solara.Text(t("reform.start", lang), classes=["centaure-panel-title"])
    for name, value, high, on_value in (
        ("year", year + 1, years, set_year),
        ("week_of_year", within + 1, WEEKS_PER_YEAR, set_within),
    ):
        solara.v.Slider(
            label=t(f"reform.{name}", lang),
            v_model=value,
            on_v_model=on_value,
            min=1,
            max=high,
            step=1,
            thumb_label="always" if high > 1 else False,
            disabled=disabled or high == 1,
            dense=True,
            hide_details=True,
            class_=f"centaure-reform-{name}",
            attributes={"aria-label": t(f"reform.{name}", lang), "aria-valuetext": str(value)},
        )
    solara.Text(
        t("reform.starts", lang, when=experiments.when_text(week, lang)),
        classes=["centaure-caption", "centaure-reform-when"],
    )


@solara.component
def Page():
    """The Reform-lab page."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    settings, url_errors, update = use_url_settings("/reform", parse_reform, session)
    job = session.reform
    state = job.state.value
    reformable = levers()
    base = solara.use_memo(lambda: scenarios.load(settings.scenario), [settings.scenario])

    def choose_levers(names: list[str]) -> None:
        changes = {n: settings.changes.get(n, getattr(base.params, n)) for n in reformable if n in names}
        update(changes=changes)

    def change_lever(name: str, value: Any) -> str | None:
        try:
            params = within_limits(base.params.replace(**{**settings.changes, name: value}))
        except CentaureError as err:
            return error_text(err, lang, LIMITS)
        update(changes={**settings.changes, name: getattr(params, name)})
        return None

    unchanged = experiments.unchanged_levers(settings) if settings.changes else []
    if not settings.changes:
        reason = t("reform.none", lang)
    elif len(unchanged) == len(settings.changes):
        specs = reformable
        reason = t("reform.changes_nothing", lang, what=", ".join(label(specs[n], lang) for n in unchanged))
    else:
        reason = ""
    solara.Title(f"{t('nav.reform', lang)} · Centaure")
    Notices(url_errors, lang)
    solara.Text(t("reform.intro", lang), classes=["centaure-intro"])
    with solara.Columns([4, 8], gutters_dense=True):
        with solara.Column(classes=["centaure-sidebar"]):
            Choice(
                t("reform.base", lang),
                [(n, scenarios.load(n).text("title", lang)) for n in scenarios.shipped()],
                settings.scenario,
                lambda name: update(scenario=name),
                disabled=state.running,
                classes=["centaure-reform-base"],
            )
            ReformWeek(settings.week, settings.years, lambda w: update(week=w), lang, state.running)
            chosen = list(settings.changes)
            title = f"{t('reform.levers', lang)} ({len(chosen)})"
            with Disclosure(title, open=not chosen, classes=["centaure-reform-levers"]):
                for name, spec in reformable.items():
                    solara.v.Checkbox(
                        label=label(spec, lang),
                        v_model=name in chosen,
                        on_v_model=lambda on, name=name: choose_levers(
                            [n for n in reformable if (n in chosen and n != name) or (n == name and on)]
                        ),
                        disabled=state.running,
                        dense=True,
                        hide_details=True,
                        class_=f"centaure-lever-{name}",
                    )
            for name, value in settings.changes.items():
                ParamControl(reformable[name], value, change_lever, lang, disabled=state.running).key(
                    f"r-{name}-{lang}"
                )
            RunSize(
                settings.replicates,
                settings.years,
                lambda v: update(replicates=v),
                lambda v: update(years=v, week=min(settings.week, WEEKS_PER_YEAR * v - 1)),
                dict(settings.values),
                lang,
                state.running,
            )
            DrawsControl(
                settings.draws, lambda k: update(draws=k), experiments.reform_runs(settings), lang, state.running
            )
            if reason:
                solara.Warning(reason, dense=True, classes=["centaure-reform-reason"])
            solara.Button(
                t("reform.run", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: job.start(settings, experiments.reform_runs(settings)),
                disabled=state.running or bool(reason),
                classes=["centaure-run-reform"],
            )
            JobStatus(job, state, lang)
        with solara.Column():
            if state.result is not None:
                ReformResultView(state.result, lang, state.result.settings == settings, session.presenting.value)
