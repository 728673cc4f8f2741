"""Experiment files (``experiments/*.toml``): read, validate strictly, and plan every run.

An experiment::

    title = "Reporting x participation x outreach"
    scenarios = ["npm"]            # base scenario(s): shipped names or paths (relative to this file)
    design = "grid"                # grid | lhs | sobol | morris
    samples = 256                  # lhs: points; sobol: base sample N (a power of two); morris: trajectories
    replicates = 5
    seed = 20251114                # root entropy of every seed (numpy SeedSequence)
    seeds = "common"               # common: replicate r has the same seed at every point; or independent
    weeks = 520                    # horizon
    every = 4                      # record the indicators every 4 weeks (and the last week)
    indicators = ["engagement", "annual_turnover", "non_recourse"]
    output = "results/my_experiment"
    batch = 1                      # runs per Dask task (raise it for very fast run functions)
    posterior = "shipped"          # shipped | none | a posterior.parquet path: with 2 replicates or more, replicate r
                                   # runs with posterior draw r for the calibrated parameters the scenario and the
                                   # design leave at their defaults (intervals then cover posterior draws x seeds)
    run = "sim.batch.tasks:centaure_run"   # optional: another importable run function

    [levers]                       # what varies: any parameter of sim/params.py
    reporting_pressure = [0.1, 0.6]                      # a range [low, high] (numbers)
    participation_level = [0, 7]                         # an integer range
    intake_priority = ["greatest_need", "easiest_first"] # a list of values
    budget_growth = { values = [-0.02, 0.0, 0.02] }      # explicit values (any number of them)
    outreach_share = { low = 0.0, high = 0.3, levels = 4 }  # a range with its own grid levels

    [fixed]                        # parameters held at one value in every run (on top of the scenario)
    n_users = 2000

    [grid]                         # options of the chosen design only
    levels = 3                     # grid: levels of each range (default 3)
    # [sobol] second_order = false (default true)   [morris] levels = 4

    [analysis]
    precision = 0.05               # replicate check: target 95% CI half-width, relative to the mean
    differences = [["alliance", "npm"]]  # paired differences between scenarios, analysed like a scenario

The file's shape is one declarative schema (:data:`EXPERIMENT_FILE`, read by
:mod:`sim.schema`); what a schema cannot say is checked after it: lever and
fixed values through the parameter declarations of the run function
(:mod:`sim.params` for Centaure), the rules of each design (a Sobol N is a
power of two, a grid has no sample size), and the size of the design, from
its arithmetic, before anything is built. Every problem is one line naming the
file, the field and what is allowed (:class:`ExperimentError`, which the
``centaure`` command prints without a traceback).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import sim
from sim import posterior as posterior_draws
from sim import scenarios as scenario_files
from sim import schema
from sim.batch import designs
from sim.batch.designs import DESIGNS, Factor
from sim.batch.tasks import DEFAULT_RUN, RunFunction, RunSpec, resolve, run_id
from sim.errors import CentaureError, ExperimentError
from sim.io import read_text
from sim.params import Params, Spec, levers, suggest

SEED_MODES = ("common", "independent")
SHIPPED_POSTERIOR, NO_POSTERIOR = "shipped", "none"
DEFAULT_SEED = 20251114
DEFAULT_SCENARIOS = ("npm",)
DEFAULT_PRECISION = 0.05
MAX_LEVELS = 101
MAX_REPLICATES = 100_000
MAX_BATCH = 100_000
MAX_RUNS = 1_000_000
"""Largest plan (design points x scenarios x replicates): the plan and the manifest of a million runs
already take a few GiB of memory, and a million runs of the model take days even on a cluster."""
SAMPLES = {
    "lhs": (1, "the number of Latin-hypercube points"),
    "sobol": (2, "the Sobol base sample N, a power of two such as 256 or 512"),
    "morris": (2, "the number of Morris trajectories"),
}
"""Per sampled design: the smallest sample size and what ``samples`` means."""
PAIR = 'a pair ["scenario", "baseline"] of two different scenarios of the experiment'
EXAMPLE_DIFFERENCES = '[["alliance", "npm"], ["aller_vers", "npm"]]'


def _design_options(design: str, fields: dict[str, schema.Field]) -> schema.Table:
    return schema.Table(
        fields=fields,
        unknown=f"unknown option of a {design} design",
        allowed=f"a table of {design} options",
        default=None,  # absent: the options' defaults (read from an empty table)
    )


DESIGN_OPTIONS = {
    "grid": _design_options("grid", {"levels": schema.Integer(low=2, high=MAX_LEVELS, default=3)}),
    "lhs": _design_options("lhs", {}),
    "sobol": _design_options("sobol", {"second_order": schema.Boolean(default=True)}),
    "morris": _design_options(
        "morris", {"levels": schema.Integer(low=2, high=20, allowed="an even integer from 2 to 20", default=4)}
    ),
}
"""The options table of each design (``[grid]``, ``[sobol]``, ...), with their defaults."""

LEVER_TABLE = schema.Table(
    fields={
        "low": schema.Field(default=None),
        "high": schema.Field(default=None),
        "levels": schema.Integer(low=2, high=MAX_LEVELS, default=None),
        "values": schema.Field(default=None),
    },
    allowed="a table of low, high (and levels), or of values",
)
"""A lever given as a table: ``{ low = 0, high = 0.3, levels = 4 }`` or ``{ values = [...] }``."""

EXPERIMENT_FILE = schema.Table(
    fields={
        "title": schema.Text(default=""),
        "description": schema.Text(default=""),
        "scenarios": schema.ListOf(
            item=schema.Text(nonempty=True, allowed="a shipped scenario name or a .toml path"),
            min_items=1,
            allowed='a list of shipped scenario names or .toml paths, e.g. ["npm"]',
            default=None,
        ),
        "design": schema.Choice(options=DESIGNS, default="grid"),
        "samples": schema.Integer(low=1, high=MAX_RUNS, default=None),
        "replicates": schema.Integer(low=1, high=MAX_REPLICATES, default=1),
        "seed": schema.Integer(
            low=0, high=2**63 - 1, allowed="a non-negative integer (the root entropy)", default=DEFAULT_SEED
        ),
        "seeds": schema.Choice(options=SEED_MODES, default="common"),
        "weeks": schema.Field(allowed="the horizon in weeks, e.g. weeks = 520 (ten years)", default=schema.MISSING),
        "every": schema.Field(allowed="an integer from 1 to weeks", default=1),
        "indicators": schema.ListOf(
            item=schema.Text(allowed="an indicator name"),
            min_items=1,
            allowed="a non-empty list of indicator names",
            default=None,
        ),
        "output": schema.Text(nonempty=True, allowed="a folder path", default=None),
        "batch": schema.Integer(low=1, high=MAX_BATCH, default=1),
        "posterior": schema.Text(
            nonempty=True, allowed='"shipped", "none" or the path of a posterior.parquet', default=SHIPPED_POSTERIOR
        ),
        "run": schema.Text(allowed="an importable 'module:function'", default=DEFAULT_RUN),
        "levers": schema.TableOf(allowed="a table of lever = [low, high] or lever = [value, value, ...]", default={}),
        "fixed": schema.TableOf(allowed="a table of parameter = value", default={}),
        **DESIGN_OPTIONS,
        "analysis": schema.Table(
            fields={
                "precision": schema.Number(
                    low=0, high=1, open=True, allowed="a number above 0 and below 1", default=DEFAULT_PRECISION
                ),
                "differences": schema.ListOf(
                    item=schema.ListOf(item=schema.Text(nonempty=True, allowed="a scenario name"), allowed=PAIR),
                    allowed=f"a list of pairs, e.g. {EXAMPLE_DIFFERENCES}",
                    default=[],
                ),
            },
            unknown="unknown option",
            allowed="a table of analysis options",
            default={"precision": DEFAULT_PRECISION, "differences": []},
        ),
    },
)
"""The experiment file format; values of parameters are checked by the run function's declarations."""


def experiment_dir() -> Path:
    """Folder of the shipped experiments (packaged copy first, then the source tree)."""
    packaged = Path(sim.__file__).parent / "experiments_data"
    return packaged if packaged.is_dir() else Path(sim.__file__).resolve().parent.parent / "experiments"


CALIBRATION_FILES = "calibrate_*.toml"
"""Shipped calibrations (sim.batch.calibrate) live beside the experiments under this pattern."""


def shipped() -> dict[str, Path]:
    """Shipped experiment names and their files (calibrations are not experiments)."""
    calibrations = set(experiment_dir().glob(CALIBRATION_FILES))
    return {p.stem: p for p in sorted(experiment_dir().glob("*.toml")) if p not in calibrations}


def read_named(name_or_path: str | Path, names: dict[str, Path], what: str) -> tuple[Path, str]:
    """(path, text) of a shipped file by name or of a file by path; one-line ExperimentError otherwise."""
    text_name = str(name_or_path)
    if text_name in names and not Path(text_name).exists():
        path = names[text_name]
    else:
        path = Path(text_name)
        if not path.exists():
            raise ExperimentError(f"{text_name}: no such {what} file; shipped {what}s: {', '.join(names) or 'none'}")
    try:
        return path, read_text(path, f"TOML {what} file")
    except CentaureError as err:
        raise err.located(kind=ExperimentError) from None


@dataclass(frozen=True)
class Document:
    """A file's fields as its schema read them, where they come from and the name of what they describe."""

    fields: dict[str, Any]
    where: str
    name: str

    @contextmanager
    def checking(self) -> Iterator[None]:
        """Semantic checks of the fields: an error they raise is placed in the file, as an ExperimentError."""
        try:
            yield
        except CentaureError as err:
            raise err.located(self.where, kind=ExperimentError) from None


def read_document(text: str, path: Path | None, name: str | None, what: str, table: schema.Table) -> Document:
    """The TOML text of a ``what`` file checked against ``table``; one-line ExperimentError otherwise."""
    where = str(path) if path else f"<{name or what}>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ExperimentError(f"not valid TOML: {err}", where=where) from None
    return Document(schema.read(table, data, where, ExperimentError), where, name or (path.stem if path else what))


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: what varies, how it is sampled, and what is recorded."""

    name: str
    text: str
    path: Path | None
    title: str
    description: str
    run: RunFunction
    scenarios: tuple[scenario_files.Scenario, ...]
    design: str
    samples: int | None
    options: dict[str, Any]
    factors: tuple[Factor, ...]
    fixed: dict[str, Any]
    replicates: int
    seed: int
    seeds: str
    weeks: int
    every: int
    indicators: tuple[str, ...]
    output: Path
    batch: int
    analysis: dict[str, Any] = field(default_factory=dict)
    posterior: posterior_draws.Posterior | None = None  # replicate r runs with draw r of it (see draws())

    @property
    def where(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"

    @property
    def scenario_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scenarios) if self.scenarios else ("base",)

    @property
    def n_points(self) -> int:
        """Design points, from the design's arithmetic (nothing is built)."""
        return designs.size(self.design, self.factors, self.samples, self.options)

    @property
    def planned(self) -> int:
        """Planned runs: design points x scenarios x replicates (some may share one distinct run)."""
        return self.n_points * len(self.scenario_names) * self.replicates

    def sample(self) -> np.ndarray:
        """The design matrix in raw space (one row per design point)."""
        return designs.sample(self.design, self.factors, self.samples, self.seed, self.options)

    def points(self, sample: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Lever values of every design point."""
        sample = self.sample() if sample is None else sample
        return [designs.values(self.factors, row) for row in sample]

    def base_sets(self) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Per scenario: the full parameter dict (with ``[fixed]`` and ``weeks``) and its reforms."""
        if not self.run.uses_scenarios:
            values = {name: spec.default for name, spec in self.run.specs.items()}
            values.update(self.fixed)
            if "weeks" in self.run.specs:
                values["weeks"] = self.weeks
            return {"base": (values, [])}
        out = {}
        for scenario in self.scenarios:
            try:
                params = scenario.with_changes(**self.fixed, weeks=self.weeks).params
            except CentaureError as err:
                raise ExperimentError(f"scenarios: {scenario.name}: {err}", where=self.where) from None
            reforms = [{"week": r.week, "levers": dict(r.changes)} for r in scenario.reforms]
            out[scenario.name] = (params.as_dict(), reforms)
        return out

    def draws(self) -> list[dict[str, Any]]:
        """One posterior draw per replicate (systematic resampling from the experiment's seed), or none.

        None with a single replicate: one draw would put every run at one particle of the posterior rather
        than at the calibrated defaults (its medians), and no interval could show the spread.
        """
        if self.posterior is None or self.replicates < 2:
            return []
        return posterior_draws.draws(self.posterior, self.replicates, self.seed)

    def replicate_bases(self, base: dict[str, Any]) -> list[dict[str, Any]]:
        """Per replicate, the scenario's parameters with that replicate's posterior draw.

        A draw sets only the calibrated parameters the scenario keeps at their default and the design does
        not vary (:func:`sim.posterior.apply`'s rule): the same draw for replicate r at every design point
        and in every scenario, as the seeds are common (parameter uncertainty as common random numbers).
        """
        draws = self.draws()
        if not draws:
            return [base] * self.replicates
        defaults, varied = Params().as_dict(), {f.name for f in self.factors}
        free = [n for n in draws[0] if n not in varied and base[n] == defaults[n]]
        return [{**base, **{n: draw[n] for n in free}} for draw in draws]

    def plan(self, sample: np.ndarray | None = None, progress: Callable[[int], None] | None = None) -> list[RunSpec]:
        """Every run: scenarios x design points x replicates, with its parameters, seed and id.

        ``progress(1)`` is called after each design point of each scenario
        (:attr:`n_points` x scenarios calls in all), e.g. a progress bar's
        ``update``. Raises ExperimentError for the first design point whose
        parameters are inconsistent (e.g. fewer workers than organisations).
        """
        points = self.points(sample)
        runs = []
        version = sim.__version__
        for scenario, (base, reforms) in self.base_sets().items():
            checked = Params.from_mapping(base) if self.run.uses_scenarios else None
            bases = self.replicate_bases(base)
            for point, varied in enumerate(points):
                self._check_point(checked, varied, scenario, point)
                for replicate, drawn in enumerate(bases):
                    params = {**drawn, **varied}
                    key = (replicate,) if self.seeds == "common" else (point, replicate)
                    rid = run_id(
                        params,
                        self.seed,
                        key,
                        version,
                        run=self.run.path,
                        reforms=reforms,
                        weeks=self.weeks,
                        every=self.every,
                        indicators=self.indicators,
                    )
                    runs.append(RunSpec(rid, scenario, point, replicate, varied, drawn, self.seed, key, reforms))
                if progress:
                    progress(1)
        return runs

    def _check_point(self, checked: Params | None, varied: dict[str, Any], scenario: str, point: int) -> None:
        """Check the parameters of a design point together (each value alone is valid by its declaration)."""
        if checked is None:  # a run function without scenarios has no rules between its parameters
            return
        try:
            Params.from_mapping(varied, base=checked)
        except CentaureError as err:
            shown = ", ".join(f"{k}={v!r}" for k, v in varied.items())
            raise ExperimentError(
                f"levers: design point {point} ({shown}) of scenario {scenario} is invalid: {err.detail}",
                where=self.where,
            ) from None

    def column_dtypes(self) -> dict[str, str]:
        """Column dtype of each varied parameter in the stored table."""
        out = {}
        for f in self.factors:
            kind = self.run.specs[f.name].kind
            out[f.name] = {float: "float64", int: "int64", bool: "bool", str: "string"}[kind]
        return out


# ---------------------------------------------------------------------------- loading
def load(name_or_path: str | Path) -> Experiment:
    """Load a shipped experiment by name or an experiment file by path; raise ExperimentError."""
    path, text = read_named(name_or_path, shipped(), "experiment")
    return loads(text, path=path)


def loads(text: str, path: Path | None = None, name: str | None = None) -> Experiment:
    """Validate the text of an experiment file."""
    doc = read_document(text, path, name, "experiment", EXPERIMENT_FILE)
    with doc.checking():
        experiment = _experiment(doc.fields, text, path, doc.name)
    experiment.base_sets()  # the scenarios with [fixed] and weeks: checked together, now
    return experiment


def _experiment(doc: dict[str, Any], text: str, path: Path | None, name: str) -> Experiment:
    """The semantic checks a schema cannot express, on a document that follows EXPERIMENT_FILE."""
    run = _run_function(doc["run"])
    design = doc["design"]
    factors = _factors(doc["levers"], run.specs, design)
    weeks = _weeks(doc["weeks"], run)
    experiment = Experiment(
        name=name,
        text=text,
        path=path,
        title=doc["title"],
        description=doc["description"],
        run=run,
        scenarios=_scenarios(doc["scenarios"], run, path),
        design=design,
        samples=_samples(doc["samples"], design),
        options=_options(doc, design),
        factors=factors,
        fixed=_fixed(doc["fixed"], run.specs, {f.name for f in factors}),
        replicates=doc["replicates"],
        seed=doc["seed"],
        seeds=doc["seeds"],
        weeks=weeks,
        every=schema.Integer(low=1, high=weeks, allowed=f"an integer from 1 to weeks = {weeks}").read(
            doc["every"], "every"
        ),
        indicators=_indicators(doc["indicators"], run),
        output=Path(doc["output"] or f"results/{name}"),
        batch=doc["batch"],
        analysis=doc["analysis"],
        posterior=_posterior(doc["posterior"], run, path),
    )
    _differences(experiment.analysis["differences"], experiment.scenario_names, run)
    if experiment.planned > MAX_RUNS:
        raise _fail(
            "design",
            f"{experiment.n_points:_} design points x {len(experiment.scenario_names)} scenario(s)"
            f" x {experiment.replicates} replicate(s) = {experiment.planned:_} runs; at most {MAX_RUNS:_}"
            " are allowed (fewer levels, samples, scenarios or replicates)",
        )
    return experiment


def _fail(path: str, message: str) -> ExperimentError:
    return ExperimentError(f"{path}: {message}", field=path)


def _run_function(path: str) -> RunFunction:
    try:
        return resolve(path)
    except CentaureError as err:
        raise _fail("run", err.detail) from None


def _posterior(entry: str, run: RunFunction, path: Path | None) -> posterior_draws.Posterior | None:
    """The posterior whose draws the replicates run with: the shipped one by default (none if none is shipped)."""
    if entry == NO_POSTERIOR or (entry == SHIPPED_POSTERIOR and not run.uses_scenarios):
        return None
    if not run.uses_scenarios:
        raise _fail("posterior", f"the run function {run.path} takes no scenarios: its parameters have no posterior")
    if entry == SHIPPED_POSTERIOR:
        return posterior_draws.shipped()
    target = Path(entry) if Path(entry).is_absolute() or path is None else path.parent / entry
    try:
        return posterior_draws.read(target)
    except CentaureError as err:
        raise _fail("posterior", err.detail) from None


def _scenarios(entries: list[str] | None, run: RunFunction, path: Path | None) -> tuple[scenario_files.Scenario, ...]:
    if not run.uses_scenarios:
        if entries is not None:
            raise _fail("scenarios", f"the run function {run.path} takes no scenarios; remove this key")
        return ()
    out, names = [], set()
    for entry in entries or DEFAULT_SCENARIOS:
        target = entry
        if entry not in scenario_files.shipped() and path is not None and not Path(entry).is_absolute():
            target = str(path.parent / entry)
        try:
            scenario = scenario_files.load(target)
        except CentaureError as err:
            raise _fail("scenarios", str(err)) from None
        if scenario.name in names:
            raise _fail("scenarios", f"{entry!r}: a second scenario named {scenario.name!r}; names must differ")
        names.add(scenario.name)
        out.append(scenario)
    return tuple(out)


def _spec(section: str, name: str, specs: Mapping[str, Spec]) -> Spec:
    """The declaration of parameter ``name`` of ``[levers]`` or ``[fixed]``."""
    path = f"{section}.{name}"
    spec = specs.get(name)
    if spec is None:
        raise _fail(path, f"unknown parameter{suggest(name, specs)}; allowed: {_known(specs)}")
    if name == "weeks":
        raise _fail(path, "the horizon is the same in every run: set it with the top-level key weeks")
    return spec


def _factors(table: dict[str, Any], specs: Mapping[str, Spec], design: str) -> tuple[Factor, ...]:
    if design != "grid" and not table:
        raise _fail("levers", f"a {design} design needs at least one lever to vary")
    return tuple(_factor(name, value, _spec("levers", name, specs), design) for name, value in table.items())


def _factor(name: str, value: Any, spec: Spec, design: str) -> Factor:
    path = f"levers.{name}"
    numeric = spec.kind in (int, float) and not spec.choices
    form = "[low, high] or a list of values" if numeric else f"a list of values, each {spec.allowed()}"
    if isinstance(value, dict):
        table = LEVER_TABLE.read(value, path)
        ranged = [k for k in ("low", "high", "levels") if table[k] is not None]
        if table["values"] is not None:
            if ranged:
                raise _fail(path, "give either values = [...] or low, high (and levels), not both")
            return _values_factor(path, name, table["values"], spec)
        if not numeric:
            raise _fail(path, f"{spec.name} is not a number: expected {form}")
        if table["low"] is None or table["high"] is None:
            raise _fail(path, "a range needs both low and high")
        if table["levels"] is not None and design != "grid":
            raise _fail(f"{path}.levels", f"grid levels mean nothing to a {design} design; remove it")
        return _range_factor(path, name, table["low"], table["high"], spec, table["levels"])
    if not isinstance(value, list):
        raise _fail(path, f"{value!r}: a varied lever takes {form}; put a fixed value in [fixed]")
    if numeric and len(value) == 2 and all(_is_number(v) for v in value):
        return _range_factor(path, name, value[0], value[1], spec, None)
    return _values_factor(path, name, value, spec)


def _range_factor(path: str, name: str, low: Any, high: Any, spec: Spec, levels: int | None) -> Factor:
    checked = []
    for end, v in (("low", low), ("high", high)):
        try:
            checked.append(spec.check(v))
        except CentaureError:
            raise _fail(path, f"{end} {v!r} is invalid: expected {spec.allowed()}") from None
    low, high = checked
    if not low < high:
        raise _fail(path, f"[{low!r}, {high!r}]: expected low < high, each {spec.allowed()}")
    return Factor(name, "integer" if spec.kind is int else "real", low, high, levels=levels)


def _values_factor(path: str, name: str, values: Any, spec: Spec) -> Factor:
    if not isinstance(values, list) or len(values) < 2:
        raise _fail(
            path,
            f"{values!r}: expected a list of at least two values, each {spec.allowed()}; a single value goes in [fixed]",
        )
    checked = []
    for v in values:
        try:
            checked.append(spec.check(v))
        except CentaureError:
            raise _fail(path, f"value {v!r} is invalid: expected {spec.allowed()}") from None
    if len(set(checked)) != len(checked):
        raise _fail(path, f"{values!r}: values must differ")
    return Factor(name, "values", values=tuple(checked))


def _fixed(table: dict[str, Any], specs: Mapping[str, Spec], varied: set[str]) -> dict[str, Any]:
    out = {}
    for name, value in table.items():
        spec = _spec("fixed", name, specs)
        if name in varied:
            raise _fail(f"fixed.{name}", f"{name} is also in [levers]; a parameter is either varied or fixed")
        try:
            out[name] = spec.check(value)
        except CentaureError:
            raise _fail(f"fixed.{name}", f"{value!r}: expected {spec.allowed()}") from None
    return out


def _options(doc: dict[str, Any], design: str) -> dict[str, Any]:
    for other in DESIGNS:
        if other != design and doc[other] is not None:
            raise _fail(other, f"options of a {other} design, but design = {design!r}; remove this table")
    options = DESIGN_OPTIONS[design].read(doc[design] or {}, design)
    if design == "morris" and options["levels"] % 2:
        raise DESIGN_OPTIONS["morris"].fields["levels"].fail(options["levels"], "morris.levels")
    return options


def _samples(n: int | None, design: str) -> int | None:
    if design == "grid":
        if n is not None:
            raise _fail("samples", "a grid design has no sample size (its size is the product of the levels)")
        return None
    low, what = SAMPLES[design]
    if n is None:
        raise _fail("samples", f"missing: expected {what}")
    if n < low:
        raise _fail("samples", f"{n}: expected an integer of at least {low}: {what}")
    if design == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise _fail("samples", f"{n} is not a power of two: a Sobol design needs N = 2^k (e.g. {lower} or {2 * lower})")
    return n


def _differences(pairs: list[list[str]], scenarios: tuple[str, ...], run: RunFunction) -> None:
    """Each pair of ``[analysis] differences`` names two different scenarios of the experiment, once."""
    if pairs and not run.uses_scenarios:
        raise _fail("analysis.differences", f"the run function {run.path} takes no scenarios to subtract; remove it")
    seen = set()
    for n, pair in enumerate(pairs):
        path = f"analysis.differences[{n}]"
        if len(pair) != 2 or pair[0] == pair[1]:
            raise _fail(path, f"{pair!r}: expected {PAIR}")
        for name in pair:
            if name not in scenarios:
                raise _fail(
                    path,
                    f"{name!r} is not a scenario of this experiment{suggest(name, scenarios)}; scenarios: {', '.join(scenarios)}",
                )
        if tuple(pair) in seen:
            raise _fail(path, f"{pair!r} is given twice")
        seen.add(tuple(pair))


def _weeks(value: Any, run: RunFunction) -> int:
    spec = run.specs.get("weeks")
    if spec is None:
        return schema.Integer(low=1).read(value, "weeks")
    return spec.check(value)  # its error names weeks and what is allowed


def _indicators(names: list[str] | None, run: RunFunction) -> tuple[str, ...]:
    if names is None:
        return tuple(run.headline)
    known = schema.Choice(options=run.indicators)
    for n, name in enumerate(names):
        known.read(name, f"indicators[{n}]")
    if len(set(names)) != len(names):
        raise _fail("indicators", "each indicator may appear only once")
    return tuple(names)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _known(specs: Mapping[str, Spec]) -> str:
    """Short list of allowed names: the levers first, then a pointer to the rest."""
    if specs is Params.specs():
        names = list(levers())
        return ", ".join(names) + f", or any other parameter of sim/params.py ({len(specs)} in all)"
    return ", ".join(specs)
