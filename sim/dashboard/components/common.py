"""Small shared pieces: a PNG picture, download buttons, notices, the size of a batch of runs,
and the settings a page keeps in its address."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import solara

from sim.dashboard.messages import error_text
from sim.dashboard.urlstate import LIMITS, MAX_REPLICATES, MAX_YEARS, MIN_REPLICATES
from sim.errors import CentaureError
from sim.i18n import label, t, value_text
from sim.params import Params


def use_url_settings(path: str, parse: Callable[[str], tuple[Any, list[str]]], lang_param: str):
    """A page's settings read from its address (with the values ignored), and ``update(**changes)``,
    which writes changed settings back to the address (and so re-renders the page)."""
    router = solara.use_router()
    settings, errors = solara.use_memo(lambda: parse(router.search), [router.search])

    def update(**changes: Any) -> None:
        router.push(f"{path}?{dataclasses.replace(settings, **changes).query(lang_param)}")

    return settings, errors, update


@solara.component
def Picture(png: bytes, alt: str, classes: Sequence[str] = ()):
    """A server-drawn PNG (sent as binary), scaled to the width available; ``alt`` for screen readers."""
    with solara.Div(attributes={"role": "img", "aria-label": alt}, classes=["centaure-picture", *classes]):
        solara.Image(png, width="100%", format="png")


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
