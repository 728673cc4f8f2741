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
# # Centaure for researchers: the Mesa API and batch experiments
#
# Centaure is a Mesa 3 model. The population lives in numpy arrays and the ten weekly mechanisms are
# vectorised, but the Mesa interface is all there: agents and `AgentSet` queries, the `DataCollector`,
# `mesa.batch_run`. Sections 1–4 tour it. Section 5 shows the study functions of `sim.studies` (replicates of
# scenarios and of a reform on common random numbers, the functions behind `centaure compare` and the
# dashboard); section 6 runs a small sensitivity experiment through the project's batch API (`sim.batch`:
# experiment files, designs, Dask sweeps, Parquet results, analysis), which is what you should use for real
# experiments.
#
# The model is documented in the ODD protocol in `docs/ODD.md`; experiments in `docs/experiments.md`. Every
# output below follows from the model's assumptions as documented there; the small designs here demonstrate
# the tools, they are not results. Everything runs on a small territory in well under a minute.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import mesa
import numpy as np
import pandas as pd
from IPython.display import Image, display

from sim import CentaureModel, Organisation, User, Worker, scenarios
from sim.plots import trajectories_figure
from sim.scenarios import Reform
from sim.stats import trajectory_bands
from sim.studies import compare, reform_effect

# pyplot figures, and the matplotlib figures that sim.plots returns to display(), shown inline
# %matplotlib inline

SMALL = dict(n_users=400, n_workers=24, n_organisations=3)
WORKDIR = Path(tempfile.mkdtemp(prefix="centaure-research-"))  # results of this notebook go here

# %% [markdown]
# ## 1. A model is a Mesa model
#
# `CentaureModel(scenario=..., rng=...)` takes a shipped scenario's name, a TOML path, a `Scenario` or a
# `Params`; every parameter of `sim/params.py` is also a keyword argument. One step is one week;
# `model.indicators` holds this week's indicators.

# %%
model = CentaureModel(scenario="npm", rng=42, **SMALL)
model.run_for(52)  # or: for _ in range(52): model.step()
print(model.steps, "weeks;", model.params.weeks, "weeks planned")
{name: round(value, 3) for name, value in model.indicators.items()}

# %% [markdown]
# ## 2. Agents and AgentSet queries
#
# Agents are views on the arrays: `User` (people), `Worker` (one per filled post: a quit removes the agent, a
# hire creates one), `Manager`, `Organisation` and `Funder`. They have no `step()`; their attributes are live.

# %%
users = model.agents_by_type[User]
workers = model.agents_by_type[Worker]
print(len(users), "users,", len(workers), "workers in post")

status_counts = users.groupby("status").count()
print("status:", status_counts)
waiting = users.select(lambda u: u.status == "waiting")
print("on a waiting list:", len(waiting))
trust = users.select(lambda u: u.eligible).groupby("status").agg("trust", np.mean)
print("mean trust of eligible users by status:", {k: round(float(v), 3) for k, v in trust.items()})
engagement = workers.groupby("organisation").agg("engagement", np.mean)
print("mean engagement by organisation:", {k: round(float(v), 3) for k, v in engagement.items()})
exhausted = workers.select(lambda w: w.exhaustion > 0.5)
print("workers with exhaustion > 0.5:", len(exhausted))

# %% [markdown]
# `AgentSet.get` with several attributes gives one row per agent, a quick way to a DataFrame:

# %%
columns = ["status", "need", "trust", "power_to_act", "organisation"]
user_frame = pd.DataFrame(users.get(columns), columns=columns)
user_frame.groupby("status")[["need", "trust", "power_to_act"]].mean().round(3)

# %%
for organisation in model.agents_by_type[Organisation]:
    print(
        f"organisation {organisation.org}: {organisation.posts} posts, "
        f"non-recourse {organisation.non_recourse:.3f}, engagement {organisation.engagement:.3f}"
    )

# %% [markdown]
# ## 3. The DataCollector
#
# Every indicator of `sim.metrics.INDICATORS` is a model reporter, recorded every week (or every
# `collect_every` weeks); `model.organisation_frame()` is the same per organisation (a DataCollector table).

# %%
model_vars = model.datacollector.get_model_vars_dataframe()
organisations = model.organisation_frame()
print(model_vars.shape, organisations.shape)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
model_vars[["non_connaissance", "non_demande", "non_reception"]].plot.area(ax=axes[0], alpha=0.7)
axes[0].set(xlabel="week", ylabel="share of eligible", title="Non-recourse by cause (territory)")
organisations.pivot(index="week", columns="organisation", values="engagement").plot(ax=axes[1])
axes[1].set(xlabel="week", title="Engagement by organisation")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. `mesa.batch_run`
#
# Since every parameter is a keyword argument, `mesa.batch_run` works as for any Mesa model. It is fine for a
# quick look. For replicates of whole scenarios on common seeds, use `sim.studies` (section 5); for
# experiments, the batch API (section 6: reproducible seed streams, resumable storage, provenance, sensitivity
# analysis).

# %%
batch = pd.DataFrame(
    mesa.batch_run(
        CentaureModel,
        parameters={"scenario": ["npm", "alliance"], "collect_organisations": False, **SMALL},
        rng=[1, 2],
        max_steps=104,
        data_collection_period=52,
        display_progress=False,
    )
)
batch[["scenario", "rng", "Step", "engagement", "annual_turnover", "non_recourse"]].round(3)

# %% [markdown]
# ## 5. Studies: scenarios and reforms on common random numbers
#
# `sim.studies` holds the functions every front end calls (`centaure compare`, the dashboard's Compare and
# Reform-lab pages, the tutorial notebooks). Replicate *r* of every scenario gets the same seed, spawned from
# `entropy` (default `sim.constants.DEFAULT_ENTROPY`), so differences between scenarios are not differences
# between draws:
#
# * `run_scenarios(chosen, replicates, entropy=..., progress=...)`: a tidy frame, one row per scenario,
#   replicate and week, every indicator a column (`progress` is called after each run);
# * `compare(chosen, replicates, indicators=...)`: the same runs and their `summary`, the final-year mean of
#   each indicator with its Student-t 95% CI across replicates (`sim.stats.summary_table`);
# * `reform_effect(scenario, reforms, replicates, ...)`: the scenario with and without the reforms on the same
#   seeds, with the paired difference and its CI.
#
# `chosen` maps labels to scenarios: shipped names, TOML paths, or `Scenario` objects changed with
# `with_changes(**params)` and `with_reforms(Reform(week, {lever: value}))`.

# %%
HORIZON = 104  # two years
STUDY_INDICATORS = ["engagement", "annual_turnover", "non_recourse", "non_reception"]
small = {name: scenarios.load(name).with_changes(**SMALL, weeks=HORIZON) for name in ("npm", "alliance")}

comparison = compare(small, 3, indicators=STUDY_INDICATORS)
print(comparison.scenarios, comparison.runs.shape)
comparison.summary.round(3)

# %% [markdown]
# `sim.stats.trajectory_bands` gives the weekly mean and 95% band of each group, and `sim.plots` draws them:

# %%
display(trajectories_figure(trajectory_bands(comparison.runs, STUDY_INDICATORS), STUDY_INDICATORS))

# %% [markdown]
# A reform is a week and the levers that change from then on. Here: real participation (`participation_level`
# 6, delegated power) from the end of year 1 on the NPM baseline. The summary columns are `counterfactual` and
# `reform` (each arm's mean), `mean`, `ci_low` and `ci_high` (the paired difference, reform − counterfactual)
# and `replicates`; `effect.difference` holds the paired difference week by week.

# %%
effect = reform_effect(small["npm"], Reform(52, {"participation_level": 6}), 3, indicators=STUDY_INDICATORS)
effect.summary.round(3)

# %% [markdown]
# ## 6. A small experiment through the batch API
#
# An **experiment** is a TOML file (format in `docs/experiments.md`): base scenarios, a design
# (`grid`, `lhs`, `sobol`, `morris`), the levers that vary and their ranges (checked against `sim/params.py`),
# replicates and seeds, and what is recorded. Here a **Morris** elementary-effects screening of two levers of
# the aller-vers question: **reporting pressure** and **outreach share**, on the `npm` baseline, on the small
# territory (`[fixed]`), two years, two replicates (common random numbers). Morris trajectories may share
# design points; a shared run is computed once.

# %%
EXPERIMENT = """
title = "Morris screening: reporting pressure and outreach (tutorial)"
scenarios = ["npm"]
design = "morris"
samples = 4             # Morris trajectories: samples x (levers + 1) design points
replicates = 2
weeks = 104
every = 4
indicators = ["engagement", "non_recourse", "non_connaissance", "non_reception"]

[levers]
reporting_pressure = [0.1, 0.6]
outreach_share = [0.0, 0.3]

[fixed]
n_users = 400
n_workers = 24
n_organisations = 3

[morris]
levels = 4
"""
experiment_file = WORKDIR / "morris_tutorial.toml"
experiment_file.write_text(EXPERIMENT, encoding="utf-8")

from sim.batch import analyze, load, sweep  # noqa: E402  (Dask and SALib are imported on use)

experiment = load(experiment_file)
plan = experiment.plan()
print(
    f"{experiment.design}: {len(experiment.points())} design points x {experiment.replicates} replicates"
    f" = {len(plan)} runs ({len({r.run_id for r in plan})} distinct)"
)
pd.DataFrame(experiment.points()).head()

# %% [markdown]
# `sweep` runs it through Dask (here an embedded cluster with **one worker**) and stores each finished run in
# a Parquet dataset with a `manifest.json` (design, seeds, versions, git commit). Running it again into the
# same folder skips the stored runs: sweeps resume. It is what `centaure sweep` does.

# %%
out = WORKDIR / "morris_tutorial"
report = sweep(experiment, out=out, workers=1)
print(
    f"{report.done} runs done, {len(report.failures)} failed, complete: {report.complete},"
    f" {report.seconds:.1f} s on {report.scheduler}"
)
again = sweep(experiment, out=out, workers=1)
print(f"second sweep: {again.already} runs already stored, {again.done} run")

# %% [markdown]
# The stored data are tidy (one row per run × recorded week). `sim.batch.analysis.results` joins them to the
# manifest, and `per_run` gives each run's final-year means, the output of the sensitivity analysis:

# %%
from sim.batch.analysis import per_run, results  # noqa: E402

manifest, tidy = results(out)
print(tidy.columns.tolist())
per_run(tidy, experiment.indicators).head()

# %% [markdown]
# `analyze` (what `centaure analyze` does) writes summaries with 95% CIs, the Morris indices (μ, μ*, σ and the
# CI of μ*, per normalised lever range), the replicate check and figures into `out/analysis/`, and returns
# the tables:

# %%
analysis = analyze(out)
print("notes:", analysis.notes or "none")
morris = analysis.morris
morris.round(3)

# %%
display(Image(filename=str(out / "analysis" / "morris.png")))
display(Image(filename=str(out / "analysis" / "effects.png")))

# %% [markdown]
# **Reading it.** μ* ranks the levers by the size of their effect on each indicator; σ large next to μ* means
# the effect depends on where the other lever is (interaction or non-linearity). The sign of μ gives the
# direction over the ranges explored. Look at the signs for `outreach_share` on `non_connaissance` and on
# `non_reception`: is this the aller-vers trade-off that the lecturers' notebook asks about (outreach informs
# people, but takes face-to-face hours from intake)? And what does `reporting_pressure`, which also takes
# face-to-face hours, do to `non_reception`? With 4 trajectories and 2 replicates the CIs of μ* are wide: this
# demonstrates the pipeline; it is not a result, and the signs depend on the model's assumptions (for
# instance, that a person met by outreach always learns their rights).
#
# The same experiment from a shell:
#
# ```bash
# centaure sweep morris_tutorial.toml --workers 1 --out results/morris_tutorial
# centaure analyze results/morris_tutorial
# ```

# %% [markdown]
# ## 7. Scaling up
#
# * **Territory and horizon.** Drop the `[fixed]` table (5,000 people, 200 posts, 8 organisations) and set
#   `weeks = 520`.
# * **Design.** Morris needs `samples` ≈ 10–50 trajectories for stable μ*; for variance-based indices use
#   `design = "sobol"` with `samples` a power of two (see the shipped `experiments/sobol_levers.toml`, ten
#   levers, N = 256). Check the replicate count with `experiments/replicates_check.toml`.
# * **Workers.** `workers=None` (or `centaure sweep` without `--workers`) uses every core; on a cluster, pass
#   a Dask scheduler address (`scheduler=` / `--scheduler`), e.g. from `dask-jobqueue` on SLURM
#   (`docs/experiments.md`, *Clusters*). Results do not depend on the number of workers.
# * **Scripts.** Outside a notebook, put `sweep(...)` under `if __name__ == "__main__":` (Dask starts workers
#   with `spawn`).
