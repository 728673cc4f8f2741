"""The Markdown report of the paired differences (``centaure analyze DIR --doc docs/sensitivity.md``).

For each pair of ``[analysis] differences`` and each indicator, the report
says what the difference is across the design (its mean, the range of 90 % of
the design points and the share of points where it is positive: does the sign
of the conclusion depend on the varied assumptions at all?) and which
parameters its variation rests on (Sobol total and first-order indices with
their bootstrap 95 % CIs), in one sentence, then in a table per pair. A
parameter is named as a driver when its total index stands clearly above the
smallest one (:data:`DRIVER`): with one seed per run, seed noise enters every
total index about equally, and the smallest is a floor.

The report is written between ``<!-- BEGIN name -->`` and ``<!-- END name -->``
(``name`` is the file's stem) so that the hand-written text around it is kept
(the convention of :mod:`sim.docs`); a file without these markers gets the
section appended, a missing file is created. Figures are copied to
``img/name/`` beside the file. Every file is written atomically. The text is in
English, like the rest of ``docs/``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.batch.analysis import AnalysisReport, difference_name
from sim.errors import InputError
from sim.io import atomic_write, atomic_write_text, read_text

DRIVER = 0.05
"""A parameter drives a difference when the lower end of its total index's 95 % CI is above the smallest
total index (the noise floor: seed noise adds about the same to every total index) plus this."""
NOISY = 0.3
"""Above this smallest total index, the indices are said not to rank the assumptions."""
SHOWN = 3
"""At most this many drivers are named in a sentence."""


def _pm(value: float, conf: float) -> str:
    return f"{value:.2f} ± {conf:.2f}"


def _fixed(value: float) -> str:
    return f"{value:+.3f}"


def sentence(pair: str, indicator: str, diffs: pd.Series, indices: pd.DataFrame | None) -> str:
    """What the difference ``pair`` of ``indicator`` is across the design, and what its variation rests on."""
    values = diffs.dropna()
    positive, negative = float((values > 0).mean()), float((values < 0).mean())
    low, high = values.quantile([0.05, 0.95])
    text = f"**{pair}, {indicator}**: mean {_fixed(values.mean())}, 90 % of the design points from {_fixed(low)} to {_fixed(high)}; "
    if positive == 0 and negative == 0:
        return text + "no difference at any design point."
    if positive == 1 or negative == 1:
        text += f"{'positive' if positive == 1 else 'negative'} at every design point, so its sign does not rest on these assumptions"
    elif min(positive, negative) <= 0.05:
        text += (
            f"{'positive' if positive > negative else 'negative'} at {max(positive, negative):.0%} of the points,"
            " so its sign hardly depends on these assumptions"
        )
    else:
        text += f"positive at {positive:.0%} of the points, negative at {negative:.0%}, so even its sign depends on the assumptions varied"
    if indices is None or indices.empty or indices["ST"].isna().all():
        return text + "."
    ranked = indices.sort_values("ST", ascending=False)
    floor = max(float(ranked["ST"].min()), 0.0)
    drivers = ranked[ranked["ST"] - ranked["ST_conf"] > floor + DRIVER]
    if floor > NOISY:
        text += (
            f". Every total index is at least {floor:.2f}: seed noise (each run its own realisation) weighs"
            " like a parameter, so the indices do not rank the assumptions at this N"
        )
    if drivers.empty:
        top = ranked.iloc[0]
        return (
            text + f". No parameter's total index stands clearly above the smallest ({floor:.2f}) at this N"
            f" (the largest is `{top.parameter}`, ST {_pm(top.ST, top.ST_conf)})."
        )
    if floor > NOISY:
        return (
            text + "; the largest are " + ", ".join(f"`{r.parameter}`" for r in drivers.head(SHOWN).itertuples()) + "."
        )
    named = ", then ".join(
        f"`{r.parameter}` (ST {_pm(r.ST, r.ST_conf)}, S1 {_pm(r.S1, r.S1_conf)})"
        for r in drivers.head(SHOWN).itertuples()
    )
    text += f". Its size rests mainly on {named}"
    first = float(indices["S1"].clip(lower=0).sum())
    if first < 0.7:
        text += f"; the first-order indices add up to {first:.2f}, so interactions or seed noise carry the rest"
    return text + "."


def _draws_note(manifest: dict[str, Any]) -> str:
    """Which uncertainty the replicates cover: seeds alone, or one posterior draw each as well."""
    if not manifest.get("posterior"):
        return ", calibrated parameters at their defaults: intervals cover seeds"
    return ", each replicate with its own posterior draw: intervals cover posterior draws x seeds"


def section(report: AnalysisReport, manifest: dict[str, Any], figures: Sequence[str]) -> str:
    """The generated Markdown: the design, one sentence per difference and indicator, the tables, the figure."""
    design = manifest["design"]
    pairs = [difference_name(*p) for p in manifest["analysis"].get("differences", [])]
    indicators = list(manifest["record"]["indicators"])
    paired, indices = report.paired, report.differences
    sweeps = manifest.get("sweeps", [])
    seconds = sum(s.get("seconds", 0.0) for s in sweeps)
    workers = max((s.get("workers") or 0 for s in sweeps), default=0)
    fixed = manifest.get("experiment", {}).get("fixed") or {}
    lines = [
        f"Generated by `centaure analyze {report.folder.parent} --doc ...` from experiment "
        f"`{manifest['experiment']['name']}` ({manifest['experiment'].get('title', '')}).",
        "",
        f"- Design: {design['method']}, N = {design['samples']}, {len(design['factors'])} parameters, "
        f"{report.runs_found} runs ({len(manifest['scenarios'])} scenarios × {len(design['sample'])} points × "
        f"{manifest['replicates']} replicate(s), common seeds{_draws_note(manifest)}); horizon"
        f" {manifest['record']['weeks']} weeks, "
        "outcome = mean of the final 52 weeks.",
        f"- Wall time recorded in the folder's manifest: {sum(s.get('runs_done', 0) for s in sweeps)} runs computed in"
        f" {seconds / 60:.0f} min on {workers} worker(s).",
    ]
    if fixed:
        lines.append("- Fixed: " + ", ".join(f"`{k} = {v}`" for k, v in fixed.items()) + ".")
    lines += ["", "| parameter | low | high |", "|---|---|---|"]
    lines += [f"| `{f['name']}` | {f.get('low', '')} | {f.get('high', '')} |" for f in design["factors"]]
    lines += ["", "### What each conclusion rests on", ""]
    for pair in pairs:
        for indicator in indicators:
            diffs = paired.loc[paired["scenario"] == pair, indicator] if paired is not None else pd.Series(dtype=float)
            if diffs.dropna().empty:
                continue
            rows = None
            if indices is not None and "ST" in indices:
                rows = indices[(indices["scenario"] == pair) & (indices["indicator"] == indicator)]
            lines += [f"- {sentence(pair, indicator, diffs, rows)}"]
    if indices is not None and "ST" in indices:
        lines += ["", "### Sobol indices of each difference (S1 / ST, ± 95 % bootstrap CI)", ""]
        for pair in pairs:
            table = indices[indices["scenario"] == pair]
            if table.empty:
                continue
            lines += [f"**{pair}**", "", "| parameter | " + " | ".join(indicators) + " |"]
            lines += ["|---|" + "---|" * len(indicators)]
            for parameter in table["parameter"].drop_duplicates():
                cells = []
                for indicator in indicators:
                    r = table[(table["parameter"] == parameter) & (table["indicator"] == indicator)]
                    cells.append(
                        f"{_pm(r.S1.iloc[0], r.S1_conf.iloc[0])} / {_pm(r.ST.iloc[0], r.ST_conf.iloc[0])}"
                        if len(r)
                        else "–"
                    )
                lines.append(f"| `{parameter}` | " + " | ".join(cells) + " |")
            lines.append("")
    lines += [f"![{name}]({name})" for name in figures]
    return "\n".join(lines).rstrip() + "\n"


def write_doc(
    report: AnalysisReport, doc: str | Path, figures: Sequence[str] = ("sobol_differences.png",)
) -> list[Path]:
    """Write the report's section into ``doc`` (keeping the text around it) and its figures beside it."""
    doc = Path(doc)
    manifest = json.loads(read_text(report.folder.parent / "manifest.json", "manifest"))
    folder = doc.parent / "img" / doc.stem
    written, links = [], []
    for name in figures:
        source = report.folder / name
        if source.exists():
            written.append(atomic_write(folder / name, lambda tmp, s=source: shutil.copyfile(s, tmp)))
            links.append(f"img/{doc.stem}/{name}")
    body = section(report, manifest, links)
    name = doc.stem
    text = read_text(doc, "document") if doc.exists() else f"# {manifest['experiment'].get('title', name)}\n"
    pattern = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->)(.*?)(<!-- END {re.escape(name)} -->)", re.DOTALL)
    found = len(pattern.findall(text))
    if found > 1:
        raise InputError(f"{found} '<!-- BEGIN {name} -->' ... '<!-- END {name} -->' pairs; keep one", where=str(doc))
    if not found:
        text = text.rstrip() + f"\n\n<!-- BEGIN {name} -->\n<!-- END {name} -->\n"
    note = "<!-- generated by `centaure analyze DIR --doc FILE.md`; edit the text outside this section -->"
    text = pattern.sub(lambda m: f"{m.group(1)}\n{note}\n\n{body}\n{m.group(3)}", text)
    written.insert(0, atomic_write_text(doc, text))
    return written
