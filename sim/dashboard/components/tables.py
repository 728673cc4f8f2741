"""Summary tables as plain HTML (no front-end grid needed)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import solara


@solara.component
def SimpleTable(header: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()):
    """A small, readable table."""
    head = "".join(f"<th style='text-align:left;padding:4px 10px'>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td style='padding:3px 10px;border-top:1px solid #ddd'>{html.escape(c)}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table style='border-collapse:collapse;font-size:0.9rem'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>",
        classes=["centaure-table", *classes],
    )
