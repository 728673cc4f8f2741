"""Small shared pieces: a PNG picture, download buttons, notices, the size of a batch of runs,
and the settings a page keeps in its address."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

import solara

from sim.dashboard.messages import error_text
from sim.dashboard.urlstate import LIMITS, MAX_DRAWS, MAX_REPLICATES, MAX_YEARS, MIN_DRAWS, MIN_REPLICATES
from sim.errors import CentaureError
from sim.i18n import indicator_label, label, plural, t, value_text
from sim.params import Params


def use_url_settings(path: str, parse: Callable[[str], tuple[Any, list[CentaureError]]], session):
    """A page's settings read from its address (with the errors of what was ignored), and ``update(**changes)``,
    which writes changed settings back to the address (and so re-renders the page).

    The session remembers the page's last settings, so the navigation comes back to them.
    """
    router = solara.use_router()
    settings, errors = solara.use_memo(lambda: parse(router.search), [router.search])
    session.remember(path, settings.query())

    def update(**changes: Any) -> None:
        router.push(f"{path}?{dataclasses.replace(settings, **changes).query(session.query_suffix())}")

    return settings, errors, update


def file_stem(*parts: object) -> str:
    """A download's name from what it holds: ``centaure_compare_npm-alliance_10reps_10y``."""
    return "_".join(["centaure", *(re.sub(r"[^A-Za-z0-9.-]+", "-", str(p)).strip("-") for p in parts if p != "")])


@solara.component
def Prose(texts: Sequence[str], numbered: bool = False, classes: Sequence[str] = ()):
    """Paragraphs, or a numbered list, of plain text (no Markdown: nothing to fetch, nothing to interpret)."""
    if numbered:
        solara.v.Html(
            tag="ol",
            class_=" ".join(["centaure-prose", *classes]),
            children=[solara.v.Html(tag="li", children=[text]) for text in texts],
        )
    else:
        for text in texts:
            solara.v.Html(tag="p", class_=" ".join(["centaure-prose", *classes]), children=[text])


@solara.component
def Disclosure(title: str, children=[], open: bool = False, on_open=None, classes: Sequence[str] = ()):  # noqa: B006
    """A section that opens and closes: a button with ``aria-expanded`` (the WAI-ARIA disclosure pattern).

    Its content is drawn only while open. ``on_open(bool)`` makes it controlled; without it, it keeps its own state.
    """
    own, set_own = solara.use_state(open)
    shown = open if on_open is not None else own
    toggle = on_open if on_open is not None else set_own
    with solara.Column(gap="0px", classes=["centaure-disclosure", *classes]):
        solara.Button(
            title,
            icon_name="mdi-chevron-up" if shown else "mdi-chevron-down",
            text=True,
            on_click=lambda: toggle(not shown),
            attributes={"aria-expanded": "true" if shown else "false"},
            classes=["centaure-disclosure-button"],
        )
        if shown:
            solara.Column(children=children, gap="2px", classes=["centaure-disclosure-content"])


@solara.component
def Choice(
    name: str,
    items: Sequence[tuple[Any, str]],
    value: Any,
    on_value: Callable[[Any], None],
    disabled: bool = False,
    classes: Sequence[str] = (),
    name_shown: bool = True,
):
    """One of a few values, as radio buttons under their name (no pop-up list to open);
    ``name_shown=False`` keeps the name for screen readers only (a label already shows it)."""
    values = [v for v, _ in items]
    with solara.v.Html(tag="fieldset", class_=" ".join(["centaure-fieldset", *classes])):
        legend = "centaure-control-label" if name_shown else "centaure-visually-hidden"
        solara.v.Html(tag="legend", children=[name], class_=legend)
        with solara.v.RadioGroup(
            v_model=values.index(value) if value in values else None,
            on_v_model=lambda k: on_value(values[k]) if k is not None else None,
            dense=True,
            hide_details=True,
            disabled=disabled,
            class_="mt-0",
        ):
            for k, (_, text) in enumerate(items):
                solara.v.Radio(label=text, value=k, class_="centaure-choice")


@solara.component
def Heading(text: str, level: int = 3):
    """A section title (a real heading, for screen readers' navigation)."""
    solara.v.Html(tag=f"h{level}", class_="centaure-heading", children=[text])


@solara.component
def Summary(text: str, classes: Sequence[str] = ()):
    """One sentence saying what a picture shows (read by screen readers, useful to everyone)."""
    solara.v.Html(tag="p", class_=" ".join(["centaure-summary-text", *classes]), children=[text])


@solara.component
def ViewPicker(views: Sequence[str], labels: dict[str, str], value: str, on_value: Callable[[str], None], name: str):
    """Presentation mode: which one large view to show; ``name`` labels the group for screen readers."""
    with solara.v.BtnToggle(
        v_model=views.index(value) if value in views else 0,
        on_v_model=lambda k: on_value(views[k]) if k is not None else None,
        mandatory=True,
        class_="centaure-view-picker",
        style_="flex-wrap: wrap; height: auto",
        attributes={"role": "group", "aria-label": name},
    ):
        for view in views:
            solara.v.Btn(children=[labels[view]], class_=f"centaure-view-{view}")


@solara.component
def ChartGrid(drawn: dict[str, str], order: Sequence[str], lang: str, presenting: bool, classes: Sequence[str] = ()):
    """Charts (HTML) two by two; in presentation mode one at a time, large, with a picker."""
    shown, set_shown = solara.use_state(order[0])
    if presenting:
        ViewPicker(order, {n: indicator_label(n, lang) for n in order}, shown, set_shown, t("chart.pick", lang))
        solara.HTML(tag="div", unsafe_innerHTML=drawn[shown], classes=["centaure-chart-large", *classes])
        return
    with solara.Div(classes=["centaure-chart-grid", *classes]):
        for name in order:
            solara.HTML(tag="div", unsafe_innerHTML=drawn[name])


@solara.component
def Download(label: str, filename: str, data: Callable[[], bytes] | bytes, mime_type: str, icon: str = "mdi-download"):
    """One download button; ``data`` may be a function, called only when clicked."""
    with solara.FileDownload(data, filename=filename, mime_type=mime_type):
        solara.Button(label, icon_name=icon, text=True, small=True, classes=["centaure-download"])


@solara.component
def TableDownloads(lang: str, stem: str, runs, summary, summary_suffix: str):
    """The two CSV downloads of a batch of runs: every run, and its summary (``{stem}_{summary_suffix}.csv``)."""
    Download(t("export.csv", lang), f"{stem}_runs.csv", lambda: runs.to_csv(index=False).encode(), "text/csv")
    Download(
        t("export.summary_csv", lang),
        f"{stem}_{summary_suffix}.csv",
        lambda: summary.to_csv(index=False).encode(),
        "text/csv",
    )


@solara.component
def Notices(errors: Sequence[CentaureError], lang: str):
    """Warnings about settings of the address that were ignored, in the page's language."""
    for err in errors:
        solara.Warning(t("error.url", lang, err=error_text(err, lang, LIMITS)), dense=True, classes=["centaure-notice"])


def overrides_text(values: dict, lang: str) -> str:
    """``label = value, ...`` for parameters set away from the scenario (from the address)."""
    specs = Params.specs()
    return ", ".join(f"{label(specs[k], lang)} = {value_text(specs[k], v, lang)}" for k, v in values.items())


@solara.component
def RunSize(
    replicates: int,
    years: int,
    on_replicates: Callable[[int], None],
    on_years: Callable[[int], None],
    values: dict,
    lang: str,
    disabled: bool,
):
    """Replicates and horizon sliders of a batch of runs (Compare, Reform lab), and the settings they keep."""
    solara.SliderInt(
        t("compare.replicates", lang),
        value=replicates,
        min=MIN_REPLICATES,
        max=MAX_REPLICATES,
        on_value=lambda v: on_replicates(int(v)),
        disabled=disabled,
        thumb_label="always",
    )
    solara.SliderInt(
        t("compare.years", lang),
        value=years,
        min=1,
        max=MAX_YEARS,
        on_value=lambda v: on_years(int(v)),
        disabled=disabled,
        thumb_label="always",
    )
    if values:
        solara.Text(
            t("compare.overrides", lang, what=overrides_text(values, lang)),
            style={"font-size": "0.8rem", "color": "#555"},
        )


DRAW_CHOICES = (0, 5, 10, MAX_DRAWS)
"""The numbers of posterior draws offered (and any other one the address gives)."""


@solara.component
def DrawsControl(draws: int, on_draws: Callable[[int], None], runs: int, lang: str, disabled: bool):
    """How many posterior draws each scenario or arm runs over (0: seeds only), and how many runs that makes;
    without a shipped calibration, a sentence saying the intervals cover the seeds alone."""
    from sim import posterior

    if posterior.shipped() is None:
        solara.Text(t("uncertainty.no_calibration", lang), classes=["centaure-caption", "centaure-no-calibration"])
    else:
        options = sorted({*DRAW_CHOICES, posterior.DEFAULT_DRAWS, draws} - set(range(1, MIN_DRAWS)))
        Choice(
            t("uncertainty.draws", lang),
            [(k, t("uncertainty.draws_none", lang) if k == 0 else str(k)) for k in options],
            draws,
            lambda k: on_draws(int(k)),
            disabled=disabled,
            classes=["centaure-draws"],
        )
        solara.Text(t("uncertainty.draws_help", lang), classes=["centaure-caption"])
    solara.Text(
        t("uncertainty.runs", lang, runs=plural("count.runs", runs, lang)),
        classes=["centaure-caption", "centaure-runs"],
    )
