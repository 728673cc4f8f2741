"""Reform lab: a reform from a chosen week against its counterfactual, on the same seeds."""

from __future__ import annotations

from typing import Any

import solara

from sim import scenarios
from sim.dashboard import experiments
from sim.dashboard.components.common import Download, Notices, Picture, RunSize, TableDownloads, use_url_settings
from sim.dashboard.components.controls import ParamControl
from sim.dashboard.components.jobs import JobStatus, use_job
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.experiments import ReformResult
from sim.dashboard.messages import error_text
from sim.dashboard.pages.compare import cell
from sim.dashboard.urlstate import LIMITS, parse_reform, within_limits
from sim.errors import CentaureError
from sim.i18n import indicator_label, indicator_unit, label, t
from sim.metrics import HEADLINE
from sim.params import levers
from sim.scenarios import to_toml


@solara.component
def ReformResultView(result: ReformResult, lang: str):
    pngs = solara.use_memo(lambda: experiments.reform_pngs(result, lang), [id(result), lang])
    Picture(pngs[0], alt=t("nav.reform", lang), classes=["centaure-reform-chart"])
    Picture(pngs[1], alt=t("reform.difference", lang), classes=["centaure-difference-chart"])
    solara.Markdown(f"**{t('reform.summary', lang, n=result.settings.replicates)}**")
    header = [t("compare.indicator", lang), t("compare.unit", lang), t("reform.effect", lang)]
    rows = []
    for ind in HEADLINE:
        r = result.summary[result.summary.indicator == ind].iloc[0]
        rows.append(
            [indicator_label(ind, lang), indicator_unit(ind, lang), cell(r["mean"], r["ci_low"], r["ci_high"], lang)]
        )
    SimpleTable(header, rows, classes=["centaure-reform-summary"])
    stem = f"centaure_reform_{result.settings.scenario}_week{result.settings.week}"
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        TableDownloads(lang, stem, result.runs, result.summary, "effect")
        Download(t("export.png", lang), f"{stem}.png", lambda: experiments.stack_png(*pngs), "image/png")
        Download(t("export.toml", lang), f"{stem}.toml", lambda: to_toml(result.scenario).encode(), "application/toml")


@solara.component
def Page():
    """The Reform-lab page."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    settings, url_errors, update = use_url_settings("/reform", parse_reform, session.lang_param())
    task, done = use_job(experiments.reform, session.reform_result.set)
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

    horizon = 52 * settings.years
    ready = bool(settings.changes)
    solara.Title(f"{t('nav.reform', lang)} · Centaure")
    Notices(url_errors, lang)
    solara.Text(t("reform.intro", lang), style={"color": "#444"})
    with solara.Columns([4, 8], gutters_dense=True):
        with solara.Column(style={"max-height": "calc(100vh - 160px)", "overflow-y": "auto"}):
            solara.v.Select(
                label=t("reform.base", lang),
                items=[
                    {"text": f"{scenarios.load(n).text('title', lang)} ({n})", "value": n} for n in scenarios.shipped()
                ],
                v_model=settings.scenario,
                on_v_model=lambda name: update(scenario=name),
                dense=True,
                disabled=task.pending,
            )
            solara.SliderInt(
                t("reform.week", lang),
                value=min(settings.week, horizon - 1),
                min=1,
                max=max(horizon - 1, 1),
                on_value=lambda v: update(week=int(v)),
                disabled=task.pending,
                thumb_label="always",
            )
            solara.v.Select(
                label=t("reform.levers", lang),
                items=[{"text": label(spec, lang), "value": name} for name, spec in reformable.items()],
                v_model=list(settings.changes),
                on_v_model=choose_levers,
                multiple=True,
                chips=True,
                small_chips=True,
                deletable_chips=True,
                dense=True,
                disabled=task.pending,
                class_="centaure-reform-levers",
            )
            for name, value in settings.changes.items():
                ParamControl(reformable[name], value, change_lever, lang, disabled=task.pending).key(f"r-{name}-{lang}")
            RunSize(
                settings.replicates,
                settings.years,
                lambda v: update(replicates=v),
                lambda v: update(years=v, week=min(settings.week, 52 * v - 1)),
                dict(settings.values),
                lang,
                task.pending,
            )
            if not ready:
                solara.Warning(t("reform.none", lang), dense=True)
            solara.Button(
                t("reform.run", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: task(settings),
                disabled=task.pending or not ready,
                classes=["centaure-run-reform"],
            )
            JobStatus(task, done.value, 2 * settings.replicates, lang, task.cancel)
        with solara.Column():
            result = session.reform_result.value
            if result is not None:
                ReformResultView(result, lang)
