"""Learn: a guided sequence for a class, from New Public Management to the Centaur strategy."""

from __future__ import annotations

import solara

from sim import scenarios
from sim.dashboard import lecture
from sim.dashboard.components.common import Heading, Prose
from sim.dashboard.components.tables import SimpleTable
from sim.dashboard.pages import explore
from sim.dashboard.urlstate import encode, int_value, parse_query
from sim.i18n import indicator_label, label, t, value_text
from sim.metrics import INDICATORS
from sim.params import levers

SEQUENCE = ("npm", "aller_vers", "alliance", "centaure")
"""The order of the class: the baseline, then outreach, then the alliance, then the hybrid."""


def lever_changes(before: scenarios.Scenario, after: scenarios.Scenario, lang: str) -> list[list[str]]:
    """Levers whose value differs between two scenarios: [label, before, after]."""
    rows = []
    for name, spec in levers().items():
        old, new = getattr(before.params, name), getattr(after.params, name)
        if old != new:
            rows.append([label(spec, lang), value_text(spec, old, lang), value_text(spec, new, lang)])
    return rows


@solara.component
def Page():
    """The Learn page."""
    from sim.dashboard.session import use_session

    session = use_session()
    lang = session.lang.value
    router = solara.use_router()
    steps = [name for name in SEQUENCE if name in scenarios.shipped()]
    index, _ = int_value(parse_query(router.search), "step", 1, 1, len(steps))
    name = steps[index - 1]
    scenario = scenarios.load(name)
    suffix = session.query_suffix()

    def go(path: str, items: list[tuple[str, object]]) -> None:
        router.push(f"{path}?{encode([*items, *suffix])}")

    solara.Title(f"{t('nav.learn', lang)} · Centaure")
    solara.Text(t("learn.intro", lang), style={"color": "#444"})
    with solara.Row(gap="4px", style={"flex-wrap": "wrap", "margin": "8px 0"}):
        for n, step_name in enumerate(steps, start=1):
            solara.Button(
                f"{n}. {scenarios.load(step_name).text('title', lang)}",
                on_click=lambda n=n: go("/learn", [("step", n)]),
                color="primary" if n == index else None,
                outlined=n != index,
                small=True,
                classes=[f"centaure-learn-step-{n}"],
            )
    shows = scenario.text("shows", lang)
    tries = lecture.items(scenario.text("try", lang))
    watched = [n for n in INDICATORS if n in explore.monitored(scenario, lang)]
    with solara.Card(t("learn.step", lang, n=index, total=len(steps)) + " — " + scenario.text("title", lang)):
        Heading(t("learn.shows", lang))
        Prose(lecture.paragraphs(lecture.readable(shows, lang)) if shows else [t("learn.no_text", lang)])
        Heading(t("learn.try", lang))
        if tries:
            Prose([lecture.readable(item, lang) for item in tries], numbered=True, classes=["centaure-try"])
        else:
            Prose([t("learn.no_text", lang)])
        Heading(t("learn.watch", lang))
        Prose([", ".join(indicator_label(n, lang) for n in watched) + "."], classes=["centaure-watch"])
        if index > 1:
            previous = scenarios.load(steps[index - 2])
            rows = lever_changes(previous, scenario, lang)
            if rows:
                Heading(t("learn.changes", lang))
                SimpleTable(
                    [t("lever", lang), t("before", lang), t("after", lang)], rows, caption=t("learn.changes", lang)
                )
        with solara.Row(gap="8px", style={"flex-wrap": "wrap", "margin-top": "12px"}):
            solara.Button(
                t("learn.open", lang),
                icon_name="mdi-open-in-app",
                color="primary",
                on_click=lambda: go("/", [("scenario", name), ("seed", 0)]),
                classes=["centaure-learn-open"],
            )
            if index > 1:
                solara.Button(
                    t("learn.compare_prev", lang),
                    icon_name="mdi-compare",
                    outlined=True,
                    on_click=lambda: go("/compare", [("scenarios", f"{steps[index - 2]},{name}")]),
                )
    with solara.Row(style={"margin-top": "8px"}):
        if index > 1:
            solara.Button(
                t("learn.prev", lang),
                icon_name="mdi-chevron-left",
                text=True,
                on_click=lambda: go("/learn", [("step", index - 1)]),
            )
        solara.v.Spacer()
        if index < len(steps):
            solara.Button(
                t("learn.next", lang),
                icon_name="mdi-chevron-right",
                text=True,
                on_click=lambda: go("/learn", [("step", index + 1)]),
                classes=["centaure-learn-next"],
            )
