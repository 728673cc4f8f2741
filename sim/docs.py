"""Generated sections of ``docs/ODD.md``: parameters, indicators, schedule, calibration targets, equations.

The ODD never lists these by hand. Each generated section sits between two
marker comments, ``<!-- BEGIN name -->`` and ``<!-- END name -->``, and is
rendered from the one place that declares it:

* ``parameters``: :meth:`sim.params.Params.specs` (:func:`parameter_table`);
* ``indicators``: :data:`sim.metrics.INDICATORS` (:func:`indicator_table`);
* ``schedule``: :data:`sim.mechanisms.WEEKLY_ORDER` (:func:`schedule_list`);
* ``targets``: ``sim/data/targets.csv`` (:func:`targets_table`);
* ``equations``: the docstring of each module of :data:`sim.mechanisms.WEEKLY_ORDER` and of
  :mod:`sim.metrics`, verbatim (:func:`equations_section`), so the documented equations cannot drift
  from the ones in the code (``tests/test_guards.py`` checks each docstring against its code).

Usage::

    python -m sim.docs            # rewrite the generated sections of docs/ODD.md
    python -m sim.docs --check    # exit status 1 if any of them is out of date

Weekly rates (units "per week", "per vacancy per week", ...) are also given as
yearly figures, ``1 - (1 - p)^52``: the chance that the event happens at least
once in a year (for an adjustment rate, the share of a gap closed in a year).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

from sim.constants import WEEKS_PER_YEAR
from sim.errors import CentaureError
from sim.i18n import LANGS, help_text, indicator_label, label, t
from sim.mechanisms import WEEKLY_ORDER
from sim.metrics import HEADLINE, INDICATORS
from sim.params import GROUPS, REFORMABLE_GROUPS, Params, Spec

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
PARAMETER_COLUMNS = ("name", "label", "unit", "allowed", "default", "per_year", "source", "notes")
INDICATOR_COLUMNS = ("name", "label", "label_other", "unit", "range", "headline")


class DocsError(CentaureError):
    """The ODD file or one of its marker pairs is missing."""


# ---------------------------------------------------------------------- formatting
def _cell(text: object) -> str:
    """One Markdown table cell: no line breaks, pipes escaped."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip().replace("|", "\\|")  # no-break spaces kept


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = [_row(headers), "|" + "|".join("---" for _ in headers) + "|"]
    lines += [_row(r) for r in rows]
    return "\n".join(lines)


def _number(x: object) -> str:
    """A number as a reader writes it: 5,000,000; 0.0009; 35."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,g}" if abs(x) >= 1000 else f"{x:g}"
    return str(x)


def yearly(p: float) -> float:
    """Yearly figure of a weekly rate: ``1 - (1 - p)^52``."""
    return 1.0 - (1.0 - p) ** WEEKS_PER_YEAR


def is_weekly_rate(spec: Spec) -> bool:
    """True for probabilities or adjustment rates per week ("per week", "per vacancy per week", ...).

    Quantities that are merely counted per week (``hours per week``) are not rates.
    """
    return spec.kind is float and spec.unit.startswith("per ") and "per week" in spec.unit


def _headers(columns: Sequence[str], lang: str) -> list[str]:
    return [t(f"docs.header.{c}", lang) for c in columns]


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


def _allowed(spec: Spec, lang: str) -> str:
    if spec.kind is bool:
        return t("docs.bool", lang)
    if spec.choices:
        return ", ".join(f"`{c}`" for c in spec.choices)
    return t("docs.range", lang, low=_number(spec.low), high=_number(spec.high))


def _default(spec: Spec) -> str:
    if spec.choices:
        return f"`{spec.default}`"
    return _number(spec.default)


def _per_year(spec: Spec) -> str:
    if not is_weekly_rate(spec):
        return ""
    return f"{100.0 * yearly(spec.default):.3g}%"


# ---------------------------------------------------------------------- tables
def parameter_table(lang: str = "en") -> str:
    """Markdown tables of every parameter of :class:`Params`, one table per group.

    Columns: name, label, unit, allowed range or choices, default, yearly figure of
    a weekly rate (``1 - (1 - p)^52``), source ("assumption" where the declaration
    says so) and the help text. Each table is preceded by its group's caption.
    """
    _check_lang(lang)
    specs = Params.specs()
    blocks = []
    for group in GROUPS:
        members = [s for s in specs.values() if s.group == group]
        if not members:
            continue
        reform = t("docs.reformable" if group in REFORMABLE_GROUPS else "docs.fixed", lang)
        count = t("docs.parameters_count", lang, n=len(members))
        caption = f"**`{group}`** ({count}) — {t(f'docs.group.{group}', lang)}; {reform}."
        rows = [
            (
                f"`{s.name}`",
                label(s, lang),
                s.unit,
                _allowed(s, lang),
                _default(s),
                _per_year(s),
                s.source,
                help_text(s, lang),
            )
            for s in members
        ]
        blocks.append(caption + "\n\n" + _table(_headers(PARAMETER_COLUMNS, lang), rows))
    unknown = sorted({s.group for s in specs.values()} - set(GROUPS))
    if unknown:  # a group added to params.py but not to GROUPS must not vanish from the docs
        raise DocsError(f"parameters in undeclared groups: {', '.join(unknown)}")
    return "\n\n".join(blocks)


def indicator_table(lang: str = "en") -> str:
    """Markdown table of every indicator of :data:`sim.metrics.INDICATORS`."""
    _check_lang(lang)
    other = next(x for x in LANGS if x != lang)
    rows = [
        (
            f"`{name}`",
            indicator_label(name, lang),
            indicator_label(name, other),
            ind.unit,
            t("docs.share" if ind.share else "docs.signed" if ind.signed else "docs.level", lang),
            t("yes", lang) if name in HEADLINE else "",
        )
        for name, ind in INDICATORS.items()
    ]
    return _table(_headers(INDICATOR_COLUMNS, lang), rows)


def _summary(module: object) -> str:
    """First line of a mechanism's docstring, without its leading step number."""
    doc = (getattr(module, "__doc__", None) or "").strip()
    first = doc.splitlines()[0] if doc else ""
    return re.sub(r"^\d+\.\s*", "", first)


def schedule_list() -> str:
    """The weekly order of :data:`WEEKLY_ORDER`, as a numbered Markdown list."""
    lines = []
    for n, module in enumerate(WEEKLY_ORDER, start=1):
        short = module.__name__.rsplit(".", 1)[-1]
        lines.append(f"{n}. `{short}` (`sim/mechanisms/{short}.py`) — {_summary(module)}")
    import sim.metrics

    lines.append(f"{len(WEEKLY_ORDER) + 1}. observation (`sim/metrics.py`) — {_summary(sim.metrics)}")
    return "\n".join(lines)


def read_targets() -> list[dict[str, str]]:
    """Rows of ``sim/data/targets.csv``."""
    text = (files("sim") / "data" / "targets.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def targets_table() -> str:
    """Markdown table of the calibration targets, with their bands and sources."""
    rows = [
        (f"`{r['target']}`", r["value"], f"{r['low']} – {r['high']}", r["unit"], f"`{r['scenario']}`", r["source"])
        for r in read_targets()
    ]
    return _table(("Target", "Value", "Band", "Unit", "Scenario", "Source"), rows)


def _module_path(module: object) -> str:
    return module.__name__.replace(".", "/") + ".py"


def equations_section() -> str:
    """Each weekly mechanism's docstring, then the observation's, verbatim under a heading of its own.

    The docstrings are where the equations are written next to the code that runs them; the ODD shows
    them as they are (in a plain-text block: their subscripts and formulas are not Markdown).
    """
    import sim.metrics

    blocks = []
    for n, module in enumerate((*WEEKLY_ORDER, sim.metrics), start=1):
        short = module.__name__.rsplit(".", 1)[-1] if module is not sim.metrics else "observation"
        doc = (module.__doc__ or "").strip("\n")
        blocks.append(f"### 6.{n} `{short}` (`{_module_path(module)}`)\n\n```text\n{doc}\n```")
    return "\n\n".join(blocks)


SECTIONS: dict[str, Callable[[], str]] = {
    "schedule": schedule_list,
    "parameters": parameter_table,
    "indicators": indicator_table,
    "targets": targets_table,
    "equations": equations_section,
}
"""Generated sections of the ODD: marker name -> renderer."""

_NOTE = "<!-- generated by `python -m sim.docs` from the code; edit the declarations, not this section -->"


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN {re.escape(name)} -->)(.*?)(<!-- END {re.escape(name)} -->)", re.DOTALL)


def render(text: str, sections: dict[str, Callable[[], str]] | None = None) -> str:
    """``text`` with every generated section (re)rendered between its markers."""
    sections = SECTIONS if sections is None else sections
    for name, make in sections.items():
        pattern = _pattern(name)
        found = len(pattern.findall(text))
        if found != 1:
            raise DocsError(f"expected one '<!-- BEGIN {name} -->' ... '<!-- END {name} -->' pair, found {found}")
        body = f"\n{_NOTE}\n\n{make()}\n\n"
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(3), text)
    return text


def stale_sections(text: str, sections: dict[str, Callable[[], str]] | None = None) -> list[str]:
    """Names of the generated sections of ``text`` that differ from a fresh rendering."""
    sections = SECTIONS if sections is None else sections
    fresh = render(text, sections)
    return [name for name in sections if _pattern(name).search(text).group(2) != _pattern(name).search(fresh).group(2)]


# ---------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.docs", description="Rewrite (or check) the generated sections of docs/ODD.md."
    )
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if a section is out of date")
    parser.add_argument("--path", type=Path, default=ODD_PATH, help=f"the ODD file (default: {ODD_PATH})")
    args = parser.parse_args(argv)
    try:
        text = args.path.read_text(encoding="utf-8")
        stale = stale_sections(text)
    except OSError as err:
        print(f"{args.path}: cannot read: {err.strerror}", file=sys.stderr)
        return 2
    except DocsError as err:
        print(f"{args.path}: {err}", file=sys.stderr)
        return 2
    if args.check:
        if stale:
            print(
                f"{args.path}: out of date: {', '.join(stale)}; run `python -m sim.docs` to regenerate",
                file=sys.stderr,
            )
            return 1
        print(f"{args.path}: generated sections are up to date")
        return 0
    if stale:
        args.path.write_text(render(text), encoding="utf-8")
        print(f"{args.path}: rewrote {', '.join(stale)}")
    else:
        print(f"{args.path}: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
