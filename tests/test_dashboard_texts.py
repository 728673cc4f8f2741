"""Lecturers' texts on the page and colours for every reader: the [try] rule, code names, indicators shown, palettes."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest

from sim import scenarios
from sim.dashboard import lecture, netview
from sim.dashboard.pages import explore
from sim.i18n import indicator_label
from sim.metrics import INDICATORS

SHIPPED = list(scenarios.shipped())
LANGS = ("fr", "en")


def test_a_try_text_is_one_suggestion_per_line():
    text = "First, raise a lever\\\n   (wrapped by the author).\n\nSecond suggestion.\n  Third.  \n"
    import tomllib

    parsed = tomllib.loads(f'x = """\n{text}"""')["x"]
    assert lecture.items(parsed) == ["First, raise a lever(wrapped by the author).", "Second suggestion.", "Third."]


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("lang", LANGS)
def test_shipped_try_texts_read_as_numbered_suggestions(name, lang):
    text = scenarios.load(name).text("try", lang)
    items = lecture.items(text)
    assert len(items) >= 2, f"{name} [try] {lang}: one paragraph, not a list"
    for item in items:  # each suggestion is a sentence of its own
        assert item[0].isupper() and item.rstrip()[-1] in ".?!", item


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_texts_in_the_controls_words(name, lang):
    scenario = scenarios.load(name)
    for text in (*lecture.items(scenario.text("try", lang)), scenario.text("shows", lang)):
        shown = lecture.readable(text, lang)
        assert lecture.code_names_in(shown) == [], shown


def test_readable_replaces_code_names_by_labels():
    assert (
        lecture.readable("Lower Reporting pressure (reporting_pressure) now.", "en") == "Lower Reporting pressure now."
    )
    assert lecture.readable("Raise style (anchor, manager_style).", "en") == "Raise style (anchor)."
    text = lecture.readable("Switch from by_funding to greatest_need.", "fr")
    assert "by_funding" not in text and "selon le financement" in text
    assert "Pression du reporting" in lecture.readable("Baissez reporting_pressure.", "fr")


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("lang", LANGS)
def test_every_indicator_a_text_mentions_is_on_the_explore_page(name, lang):
    import ipyvuetify as v
    import solara
    import solara.autorouting

    from sim.dashboard import app

    scenario = scenarios.load(name)
    mentioned = lecture.mentioned_indicators(scenario.text("shows", lang) + scenario.text("try", lang), lang)
    page = solara.autorouting.RenderPage()
    root = solara.RoutingProvider(
        children=[page],
        routes=app.routes,
        pathname=f"/?lang={lang}&scenario={name}&n_users=300&n_workers=12&n_organisations=2",
    )
    box, rc = solara.render(root, handle_error=False)
    for indicator in {*mentioned, *explore.MONITORS}:
        rc.find(v.Html, class_="centaure-monitor-label", children=[indicator_label(indicator, lang)]).assert_single()
    assert set(explore.monitored(scenario, lang)) <= set(INDICATORS)
    rc.close()


def test_a_text_naming_an_indicator_gets_its_monitor():
    assert "cream_skimming" in lecture.mentioned_indicators("suivez l'écrémage à l'entrée", "fr")
    extra = set()
    for name in SHIPPED:
        scenario = scenarios.load(name)
        texts = scenario.text("shows", "fr") + "\n" + scenario.text("try", "fr")
        named = set(lecture.mentioned_indicators(texts, "fr"))
        assert named <= set(explore.monitored(scenario, "fr")), name
        extra |= named - set(explore.MONITORS)
    assert extra, "no shipped text names an indicator beyond the default monitors: the rule is untested"


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("lang", LANGS)
def test_try_texts_use_labels_not_code_names(name, lang):
    assert lecture.code_names_in(scenarios.load(name).text("try", lang)) == []


# ---------------------------------------------------------------------------- colours
MACHADO = {  # Machado, Oliveira & Fernandes 2009, severity 1
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def lab(rgb: np.ndarray, vision: str | None = None) -> np.ndarray:
    """CIE L*a*b* of an sRGB colour, as seen with ``vision`` (None: normal)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision:
        linear = np.clip(np.array(MACHADO[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", [None, *MACHADO])
def test_status_colours_stay_apart_for_colour_blind_readers(vision):
    colours = [lab(np.asarray(c[:3]), vision) for c in netview.STATUS_COLOURS]
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(colours, 2))
    assert closest > 25, closest  # CIE76 ΔE: clearly different at a glance


@pytest.mark.parametrize("vision", [None, *MACHADO])
def test_the_engagement_scale_reads_from_dark_to_light_for_every_reader(vision):
    cmap = matplotlib.colormaps[netview.ENGAGEMENT_CMAP]
    lightness = [lab(np.asarray(cmap(x)[:3]), vision)[0] for x in np.linspace(0, 1, 11)]
    assert all(b > a for a, b in itertools.pairwise(lightness)), lightness
