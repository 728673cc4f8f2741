"""Small shared pieces: a PNG picture, download buttons, notices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import solara

from sim.dashboard.i18n import t


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
def Notices(messages: Sequence[str], lang: str, key: str = "error.url"):
    """Warnings about settings that were ignored (e.g. a bad value in the address)."""
    for message in messages:
        solara.Warning(t(key, lang, err=message), dense=True)
