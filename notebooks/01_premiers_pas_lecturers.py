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
# # Premiers pas avec Centaure : un guide pour l'enseignant·e
#
# *English summary: a first tour for lecturers, in French: compare the `npm` and `alliance` scenarios over a
# few replicates, read their texts, plot the trajectories with 95% confidence bands, then vary outreach
# (aller-vers) time and look at where the people it reaches end up when intake capacity is tight.*
#
# Centaure met en modèle l'argument de l'essai de Roland Janvier, *Revenir au cœur du travail social pour
# favoriser l'engagement* (novembre 2025). La montée de la « rationalité instrumentale (New Public Management,
# managérialisme, standardisation…) » pilote le travail social par les indicateurs et le reporting ; les
# professionnels perdent le sens de leur travail, s'épuisent et partent ; des personnes qui auraient droit à un
# accompagnement ne l'obtiennent pas : c'est le **non-recours**. L'essai propose trois voies : l'**hybridation**
# des financements, l'**alliance** avec les personnes accompagnées (« rien pour eux sans eux ») et
# l'**aller-vers**.
#
# Le modèle représente un territoire fictif : des personnes, des professionnels, des organisations, leurs
# directions et des financeurs. Un pas de temps vaut une semaine. On suit trois résultats :
#
# 1. l'**engagement** des professionnels (et son contraire, l'épuisement) ;
# 2. la **rotation** des équipes (départs, postes vacants) ;
# 3. le **non-recours**, toujours décomposé en trois causes :
#    **non-connaissance** (la personne ignore ses droits), **non-demande** (elle les connaît mais ne demande pas)
#    et **non-réception** (elle a demandé et n'a rien reçu : liste d'attente ou abandon).
#
# C'est une maquette pour raisonner, pas une prévision : tout ce que ce carnet affiche découle des
# **hypothèses** du modèle (décrites, mécanisme par mécanisme, dans `docs/ODD.md`). Lisez les résultats comme
# des **directions** et des **mécanismes** à discuter, pas comme des chiffres à reporter dans un rapport ;
# changez une hypothèse, et une stratégie qui semblait marcher peut échouer. Le guide complet est
# `docs/scenarios.md`.
#
# Pour exécuter ce carnet : menu *Run → Run All Cells* (ou Maj + Entrée, cellule après cellule).
# Il tourne en moins d'une minute.

# %% [markdown]
# ## 1. Un petit territoire, pour aller vite
#
# Le territoire de référence compte 5 000 personnes, 200 postes et 8 organisations, sur dix ans (520 semaines).
# Pour que ce carnet tourne en quelques secondes, on prend un **petit territoire** (400 personnes, 24 postes,
# 3 organisations) sur **trois ans** (156 semaines), et seulement **quatre répétitions** par scénario.
#
# Chaque répétition est une simulation avec une autre graine du hasard : le même scénario donne des résultats
# un peu différents d'une fois à l'autre, et la moyenne de plusieurs répétitions, avec son intervalle de
# confiance, aide à séparer ce qui relève du scénario de ce qui relève du hasard.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from sim import scenarios
from sim.i18n import fixed, help_text, indicator_label, label
from sim.metrics import HEADLINE
from sim.plots import trajectories_figure
from sim.stats import trajectory_bands
from sim.studies import compare

# display() montre les figures de sim.plots dans le carnet
# %matplotlib inline

PETIT_TERRITOIRE = dict(n_users=400, n_workers=24, n_organisations=3)
SEMAINES = 156  # trois ans
REPETITIONS = 4


def en_francais(nom):
    """Le libellé français d'un indicateur."""
    return indicator_label(nom, "fr")


# %% [markdown]
# ## 2. Lire les scénarios
#
# Chaque scénario livré avec le modèle est un fichier (`scenarios/*.toml`) qui contient un titre, un texte
# « ce que ça montre » et des « choses à essayer », en français et en anglais. On compare ici :
#
# * `npm` : la **Nouvelle gestion publique**, le point de départ, calé sur des repères français ;
# * `alliance` : l'**alliance** avec les personnes accompagnées, le cœur de l'essai.
#
# Ces textes disent ce que les mécanismes du modèle sont censés produire : à vérifier sur les courbes
# ci-dessous, pas à prendre pour acquis.

# %%
npm = scenarios.load("npm")
alliance = scenarios.load("alliance")

for scenario in (npm, alliance):
    print(scenario.text("title", "fr").upper())
    print(scenario.text("shows", "fr").strip())
    print()

# %% [markdown]
# Les « choses à essayer » d'un scénario donnent des pistes pour la classe, dont au moins une qui cherche où la
# stratégie échoue ou ce qu'elle coûte :

# %%
print(alliance.text("try", "fr").strip())

# %% [markdown]
# ## 3. Lancer quelques répétitions
#
# `compare` (de `sim.studies`, la fonction qu'utilise aussi la commande `centaure compare`) lance plusieurs
# simulations de chaque scénario. Elle renvoie les simulations (`runs` : une ligne par semaine et par
# répétition, une colonne par indicateur) et leur résumé (`summary`, plus bas). Les **mêmes graines** servent
# aux deux scénarios : la répétition 0 de `npm` et la répétition 0 de `alliance` partent du même territoire,
# tiré au même hasard. Les différences viennent donc des leviers, pas du tirage.
#
# `with_changes` modifie les paramètres d'un scénario par leur nom technique (ceux de `sim/params.py` et de
# `docs/scenarios.md`) : ici la taille du territoire et la durée.

# %%
comparaison = compare(
    {
        nom: scenario.with_changes(weeks=SEMAINES, **PETIT_TERRITOIRE)
        for nom, scenario in (("npm", npm), ("alliance", alliance))
    },
    REPETITIONS,
)
simulations = comparaison.runs

simulations[["scenario", "replicate", "week", "engagement", "annual_turnover", "non_recourse"]].tail()

# %% [markdown]
# ## 4. Les courbes dans le temps, avec leurs intervalles de confiance
#
# Pour chaque indicateur, la courbe est la moyenne des répétitions et la bande colorée son **intervalle de
# confiance à 95 %**. Quand les bandes de deux scénarios se chevauchent, la différence peut n'être que du
# bruit ; quand elles sont bien séparées, le scénario y est pour quelque chose (dans ce modèle, avec ses
# hypothèses).

# %%
bandes = trajectory_bands(simulations, HEADLINE)
titres = {nom: scenarios.load(nom).text("title", "fr") for nom in comparaison.scenarios}
figure = trajectories_figure(bandes, HEADLINE, lang="fr", labels=titres)
display(figure)

# %% [markdown]
# Pour comparer les scénarios d'un coup d'œil, `comparaison.summary` résume chaque répétition par la
# **moyenne de sa dernière année**, puis fait la moyenne des répétitions avec son intervalle de confiance
# (c'est ce qu'affiche `centaure --lang fr compare npm alliance`).

# %%
resume = comparaison.summary
tableau = resume.assign(
    indicateur=resume["indicator"].map(en_francais),
    valeur=resume.apply(
        lambda r: f"{fixed(r['mean'], 'fr')} [{fixed(r['ci_low'], 'fr')}\u202f; {fixed(r['ci_high'], 'fr')}]", axis=1
    ),
)
tableau.pivot(index="indicateur", columns="scenario", values="valeur").loc[
    [en_francais(n) for n in HEADLINE], comparaison.scenarios
].rename_axis(columns="moyenne de la dernière année [IC 95 %]")

# %% [markdown]
# **À discuter.** Dans le modèle, le temps libéré du reporting, la reconnaissance venue des personnes et
# l'autonomie sont des *ressources* qui nourrissent l'engagement, et le reporting une *exigence* qui épuise
# (le modèle exigences-ressources, `docs/ODD.md` §6.8). Regardez le tableau et les courbes : sur quels
# indicateurs les deux scénarios se distinguent-ils vraiment, intervalles compris ? Quelle cause de
# non-recours bouge le moins, et quel mécanisme pourrait l'expliquer ? (Piste de l'essai : sans aller-vers,
# une part des « invisibles » peut rester en non-connaissance.)

# %% [markdown]
# ## 5. L'aller-vers : déplacer le guichet ?
#
# « Aller-vers ne consiste pas à simplement déplacer le guichet », écrit Janvier. Le levier étudié ici est
# celui-ci (libellé et aide tirés du catalogue bilingue du modèle, lus par `sim.i18n`) :

# %%
aide = npm.params.specs()["outreach_share"]
print(f"{label(aide, 'fr')} (outreach_share) : {help_text(aide, 'fr')}")

# %% [markdown]
# Dans cette version du modèle, chaque personne rencontrée apprend ses droits et gagne un peu de confiance ;
# c'est une **hypothèse** (`docs/ODD.md` §6.4), pas une observation. Mais ces heures sont prises sur le
# face-à-face. Une personne rencontrée qui demande de l'aide n'est accompagnée que s'il reste de la place ;
# sinon elle attend, ou abandonne. La question : l'aller-vers fait-il baisser le non-recours, ou fait-il
# passer des personnes de la non-connaissance à la non-réception ?
#
# On fait varier le temps d'aller-vers de 0 à 30 % du temps de travail, dans deux territoires :
#
# * `npm`, où le reporting prend une grande part du temps de travail ;
# * `alliance`, où la pression du reporting est plus faible et l'évaluation co-construite, mais où la
#   participation prend, elle aussi, du temps de travail (comparez la colonne `face_to_face_share`).
#
# Un seul appel à `compare` lance les huit cas, trois répétitions chacun (les mêmes graines pour tous), et
# résume la dernière année de chacun.

# %%
CAUSES = ["non_connaissance", "non_demande", "non_reception"]
TEMPS_ALLER_VERS = [0.0, 0.1, 0.2, 0.3]
CAS = {(nom, part): f"{nom}, aller-vers {part:.0%}" for nom in ("npm", "alliance") for part in TEMPS_ALLER_VERS}

etude = compare(
    {
        etiquette: scenarios.load(nom).with_changes(weeks=SEMAINES, outreach_share=part, **PETIT_TERRITOIRE)
        for (nom, part), etiquette in CAS.items()
    },
    3,
    indicators=[*CAUSES, "non_recourse", "waiting_list", "face_to_face_share"],
)
moyennes = etude.summary.pivot(index="scenario", columns="indicator", values="mean")
arbitrage = moyennes.loc[list(CAS.values()), list(etude.indicators)]
arbitrage.index = pd.MultiIndex.from_tuples(CAS, names=["scenario", "outreach_share"])
arbitrage = arbitrage.reset_index().rename_axis(columns=None)
arbitrage.round(3)

# %% [markdown]
# Le même tableau en image : chaque barre est le non-recours de la dernière année, empilé selon ses trois
# causes. (Les intervalles de confiance de chaque cas sont dans `etude.summary` : avec trois répétitions, ils
# sont larges.)

# %%
couleurs = ["#9ecae1", "#fdae6b", "#de2d26"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, nom in zip(axes, ["npm", "alliance"], strict=True):
    donnees = arbitrage[arbitrage["scenario"] == nom].set_index("outreach_share")[CAUSES]
    donnees.index = [f"{p:.0%}" for p in donnees.index]
    donnees.rename(columns=en_francais).plot.bar(stacked=True, ax=ax, color=couleurs, rot=0, legend=False)
    ax.set_title(scenarios.load(nom).text("title", "fr"), fontsize=10)
    ax.set_xlabel("Temps d'aller-vers (part du temps de travail)")
    ax.grid(axis="y", alpha=0.3)
axes[0].set_ylabel("Non-recours (part des personnes en besoin)")
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Ce qu'il faut regarder.** Dans chaque territoire, quand le temps d'aller-vers augmente : que devient la
# non-connaissance ? la non-réception et la liste d'attente ? le non-recours total baisse-t-il, ou a-t-on
# « déplacé le guichet » ? Les deux territoires réagissent-ils de la même façon, et qu'est-ce qui, dans leurs
# leviers, pourrait expliquer une différence ? Comme le dit l'essai, l'aller-vers « gagnera à se fonder sur une
# théorie documentée de l'alliance ». Gardez en tête que tout cela dépend des hypothèses du modèle : par
# exemple, qu'une rencontre informe toujours la personne de ses droits.
#
# **Questions pour la classe.** Que faudrait-il changer *en même temps* que l'aller-vers dans le territoire
# `npm` ? Essayez de baisser la pression du reporting : ajoutez `reporting_pressure=0.2` à l'appel
# `with_changes(...)` de la cellule du tableau, puis relancez les deux cellules.
# Que coûte l'aller-vers, même sous l'alliance ? (Regardez la colonne `face_to_face_share`, le temps de
# face-à-face.)

# %% [markdown]
# ## 6. Passer à l'échelle
#
# Les chiffres de ce carnet viennent d'un petit territoire, sur trois ans, avec peu de répétitions : les
# intervalles de confiance sont larges. Pour un cours ou une présentation :
#
# * enlevez `**PETIT_TERRITOIRE` (le territoire de référence : 5 000 personnes, 200 postes, 8 organisations),
#   mettez `SEMAINES = 520` (dix ans) et `REPETITIONS = 10` ou plus ; comptez alors quelques minutes ;
# * ou, dans un terminal, la même comparaison en une ligne :
#   `centaure --lang fr compare npm alliance --replicates 10`
#   (elle écrit un tableau et les courbes dans `results/compare/`) ;
# * pour les autres scénarios (`aller_vers`, `centaure`, `austerity`, `reform_alliance`) et une séquence de
#   cours complète, voir `docs/scenarios.md` ; pour manipuler les leviers en direct, `centaure dashboard`.
