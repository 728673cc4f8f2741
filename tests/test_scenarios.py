"""Scenario files: the shipped ones load; bad files fail with one line naming file, field and what is allowed."""

import os
import subprocess
import sys

import pytest

from sim import scenarios
from sim.errors import ParameterError
from sim.params import Params
from sim.scenarios import ScenarioError, load, to_toml

REQUIRED = {"npm", "alliance", "aller_vers", "centaure", "austerity", "reform_alliance"}


def test_shipped_scenarios_load_with_texts_in_both_languages():
    names = set(scenarios.shipped())
    assert REQUIRED <= names
    for name in names:
        sc = load(name)
        for key in ("title", "shows", "try"):
            assert sc.text(key, "fr") and sc.text(key, "en"), (name, key)


def test_reform_alliance_switches_levers_at_week_156():
    sc = load("reform_alliance")
    assert sc.params.participation_level == load("npm").params.participation_level
    (reform,) = sc.reforms
    assert reform.week == 156
    assert reform.changes["participation_level"] == load("alliance").params.participation_level


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    ("[levers]\nreporting_presure = 0.2\n", "levers.reporting_presure", "unknown parameter"),
    ('[levers]\nparticipation_level = "high"\n', "levers.participation_level", "expected an integer from 0 to 7"),
    ("[levers]\noutreach_share = 0.9\n", "levers.outreach_share", "from 0 to 0.4"),
    ("[levers]\npeer_worker_programme = 1\n", "levers.peer_worker_programme", "true or false"),
    ("[levers]\nreporting_pressure = \n", "not valid TOML", "line 2"),
    ("[levers\n", "not valid TOML", ""),
    ("[[reforms]]\nweek = 600\nlevers = { participation_level = 5 }\n", "reforms[0].week", "past the horizon"),
    (
        "[[reforms]]\nweek = 10\nlevers = { n_users = 5 }\n",
        "reforms[0].levers.n_users",
        "not a lever a reform can change",
    ),
    (
        "[[reforms]]\nweek = 10\nlevers = { participation_level = 9 }\n",
        "reforms[0].levers.participation_level",
        "0 to 7",
    ),
    ('[[reforms]]\nweek = "ten"\nlevers = { participation_level = 5 }\n', "reforms[0].week", "expected an integer"),
    ("[colours]\nred = 1\n", "colours", "unknown section"),
    ('[title]\nde = "Titel"\n', "title.de", "unknown language"),
]


@pytest.mark.parametrize(("text", "field", "allowed"), BAD)
def test_bad_scenario_files_give_one_line_with_file_field_and_allowed(tmp_path, text, field, allowed):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message and field in message and allowed in message


def test_reform_week_is_checked_against_a_shorter_horizon(tmp_path):
    path = write(tmp_path, "[levers]\nweeks = 100\n[[reforms]]\nweek = 156\nlevers = { participation_level = 5 }\n")
    with pytest.raises(
        ScenarioError, match=r"reforms\[0\]\.week = 156 is past the horizon: expected an integer from 1 to 100"
    ):
        load(path)


def test_unknown_scenario_name_lists_the_shipped_ones():
    with pytest.raises(ScenarioError, match="unknown scenario; shipped ones are .*npm"):
        load("utopia")


def test_user_file_can_start_from_a_shipped_scenario(tmp_path):
    path = write(tmp_path, 'base = "alliance"\n[levers]\noutreach_share = 0.2\n')
    sc = load(path)
    assert sc.params.outreach_share == 0.2
    assert sc.params.participation_level == load("alliance").params.participation_level
    assert sc.text("title", "fr") == load("alliance").text("title", "fr")


def test_to_toml_round_trips(tmp_path):
    original = load("reform_alliance").with_changes(outreach_share=0.12, n_users=800)
    path = write(tmp_path, to_toml(original), "exported.toml")
    again = load(path)
    assert again.params == original.params
    assert again.reforms == original.reforms
    assert again.title == original.title


def test_cli_reports_a_bad_file_without_traceback(tmp_path):
    path = write(tmp_path, "[levers]\noutreach_share = 0.9\n")
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "levers.outreach_share" in lines[0] and str(path) in lines[0]


def test_defaults_are_the_npm_baseline():
    assert load("npm").params == Params()


def test_scenarios_built_in_python_are_validated_too():
    from sim.scenarios import Reform, Scenario

    with pytest.raises(ScenarioError, match="levers.manager_style = 7"):
        Reform(156, {"manager_style": 7})
    with pytest.raises(ScenarioError, match="not a lever a reform can change"):
        Reform(156, {"n_users": 10})
    with pytest.raises(ScenarioError, match=r"reforms\[0\]\.week = 600 is past the horizon"):
        Scenario("mine", Params(), reforms=(Reform(600, {"participation_level": 5}),))
    sc = load("reform_alliance")
    with pytest.raises(ScenarioError, match="past the horizon"):
        sc.with_changes(weeks=100)


def test_python_dash_m_sim_is_the_command():
    result = subprocess.run([sys.executable, "-m", "sim", "scenarios"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "reform_alliance" in result.stdout


# ---------------------------------------------------------------------------- files that cannot be read as scenarios
def _latin1(path):
    path.write_bytes('[title]\nfr = "Réforme"\n'.encode("latin-1"))


def _binary(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _folder(path):
    path.mkdir()


def _empty(path):
    path.write_text("\n  \n", encoding="utf-8")


def _duplicate(path):
    path.write_text("[levers]\noutreach_share = 0.1\noutreach_share = 0.2\n", encoding="utf-8")


def _bom(path):
    path.write_bytes("\ufeff[levers]\noutreach_share = 0.1\n".encode())


FILE_CASES = [
    (_latin1, "not UTF-8 text (byte 0xe9 on line 2); save the file as UTF-8"),
    (_binary, "not a text file (binary content)"),
    (_folder, "is a folder; expected a scenario file"),
    (_empty, "the scenario file is empty"),
    (_duplicate, "not valid TOML: Cannot overwrite a value"),
]


@pytest.mark.parametrize(("make", "message"), FILE_CASES, ids=[m.__name__.strip("_") for m, _ in FILE_CASES])
def test_a_file_that_is_not_a_scenario_is_one_line_naming_it(tmp_path, make, message):
    path = tmp_path / "mine.toml"
    make(path)
    with pytest.raises(ScenarioError) as err:
        load(path)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"{path}: ") and message in text


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load(tmp_path / "absent.toml")
    locked = tmp_path / "locked.toml"
    locked.write_text("[levers]\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything
            pytest.skip("running as root: a mode-000 file is still readable")
        with pytest.raises(ScenarioError, match="cannot read: Permission denied"):
            load(locked)
    finally:
        locked.chmod(0o644)


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "notepad.toml"
    _bom(path)
    assert load(path).params.outreach_share == 0.1


@pytest.mark.parametrize(
    ("make", "message"),
    [(_latin1, "not UTF-8 text"), (_binary, "not a text file"), (_folder, "is a folder"), (_empty, "is empty")],
    ids=["latin1", "binary", "folder", "empty"],
)
def test_the_command_line_reports_such_files_in_one_line_without_traceback(tmp_path, make, message):
    path = tmp_path / "mine.toml"
    make(path)
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert str(path) in line and message in line


def test_shipped_scenarios_are_read_once(monkeypatch):
    import sim.scenarios as module

    load("npm")  # cached from here on
    monkeypatch.setattr(module, "read_toml", lambda *a, **k: pytest.fail("a shipped scenario was read again"))
    assert load("npm") is load("npm")


@pytest.mark.parametrize(
    "values",
    [
        {"reporting_pressure": 5.0},
        {"n_users": float("nan")},
        {"weeks": float("inf")},
        {"participation_level": -1},
        {"n_users": 10**12},
        {"peer_worker_programme": "yes"},
        {"intake_priority": "random"},
    ],
)
def test_params_cannot_exist_with_an_invalid_value(values):
    with pytest.raises(ParameterError) as err:
        Params(**values)
    (name,) = values
    assert str(err.value).startswith(f"{name} = ") and "expected" in str(err.value)
    assert err.value.field == name
