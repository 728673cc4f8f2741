# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Testing a reform before you make it (Tester une réforme avant de la faire)
#
# *For directors of social services.* You run services on a territory governed by New Public Management:
# activity-based funding, calls for projects, standardised practice, heavy reporting. Some levers are yours:
# your **management style**, the **participation** of the people you support in governance (Arnstein's
# ladder), a **peer-worker programme** (*pair-aidance*), how much you **standardise** practice. Others are the
# funders'.
#
# This notebook builds a reform of *your* levers, starting in year 3 on the `npm` baseline, and asks: what
# difference does it make in the model, and how sure can we be? It compares the reform with its
# **counterfactual** (the same territory and the same seeds, without the reform) and gives the difference with
# a **95% confidence interval**. It then exports the reform as a scenario file that the `centaure` command runs.
#
# A model is a way to reason about mechanisms and orders of magnitude, not a forecast for your service:
# every number below follows from the model's assumptions (`docs/ODD.md`), and a reform that helps under
# these assumptions may do nothing, or harm, under others. It runs in well under a minute.

# %% [markdown]
# ## 1. Setup (Préparation)
#
# A **small territory** (400 people, 24 posts, 3 organisations) keeps the runs fast. The reform starts at
# **week 156**, the convention of the shipped `reform_alliance` scenario ("year 3"), so the horizon is
# **five years** (260 weeks): three years of NPM, then two years of reform. Five **replicates** (seeds).

# %%
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import display

from sim import scenarios
from sim.constants import DEFAULT_ENTROPY, WEEKS_PER_YEAR
from sim.i18n import help_text, indicator_label, label
from sim.plots import trajectories_figure
from sim.scenarios import Reform, Texts, to_toml
from sim.stats import summary_table, trajectory_bands
from sim.studies import reform_effect

# display() shows the matplotlib figures that sim.plots returns
# %matplotlib inline

SMALL = dict(n_users=400, n_workers=24, n_organisations=3)
WEEKS = 5 * WEEKS_PER_YEAR  # five years
REFORM_WEEK = 3 * WEEKS_PER_YEAR  # after three years of NPM
REPLICATES = 5
ENTROPY = DEFAULT_ENTROPY  # the root of every seed: same entropy, same seeds
WORKDIR = Path(tempfile.mkdtemp(prefix="centaure-reform-"))  # files of this notebook go here

# %% [markdown]
# ## 2. The baseline (Le point de départ)
#
# `npm` is the shipped New Public Management baseline, calibrated on French benchmarks (non-take-up of the
# RSA, departures and vacancies, time on administration). `with_changes` gives a copy with validated
# changes: here the small territory and the five-year horizon.

# %%
baseline = scenarios.load("npm").with_changes(**SMALL, weeks=WEEKS)
print(baseline.text("title", "en"))
print(baseline.text("shows", "en").strip())

# %% [markdown]
# ## 3. Build the reform (Construire la réforme)
#
# A `Reform` is a week and the levers that take new values from that week on (that week is simulated with
# them); `Scenario.with_reforms` adds reforms to a scenario's schedule. This reform stays within a director's
# reach: reporting pressure, funding and conditionality are the funders' and stay as they are.
#
# * **management style** (`manager_style`): the anchor from which managers drift, toward an ethical,
#   participatory direction rather than managerial control;
# * **participation level** (`participation_level`): from consultation to partnership on Arnstein's ladder;
# * **peer-worker programme** (`peer_worker_programme`): people supported can become peer workers;
# * **standardisation** (`standardisation`): less of it leaves more professional autonomy.
#
# The table below gives each lever's value under NPM and after the reform, with its label and help text (from
# the model's bilingual catalogue, read through `sim.i18n`): what the lever does in the model.

# %%
REFORM_LEVERS = {
    "manager_style": 0.7,
    "participation_level": 5,
    "peer_worker_programme": True,
    "standardisation": 0.35,
}
REFORM = Reform(REFORM_WEEK, REFORM_LEVERS)

specs = baseline.params.specs()
pd.DataFrame(
    [
        {
            "lever": lever,
            "label": label(specs[lever], "en"),
            "NPM": getattr(baseline.params, lever),
            "reform": value,
            "meaning": help_text(specs[lever], "en"),
        }
        for lever, value in REFORM.changes.items()
    ]
)

# %% [markdown]
# ## 4. Export it as a scenario file (Exporter en fichier de scénario)
#
# `to_toml` writes a scenario as the TOML that `centaure run`, `centaure compare` and experiment files accept.
# We give the reform a name and texts, export it on the **reference territory** (the file you would keep and
# share), load it back to check that nothing is lost, and ask the `centaure` command to run it, here on the
# small territory (`--set`) for speed. Loading the file also validates every lever and the reform week.

# %%
director_reform = dataclasses.replace(
    scenarios.load("npm").with_reforms(REFORM, name="director_reform"),
    title=Texts(en="Director's reform from year 3", fr="Réforme de direction à partir de l'année 3"),
    shows=Texts(
        en="Three years of NPM, then the levers a director controls: participatory management, "
        "partnership with the people supported, peer workers, less standardisation.",
        fr="Trois ans de NPM, puis les leviers d'une direction : direction participative, partenariat "
        "avec les personnes accompagnées, pair-aidance, moins de standardisation.",
    ),
    try_=Texts(),
)
reform_file = WORKDIR / "director_reform.toml"
reform_file.write_text(to_toml(director_reform), encoding="utf-8")
print(reform_file.read_text(encoding="utf-8"))

reloaded = scenarios.load(reform_file)
assert reloaded.params == director_reform.params and reloaded.reforms == director_reform.reforms

# %%
centaure = shutil.which("centaure") or str(Path(sys.executable).parent / "centaure")
command = [centaure, "run", str(reform_file), "--seed", "1", "--weeks", str(WEEKS)]
command += [f"--set={name}={value}" for name, value in SMALL.items()]
cli = subprocess.run(command, capture_output=True, text=True)
print("$", " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command)))
print(cli.stdout or cli.stderr)

# %% [markdown]
# ## 5. Same seeds, with and without the reform (Mêmes graines, avec et sans réforme)
#
# `reform_effect` (from `sim.studies`, the function behind the dashboard's Reform lab) runs the baseline twice
# per replicate: once as it is (the **counterfactual**) and once with the reform. Its seeds come from
# `entropy`, and replicate *r* of both arms shares its seed: the same territory, with the same people and the
# same chance events, up to the reform. This is the method of **common random numbers**: it removes from the
# comparison the noise the two arms share.
#
# `effect.runs` holds both arms, week by week; `effect.difference` the paired difference, reform −
# counterfactual, in each replicate and week. Before the reform week it should be exactly zero:

# %%
INDICATORS_SHOWN = [
    "engagement",
    "burnout_share",
    "annual_turnover",
    "vacancy_rate",
    "non_recourse",
    "non_demande",
    "non_reception",
    "waiting_list",
]
effect = reform_effect(baseline, REFORM, REPLICATES, indicators=INDICATORS_SHOWN, entropy=ENTROPY)

before = effect.difference[effect.difference["week"] < REFORM_WEEK]
identical_before_reform = bool((before[INDICATORS_SHOWN] == 0).all().all())
print("Identical trajectories before week", REFORM_WEEK, ":", identical_before_reform)

# %% [markdown]
# ## 6. The difference and its 95% CI (La différence et son intervalle de confiance)
#
# `effect.summary` summarises each replicate by its **final-year mean** (the last 52 weeks: the second year of
# the reform). `counterfactual` and `reform` are the two arms' means across replicates; `mean` is the mean
# **paired difference** reform − counterfactual, and `ci_low`, `ci_high` its Student-t 95% confidence
# interval across the replicates.

# %%
effect.summary.assign(
    label=effect.summary["indicator"].map(lambda name: indicator_label(name, "en")),
    ci_excludes_0=(effect.summary["ci_low"] > 0) | (effect.summary["ci_high"] < 0),
).round(3)

# %% [markdown]
# How to read it: when the interval excludes 0, five replicates are enough to say that, in this model and
# this territory, the reform moves that indicator in that direction; when it includes 0, the effect (if any)
# is smaller than what five replicates can detect. Neither says what the reform would do in a real service.
#
# **What pairing buys.** Were the two arms run on independent seeds, the interval of their difference would
# be roughly $\sqrt{w_c^2 + w_r^2}$ wide, $w_c$ and $w_r$ being the widths of each arm's own interval
# (`summary_table` over `effect.runs`, by arm). Compare it with the paired interval: where the paired one is
# narrower, the two runs of a pair stayed alike after the reform and pairing removed their shared noise; where
# it is not, chance events after the reform (quits, for instance) drove them apart. Which indicators are which
# here?

# %%
arms = summary_table(effect.runs, INDICATORS_SHOWN, by=("arm",))
widths = arms.assign(width=arms["ci_high"] - arms["ci_low"]).pivot(index="indicator", columns="arm", values="width")
paired = effect.summary.set_index("indicator")
widths["difference, unpaired (rough)"] = np.hypot(widths["counterfactual"], widths["reform"])
widths["difference, paired"] = paired["ci_high"] - paired["ci_low"]
widths.loc[INDICATORS_SHOWN].rename_axis(columns="95% CI width").round(3)

# %% [markdown]
# Then look at the trajectories to see *when* things move: first the two arms, then their paired difference
# with its band (the dashed line marks the reform week).

# %%
shown = ["engagement", "annual_turnover", "vacancy_rate", "non_recourse"]
arm_names = {"counterfactual": "NPM, no reform", "reform": "reform from year 3", "difference": "reform − no reform"}
for frame in (effect.runs, effect.difference):
    bands = trajectory_bands(frame, shown, by=("arm",))
    figure = trajectories_figure(bands, shown, group="arm", labels=arm_names)
    for ax in figure.axes:
        if ax.get_visible():
            ax.axvline(REFORM_WEEK / WEEKS_PER_YEAR, color="grey", ls="--", lw=1)
    display(figure)

# %% [markdown]
# **Reading the trajectories.** Before the dashed line nothing differs (the same seeds). After it, do the
# indicators move at the same speed? Which move within months, which only after a year or more, and which not
# at all within the horizon? Turnover is counted over 52 weeks and vacancies are noisy in a territory of 24
# posts: give them time and replicates before reading anything into them. Look also at non-recourse and its
# causes, and ask which mechanisms they depend on (intake capacity, and the funders' levers: reporting
# pressure, conditionality, complexity of procedures) and whether this reform touches them. The shipped
# `reform_alliance` scenario also changes the funders' levers: run it the same way to see what your levers
# can and cannot do on their own in this model.

# %% [markdown]
# ## 7. Scaling up (Passer à l'échelle)
#
# * **Reference territory.** Replace `SMALL` by `{}` (5,000 people, 200 posts, 8 organisations) and set
#   `WEEKS = 520` to follow the reform over seven years; count a few minutes.
# * **More replicates.** Intervals shrink roughly as one over the square root of the number of replicates;
#   the paired design stays valid.
# * **From the command line**, with the exported file:
#   `centaure compare npm director_reform.toml --replicates 20 --out results/my_reform`
#   (the same seeds for both scenarios, a table with 95% CIs and the trajectories in `results/my_reform/`),
#   or try reforms interactively in the dashboard's Reform lab (`centaure dashboard`).
# * **Your own variants.** Copy the TOML file, change the reform week or remove a lever from it: which lever
#   carries most of the effect, in this model? For a systematic search over several levers, see
#   `docs/experiments.md`.
