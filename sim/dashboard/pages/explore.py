"""Explore: one live run, every lever as a control, the lecturer's suggestions, the network and live charts."""

from __future__ import annotations

import solara

from sim import scenarios
from sim.dashboard import charts, formats, lecture, netview, svg
from sim.dashboard.components.common import (
    Choice,
    Disclosure,
    Download,
    Notices,
    Prose,
    Summary,
    ViewPicker,
    file_stem,
)
from sim.dashboard.components.controls import ParamGroup
from sim.dashboard.components.player import FramePump
from sim.dashboard.live import ExploreRun
from sim.dashboard.messages import error_text
from sim.dashboard.session import Session, use_session
from sim.dashboard.urlstate import LIMITS, ExploreSettings
from sim.errors import CentaureError
from sim.i18n import indicator_label, label, number, plural, t, value_text
from sim.metrics import INDICATORS
from sim.params import Params
from sim.scenarios import to_toml

SPEEDS = (1, 4, 13, 52)
"""Weeks simulated per frame when playing (a week, a month, a quarter, a year)."""
MONITORS = ("non_recourse", "engagement", "annual_turnover", "vacancy_rate", "waiting_list", "headcount")
"""Indicators shown on this page as monitors; the scenario's texts may add the ones they mention."""
VIEWS = ("network", "workforce", "non_recourse")
"""What presentation mode shows one at a time, large."""
RUN_CONTROLS = "centaure-run-controls"
"""Id of the simulation controls (the skip link's target)."""


def groups() -> dict[str, dict]:
    """Parameter specs by group, in declaration order."""
    out: dict[str, dict] = {"lever": {}, "structure": {}, "behaviour": {}}
    for name, spec in Params.specs().items():
        group = {"context": "lever", "initial": "structure"}.get(
            spec.group, spec.group
        )  # the initial state restarts the run
        out[group][name] = spec
    return out


def changes_text(changes: dict, lang: str) -> str:
    """``Label → value unit, ...`` for a set of lever changes."""
    specs = Params.specs()
    return ", ".join(f"{label(specs[k], lang)} → {value_text(specs[k], v, lang)}" for k, v in changes.items())


def monitored(scenario: scenarios.Scenario, lang: str) -> list[str]:
    """This page's monitors and every indicator the scenario's texts mention, in declaration order."""
    texts = scenario.text("shows", lang) + "\n" + scenario.text("try", lang)
    wanted = set(MONITORS) | set(lecture.mentioned_indicators(texts, lang))
    return [name for name in INDICATORS if name in wanted]


def show_settings(session: Session, settings: ExploreSettings) -> None:
    """Write the run's settings into the address bar (so a link reproduces the run)."""
    query = settings.query(session.query_suffix())
    session.remember("/", query)
    session.url.set(f"/?{query}")


@solara.component
def RunBar(run: ExploreRun, session: Session, on_reset, on_new_seed):
    """Reset / Play-Pause / Step, the speed, and the current week.

    Playing is paced by the browser (:mod:`sim.dashboard.components.player`):
    each frame is simulated when the page asks for it, in the page's own
    event handling, so no thread changes the page while it is drawn.
    """
    lang = session.lang.value
    tick = session.tick.value  # re-render after each step
    playing = session.playing.value
    speed, set_speed = solara.use_state(1)

    def step() -> None:
        run.step(speed)
        session.bump()

    def next_frame(_request: int) -> None:
        if not session.playing.value:
            return  # a request that crossed a click on Pause
        step()
        if not run.running:
            session.playing.set(False)

    FramePump.element(playing=playing and run.running, frame=tick, on_request=next_frame)
    week = run.week
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px", classes=[RUN_CONTROLS]):
        solara.Button(
            t("explore.pause" if playing else "explore.play", lang),
            icon_name="mdi-pause" if playing else "mdi-play",
            color="primary",
            on_click=lambda: session.playing.set(not playing),
            disabled=not run.running,
            classes=["centaure-play"],
        )
        solara.Button(
            t("explore.step", lang),
            icon_name="mdi-step-forward",
            on_click=step,
            disabled=playing or not run.running,
            outlined=True,
            classes=["centaure-step"],
        )
        solara.Button(
            t("explore.reset", lang),
            icon_name="mdi-restart",
            on_click=on_reset,
            outlined=True,
            classes=["centaure-reset"],
        )
        solara.Button(t("explore.new_seed", lang), icon_name="mdi-dice-multiple", on_click=on_new_seed, text=True)
        solara.Text(t("explore.speed", lang), classes=["centaure-caption"])
        with solara.v.BtnToggle(
            v_model=SPEEDS.index(speed),
            on_v_model=lambda k: set_speed(SPEEDS[k]) if k is not None else None,
            mandatory=True,
            dense=True,
            class_="centaure-speed",
            attributes={"role": "group", "aria-label": t("explore.speed", lang)},
        ):
            for n in SPEEDS:
                solara.v.Btn(children=[plural("count.weeks", n, lang)], small=True)
        solara.Text(
            t("explore.week", lang, week=week, year=week // 52 + 1 if week else 1),
            classes=["centaure-week"],
            style={"font-weight": "600", "font-size": "1.05rem", "margin-left": "8px"},
        )
    if not run.running:
        solara.Info(t("explore.finished", lang), dense=True)


@solara.component
def Monitors(run: ExploreRun, session: Session, names: list[str]):
    """NetLogo-style monitors: the latest value of a few indicators, each with its unit."""
    lang = session.lang.value
    _ = session.tick.value  # subscribe: re-render after each step
    values = run.model.indicators
    with solara.Row(style={"flex-wrap": "wrap"}, gap="8px", classes=["centaure-monitors"]):
        for name in names:
            with solara.Column(gap="0px", classes=["centaure-monitor", f"centaure-monitor-{name}"]):
                solara.Text(indicator_label(name, lang), classes=["centaure-monitor-label"])
                solara.Text(formats.value(name, values.get(name), lang), classes=["centaure-monitor-value"])


def status_labels(lang: str) -> dict[str, str]:
    """Legend words for the network view."""
    keys = [f"status.{s}" for s in ("resolved", "unaware", "not_asking", "waiting", "dropped", "supported")]
    return {key: t(key, lang) for key in (*keys, "post.vacant", "post.engagement")}


def network_summary(run: ExploreRun, lang: str) -> str:
    """What the network shows now, in one or two sentences (for screen readers and the room)."""
    counts = netview.counts(run.view, run.model)
    situations = ", ".join(f"{number(n, lang)} {t(f'status.{name}', lang)}" for name, n in counts.statuses.items() if n)
    return t(
        "explore.network_summary",
        lang,
        week=run.week,
        people=plural("count.people", counts.people, lang),
        situations=situations,
        posts=plural("count.posts", counts.posts, lang),
        vacant=number(counts.vacant, lang),
        engagement=number(counts.engagement, lang, 2),
    )


@solara.component
def NetworkPanel(run: ExploreRun, session: Session):
    """The network, laid out once and recoloured each week (SVG drawn by the browser), with what it shows in words."""
    lang = session.lang.value
    tick = session.tick.value
    version = session.params_version.value
    edges, nodes = solara.use_memo(run.network_svg, [tick, version, id(run.model)])
    view = run.view
    summary = network_summary(run, lang)
    with solara.Column(gap="4px", classes=["centaure-network-panel"]):
        solara.Text(t("explore.network", lang), classes=["centaure-panel-title"])
        solara.HTML(tag="div", unsafe_innerHTML=svg.legend_html(status_labels(lang)))
        with solara.Div(
            style={"display": "grid"},
            classes=["centaure-network"],
            attributes={"role": "img", "aria-label": f"{t('explore.network', lang)}. {summary}"},
        ):
            solara.HTML(tag="div", unsafe_innerHTML=edges, style={"grid-area": "1 / 1"})
            solara.HTML(tag="div", unsafe_innerHTML=nodes, style={"grid-area": "1 / 1"})
        Summary(summary, classes=["centaure-network-summary"])
        solara.Text(t("explore.network_caption", lang), classes=["centaure-caption"])
        if view is not None and view.sampled:
            solara.Text(
                t(
                    "explore.sample",
                    lang,
                    users=number(len(view.users), lang),
                    total_users=number(view.total_users, lang),
                    orgs=len(view.orgs),
                    total_orgs=view.total_orgs,
                ),
                classes=["centaure-caption"],
            )
        with solara.Row(gap="4px", style={"align-items": "center", "flex-wrap": "wrap"}):
            Download(
                t("export.network_png", lang),
                f"{file_stem('explore', run.settings.scenario, f'seed{run.settings.seed}')}_network_week{run.week}.png",
                lambda: run.network_png(status_labels(lang)),
                "image/png",
            )
            solara.Text(
                t("explore.render_time", lang, ms=f"{1000 * run.render_seconds:.0f}"),
                classes=["centaure-render-time"],
            )


@solara.component
def ChartsPanel(run: ExploreRun, session: Session, only: str | None = None):
    """Live charts of the workforce and of non-recourse by cause (``only`` one of them), with their data and picture."""
    lang = session.lang.value
    tick = session.tick.value
    history = solara.use_memo(run.history, [tick, id(run.model)])
    horizon = run.model.params.weeks
    drawn = solara.use_memo(lambda: charts.live_charts(history, lang, horizon), [tick, lang, id(run.model)])
    for name, chart in drawn.items():
        if only in (None, name):
            solara.HTML(tag="div", unsafe_innerHTML=chart, classes=["centaure-live-chart"])
    columns = ["week", *charts.LIVE_INDICATORS]
    stem = file_stem("explore", run.settings.scenario, f"seed{run.settings.seed}", f"weeks0-{run.week}")
    title = t(
        "export.live_title", lang, scenario=run.scenario.text("title", lang), week=run.week, seed=run.settings.seed
    )
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        Download(
            t("export.csv", lang),
            f"{stem}_indicators.csv",
            lambda: history[columns].to_csv(index=False).encode("utf-8"),
            "text/csv",
        )
        Download(
            t("export.png", lang),
            f"{stem}_indicators.png",
            lambda: charts.png_bytes(charts.live_figure(history, lang, horizon, title), dpi=100),
            "image/png",
        )
        Download(
            t("export.toml", lang),
            f"{file_stem('explore', run.settings.scenario, f'seed{run.settings.seed}')}_settings.toml",
            lambda: to_toml(run.current_scenario()).encode("utf-8"),
            "application/toml",
        )


@solara.component
def LeverPanels(run: ExploreRun, session: Session, on_change):
    """Every parameter as a control: levers open, territory and behaviour constants folded."""
    lang = session.lang.value
    _ = session.params_version.value  # subscribe: re-render when parameters change
    values = run.model.params_at(run.week + 1).as_dict()  # as set, including changes due next week
    by_group = groups()
    titles = ("explore.levers", "explore.structure", "explore.behaviour")
    for group, title in zip(("lever", "structure", "behaviour"), titles, strict=True):
        with Disclosure(t(title, lang), open=group == "lever", classes=[f"centaure-panel-{group}"]):
            if group == "lever":
                solara.Text(t("explore.levers_note", lang), classes=["centaure-caption"])
            ParamGroup(by_group[group], values, on_change, lang)


@solara.component
def ChangesList(run: ExploreRun, session: Session, on_forget):
    """Changes made during the run (recorded as reforms, in the address and the TOML export)."""
    lang = session.lang.value
    _ = session.params_version.value  # subscribe: re-render when parameters change
    if not run.settings.changes:
        return
    with solara.Card(t("explore.changes", lang), style={"margin": "4px 0"}):
        for reform in run.settings.changes:
            what = changes_text(reform.changes, lang)
            solara.Text(t("explore.change_item", lang, week=reform.week, what=what))
        solara.Button(t("explore.forget_changes", lang), on_click=on_forget, text=True, small=True)


@solara.component
def Suggestions(scenario: scenarios.Scenario, lang: str, presenting: bool):
    """The lecturer's texts beside the controls: what the scenario shows, and the things to try, numbered
    (open when presenting, folded otherwise so the levers stay in view)."""
    shows = scenario.text("shows", lang)
    tries = lecture.items(scenario.text("try", lang))
    if shows:
        with Disclosure(t("explore.about", lang), classes=["centaure-about"]):
            Prose(lecture.paragraphs(lecture.readable(shows, lang)))
    if tries:
        with Disclosure(f"{t('learn.try', lang)} ({len(tries)})", open=presenting, classes=["centaure-suggestions"]):
            Prose([lecture.readable(item, lang) for item in tries], numbered=True, classes=["centaure-try"])


@solara.component
def Page():
    """The Explore page."""
    session = use_session()
    lang = session.lang.value
    router = solara.use_router()
    run, url_errors = session.explore_run(router.search)
    notice, set_notice = solara.use_state("")
    show_network, set_show_network = solara.use_state(True)
    view, set_view = solara.use_state(VIEWS[0])
    presenting = session.presenting.value

    def stop_playing_on_leave():
        return lambda: session.playing.set(False)

    solara.use_effect(stop_playing_on_leave, [])

    def after_change(stop: bool = True) -> None:
        show_settings(session, run.settings)
        if stop:
            session.playing.set(False)
        session.bump()
        session.params_changed()

    def on_change(name: str, value) -> str | None:
        was = run.week
        try:
            outcome = run.change(name, value)
        except CentaureError as err:
            return error_text(err, lang, LIMITS)
        if outcome == "restarted":
            set_notice(t("explore.restarted", lang) if was > 0 else "")
        else:
            set_notice(t("explore.applied", lang, week=run.week + 1))
        after_change(stop=outcome == "restarted")
        return None

    def reset() -> None:
        run.rebuild()
        set_notice("")
        after_change()

    def new_seed() -> None:
        run.rebuild(
            ExploreSettings(run.settings.scenario, run.settings.seed + 1, run.settings.values, run.settings.changes)
        )
        after_change()

    def forget() -> None:
        run.forget_changes()
        after_change()

    def choose_scenario(name: str) -> None:
        run.rebuild(ExploreSettings(name, run.settings.seed))
        set_notice("")
        after_change()

    shipped = list(scenarios.shipped())
    solara.Title(f"{t('nav.explore', lang)} · Centaure")
    Notices(url_errors, lang)
    with solara.Columns([4, 8], gutters_dense=True):
        with solara.Column(classes=["centaure-sidebar"]):
            Choice(
                t("explore.scenario", lang),
                [(n, scenarios.load(n).text("title", lang)) for n in shipped],
                run.settings.scenario,
                choose_scenario,
                classes=["centaure-scenario"],
            )
            Suggestions(run.scenario, lang, presenting)
            planned = [r for r in run.scenario.reforms if r not in run.settings.changes]
            if planned:
                with Disclosure(t("explore.reforms_planned", lang)):
                    for reform in planned:
                        solara.Text(
                            f"{t('reform.from', lang, week=reform.week)} — {changes_text(reform.changes, lang)}"
                        )
            if notice:
                solara.Info(notice, dense=True)
            ChangesList(run, session, forget)
            LeverPanels(run, session, on_change)
        with solara.Column():
            RunBar(run, session, reset, new_seed)
            Monitors(run, session, monitored(run.scenario, lang))
            if presenting:
                ViewPicker(
                    VIEWS,
                    {v: t(f"explore.view.{v}", lang) for v in VIEWS},
                    view,
                    set_view,
                    t("explore.view.label", lang),
                )
                if view == "network":
                    NetworkPanel(run, session)
                else:
                    ChartsPanel(run, session, only=view)
                return
            solara.v.Switch(
                label=t("explore.show_network", lang),
                v_model=show_network,
                on_v_model=set_show_network,
                dense=True,
                hide_details=True,
                class_="centaure-show-network",
            )
            with solara.Columns([5, 7] if show_network else [12], gutters_dense=True):
                if show_network:
                    with solara.Column():
                        NetworkPanel(run, session)
                with solara.Column():
                    ChartsPanel(run, session)
