"""Mon établissement / My organisation: a director's figures, the model's start fitted to them, a reform of the
organisation alone, and a report for the board. A thin layer over :mod:`sim.dashboard.organisation`."""

from __future__ import annotations

from typing import Any

import solara

from sim import schema
from sim.dashboard import experiments
from sim.dashboard import organisation as work
from sim.dashboard.components.common import (
    ChartGrid,
    Disclosure,
    Download,
    DrawsControl,
    Heading,
    Notices,
    Prose,
    RunSize,
    use_url_settings,
)
from sim.dashboard.components.controls import ParamControl
from sim.dashboard.components.jobs import JobStatus
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.messages import error_text
from sim.dashboard.pages.reform import ReformWeek
from sim.dashboard.urlstate import parse_organisation
from sim.errors import CentaureError
from sim.i18n import choice, label, plural, t, unit
from sim.metrics import HEADLINE
from sim.organisation import fit as fit_module
from sim.organisation import form as form_module
from sim.organisation import reform as reform_module
from sim.organisation import report

GROUPS = (
    ("organisation", ("name", "kind", "funded_posts", "vacant_posts", "departures_last_year")),
    ("work", ("reporting_percent", "outreach_hours_per_week")),
    ("people", ("people_supported", "waiting_list", "usual_wait_weeks", "catchment_population", "non_take_up_percent")),
    ("participation", tuple(f"participation.{k}" for k in form_module.PARTICIPATION)),
    ("funding", (*(f"funding.{k}" for k in form_module.FUNDING), "budget_growth_percent", "cost_growth_percent")),
)
"""The form's fields as the page groups them (every field of :data:`sim.organisation.form.FIELDS` once)."""


def _field(key: str) -> form_module.FormField:
    return next(f for f in form_module.FIELDS if f.key == key)


def _css_key(key: str) -> str:
    return key.replace(".", "-")


@solara.component
def FormInput(key: str, value: Any, on_value, problem: str | None, lang: str, disabled: bool):
    """One field: its label, the input with its unit, its plausible range, its help text, and its problem."""
    field = _field(key)
    reader = field.reader
    name = t(f"form.{key}.label", lang)
    helptext = t(f"form.{key}.help", lang)
    with solara.Column(gap="0px", classes=["centaure-form-field", f"centaure-form-{_css_key(key)}"]):
        if isinstance(reader, schema.Boolean):
            solara.v.Checkbox(
                label=name,
                v_model=bool(value),
                on_v_model=lambda on: on_value(bool(on)),
                disabled=disabled,
                dense=True,
                hide_details=True,
            )
        elif isinstance(reader, schema.Choice):
            with solara.v.Html(tag="fieldset", class_="centaure-fieldset"):
                solara.v.Html(tag="legend", children=[name], class_="centaure-control-label")
                options = list(reader.options)
                with solara.v.RadioGroup(
                    v_model=options.index(value) if value in options else None,
                    on_v_model=lambda k: on_value(options[k]) if k is not None else None,
                    dense=True,
                    hide_details=True,
                    disabled=disabled,
                    row=True,
                    class_="mt-0",
                ):
                    for k, option in enumerate(options):
                        solara.v.Radio(label=choice(option, lang), value=k, class_=f"centaure-kind-{option}")
        else:
            hint = "" if isinstance(reader, schema.Text) else work.range_text(field, lang)
            solara.v.TextField(
                label=name,
                v_model=str(value or ""),
                on_v_model=lambda text: on_value(text or ""),
                suffix=None if isinstance(reader, schema.Text) else unit(field.unit, lang),
                hint=hint,
                persistent_hint=bool(hint),
                error_messages=[problem] if problem else [],
                dense=True,
                disabled=disabled,
                attributes={"inputmode": "text" if isinstance(reader, schema.Text) else "decimal"},
                class_="centaure-form-input",
            )
        if problem and (isinstance(reader, schema.Choice) or isinstance(reader, schema.Boolean)):
            solara.Text(problem, classes=["centaure-form-problem"], style={"color": "#b00020"})
        solara.Text(helptext, classes=["centaure-caption", "centaure-form-help"])


@solara.component
def FitResult(result: fit_module.Fit, lang: str, current: bool):
    header, rows = fit_module.table_cells(result, lang)
    solara.Text(
        t("orgpage.fit_heading", lang, seeds=plural("count.seeds", len(result.seeds), lang), rounds=result.rounds),
        classes=["centaure-result-heading"],
    )
    if not current:
        solara.Warning(t("orgpage.fit_stale", lang), dense=True, classes=["centaure-stale"])
    SimpleTable(header, rows, caption=t("orgpage.fit_caption", lang), classes=["centaure-fit-table"])
    solara.Text(t("orgpage.fit_spread", lang), classes=["centaure-caption"])
    gaps = fit_module.unmatched_lines(result, lang)
    if gaps:
        solara.Text(t("organisation.unmatched", lang), classes=["centaure-panel-title", "centaure-unmatched"])
        Prose(gaps, classes=["centaure-unmatched-reasons"])
    else:
        solara.Success(t("organisation.all_matched", lang), dense=True, classes=["centaure-all-matched"])
    solara.Text(t("organisation.fitted_header", lang), classes=["centaure-panel-title"])
    Prose(fit_module.parameter_lines(result, lang), classes=["centaure-fitted"])


@solara.component
def ReformResultView(result: work.OrgReformResult, name: str, lang: str, current: bool, presenting: bool):
    arms, differences = solara.use_memo(lambda: work.reform_charts(result, lang), [id(result), lang])
    which, set_which = solara.use_state("arms")
    r = result.reform
    header = report.effect_header(r, lang)
    solara.Text(work.reform_heading(result, lang, name), classes=["centaure-result-heading"])
    if not current:
        solara.Warning(t("compare.stale", lang), dense=True, classes=["centaure-stale"])
    with solara.v.Html(tag="ul", class_="centaure-prose centaure-effects"):
        for sentence in work.own_sentences(result, lang):
            solara.v.Html(tag="li", children=[sentence])
    SimpleTable(header, report.own_rows(r, lang), caption=name, classes=["centaure-org-own"])
    Heading(t("report.neighbours", lang), level=4)
    solara.Text(t("orgpage.neighbours_help", lang), classes=["centaure-caption"])
    SimpleTable(
        header,
        report.neighbour_rows(r, lang),
        caption=t("report.neighbours", lang),
        classes=["centaure-org-neighbours"],
    )
    Heading(t("report.totals", lang), level=4)
    SimpleTable(header, report.total_rows(r, lang), caption=t("report.totals", lang), classes=["centaure-org-totals"])
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
    ChartGrid(arms if which == "arms" else differences, HEADLINE, lang, presenting, classes=["centaure-reform-charts"])


@solara.component
def Page():
    """The page *Mon établissement* / *My organisation*."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    settings, url_errors, update = use_url_settings(
        "/organisation", lambda search: parse_organisation(search, work.examples()), session
    )
    draft = session.org_draft.value
    if draft is None:  # nothing typed in this session yet: the example of the address, or an empty form
        draft, base = work.example_draft(settings.example, lang) if settings.example else (work.empty_draft(), "npm")
        draft = {**draft, "base": base}
    entered, problems = work.check(draft, lang)
    fit_job, reform_job = session.fit, session.org_reform
    fit_state, reform_state = fit_job.state.value, reform_job.state.value
    busy = fit_state.running or reform_state.running

    def set_field(key: str, value: Any) -> None:
        session.org_draft.set({**draft, key: value})

    def load(name: str) -> None:
        loaded, base = work.example_draft(name, lang)
        session.org_draft.set({**loaded, "base": base})

    fit_settings = (
        work.FitSettings(
            entered, draft.get("base", "npm"), settings.seeds, settings.rounds, tuple(settings.values.items())
        )
        if entered is not None
        else None
    )
    fitted: fit_module.Fit | None = fit_state.result
    own_levers = reform_module.own_levers()

    solara.Title(f"{t('nav.organisation', lang)} · Centaure")
    Notices(url_errors, lang)
    solara.Text(t("orgpage.intro", lang), classes=["centaure-intro"])
    solara.Text(t("orgpage.private", lang), classes=["centaure-caption", "centaure-private"])
    with solara.Columns([5, 7], gutters_dense=True):
        with solara.Column(classes=["centaure-sidebar", "centaure-org-form"]):
            with solara.Row(gap="4px", style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.Text(t("orgpage.examples", lang), classes=["centaure-control-label"])
                for name in work.examples():
                    solara.Button(
                        t(f"orgpage.example.{name}", lang),
                        text=True,
                        small=True,
                        on_click=lambda name=name: load(name),
                        disabled=busy,
                        classes=[f"centaure-example-{name}"],
                    )
                solara.Button(
                    t("orgpage.clear", lang),
                    text=True,
                    small=True,
                    on_click=lambda: session.org_draft.set({**work.empty_draft(), "base": "npm"}),
                    disabled=busy,
                    classes=["centaure-clear"],
                )
            for group, keys in GROUPS:
                Heading(t(f"orgpage.group.{group}", lang), level=3)
                if group == "funding" and "funding" in problems:
                    solara.Error(
                        problems["funding"], dense=True, classes=["centaure-form-problem", "centaure-form-funding"]
                    )
                for key in keys:
                    FormInput(
                        key, draft.get(key), lambda v, key=key: set_field(key, v), problems.get(key), lang, busy
                    ).key(f"f-{key}-{lang}")
            if entered is not None:
                Download(
                    t("orgpage.save_form", lang),
                    "mon_etablissement.toml" if lang == "fr" else "my_organisation.toml",
                    lambda: form_module.to_toml(entered).encode(),
                    "application/toml",
                )
        with solara.Column():
            Heading(t("orgpage.national", lang), level=3)
            if entered is None:
                solara.Info(t("orgpage.incomplete", lang, n=len(problems)), dense=True, classes=["centaure-incomplete"])
            else:
                with solara.Div(classes=["centaure-national"]):
                    Prose(form_module.comparisons(entered, lang))
            Heading(t("orgpage.fit", lang), level=3)
            solara.Text(
                t(
                    "orgpage.fit_intro",
                    lang,
                    runs=work.fit_runs(fit_settings) if fit_settings else settings.seeds * settings.rounds,
                ),
                classes=["centaure-caption"],
            )
            solara.Button(
                t("orgpage.run_fit", lang),
                icon_name="mdi-tune-variant",
                color="primary",
                on_click=lambda: fit_job.start(fit_settings, work.fit_runs(fit_settings)),
                disabled=busy or fit_settings is None,
                classes=["centaure-run-fit"],
            )
            JobStatus(fit_job, fit_state, lang)
            if fitted is not None:
                FitResult(fitted, lang, fit_state.settings == fit_settings)
    if fitted is not None:  # the reform and the report, the page's whole width
        ReformSection(session, settings, update, fitted, lang, busy, own_levers)


@solara.component
def ReformSection(session, settings, update, fitted: fit_module.Fit, lang: str, busy: bool, own_levers):
    job = session.org_reform
    state = job.state.value
    reform_settings = work.OrgReformSettings(
        fitted, settings.week, tuple(settings.changes.items()), settings.replicates, settings.years, settings.draws
    )

    def choose(names: list[str]) -> None:
        update(
            changes={
                n: settings.changes.get(n, reform_module.current(fitted.scenario, n)) for n in own_levers if n in names
            }
        )

    def change_lever(name: str, value: Any) -> str | None:
        try:
            params = fitted.scenario.params.with_organisation(fit_module.DIRECTOR, **{name: value})
        except CentaureError as err:
            return error_text(err, lang)
        update(changes={**settings.changes, name: params.own_values(fit_module.DIRECTOR)[name]})
        return None

    chosen = list(settings.changes)
    unchanged = reform_module.unchanged(fitted.scenario, settings.changes)
    if not chosen:
        reason = t("reform.none", lang)
    elif len(unchanged) == len(chosen):
        reason = t("reform.changes_nothing", lang, what=", ".join(label(own_levers[n], lang) for n in unchanged))
    else:
        reason = ""
    Heading(t("orgpage.reform", lang), level=3)
    solara.Text(t("orgpage.reform_intro", lang), classes=["centaure-caption"])
    with solara.Columns([4, 8], gutters_dense=True):
        with solara.Column():
            ReformWeek(settings.week, settings.years, lambda w: update(week=w), lang, busy)
            with Disclosure(
                f"{t('reform.levers', lang)} ({len(chosen)})", open=not chosen, classes=["centaure-org-levers"]
            ):
                for name, spec in own_levers.items():
                    solara.v.Checkbox(
                        label=label(spec, lang),
                        v_model=name in chosen,
                        on_v_model=lambda on, name=name: choose(
                            [n for n in own_levers if (n in chosen and n != name) or (n == name and on)]
                        ),
                        disabled=busy,
                        dense=True,
                        hide_details=True,
                        class_=f"centaure-lever-{name}",
                    )
            for name, value in settings.changes.items():
                ParamControl(own_levers[name], value, change_lever, lang, disabled=busy).key(f"o-{name}-{lang}")
            RunSize(
                settings.replicates,
                settings.years,
                lambda v: update(replicates=v),
                lambda v: update(years=v, week=min(settings.week, 52 * v - 1)),
                {},
                lang,
                busy,
            )
            DrawsControl(settings.draws, lambda k: update(draws=k), work.reform_runs(reform_settings), lang, busy)
            if reason:
                solara.Warning(reason, dense=True, classes=["centaure-reform-reason"])
            solara.Button(
                t("orgpage.run_reform", lang),
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: job.start(reform_settings, work.reform_runs(reform_settings)),
                disabled=busy or bool(reason),
                classes=["centaure-run-org-reform"],
            )
            JobStatus(job, state, lang)
        with solara.Column():
            result = state.result if state.result is not None and state.result.settings.fit == fitted else None
            if result is not None:
                ReformResultView(
                    result, fitted.form.name, lang, result.settings == reform_settings, session.presenting.value
                )
    Heading(t("orgpage.report", lang), level=3)
    solara.Text(t("orgpage.report_intro", lang), classes=["centaure-caption"])
    shown = result.reform if result is not None else None
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        Download(
            t("orgpage.download_report", lang),
            "rapport_conseil.html" if lang == "fr" else "board_report.html",
            lambda: report.html(fitted, shown, lang).encode(),
            "text/html",
        )
        Download(
            t("orgpage.download_start", lang),
            report.start_file(lang),
            lambda: report.start_toml(fitted, shown, lang).encode(),
            "application/toml",
        )
        if shown is not None:
            Download(
                t("orgpage.download_reform", lang),
                report.reform_file(lang),
                lambda: report.scenario_toml(fitted, shown, lang).encode(),
                "application/toml",
            )
