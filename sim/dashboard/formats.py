"""Indicators' numbers as a reader expects them: shares as percentages, differences of shares in points, a unit on each.

Which indicators are shares comes from their declaration (``sim.metrics.INDICATORS``:
``share`` and a unit that is a share of something); an index from 0 to 1
(engagement, power to act) stays a number.
"""

from __future__ import annotations

import math

from sim.i18n import NBSP, bracket, indicator_label, indicator_unit, number, percent, points, signed, t, unit
from sim.metrics import INDICATORS


def is_share(name: str) -> bool:
    """True for an indicator that is a share of people, posts or time (written as a percentage)."""
    info = INDICATORS.get(name)
    return info is not None and info.share and info.unit.startswith("share")


def value(name: str, x: float, lang: str, with_unit: bool = True) -> str:
    """``33,6 %`` for a share; ``0,62`` or ``12 personnes`` otherwise (with its unit)."""
    if is_share(name):
        return percent(x, lang)
    text = number(x, lang)
    info = INDICATORS.get(name)
    shown = unit(info.unit, lang, count=x) if with_unit and info is not None and x is not None else ""
    return f"{text}{NBSP}{shown}" if shown and text != "–" else text


def difference(name: str, d: float, lang: str, with_unit: bool = True) -> str:
    """A difference: ``−8,9 points`` for a share, ``+0,05`` (with its unit, unless not ``with_unit``) otherwise."""
    if is_share(name):
        return points(d, lang)
    text = signed(d, lang, decimals=significant_decimals(d))
    unit_text = indicator_unit(name, lang) if with_unit else ""
    return f"{text}{NBSP}{unit_text}" if unit_text and text != "–" else text


def difference_interval(name: str, low: float, high: float, lang: str, digits_of: float, with_unit: bool = True) -> str:
    """``[−10,1 ; −7,7] points`` (the unit once; a share's points even without ``with_unit``), with the
    decimals ``digits_of`` (the effect) needs."""
    if is_share(name):
        texts, unit_text = [signed(100.0 * x, lang, 1) for x in (low, high)], t("points.other", lang)
    else:
        decimals = significant_decimals(digits_of)
        texts = [signed(x, lang, decimals) for x in (low, high)]
        unit_text = indicator_unit(name, lang) if with_unit else ""
    return bracket(*texts, lang) + (f"{NBSP}{unit_text}" if unit_text else "")


def labelled(name: str, lang: str) -> str:
    """The indicator's label with its unit, for a table whose cells are bare numbers: ``Attente moyenne (semaines)``
    (a share's cells keep their % and points, so its label has no unit)."""
    unit_text = "" if is_share(name) else indicator_unit(name, lang)
    return f"{indicator_label(name, lang)} ({unit_text})" if unit_text else indicator_label(name, lang)


def significant_decimals(x: float, digits: int = 2) -> int:
    """Decimals that show ``digits`` significant digits of ``x`` (at least 0, at most 4)."""
    if x is None or not math.isfinite(x) or x == 0:
        return 2
    return min(4, max(0, digits - 1 - math.floor(math.log10(abs(x)))))
