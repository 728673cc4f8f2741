"""Component tests of the dashboard with ``solara.render`` and ``rc.find`` (as Mesa tests its own viz)."""

from __future__ import annotations

import decimal
import importlib
import math
import pkgutil
import threading
import time
import types

import ipyvuetify as v
import pytest
import solara
import solara.autorouting
import solara.widgets

import sim.dashboard
from sim import i18n
from sim.dashboard import app

SMALL_QUERY = "n_users=300&n_workers=12&n_organisations=2"


def render(path: str):
    """The whole app (layout, routing, page) at ``path``, as the server renders it."""
    page = solara.autorouting.RenderPage()
    root = solara.RoutingProvider(children=[page], routes=app.routes, pathname=path)
    return solara.render(root, handle_error=False)


def texts(rc) -> str:
    """Every text in the page, no-break spaces written as plain ones (also where a repr escapes them)."""
    text = " ".join(str(w.children) for w in rc.find(v.Html).widgets)
    for space in ("\\xa0", "\\u202f", "\xa0", "\u202f"):
        text = text.replace(space, " ")
    return text


def address(rc) -> str:
    return rc.find(v.Html, class_="centaure-url").widget.children[0]


def buttons(rc, word: str) -> list:
    """Buttons whose text is ``word``."""
    return [w for w in rc.find(v.Btn).widgets if word in [c for c in w.children if isinstance(c, str)]]


def click(rc, css_class: str) -> None:
    rc.find(v.Btn, class_=css_class).widget.click()


def wait_until(predicate, timeout: float = 30.0) -> None:
    end = time.time() + timeout
    while not predicate():
        if time.time() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ["/", "/compare", "/reform", "/learn", "/organisation"])
def test_every_page_renders_in_both_languages(path, lang):
    box, rc = render(f"{path}?lang={lang}&{SMALL_QUERY}")
    words = {
        "fr": ["Explorer", "Comparer", "Labo des réformes", "Apprendre", "Mon établissement"],
        "en": ["Explore", "Compare", "Reform lab", "Learn", "My organisation"],
    }
    for word in words[lang]:
        assert len(buttons(rc, word)) == 1, word
    assert "Traceback" not in texts(rc)


def test_explore_steps_and_levers_come_from_the_declarations():
    from sim.params import levers

    box, rc = render(f"/?lang=en&{SMALL_QUERY}")
    rc.find(children=["Week 0 · year 1"]).assert_single()
    click(rc, "centaure-step")
    click(rc, "centaure-step")
    rc.find(children=["Week 2 · year 1"]).assert_single()
    # one control per lever, labelled from its declaration
    for spec in levers().values():
        rc.find(v.Html, children=[i18n.label(spec, "en")], class_="centaure-control-label").assert_single()
    # moving a slider applies the lever from the next week and writes it in the address
    slider = rc.find(v.Slider).widgets[0]
    slider.v_model = 0.2
    assert "change=3:reporting_pressure=0.2" in address(rc)
    assert "0.2 share of work time" in texts(rc)
    # reset replays the same settings from week 0
    buttons(rc, "Reset")[0].click()
    rc.find(children=["Week 0 · year 1"]).assert_single()


def test_a_bad_value_shows_a_message_and_changes_nothing():
    box, rc = render(f"/?lang=en&{SMALL_QUERY}")
    before = address(rc)
    buttons(rc, "Territory (restarts the run)")[0].click()
    field = rc.find(v.TextField, attributes={"aria-label": "Users", "inputmode": "decimal"}).widget
    field.v_model = "50000000"
    field.fire_event("focusout", None)
    alerts = " ".join(str(w.children) for w in rc.find(v.Alert).widgets)
    assert "“Users”: the dashboard goes up to 20,000" in alerts  # in words, no code name
    assert "n_users" not in alerts
    assert address(rc) == before
    rc.find(v.Slider).widgets[0].v_model = 0.2  # the page still works
    assert "reporting_pressure=0.2" in address(rc)


def test_bad_address_values_are_ignored_with_a_warning():
    box, rc = render("/?lang=en&reporting_pressure=banana&n_users=300&n_workers=12&n_organisations=2")
    assert rc.find(v.Alert).widgets  # a warning, and the page works
    click(rc, "centaure-step")
    rc.find(children=["Week 1 · year 1"]).assert_single()


def test_language_switch_keeps_the_run():
    box, rc = render(f"/?lang=en&{SMALL_QUERY}")
    click(rc, "centaure-step")
    toggle = rc.find(v.BtnToggle, class_="centaure-lang").widget
    toggle.v_model = 0  # "fr"
    rc.find(children=["Semaine 1 · année 1"]).assert_single()
    assert "lang=fr" in address(rc)


def test_learn_opens_its_scenario_in_explore():
    box, rc = render("/learn?lang=en&step=2")
    click(rc, "centaure-learn-open")
    assert address(rc).startswith("/?scenario=aller_vers")
    rc.find(v.Btn, class_="centaure-step").assert_single()


def test_compare_runs_in_a_background_thread_and_shows_its_result():
    box, rc = render(f"/compare?lang=en&scenarios=npm,alliance&replicates=5&years=3&{SMALL_QUERY}")
    click(rc, "centaure-run-compare")
    # the click returned while the runs go on in the session's job thread
    assert [t for t in threading.enumerate() if t.name.startswith("centaure-job-compare")]
    wait_until(lambda: "Result for: New Public Management" in texts(rc))
    assert "Final-year mean over 5 replicates" in texts(rc)


def test_compare_can_be_cancelled():
    box, rc = render(f"/compare?lang=en&scenarios=npm,alliance&replicates=30&years=20&{SMALL_QUERY}")
    click(rc, "centaure-run-compare")
    wait_until(lambda: rc.find(v.Btn, class_="centaure-cancel").widgets)
    click(rc, "centaure-cancel")
    wait_until(
        lambda: "Cancelled." in texts(rc) or any("Cancelled." in str(w.children) for w in rc.find(v.Alert).widgets)
    )


def test_reform_lab_runs_reform_against_counterfactual():
    box, rc = render(
        f"/reform?lang=en&scenario=npm&week=20&replicates=5&years=1&reform.participation_level=6&{SMALL_QUERY}"
    )
    click(rc, "centaure-run-reform")
    wait_until(lambda: "Result for: New Public Management" in texts(rc))
    page = texts(rc)
    assert "without the reform" in page and "that is" in page  # before -> after and the effect, in words


def test_sessions_are_isolated():
    _, a = render(f"/?lang=en&{SMALL_QUERY}")
    _, b = render(f"/?lang=fr&{SMALL_QUERY}")
    click(a, "centaure-step")
    click(a, "centaure-step")
    a.find(children=["Week 2 · year 1"]).assert_single()
    b.find(children=["Semaine 0 · année 1"]).assert_single()


def test_no_module_level_mutable_state():
    """Module globals of the dashboard hold no per-session data (only constants, types, functions, locks)."""
    allowed = (
        types.ModuleType,
        types.FunctionType,
        type,
        types.MappingProxyType,
        str,
        int,
        float,
        bool,
        tuple,
        frozenset,
        type(None),
    )
    for info in pkgutil.walk_packages(sim.dashboard.__path__, "sim.dashboard."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("__") or isinstance(value, allowed) or callable(value):
                continue
            if name in ("routes", "INDICATORS") or type(value).__name__ in (
                "lock",
                "Lock",
                "_GenericAlias",
                "Spec",
            ):
                continue
            if type(value).__module__.startswith(("solara", "reacton")) and "context" in type(value).__name__.lower():
                continue  # a context key, not a value
            assert not isinstance(value, (dict, list, set, solara.Reactive)), f"{info.name}.{name}"


def test_playing_steps_only_when_the_page_asks_for_a_frame():
    """No thread plays: each frame is one request from the browser's FramePump, ignored once paused."""
    from sim.dashboard.components.player import FramePump

    box, rc = render(f"/?lang=en&{SMALL_QUERY}")
    threads = threading.active_count()
    pump = rc.find(FramePump).widget
    pump.request = pump.request + 1  # paused: a stray request changes nothing
    rc.find(children=["Week 0 · year 1"]).assert_single()
    click(rc, "centaure-play")
    assert pump.playing and threading.active_count() == threads
    for n in (1, 2, 3):
        pump.request = pump.request + 1
        rc.find(children=[f"Week {n} · year 1"]).assert_single()
        assert pump.frame > 0
    click(rc, "centaure-play")  # pause
    assert not pump.playing
    pump.request = pump.request + 1
    rc.find(children=["Week 3 · year 1"]).assert_single()


def vuetify_round(value: float, step: float, low: float, high: float) -> float:
    """What Vuetify 2's v-slider makes of a value it is given: clamp, VSlider.roundValue, in JavaScript's arithmetic."""
    value = min(max(value, low), high)
    if not step:
        return value
    text = repr(float(step)) if not float(step).is_integer() else str(int(step))  # Number.prototype.toString
    decimals = len(text.split(".")[1]) if "." in text else 0
    offset = math.fmod(low, step)  # JavaScript's %
    rounded = math.floor((value - offset) / step + 0.5) * step + offset  # Math.round
    exact = decimal.Decimal(min(rounded, high)).quantize(decimal.Decimal(1).scaleb(-decimals), decimal.ROUND_HALF_UP)
    return float(exact)  # parseFloat(x.toFixed(decimals))


def shipped_values() -> list[tuple[str, object]]:
    """(parameter, value) for every default and every value a shipped scenario sets (an organisation's own
    value ``name@j`` is drawn by the same control as the territory's)."""
    from sim import scenarios
    from sim.params import Params

    pairs = {(name, spec.default) for name, spec in Params.specs().items()}
    for name in scenarios.shipped():
        pairs |= {(key.partition("@")[0], value) for key, value in scenarios.load(name).params.as_dict().items()}
    return sorted(pairs, key=repr)


@pytest.mark.parametrize(("name", "value"), shipped_values())
def test_drawing_a_control_never_changes_its_value(name, value):
    """Every default and shipped value survives the control's round trip exactly (generated from Params.specs())."""
    from sim.dashboard.components.controls import ParamControl, control_kind, parse_number
    from sim.params import Params

    spec = Params.specs()[name]
    changes = []

    @solara.component
    def One():
        ParamControl(spec, value, lambda n, x: changes.append((n, x)), "fr")

    box, rc = solara.render(One(), handle_error=False)
    kind = control_kind(spec)
    if kind == "slider":
        slider = rc.find(v.Slider).widget
        slider.v_model = vuetify_round(slider.v_model, slider.step, slider.min, slider.max)  # the browser's echo
    if kind in ("slider", "number"):
        field = rc.find(v.TextField).widget
        assert parse_number(spec, field.v_model) == value and type(parse_number(spec, field.v_model)) is type(value)
        field.fire_event("focusout", None)  # leaving the field without typing
        field.fire_event("keyup.enter", None)
    if kind == "select":
        radios = rc.find(v.RadioGroup).widget
        assert spec.choices[radios.v_model] == value
        radios.v_model = spec.choices.index(value)
    if kind == "switch":
        switch = rc.find(v.Switch).widget
        assert switch.v_model is value
    assert changes == [], f"{name} = {value!r} became {changes}"
    rc.close()


def test_a_slider_moved_to_another_step_changes_the_value_to_that_step():
    from sim.dashboard.components.controls import ParamControl
    from sim.params import Params

    spec = Params.specs()["quit_base"]  # 0.0009 on a 0.001 grid
    changes = []

    @solara.component
    def One():
        ParamControl(spec, 0.0009, lambda n, x: changes.append((n, x)), "en")

    box, rc = solara.render(One(), handle_error=False)
    slider = rc.find(v.Slider).widget
    assert slider.v_model == 0.001  # sits on the nearest step
    slider.v_model = 0.003
    assert changes == [("quit_base", 0.003)]
    field = rc.find(v.TextField).widget
    field.v_model = "0,00125"  # typed by hand, French or English decimals
    field.fire_event("keyup.enter", None)
    assert changes[-1] == ("quit_base", 0.00125)
    rc.close()
