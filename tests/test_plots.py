"""Shared figures: trajectories with CI bands and their legends."""

import numpy as np
import pandas as pd

from sim.plots import trajectories_figure
from sim.stats import trajectory_bands


def bands() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [
        {"scenario": name, "replicate": r, "week": w, "engagement": rng.random(), "non_recourse": rng.random()}
        for name in ("npm", "alliance")
        for r in range(3)
        for w in range(4)
    ]
    return trajectory_bands(pd.DataFrame(rows), ["engagement", "non_recourse"])


def legend_texts(legend) -> list[str]:
    return [text.get_text() for text in legend.get_texts()]


def test_short_group_names_make_a_legend_in_the_first_panel():
    fig = trajectories_figure(bands(), ["engagement", "non_recourse"])
    assert legend_texts(fig.axes[0].get_legend()) == ["npm", "alliance"]
    assert not fig.legends


def test_long_labels_name_the_groups_in_a_legend_below_the_panels():
    titles = {"npm": "Nouvelle gestion publique (référence)", "alliance": "L'alliance avec les personnes accompagnées"}
    short = trajectories_figure(bands(), ["engagement", "non_recourse"])
    fig = trajectories_figure(bands(), ["engagement", "non_recourse"], labels=titles, lang="fr")
    assert fig.axes[0].get_legend() is None
    assert legend_texts(fig.legends[0]) == list(titles.values())
    assert fig.get_figheight() > short.get_figheight()  # room made for the legend
