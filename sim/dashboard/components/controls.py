"""Controls generated from the parameter declarations (``sim.params.Params.specs()``).

One component draws any parameter: a slider with a number field beside it
for bounded numbers, a number field alone for wide integer ranges, a switch
for on/off, a list for choices. Its label, unit and help text come from the
declaration; nothing here lists parameters. A refused value shows a message
in the page's language and changes nothing.

Drawing a control never changes its value. The slider moves on a round step
grid (so that the mouse and the arrow keys give round numbers), but the value
it shows may lie between two steps (a calibrated 0.0009): the slider is put on
the nearest step and that position is not read back as a change — only a
move to another step is. The number field takes any value in range, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import solara
from solara.components.input import use_change

from sim.dashboard.components.common import Choice
from sim.dashboard.messages import quoted
from sim.dashboard.urlstate import format_value
from sim.i18n import choice, help_text, label, t, unit, value_text
from sim.params import Spec

SLIDER_MAX_STEPS = 200
"""Integer ranges wider than this get a number field instead of a slider."""


def float_step(spec: Spec) -> float:
    """A round slider step: the largest of 1, 2 or 5 x 10^k within a hundredth of the range."""
    raw = float(spec.high - spec.low) / 100.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(factor * power for factor in (5.0, 2.0, 1.0) if factor * power <= raw)


def step(spec: Spec) -> float:
    """The slider's step: 1 for integers, :func:`float_step` for numbers."""
    return 1.0 if spec.kind is int else float_step(spec)


def _decimals(size: float) -> int:
    text = format(size, ".12f").rstrip("0")
    return len(text.split(".")[1])


def slider_range(spec: Spec) -> tuple[float, float]:
    """The slider's ends: the steps just outside the parameter's range, so that every step is a round number.

    (The browser's slider rounds to ``min + k * step``; with ``min = 0.5`` and
    a step of 2 it would move a value of 8 to 9.) A move past the range is
    brought back to its end.
    """
    size, decimals = step(spec), _decimals(step(spec))
    low = round(math.floor(round(spec.low / size, 9)) * size, decimals)
    high = round(math.ceil(round(spec.high / size, 9)) * size, decimals)
    return low, high


def snap(spec: Spec, value: float) -> float:
    """The step nearest ``value``: where the slider sits for it."""
    size, decimals = step(spec), _decimals(step(spec))
    low, high = slider_range(spec)
    snapped = min(max(round(round((value - low) / size) * size + low, decimals), low), high)
    return int(round(snapped)) if spec.kind is int else float(snapped)


def slider_change(spec: Spec, value: Any, moved_to: float | None) -> Any | None:
    """The new value when the slider reports ``moved_to`` while showing ``value``; None if it did not move.

    The slider sits on the step nearest ``value`` and may report that position
    back (when it is drawn, or after a click on the thumb): that is no change.
    """
    if moved_to is None or math.isclose(float(moved_to), snap(spec, value), rel_tol=0.0, abs_tol=step(spec) * 1e-6):
        return None
    new = min(max(float(moved_to), spec.low), spec.high)
    return int(round(new)) if spec.kind is int else round(new, 10)


def parse_number(spec: Spec, text: str) -> float | int | None:
    """A number as a person types it (``0,25``, ``0.25``, ``5 000``), or None; an integer for an integer parameter."""
    cleaned = "".join(str(text).split()).replace("\u202f", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if spec.kind is int and number.is_integer():
        return int(number)
    return number


def field_text(value: Any, lang: str) -> str:
    """A value in a number field: exact, with a decimal comma in French."""
    text = format_value(value)
    return text.replace(".", ",") if lang == "fr" else text


def control_kind(spec: Spec) -> str:
    """``switch``, ``select``, ``slider`` (with a number field) or ``number`` (a number field alone)."""
    if spec.kind is bool:
        return "switch"
    if spec.choices:
        return "select"
    if spec.kind is int and spec.high - spec.low > SLIDER_MAX_STEPS:
        return "number"
    return "slider"


@solara.component
def NumberField(spec: Spec, value: Any, on_value: Callable[[Any], None], lang: str, disabled: bool, wide: bool):
    """A number typed by hand, applied on Enter or when leaving the field; its unit beside it."""
    text, set_text = solara.use_state(field_text(value, lang))
    solara.use_effect(lambda: set_text(field_text(value, lang)), [value, lang])  # the value changed elsewhere
    name = label(spec, lang)
    field = solara.v.TextField(
        v_model=text,
        on_v_model=set_text,
        suffix=unit(spec.unit, lang, count=value) if wide else None,
        dense=True,
        hide_details=True,
        single_line=True,
        disabled=disabled,
        attributes={"aria-label": name, "inputmode": "decimal"},
        class_="centaure-number",
        style_="max-width: 100%" if wide else "max-width: 7.5em",
    )
    use_change(field, lambda typed: on_value(typed))


@solara.component
def ParamControl(
    spec: Spec,
    value: Any,
    on_change: Callable[[str, Any], str | None],
    lang: str,
    disabled: bool = False,
):
    """One parameter: label, the input, its value with its unit, and its help text on demand.

    ``on_change(name, value)`` applies the value and returns an error message (in ``lang``) or None.
    """
    show_help, set_show_help = solara.use_state(False)
    error, set_error = solara.use_state(None)
    helptext = help_text(spec, lang)
    name = label(spec, lang)

    def apply(new: Any) -> None:
        if new is None or new == value:
            set_error(None)
            return
        set_error(on_change(spec.name, new))

    def typed(text: str) -> None:
        new = parse_number(spec, text)
        if new is None:
            set_error(t("error.not_a_number", lang, value=quoted(text, lang)))
            return
        apply(new)

    kind = control_kind(spec)
    with solara.Column(gap="0px", classes=["centaure-control", f"centaure-param-{spec.name}"]):
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.Text(name, classes=["centaure-control-label"])
            if helptext:
                solara.Button(
                    icon_name="mdi-help-circle-outline",
                    icon=True,
                    small=True,
                    on_click=lambda: set_show_help(not show_help),
                    attributes={"aria-label": f"{t('help', lang)}\u00a0: {name}" if lang == "fr" else f"Help: {name}"},
                    classes=["centaure-help-button"],
                )
            solara.v.Spacer()
            solara.Text(value_text(spec, value, lang), classes=["centaure-value"])
        if kind == "switch":
            solara.v.Switch(
                v_model=bool(value),
                on_v_model=lambda on: apply(bool(on)),
                label=value_text(spec, value, lang),
                disabled=disabled,
                dense=True,
                hide_details=True,
                attributes={"aria-label": name},
            )
        elif kind == "select":
            Choice(
                name, [(c, choice(c, lang)) for c in spec.choices], value, apply, disabled=disabled, name_shown=False
            )
        elif kind == "number":
            NumberField(spec, value, typed, lang, disabled, wide=True)
        else:
            with solara.Row(gap="8px", style={"align-items": "center"}):
                with solara.Div(style={"flex": "1 1 auto"}):
                    low, high = slider_range(spec)
                    solara.v.Slider(
                        v_model=snap(spec, value),
                        on_v_model=lambda moved: apply(slider_change(spec, value, moved)),
                        min=low,
                        max=high,
                        step=step(spec),
                        dense=True,
                        hide_details=True,
                        disabled=disabled,
                        attributes={"aria-label": name, "aria-valuetext": value_text(spec, value, lang)},
                    )
                NumberField(spec, value, typed, lang, disabled, wide=False)
        if error:
            solara.Error(error, dense=True, classes=["centaure-error"])
        if show_help and helptext:
            solara.Text(helptext, classes=["centaure-help"])


@solara.component
def ParamGroup(
    specs: Mapping[str, Spec],
    values: Mapping[str, Any],
    on_change: Callable[[str, Any], str | None],
    lang: str,
    disabled: bool = False,
):
    """Controls for a group of parameters, in declaration order."""
    for name, spec in specs.items():
        ParamControl(spec, values[name], on_change, lang, disabled=disabled).key(f"{name}-{lang}")
