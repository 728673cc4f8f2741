"""Summary tables as plain HTML (no front-end grid needed), with a caption and header cells for screen readers."""

from __future__ import annotations

import html
from collections.abc import Sequence

import solara


@solara.component
def SimpleTable(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "", classes: Sequence[str] = ()):
    """A small, readable table; the first cell of each row heads its row."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{html.escape(c)}</th>' if k == 0 else f"<td>{html.escape(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    title = f'<caption class="centaure-visually-hidden">{html.escape(caption)}</caption>' if caption else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        classes=["centaure-table", *classes],
    )
