"""Build the tutorial notebooks of ``notebooks/`` (clean JSON, no outputs, stable cell ids).

    .venv/bin/python notebooks/build_notebooks.py

Edit the cells here, not in the ``.ipynb`` files, then run this script again.
``tests/test_notebooks.py`` executes the notebooks and checks what they claim.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "version": "3.12"}


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


def write(name: str, cells: list[nbformat.NotebookNode]) -> Path:
    """Write a notebook with stable cell ids (``<prefix>-NN``) so that rebuilding gives the same file."""
    prefix = name[:2]
    for n, cell in enumerate(cells):
        cell["id"] = f"nb{prefix}-{n:02d}"
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nbformat.validate(nb)
    path = HERE / name
    with path.open("w", encoding="utf-8", newline="\n") as f:
        nbformat.write(nb, f)
    return path


# ============================================================================ 01 lecturers (French)
LECTURERS = [
    md("""
# Premiers pas avec Centaure : un guide pour l'enseignant·e

*English summary: a first tour for lecturers, in French: run the `npm` and `alliance` scenarios a few times,
read their texts, plot the trajectories with 95% confidence bands, and see the aller-vers trade-off
(outreach moves people from non-connaissance to non-réception when intake capacity is tight).*

Centaure met en modèle l'argument de l'essai de Roland Janvier, *Revenir au cœur du travail social pour
favoriser l'engagement* (novembre 2025). La montée de la « rationalité instrumentale (New Public Management,
managérialisme, standardisation…) » pilote le travail social par les indicateurs et le reporting ; les
professionnels perdent le sens de leur travail, s'épuisent et partent ; des personnes qui auraient droit à un
accompagnement ne l'obtiennent pas : c'est le **non-recours**. L'essai propose trois voies : l'**hybridation**
des financements, l'**alliance** avec les personnes accompagnées (« rien pour eux sans eux ») et
l'**aller-vers**.

Le modèle représente un territoire fictif : des personnes, des professionnels, des organisations, leurs
directions et des financeurs. Un pas de temps vaut une semaine. On suit trois résultats :

1. l'**engagement** des professionnels (et son contraire, l'épuisement) ;
2. la **rotation** des équipes (départs, postes vacants) ;
3. le **non-recours**, toujours décomposé en trois causes :
   **non-connaissance** (la personne ignore ses droits), **non-demande** (elle les connaît mais ne demande pas)
   et **non-réception** (elle a demandé et n'a rien reçu : liste d'attente ou abandon).

C'est une maquette pour raisonner, pas une prévision : lisez les résultats comme des **directions** et des
**mécanismes**, pas comme des chiffres à reporter dans un rapport. Le guide complet est `docs/scenarios.md`.

Pour exécuter ce carnet : menu *Run → Run All Cells* (ou Maj + Entrée, cellule après cellule).
Il tourne en moins d'une minute.
"""),
    md("""
## 1. Un petit territoire, pour aller vite

Le territoire de référence compte 5 000 personnes, 200 postes et 8 organisations, sur dix ans (520 semaines).
Pour que ce carnet tourne en quelques secondes, on prend un **petit territoire** (400 personnes, 24 postes,
3 organisations) sur **trois ans** (156 semaines), et seulement **quatre répétitions** par scénario.

Chaque répétition est une simulation avec une autre graine du hasard : le même scénario donne des résultats
un peu différents d'une fois à l'autre, et la moyenne de plusieurs répétitions, avec son intervalle de
confiance, dit ce qui relève du scénario et ce qui relève du hasard.
"""),
    code("""
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from sim import scenarios
from sim.i18n import indicator_label
from sim.metrics import HEADLINE, INDICATORS
from sim.plots import trajectories_figure
from sim.studies import run_scenarios
from sim.stats import summary_table, trajectory_bands

# les figures s'affichent dans le carnet (sim.plots choisit le moteur Agg à l'import)
%matplotlib inline

PETIT_TERRITOIRE = dict(n_users=400, n_workers=24, n_organisations=3)
SEMAINES = 156  # trois ans
REPETITIONS = 4


def en_francais(nom):
    \"\"\"Le libellé français d'un indicateur.\"\"\"
    return indicator_label(nom, "fr")
"""),
    md("""
## 2. Lire les scénarios

Chaque scénario livré avec le modèle est un fichier (`scenarios/*.toml`) qui contient un titre, un texte
« ce que ça montre » et des « choses à essayer », en français et en anglais. On compare ici :

* `npm` : la **Nouvelle gestion publique**, le point de départ, calé sur des repères français ;
* `alliance` : l'**alliance** avec les personnes accompagnées, le cœur de l'essai.
"""),
    code("""
npm = scenarios.load("npm")
alliance = scenarios.load("alliance")

for scenario in (npm, alliance):
    print(scenario.text("title", "fr").upper())
    print(scenario.text("shows", "fr").strip())
    print()
"""),
    md("""
Les « choses à essayer » d'un scénario donnent des pistes pour la classe, dont au moins une qui montre où la
stratégie échoue ou ce qu'elle coûte :
"""),
    code("""
print(alliance.text("try", "fr").strip())
"""),
    md("""
## 3. Lancer quelques répétitions

`run_scenarios` lance plusieurs simulations de chaque scénario et renvoie un tableau : une ligne par semaine et par
répétition, une colonne par indicateur. Les **mêmes graines** servent aux deux scénarios : la répétition 0 de
`npm` et la répétition 0 de `alliance` partent du même territoire, tiré au même hasard. Les différences
viennent donc des leviers, pas du tirage.

Les leviers se passent par leur nom technique (ceux de `sim/params.py` et de `docs/scenarios.md`), ici la
taille du territoire.
"""),
    code("""
simulations = run_scenarios(
    {nom: scenario.with_changes(weeks=SEMAINES, **PETIT_TERRITOIRE) for nom, scenario in (("npm", npm), ("alliance", alliance))},
    REPETITIONS,
)

simulations[["scenario", "replicate", "week", "engagement", "annual_turnover", "non_recourse"]].tail()
"""),
    md("""
## 4. Les courbes dans le temps, avec leurs intervalles de confiance

Pour chaque indicateur, la courbe est la moyenne des répétitions et la bande colorée son **intervalle de
confiance à 95 %**. Quand les bandes de deux scénarios se chevauchent, la différence peut n'être que du
bruit ; quand elles sont bien séparées, le scénario y est pour quelque chose.
"""),
    code("""
bandes = trajectory_bands(simulations, HEADLINE)
figure = trajectories_figure(bandes, HEADLINE, lang="fr")
display(figure)
"""),
    md("""
Pour comparer les scénarios d'un coup d'œil, on résume chaque répétition par la **moyenne de sa dernière
année**, puis on fait la moyenne des répétitions avec son intervalle de confiance (c'est ce qu'affiche
`centaure --lang fr compare npm alliance`).
"""),
    code("""
resume = summary_table(simulations, HEADLINE)
resume["indicateur"] = resume["indicator"].map(en_francais)
resume["moyenne [IC 95 %]"] = resume.apply(
    lambda ligne: f"{ligne['mean']:.3f} [{ligne['ci_low']:.3f}, {ligne['ci_high']:.3f}]", axis=1
)
resume.pivot(index="indicateur", columns="scenario", values="moyenne [IC 95 %]").loc[
    [en_francais(n) for n in HEADLINE]
]
"""),
    md("""
**À discuter.** Sous l'alliance, le temps libéré du reporting, la reconnaissance venue des personnes et
l'autonomie nourrissent l'engagement ; les équipes restent, la continuité revient. Regardez aussi ce qui
résiste : quelle cause de non-recours baisse le moins ? (L'essai : sans aller-vers, une part des
« invisibles » reste en non-connaissance.)
"""),
    md("""
## 5. L'aller-vers : déplacer le guichet ?

« Aller-vers ne consiste pas à simplement déplacer le guichet », écrit Janvier. Dans le modèle, le levier
**Temps d'aller-vers** (`outreach_share`) est la part du temps des professionnels passée à aller à la
rencontre des personnes. Chaque contact informe et crée de la confiance : la **non-connaissance** baisse.
Mais ces heures sont prises sur l'accompagnement. Si la capacité d'accueil est déjà juste, les personnes
rencontrées demandent de l'aide… et attendent : elles passent de la non-connaissance à la
**non-réception**.

On fait varier le temps d'aller-vers de 0 à 30 % du temps de travail, dans deux territoires :

* `npm`, où la capacité d'accueil est juste (reporting lourd, peu de face-à-face) ;
* `alliance`, où l'alliance a libéré du temps d'accompagnement.

Trois répétitions par cas, pour aller vite.
"""),
    code("""
CAUSES = ["non_connaissance", "non_demande", "non_reception"]
TEMPS_ALLER_VERS = [0.0, 0.1, 0.2, 0.3]

lignes = []
for nom, scenario in (("npm", npm), ("alliance", alliance)):
    for part in TEMPS_ALLER_VERS:
        runs = run_scenarios({nom: scenario.with_changes(weeks=SEMAINES, outreach_share=part, **PETIT_TERRITOIRE)}, 3)
        finale = summary_table(runs, [*CAUSES, "non_recourse", "waiting_list", "face_to_face_share"])
        lignes.append({"scenario": nom, "outreach_share": part, **finale.set_index("indicator")["mean"].to_dict()})
arbitrage = pd.DataFrame(lignes)
arbitrage.round(3)
"""),
    md("""
Le même tableau en image : chaque barre est le non-recours de la dernière année, empilé selon ses trois
causes.
"""),
    code("""
couleurs = {"non_connaissance": "#9ecae1", "non_demande": "#fdae6b", "non_reception": "#de2d26"}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for i, nom in enumerate(["npm", "alliance"]):
    ax = axes[i]
    donnees = arbitrage[arbitrage["scenario"] == nom]
    etiquettes = [f"{p:.0%}" for p in donnees["outreach_share"]]
    bas = 0
    for cause in CAUSES:
        ax.bar(etiquettes, donnees[cause], bottom=bas, color=couleurs[cause], label=en_francais(cause))
        bas = bas + donnees[cause].to_numpy()
    ax.set_title(scenarios.load(nom).text("title", "fr"), fontsize=10)
    ax.set_xlabel("Temps d'aller-vers (part du temps de travail)")
    ax.grid(axis="y", alpha=0.3)
axes[0].set_ylabel("Non-recours (part des personnes en besoin)")
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()
"""),
    md("""
**Ce qu'on voit.** Dans le territoire `npm`, la non-connaissance s'effondre dès un peu d'aller-vers ; mais
au-delà, la non-réception et la liste d'attente grimpent, et le non-recours total remonte : on a déplacé le
guichet. Dans le territoire `alliance`, la capacité d'accueil existe : l'aller-vers fait baisser la
non-connaissance sans créer de file d'attente. Comme le dit l'essai, l'aller-vers « gagnera à se fonder sur
une théorie documentée de l'alliance ».

**Questions pour la classe.** Que faudrait-il changer *en même temps* que l'aller-vers dans le territoire
`npm` ? Essayez de baisser la Pression du reporting : ajoutez `reporting_pressure=0.2` à l'appel
`with_changes(...)` de la cellule du tableau, puis relancez les deux cellules.
Que coûte l'aller-vers, même sous l'alliance ? (Regardez la colonne `face_to_face_share`, le temps de
face-à-face.)
"""),
    md("""
## 6. Passer à l'échelle

Les chiffres de ce carnet viennent d'un petit territoire, sur trois ans, avec peu de répétitions : les
intervalles de confiance sont larges. Pour un cours ou une présentation :

* enlevez `**PETIT_TERRITOIRE` (le territoire de référence : 5 000 personnes, 200 postes, 8 organisations),
  mettez `SEMAINES = 520` (dix ans) et `REPETITIONS = 10` ou plus ; comptez alors quelques minutes ;
* ou, dans un terminal, la même comparaison en une ligne :
  `centaure --lang fr compare npm alliance --replicates 10`
  (elle écrit un tableau et les courbes dans `results/compare/`) ;
* pour les autres scénarios (`aller_vers`, `centaure`, `austerity`, `reform_alliance`) et une séquence de
  cours complète, voir `docs/scenarios.md` ; pour manipuler les leviers en direct, `centaure dashboard`.
"""),
]


# ============================================================================ 02 directors (English)
DIRECTORS = [
    md("""
# Testing a reform before you make it (Tester une réforme avant de la faire)

*For directors of social services.* You run services on a territory governed by New Public Management:
activity-based funding, calls for projects, standardised practice, heavy reporting. Some levers are yours:
your **management style**, the **participation** of the people you support in governance (Arnstein's
ladder), a **peer-worker programme**, how much you **standardise** practice. Others are the funders'.

This notebook builds a reform of *your* levers, starting in year 3 on the `npm` baseline, and asks: what
difference does it make, and how sure can we be? It compares the reform with its **counterfactual** (the
same territory and the same seeds, without the reform) and gives the difference with a **95% confidence
interval**. It then exports the reform as a scenario file that the `centaure` command runs.

A model is a way to reason about mechanisms and orders of magnitude, not a forecast for your service.
It runs in well under a minute.
"""),
    md("""
## 1. Setup (Préparation)

A **small territory** (400 people, 24 posts, 3 organisations) keeps the runs fast. The reform starts at
**week 156**, the convention of the shipped `reform_alliance` scenario ("year 3"), so the horizon is
**five years** (260 weeks): three years of NPM, then two years of reform. Five **replicates** (seeds).
"""),
    code("""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import display
from scipy import stats

from sim import scenarios
from sim.i18n import help_text, indicator_label, label
from sim.metrics import INDICATORS
from sim.plots import trajectories_figure
from sim.studies import run_scenarios
from sim.scenarios import Reform, Scenario, Texts, to_toml
from sim.stats import final_year, mean_ci, trajectory_bands

# show pyplot figures in the notebook; sim.plots returns figures to display()
%matplotlib inline

SMALL = dict(n_users=400, n_workers=24, n_organisations=3)
WEEKS = 260  # five years
REFORM_WEEK = 156  # after three years of NPM
REPLICATES = 5
ENTROPY = 20251114  # the root of every seed: same entropy, same seeds
WORKDIR = Path(tempfile.mkdtemp(prefix="centaure-reform-"))  # files of this notebook go here
"""),
    md("""
## 2. The baseline (Le point de départ)

`npm` is the shipped New Public Management baseline, calibrated on French benchmarks (non-take-up of the
RSA, departures and vacancies, time on administration). `with_changes` gives a copy with validated
changes: here the small territory and the five-year horizon.
"""),
    code("""
baseline = scenarios.load("npm").with_changes(**SMALL, weeks=WEEKS)
print(baseline.text("title", "en"))
print(baseline.text("shows", "en").strip())
"""),
    md("""
## 3. Build the reform (Construire la réforme)

A `Reform` is a week and the levers that take new values from that week on; a `Scenario` carries a tuple
of them. This reform stays within a director's reach: reporting pressure, funding and conditionality are
the funders' and stay as they are.

* **management style** (`manager_style`): from managerial control toward an ethical, participatory direction;
* **participation level** (`participation_level`): from consultation to partnership on Arnstein's ladder;
* **peer-worker programme** (`peer_worker_programme`): people supported can become peer workers;
* **standardisation** (`standardisation`): less of it, more professional autonomy.

The table below gives each lever's value under NPM and after the reform, with its label and help text from
`sim/params.py`.
"""),
    code("""
REFORM_LEVERS = {
    "manager_style": 0.7,
    "participation_level": 5,
    "peer_worker_programme": True,
    "standardisation": 0.35,
}
specs = baseline.params.specs()
pd.DataFrame(
    [{"lever": lever, "label": label(specs[lever], "en"), "NPM": getattr(baseline.params, lever), "reform": value,
      "meaning": help_text(specs[lever], "en")} for lever, value in REFORM_LEVERS.items()]
)
"""),
    code("""


def with_reform(base: Scenario) -> Scenario:
    \"\"\"``base`` with the director's reform from REFORM_WEEK.\"\"\"
    return Scenario(
        name="director_reform",
        params=base.params,
        reforms=(Reform(week=REFORM_WEEK, changes=REFORM_LEVERS),),
        title=Texts(en="Director's reform from year 3", fr="Réforme de direction à partir de l'année 3"),
        shows=Texts(
            en="Three years of NPM, then the levers a director controls: participatory management, "
            "partnership with the people supported, peer workers, less standardisation.",
            fr="Trois ans de NPM, puis les leviers d'une direction : direction participative, partenariat "
            "avec les personnes accompagnées, pair-aidance, moins de standardisation.",
        ),
    )


reform = with_reform(baseline)
reform.reforms
"""),
    md("""
## 4. Export it as a scenario file (Exporter en fichier de scénario)

`to_toml` writes a scenario as the TOML that `centaure run`, `centaure compare` and experiment files accept.
We export the reform on the **reference territory** (the file you would keep and share), load it back to
check that nothing is lost, and ask the `centaure` command to run it, here on the small territory
(`--set`) for speed. Loading the file also validates every lever and the reform week.
"""),
    code("""
reform_file = WORKDIR / "director_reform.toml"
reform_file.write_text(to_toml(with_reform(scenarios.load("npm"))), encoding="utf-8")
print(reform_file.read_text(encoding="utf-8"))

reloaded = scenarios.load(reform_file).with_changes(**SMALL, weeks=WEEKS)
assert reloaded.params == reform.params and reloaded.reforms == reform.reforms
"""),
    code("""
centaure = shutil.which("centaure") or str(Path(sys.executable).parent / "centaure")
command = [centaure, "run", str(reform_file), "--seed", "1", "--weeks", str(WEEKS)]
command += [f"--set={name}={value}" for name, value in SMALL.items()]
cli = subprocess.run(command, capture_output=True, text=True)
print("$", " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command)))
print(cli.stdout or cli.stderr)
"""),
    md("""
## 5. Same seeds, with and without the reform (Mêmes graines, avec et sans réforme)

`run_scenarios` draws its seeds from `entropy`: with the **same entropy**, replicate *r* of the baseline and
replicate *r* of the reform share their seed. They are the same territory, with the same people and the same
chance events, up to the reform: only the reform separates them afterwards. This is the method of **common
random numbers**; it removes most of the noise from the comparison.
"""),
    code("""
runs = run_scenarios({"NPM (no reform)": baseline, "reform from year 3": reform}, REPLICATES, entropy=ENTROPY)

INDICATORS_SHOWN = ["engagement", "burnout_share", "annual_turnover", "vacancy_rate",
                    "non_recourse", "non_demande", "non_reception", "waiting_list"]
before = runs[runs["week"] < REFORM_WEEK]
no_reform, with_the_reform = (g[INDICATORS_SHOWN].to_numpy() for _, g in before.groupby("scenario", sort=False))
identical_before_reform = bool(np.array_equal(no_reform, with_the_reform))
print("Identical trajectories before week", REFORM_WEEK, ":", identical_before_reform)
"""),
    md("""
## 6. The difference and its 95% CI (La différence et son intervalle de confiance)

Each replicate is summarised by its **final-year mean** (the last 52 weeks: the second year of the reform).
The effect of the reform in replicate *r* is the **paired difference** reform − no reform, and `mean_ci`
gives the mean of those differences with a Student-t 95% confidence interval. For comparison, the last
column is the width of the interval we would get by treating the two sets of runs as independent (Welch's
interval). Pairing narrows the interval when the two runs of a pair stay alike after the reform; it gains
little for indicators driven by chance events after it, such as quits.
"""),
    code("""
per_replicate = final_year(runs).groupby(["scenario", "replicate"], sort=False)[INDICATORS_SHOWN].mean()
base = per_replicate.loc["NPM (no reform)"]
treated = per_replicate.loc["reform from year 3"]
differences = treated - base

rows = []
for name in INDICATORS_SHOWN:
    diff, low, high = mean_ci(differences[name].to_numpy())
    welch = stats.ttest_ind(treated[name], base[name], equal_var=False).confidence_interval(0.95)
    rows.append({
        "indicator": indicator_label(name, "en"),
        "no reform": base[name].mean(),
        "reform": treated[name].mean(),
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "CI excludes 0": bool(low > 0 or high < 0),
        "CI width, paired": high - low,
        "CI width, unpaired": welch.high - welch.low,
    })
effect = pd.DataFrame(rows)
effect.round(3)
"""),
    md("""
How to read it: when the interval excludes 0, five replicates are enough to say the reform moves that
indicator in this territory, in that direction; when it includes 0, the effect (if any) is smaller than
what five replicates can detect. Then look at the trajectories to see *when* things move.
"""),
    code("""
shown = ["engagement", "annual_turnover", "vacancy_rate", "non_recourse"]
figure = trajectories_figure(trajectory_bands(runs, shown), shown, lang="en")
for ax in figure.axes:
    if ax.get_visible():
        ax.axvline(REFORM_WEEK / 52, color="grey", ls="--", lw=1)
display(figure)
"""),
    md("""
**Reading the trajectories.** Nothing differs before the dashed line (the same seeds). After it, the
indicators move at different speeds: engagement builds up over the months that follow, whereas turnover
(counted over 52 weeks) and vacancies, noisy in a territory of 24 posts, separate later if at all. Look also
at what does not move: non-recourse depends on intake capacity and on the funders' levers (reporting
pressure, conditionality, complexity of procedures), which this reform leaves untouched. Compare with the
shipped `reform_alliance` scenario, which changes those too, to see what your levers can and cannot do on
their own.
"""),
    md("""
## 7. Scaling up (Passer à l'échelle)

* **Reference territory.** Replace `SMALL` by `{}` (5,000 people, 200 posts, 8 organisations) and set
  `WEEKS = 520` to follow the reform over seven years; count a few minutes.
* **More replicates.** With 20 replicates the intervals shrink by about half; the paired design stays valid.
* **From the command line**, with the exported file:
  `centaure compare npm director_reform.toml --replicates 20 --out results/my_reform`
  (the same seeds for both scenarios, a table with 95% CIs and the trajectories in `results/my_reform/`).
* **Your own variants.** Copy the TOML file, change the reform week or remove a lever from it: which lever
  carries most of the effect? For a systematic search over several levers, see `docs/experiments.md`.
"""),
]


# ============================================================================ 03 researchers (English)
RESEARCHERS = [
    md("""
# Centaure for researchers: the Mesa API and batch experiments

Centaure is a Mesa 3 model. The population lives in numpy arrays and the ten weekly mechanisms are
vectorised, but the Mesa interface is all there: agents and `AgentSet` queries, the `DataCollector`,
`mesa.batch_run`. Sections 1–4 tour it; section 5 runs a small sensitivity experiment through the project's
own batch API (`sim.batch`: experiment files, designs, Dask sweeps, Parquet results, analysis), which is
what you should use for real experiments.

The model is documented in the ODD protocol in `docs/ODD.md`; experiments in `docs/experiments.md`.
Everything here runs on a small territory in well under a minute.
"""),
    code("""
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import mesa
import numpy as np
import pandas as pd
from IPython.display import Image, display

from sim import CentaureModel, Organisation, User, Worker

# show pyplot figures in the notebook; sim.plots returns figures to display()
%matplotlib inline

SMALL = dict(n_users=400, n_workers=24, n_organisations=3)
WORKDIR = Path(tempfile.mkdtemp(prefix="centaure-research-"))  # results of this notebook go here
"""),
    md("""
## 1. A model is a Mesa model

`CentaureModel(scenario=..., rng=...)` takes a shipped scenario's name, a TOML path, a `Scenario` or a
`Params`; every parameter of `sim/params.py` is also a keyword argument. One step is one week;
`model.indicators` holds this week's indicators.
"""),
    code("""
model = CentaureModel(scenario="npm", rng=42, **SMALL)
model.run_for(52)  # or: for _ in range(52): model.step()
print(model.steps, "weeks;", model.params.weeks, "weeks planned")
{name: round(value, 3) for name, value in model.indicators.items()}
"""),
    md("""
## 2. Agents and AgentSet queries

Agents are views on the arrays: `User` (people), `Worker` (one per filled post: a quit removes the agent, a
hire creates one), `Manager`, `Organisation` and `Funder`. They have no `step()`; their attributes are live.
"""),
    code("""
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
"""),
    md("""
`AgentSet.get` with several attributes gives one row per agent, a quick way to a DataFrame:
"""),
    code("""
columns = ["status", "need", "trust", "power_to_act", "organisation"]
user_frame = pd.DataFrame(users.get(columns), columns=columns)
user_frame.groupby("status")[["need", "trust", "power_to_act"]].mean().round(3)
"""),
    code("""
for organisation in model.agents_by_type[Organisation]:
    print(f"organisation {organisation.org}: {organisation.posts} posts, "
          f"non-recourse {organisation.non_recourse:.3f}, engagement {organisation.engagement:.3f}")
"""),
    md("""
## 3. The DataCollector

Every indicator of `sim.metrics.INDICATORS` is a model reporter, recorded every week (or every
`collect_every` weeks); `model.organisation_frame()` is the same per organisation (a DataCollector table).
"""),
    code("""
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
"""),
    md("""
## 4. `mesa.batch_run`

Since every parameter is a keyword argument, `mesa.batch_run` works as for any Mesa model. It is fine for a
quick look; for experiments, prefer section 5 (reproducible seed streams, resumable storage, provenance,
sensitivity analysis).
"""),
    code("""
batch = pd.DataFrame(mesa.batch_run(
    CentaureModel,
    parameters={"scenario": ["npm", "alliance"], "collect_organisations": False, **SMALL},
    rng=[1, 2],
    max_steps=104,
    data_collection_period=52,
    display_progress=False,
))
batch[["scenario", "rng", "Step", "engagement", "annual_turnover", "non_recourse"]].round(3)
"""),
    md("""
## 5. A small experiment through the batch API

An **experiment** is a TOML file (format in `docs/experiments.md`): base scenarios, a design
(`grid`, `lhs`, `sobol`, `morris`), the levers that vary and their ranges (checked against `sim/params.py`),
replicates and seeds, and what is recorded. Here a **Morris** elementary-effects screening of two levers of
the aller-vers question: **reporting pressure** and **outreach share**, on the `npm` baseline, on the small
territory (`[fixed]`), two years, two replicates (common random numbers). Morris trajectories may share
design points; a shared run is computed once.
"""),
    code("""
EXPERIMENT = '''
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
'''
experiment_file = WORKDIR / "morris_tutorial.toml"
experiment_file.write_text(EXPERIMENT, encoding="utf-8")

from sim.batch import analyze, load, sweep  # noqa: E402  (Dask and SALib are imported on use)

experiment = load(experiment_file)
plan = experiment.plan()
print(f"{experiment.design}: {len(experiment.points())} design points x {experiment.replicates} replicates"
      f" = {len(plan)} runs ({len({r.run_id for r in plan})} distinct)")
pd.DataFrame(experiment.points()).head()
"""),
    md("""
`sweep` runs it through Dask (here an embedded cluster with **one worker**) and stores each finished run in
a Parquet dataset with a `manifest.json` (design, seeds, versions, git commit). Running it again into the
same folder skips the stored runs: sweeps resume. It is what `centaure sweep` does.
"""),
    code("""
out = WORKDIR / "morris_tutorial"
report = sweep(experiment, out=out, workers=1)
print(f"{report.done} runs done, {len(report.failures)} failed, complete: {report.complete},"
      f" {report.seconds:.1f} s on {report.scheduler}")
again = sweep(experiment, out=out, workers=1)
print(f"second sweep: {again.already} runs already stored, {again.done} run")
"""),
    md("""
The stored data are tidy (one row per run × recorded week). `sim.batch.analysis.results` joins them to the
manifest, and `per_run` gives each run's final-year means, the output of the sensitivity analysis:
"""),
    code("""
from sim.batch.analysis import per_run, results  # noqa: E402

manifest, tidy = results(out)
print(tidy.columns.tolist())
per_run(tidy, experiment.indicators).head()
"""),
    md("""
`analyze` (what `centaure analyze` does) writes summaries with 95% CIs, the Morris indices (μ, μ*, σ and the
CI of μ*, per normalised lever range), the replicate check and figures into `out/analysis/`, and returns
the tables:
"""),
    code("""
analysis = analyze(out)
print("notes:", analysis.notes or "none")
morris = analysis.morris
morris.round(3)
"""),
    code("""
display(Image(filename=str(out / "analysis" / "morris.png")))
display(Image(filename=str(out / "analysis" / "effects.png")))
"""),
    md("""
**Reading it.** μ* ranks the levers by the size of their effect on each indicator; σ large next to μ* means
the effect depends on where the other lever is (interaction or non-linearity). The sign of μ says the
direction: outreach lowers non-connaissance (μ < 0) and raises non-réception (μ > 0), the aller-vers
trade-off of the lecturers' notebook; reporting pressure, which eats intake capacity, raises non-réception
too. With 4 trajectories and 2 replicates the CIs of μ* are wide: this demonstrates the pipeline; it is not
a result.

The same experiment from a shell:

```bash
centaure sweep morris_tutorial.toml --workers 1 --out results/morris_tutorial
centaure analyze results/morris_tutorial
```
"""),
    md("""
## 6. Scaling up

* **Territory and horizon.** Drop the `[fixed]` table (5,000 people, 200 posts, 8 organisations) and set
  `weeks = 520`.
* **Design.** Morris needs `samples` ≈ 10–50 trajectories for stable μ*; for variance-based indices use
  `design = "sobol"` with `samples` a power of two (see the shipped `experiments/sobol_levers.toml`, ten
  levers, N = 256). Check the replicate count with `experiments/replicates_check.toml`.
* **Workers.** `workers=None` (or `centaure sweep` without `--workers`) uses every core; on a cluster, pass
  a Dask scheduler address (`scheduler=` / `--scheduler`), e.g. from `dask-jobqueue` on SLURM
  (`docs/experiments.md`, *Clusters*). Results do not depend on the number of workers.
* **Scripts.** Outside a notebook, put `sweep(...)` under `if __name__ == "__main__":` (Dask starts workers
  with `spawn`).
"""),
]


NOTEBOOKS = {
    "01_premiers_pas_lecturers.ipynb": LECTURERS,
    "02_director_reform.ipynb": DIRECTORS,
    "03_researcher_mesa_and_experiments.ipynb": RESEARCHERS,
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        print("wrote", write(name, cells).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
