"""The bilingual catalogue: complete in both languages, French typography right, every id the code uses present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim import i18n
from sim.metrics import INDICATORS
from sim.params import Params

SIM = Path(__file__).resolve().parent.parent / "sim"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_message_has_both_languages_with_the_same_placeholders():
    catalogue = i18n.catalogue()
    assert len(catalogue) > 200
    for key, message in catalogue.items():
        assert set(message) == {"fr", "en"}, key
        assert message["fr"].strip() and message["en"].strip(), key
        assert set(PLACEHOLDER.findall(message["fr"])) == set(PLACEHOLDER.findall(message["en"])), key


def test_french_typography():
    """No-break space before ':' and inside « », narrow no-break space before ; ! ? %, never a plain space."""
    for key, message in i18n.catalogue().items():
        fr = message["fr"]
        assert not re.search(r" [:;!?%»]", fr), f"{key}: a plain space before punctuation in {fr!r}"
        assert "« " not in fr, f"{key}: a plain space after « in {fr!r}"
        assert not re.search(r"\d\.\d", PLACEHOLDER.sub("", fr)), f"{key}: a decimal point in French: {fr!r}"


def test_every_parameter_indicator_unit_and_choice_has_its_words():
    for name, spec in Params.specs().items():
        assert i18n.has(f"param.{name}.label"), name
        assert i18n.has(f"unit.{spec.unit}"), (name, spec.unit)
        for value in spec.choices:
            assert i18n.has(f"choice.{value}"), value
    for name, info in INDICATORS.items():
        assert i18n.has(f"indicator.{name}.label"), name
        assert i18n.has(f"unit.{info.unit}"), (name, info.unit)


def test_every_parameter_with_help_has_it_in_both_languages_and_every_lever_has_help():
    for spec in Params.specs().values():
        if spec.group in ("lever", "context"):
            assert i18n.help_text(spec, "fr") and i18n.help_text(spec, "en"), spec.name


def used_ids() -> set[str]:
    """Every literal message id passed to t(...) in the package's code."""
    ids = set()
    for path in SIM.rglob("*.py"):
        ids |= set(re.findall(r"\bt\(\s*\"([a-z_][\w.]*)\"", path.read_text(encoding="utf-8")))
    return ids


def test_every_id_the_code_uses_is_in_the_catalogue():
    ids = used_ids()
    assert len(ids) > 50
    missing = sorted(i for i in ids if not i18n.has(i))
    assert not missing, missing


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,fr;q=0.5", "fr"),
        ("en;q=0.2,fr;q=0.9", "fr"),
        (None, "en"),
        ("de", "en"),
    ],
)
def test_accept_language_picks_the_preferred_known_language(header, lang):
    assert i18n.pick_language(header) == lang


def test_numbers_are_written_as_each_language_does():
    assert i18n.number(0.39, "fr") == "0,39"
    assert i18n.number(0.39, "en") == "0.39"
    assert i18n.number(5000, "en") == "5,000"
    assert i18n.number(5000, "fr") == "5\u202f000"
    assert i18n.number(float("nan"), "en") == "–"
    assert i18n.fixed(0.25, "fr", 2) == "0,25"
    assert i18n.interval(0.25, 0.2, 0.3, "fr", 2) == "0,25 [0,20\u202f; 0,30]"
    assert i18n.interval(0.25, 0.2, 0.3, "en", 2) == "0.25 [0.20, 0.30]"
    assert i18n.t("compare.progress", "fr", done=2, total=5) == "2 simulations sur 5"


@pytest.mark.parametrize(
    ("count", "fr", "en"),
    [
        (0, "0\u00a0semaine", "0\u00a0weeks"),
        (1, "1\u00a0semaine", "1\u00a0week"),
        (1.5, "1,5\u00a0semaine", "1.5\u00a0weeks"),
        (2, "2\u00a0semaines", "2\u00a0weeks"),
    ],
)
def test_plurals_follow_each_language(count, fr, en):
    assert i18n.plural("count.weeks", count, "fr") == fr
    assert i18n.plural("count.weeks", count, "en") == en


def test_units_take_the_singular_with_a_count_that_needs_it():
    spec = Params.specs()["continuity_weeks"]
    assert i18n.value_text(spec, 1.0, "fr") == "1\u00a0semaine"
    assert i18n.value_text(spec, 1.0, "en") == "1\u00a0week"
    assert i18n.value_text(spec, 8.0, "fr") == "8\u00a0semaines"
    assert i18n.unit("weeks", "fr") == "semaines"  # without a count: as declared
    for key in i18n.catalogue():
        if key.startswith("unit_one."):  # a singular only for a unit that exists
            assert i18n.has("unit." + key.removeprefix("unit_one.")), key


def test_percentage_points_and_signs():
    assert i18n.points(-0.0886, "fr") == "\u22128,9\u00a0points"
    assert i18n.points(0.005, "fr") == "+0,5\u00a0point"
    assert i18n.points(0.012, "en") == "+1.2\u00a0points"
    assert i18n.points(0.00001, "en") == "0.0\u00a0points"
    assert i18n.signed(-1.25, "en", 2) == "\u22121.25"
    assert i18n.points(float("nan"), "fr") == "–"
