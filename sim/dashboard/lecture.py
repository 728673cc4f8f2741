"""Lecturers' texts of a scenario (``[shows]`` and ``[try]``) as the page shows them.

The rule for ``[try]`` (documented in ``docs/scenarios.md``): **one suggestion
per line** of the text as TOML reads it. Authors wrap a long suggestion with
a backslash at the end of the line (TOML joins those lines), so each
suggestion ends with a real line break; blank lines are ignored. The page
numbers the suggestions.

Suggestions speak of the controls by the labels the page shows. A code name
left in a text (``reporting_pressure``, ``by_funding``) is replaced by that
label, and a parenthesis that only repeats a code name is dropped; the test
``test_try_texts_use_labels_not_code_names`` tells the texts' author where a
file still has some. The indicators a text mentions (by label or code name)
are shown by the Explore page beside the others.
"""

from __future__ import annotations

import re

from sim.dashboard.messages import quoted as quote
from sim.i18n import choice, indicator_label, label
from sim.metrics import INDICATORS
from sim.params import Params

_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_PARENS = re.compile(r"\s*\(([^()]*)\)")


def items(text: str) -> list[str]:
    """The suggestions of a ``[try]`` text: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def paragraphs(text: str) -> list[str]:
    """A ``[shows]`` text's paragraphs (separated by blank lines; single line breaks join)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def code_names() -> dict[str, str]:
    """Every code name a reader should not meet, and what it is: ``param``, ``choice`` or ``indicator``."""
    names: dict[str, str] = {name: "indicator" for name in INDICATORS}
    for name, spec in Params.specs().items():
        names[name] = "param"
        for value in spec.choices:
            names[value] = "choice"
    return names


def code_names_in(text: str) -> list[str]:
    """The code names ``text`` uses: any with an underscore, and a plain one alone in a parenthesis (``(conditionality)``)."""
    known = code_names()
    found = [word for word in _CODE.findall(text) if word in known]
    for inside in _PARENS.findall(text):
        found += [part.strip() for part in inside.split(",") if part.strip() in known and part.strip() not in found]
    return found


def _words(name: str, kind: str, lang: str) -> str:
    if kind == "param":
        return label(Params.specs()[name], lang)
    if kind == "choice":
        return quote(choice(name, lang), lang)
    return indicator_label(name, lang)


def readable(text: str, lang: str) -> str:
    """``text`` with code names in the page's words: a parenthesis of code names only is dropped,
    a code name beside words in a parenthesis is dropped from it, any other takes its label."""
    known = code_names()

    def is_code(part: str) -> bool:
        return part.strip() in known

    def parenthesis(match: re.Match) -> str:
        parts = [p for p in match.group(1).split(",") if p.strip()]
        kept = [p.strip() for p in parts if not is_code(p)]
        if len(kept) == len(parts):
            return match.group(0)
        return f" ({', '.join(kept)})" if kept else ""

    text = _PARENS.sub(parenthesis, text)
    return _CODE.sub(
        lambda m: _words(m.group(0), known[m.group(0)], lang) if m.group(0) in known else m.group(0),
        text,
    )


def mentioned_indicators(text: str, lang: str) -> list[str]:
    """Indicators a text names, by their label in ``lang`` or their code name, in declaration order."""
    lowered = text.lower()
    found = []
    for name in INDICATORS:
        words = indicator_label(name, lang).lower()
        if re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", lowered) or re.search(rf"\b{name}\b", text):
            found.append(name)
    return found
