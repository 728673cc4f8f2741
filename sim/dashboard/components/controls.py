"""Controls generated from the parameter declarations (``sim.params.Params.specs()``).

One component draws any parameter: a slider for bounded numbers, a number
field for wide integer ranges, a switch for on/off, a list for choices. Its
label, unit and help text come from the declaration; nothing here lists
parameters. A refused value shows a message and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import solara
import solara.lab

from sim.i18n import choice, help_text, label, t, unit, value_text
from sim.params import Spec

SLIDER_MAX_STEPS = 200
"""Integer ranges wider than this get a number field instead of a slider."""


def float_step(spec: Spec) -> float:
    """A round slider step: the largest of 1, 2 or 5 x 10^k within a hundredth of the range."""
    raw = float(spec.high - spec.low) / 100.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(factor * power for factor in (5.0, 2.0, 1.0) if factor * power <= raw)


def snap(spec: Spec, value: float) -> float:
    """Round a slider value to its step (and to 10 significant digits), inside the range."""
    step = float_step(spec)
    snapped = round(round((value - spec.low) / step) * step + spec.low, 10)
    return float(min(max(snapped, spec.low), spec.high))


def control_kind(spec: Spec) -> str:
    """``switch``, ``select``, ``slider_int``, ``input_int`` or ``slider_float``."""
    if spec.kind is bool:
        return "switch"
    if spec.choices:
        return "select"
    if spec.kind is int:
        return "slider_int" if spec.high - spec.low <= SLIDER_MAX_STEPS else "input_int"
    return "slider_float"


@solara.component
def ParamControl(
    spec: Spec,
    value: Any,
    on_change: Callable[[str, Any], str | None],
    lang: str,
    disabled: bool = False,
):
    """One parameter: label, current value with its unit, the input, and its help text on demand.

    ``on_change(name, value)`` applies the value and returns an error message or None.
    """
    show_help, set_show_help = solara.use_state(False)
    error, set_error = solara.use_state(None)
    helptext = help_text(spec, lang)

    def change(new: Any) -> None:
        if spec.kind is float and new is not None:
            new = snap(spec, float(new))
        if new == value:
            return
        set_error(on_change(spec.name, new))

    kind = control_kind(spec)
    with solara.Column(gap="0px", classes=["centaure-control"], style={"margin-bottom": "6px"}):
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.Text(label(spec, lang), style={"font-weight": "500", "font-size": "0.9rem"})
            if helptext:
                solara.Button(
                    icon_name="mdi-help-circle-outline",
                    icon=True,
                    small=True,
                    on_click=lambda: set_show_help(not show_help),
                    attributes={"aria-label": f"{t('help', lang)}: {label(spec, lang)}", "title": t("help", lang)},
                    classes=["centaure-help-button"],
                )
            solara.v.Spacer()
            solara.Text(
                value_text(spec, value, lang),
                style={"font-size": "0.85rem", "color": "#444", "text-align": "right"},
                classes=["centaure-value"],
            )
        if kind == "switch":
            solara.Switch(label=value_text(spec, value, lang), value=bool(value), on_value=change, disabled=disabled)
        elif kind == "select":
            items = [{"text": choice(c, lang), "value": c} for c in spec.choices]
            solara.v.Select(
                items=items, v_model=value, on_v_model=change, dense=True, hide_details=True, disabled=disabled
            )
        elif kind == "slider_int":
            solara.SliderInt(
                "", value=int(value), min=int(spec.low), max=int(spec.high), on_value=change, disabled=disabled
            )
        elif kind == "input_int":
            solara.InputInt(
                unit(spec.unit, lang), value=int(value), on_value=change, continuous_update=False, disabled=disabled
            )
        else:
            solara.SliderFloat(
                "",
                value=float(value),
                min=float(spec.low),
                max=float(spec.high),
                step=float_step(spec),
                on_value=change,
                disabled=disabled,
            )
        if error:
            solara.Error(error, dense=True)
        if show_help and helptext:
            solara.Text(helptext, style={"font-size": "0.8rem", "color": "#555"}, classes=["centaure-help"])


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
