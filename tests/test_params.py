"""Parameter declarations: complete metadata and clear validation errors."""

import pytest

from sim.params import GROUPS, ParameterError, Params, levers, suggest


def test_every_parameter_is_fully_declared():
    specs = Params.specs()
    assert len(specs) > 40
    for name, spec in specs.items():
        assert spec.group in GROUPS, name
        assert spec.unit and spec.source, name  # words: tests/test_i18n.py
        if spec.kind in (int, float):
            assert spec.low <= spec.default <= spec.high, name
        spec.check(spec.default)


def test_the_levers_of_model_md_are_declared():
    names = set(levers())
    required = {
        "reporting_pressure",
        "standardisation",
        "funding_market",
        "funding_redistribution",
        "funding_reciprocity",
        "budget_growth",
        "call_for_projects_period",
        "procedure_complexity",
        "conditionality",
        "outreach_share",
        "participation_level",
        "peer_worker_programme",
        "caseload_cap",
        "recruitment_difficulty",
        "intake_priority",
    }
    assert required <= names


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("reporting_pressure", 0.9, "reporting_pressure = 0.9 is out of range: expected a number from 0 to 0.7"),
        ("participation_level", 2.5, "participation_level = 2.5: expected an integer from 0 to 7"),
        ("participation_level", 8, "expected an integer from 0 to 7"),
        ("peer_worker_programme", 1, "expected true or false"),
        ("intake_priority", "random", "expected one of 'by_funding'"),
        ("outreach_share", "high", "outreach_share = 'high': expected a number"),
        ("n_users", float("nan"), "expected an integer"),
    ],
)
def test_invalid_values_name_the_parameter_and_the_allowed_range(name, value, fragment):
    with pytest.raises(ParameterError) as err:
        Params.from_mapping({name: value})
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_parameter_suggests_the_closest_name():
    with pytest.raises(ParameterError, match="did you mean 'reporting_pressure'"):
        Params.from_mapping({"reporting_presure": 0.2})


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("weks", " (did you mean 'weeks'?)"), ("n_user", " (did you mean 'n_users'?)"), ("seeds", ""), ("alpha", "")],
)
def test_a_suggestion_is_a_likely_typo_not_any_close_string(typed, hint):
    """'seeds' (a calibration option put among the priors) is not offered 'ask_need', which difflib finds close."""
    assert suggest(typed) == hint


def test_cross_field_constraints():
    with pytest.raises(ParameterError, match="funding_market"):
        Params(funding_market=0.0, funding_redistribution=0.0, funding_reciprocity=0.0)
    with pytest.raises(ParameterError, match="n_workers"):
        Params.from_mapping({"n_workers": 4, "n_organisations": 8})


def test_command_line_parsing_uses_the_same_declarations():
    specs = Params.specs()
    assert specs["participation_level"].parse("6") == 6
    assert specs["peer_worker_programme"].parse("oui") is True
    assert specs["reporting_pressure"].parse("0.2") == 0.2
    with pytest.raises(ParameterError):
        specs["reporting_pressure"].parse("lots")


def test_funding_weights_are_normalised():
    p = Params.from_mapping({"funding_market": 2.0 / 10, "funding_redistribution": 0.6, "funding_reciprocity": 0.2})
    assert sum(p.funding_weights) == pytest.approx(1.0)
    assert p.funding_weights[2] == pytest.approx(0.2)
