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

Every problem is one line naming the file, the field and what is allowed
(:class:`ExperimentError`, which the ``centaure`` command prints without a traceback).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import sim
from sim import scenarios as scenario_files
from sim.batch import designs
from sim.batch.designs import DESIGNS, Factor
from sim.batch.tasks import DEFAULT_RUN, RunFunction, RunFunctionError, RunSpec, resolve, run_id
from sim.errors import CentaureError, ExperimentError
from sim.params import ParameterError, Params, Spec, levers

TOP_KEYS = (
    "title",
    "description",
    "scenarios",
    "design",
    "samples",
    "replicates",
    "seed",
    "seeds",
    "weeks",
    "every",
    "indicators",
    "output",
    "batch",
    "run",
    "levers",
    "fixed",
    "analysis",
    *DESIGNS,
)
DESIGN_OPTIONS: dict[str, dict[str, tuple[type, Any, str]]] = {
    "grid": {"levels": (int, 3, "an integer from 2 to 101")},
    "lhs": {},
    "sobol": {"second_order": (bool, True, "true or false")},
    "morris": {"levels": (int, 4, "an even integer from 2 to 20")},
}
ANALYSIS_OPTIONS = {"precision": (float, 0.05, "a number above 0 and below 1")}
SEED_MODES = ("common", "independent")
DEFAULT_SEED = 20251114
MAX_RUNS = 10_000_000


def experiment_dir() -> Path:
    """Folder of the shipped experiments (packaged copy first, then the source tree)."""
    packaged = Path(sim.__file__).parent / "experiments_data"
    return packaged if packaged.is_dir() else Path(sim.__file__).resolve().parent.parent / "experiments"


def shipped() -> dict[str, Path]:
    """Shipped experiment names and their files."""
    return {p.stem: p for p in sorted(experiment_dir().glob("*.toml"))}


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

    @property
    def where(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"

    @property
    def scenario_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scenarios) if self.scenarios else ("base",)

    def sample(self) -> np.ndarray:
        """The design matrix in raw space (one row per design point)."""
        return designs.sample(self.design, self.factors, self.samples, self.seed, self.options)

    def points(self, sample: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Lever values of every design point."""
        sample = self.sample() if sample is None else sample
        return [designs.values(self.factors, row) for row in sample]

    def base_sets(self) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Per scenario: the full parameter dict (with ``[fixed]`` and ``weeks``) and its reforms."""
        out = {}
        if not self.run.uses_scenarios:
            values = {name: spec.default for name, spec in self.run.specs.items()}
            values.update(self.fixed)
            if "weeks" in self.run.specs:
                values["weeks"] = self.weeks
            return {"base": (values, [])}
        for scenario in self.scenarios:
            try:
                params = scenario.with_changes(**self.fixed, weeks=self.weeks).params
            except CentaureError as err:
                raise ExperimentError(f"{self.where}: scenarios: {scenario.name}: {err}") from None
            reforms = [{"week": r.week, "levers": dict(r.changes)} for r in scenario.reforms]
            out[scenario.name] = (params.as_dict(), reforms)
        return out

    def plan(self, sample: np.ndarray | None = None) -> list[RunSpec]:
        """Every run: scenarios x design points x replicates, with full parameters, seed and id.

        Raises ExperimentError for the first design point whose parameters are
        inconsistent (e.g. fewer workers than organisations).
        """
        points = self.points(sample)
        total = len(points) * len(self.scenario_names) * self.replicates
        if total > MAX_RUNS:
            raise ExperimentError(f"{self.where}: the design has {total:_} runs; at most {MAX_RUNS:_} are allowed")
        runs = []
        version = sim.__version__
        for scenario, (base, reforms) in self.base_sets().items():
            for point, varied in enumerate(points):
                params = self._point_params(base, varied, scenario, point)
                for replicate in range(self.replicates):
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
                    runs.append(RunSpec(rid, scenario, point, replicate, varied, params, self.seed, key, reforms))
        return runs

    def _point_params(self, base: dict[str, Any], varied: dict[str, Any], scenario: str, point: int) -> dict[str, Any]:
        if not self.run.uses_scenarios:
            return {**base, **varied}
        try:
            return Params.from_mapping(varied, base=Params.from_mapping(base)).as_dict()
        except ParameterError as err:
            shown = ", ".join(f"{k}={v!r}" for k, v in varied.items())
            raise ExperimentError(
                f"{self.where}: levers: design point {point} ({shown}) of scenario {scenario} is invalid: {err}"
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
    text_name = str(name_or_path)
    if text_name in shipped() and not Path(text_name).exists():
        path = shipped()[text_name]
    else:
        path = Path(text_name)
        if not path.exists():
            names = ", ".join(shipped()) or "none"
            raise ExperimentError(f"{text_name}: no such experiment file; shipped experiments: {names}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ExperimentError(f"{path}: cannot read: {err.strerror}") from None
    return loads(text, path=path)


def loads(text: str, path: Path | None = None, name: str | None = None) -> Experiment:
    """Validate the text of an experiment file."""
    where = str(path) if path else f"<{name or 'experiment'}>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ExperimentError(f"{where}: not valid TOML: {err}") from None
    return _Reader(data, where, path).experiment(text, name or (path.stem if path else "experiment"))


class _Reader:
    """Validates one parsed experiment document, field by field."""

    def __init__(self, data: dict[str, Any], where: str, path: Path | None) -> None:
        self.data, self.where, self.path = data, where, path

    def fail(self, key: str, message: str) -> ExperimentError:
        return ExperimentError(f"{self.where}: {key}: {message}")

    # ------------------------------------------------------------ scalars
    def string(self, key: str, default: str | None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {value!r}")
        return value

    def integer(self, key: str, default: int | None, low: int, high: int | None = None, what: str = "") -> int | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        allowed = what or (f"an integer from {low} to {high}" if high is not None else f"an integer of at least {low}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"{value!r}: expected {allowed}")
        if value < low or (high is not None and value > high):
            raise self.fail(key, f"{value!r}: expected {allowed}")
        return value

    def choice(self, key: str, default: str, allowed: Sequence[str]) -> str:
        value = self.data.get(key, default)
        if value not in allowed:
            raise self.fail(key, f"{value!r}: unknown; allowed: {', '.join(allowed)}")
        return value

    # ------------------------------------------------------------ the document
    def experiment(self, text: str, name: str) -> Experiment:
        for key in self.data:
            if key not in TOP_KEYS:
                raise self.fail(key, f"unknown key{_suggest(key, TOP_KEYS)}; allowed: {', '.join(TOP_KEYS)}")
        run = self.run_function()
        design = self.choice("design", "grid", DESIGNS)
        scenarios = self.scenarios(run)
        factors = self.factors(run, design)
        fixed = self.fixed(run, {f.name for f in factors})
        options = self.options(design)
        samples = self.samples(design, len(factors))
        weeks = self.weeks(run, scenarios)
        every = self.integer("every", 1, 1, weeks, f"an integer from 1 to weeks = {weeks}")
        return Experiment(
            name=name,
            text=text,
            path=self.path,
            title=self.string("title", "") or "",
            description=self.string("description", "") or "",
            run=run,
            scenarios=scenarios,
            design=design,
            samples=samples,
            options=options,
            factors=factors,
            fixed=fixed,
            replicates=self.integer("replicates", 1, 1, 100_000),
            seed=self.integer("seed", DEFAULT_SEED, 0, 2**63 - 1, "a non-negative integer (the root entropy)"),
            seeds=self.choice("seeds", "common", SEED_MODES),
            weeks=weeks,
            every=every,
            indicators=self.indicators(run),
            output=Path(self.string("output", f"results/{name}") or f"results/{name}"),
            batch=self.integer("batch", 1, 1, 100_000),
            analysis=self.analysis(),
        )

    def run_function(self) -> RunFunction:
        path = self.string("run", DEFAULT_RUN)
        try:
            return resolve(path)
        except RunFunctionError as err:
            raise self.fail("run", str(err)) from None

    def scenarios(self, run: RunFunction) -> tuple[scenario_files.Scenario, ...]:
        raw = self.data.get("scenarios")
        if not run.uses_scenarios:
            if raw is not None:
                raise self.fail("scenarios", f"the run function {run.path} takes no scenarios; remove this key")
            return ()
        raw = ["npm"] if raw is None else raw
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
            raise self.fail("scenarios", 'expected a list of shipped scenario names or .toml paths, e.g. ["npm"]')
        out, names = [], set()
        for entry in raw:
            target = entry
            if entry not in scenario_files.shipped() and self.path is not None and not Path(entry).is_absolute():
                target = str(self.path.parent / entry)
            try:
                scenario = scenario_files.load(target)
            except scenario_files.ScenarioError as err:
                raise self.fail("scenarios", str(err)) from None
            if scenario.name in names:
                raise self.fail("scenarios", f"{entry!r}: a second scenario named {scenario.name!r}; names must differ")
            names.add(scenario.name)
            out.append(scenario)
        return tuple(out)

    def factors(self, run: RunFunction, design: str) -> tuple[Factor, ...]:
        table = self.data.get("levers", {})
        if not isinstance(table, dict):
            raise self.fail("levers", "expected a table of lever = [low, high] or lever = [value, value, ...]")
        if design != "grid" and not table:
            raise self.fail("levers", f"a {design} design needs at least one lever to vary")
        return tuple(self.factor(name, value, run.specs, design) for name, value in table.items())

    def factor(self, name: str, value: Any, specs: Mapping[str, Spec], design: str) -> Factor:
        key = f"levers.{name}"
        spec = specs.get(name)
        if spec is None:
            raise self.fail(key, f"unknown parameter{_suggest(name, specs)}; allowed: {_known(specs)}")
        if name == "weeks":
            raise self.fail(key, "the horizon cannot vary; set the top-level key weeks")
        numeric = spec.kind in (int, float) and not spec.choices
        form = "[low, high] or a list of values" if numeric else f"a list of values, each {spec.allowed()}"
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"low", "high", "levels", "values"})
            if unknown:
                raise self.fail(f"{key}.{unknown[0]}", "unknown key; allowed: low, high, levels, or values")
            if "values" in value:
                if set(value) != {"values"}:
                    raise self.fail(key, "give either values = [...] or low, high (and levels), not both")
                return self.values_factor(key, name, value["values"], spec)
            if not numeric:
                raise self.fail(key, f"{spec.name} is not a number: expected {form}")
            if "low" not in value or "high" not in value:
                raise self.fail(key, "a range needs both low and high")
            levels = value.get("levels")
            if levels is not None:
                if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 101:
                    raise self.fail(f"{key}.levels", f"{levels!r}: expected an integer from 2 to 101")
                if design != "grid":
                    raise self.fail(f"{key}.levels", f"grid levels mean nothing to a {design} design; remove it")
            return self.range_factor(key, name, value["low"], value["high"], spec, levels)
        if not isinstance(value, list):
            raise self.fail(key, f"{value!r}: a varied lever takes {form}; put a fixed value in [fixed]")
        if numeric and len(value) == 2 and all(_is_number(v) for v in value):
            return self.range_factor(key, name, value[0], value[1], spec, None)
        return self.values_factor(key, name, value, spec)

    def range_factor(self, key: str, name: str, low: Any, high: Any, spec: Spec, levels: int | None) -> Factor:
        checked = []
        for end, v in (("low", low), ("high", high)):
            try:
                checked.append(spec.check(v))
            except ParameterError as err:
                raise self.fail(key, f"{end} {v!r} is invalid: expected {spec.allowed()}") from err
        low, high = checked
        if not low < high:
            raise self.fail(key, f"[{low!r}, {high!r}]: expected low < high, each {spec.allowed()}")
        return Factor(name, "integer" if spec.kind is int else "real", low, high, levels=levels)

    def values_factor(self, key: str, name: str, values: Any, spec: Spec) -> Factor:
        if not isinstance(values, list) or len(values) < 2:
            raise self.fail(
                key,
                f"{values!r}: expected a list of at least two values, each {spec.allowed()};"
                " a single value goes in [fixed]",
            )
        checked = []
        for v in values:
            try:
                checked.append(spec.check(v))
            except ParameterError:
                raise self.fail(key, f"value {v!r} is invalid: expected {spec.allowed()}") from None
        if len(set(checked)) != len(checked):
            raise self.fail(key, f"{values!r}: values must differ")
        return Factor(name, "values", values=tuple(checked))

    def fixed(self, run: RunFunction, varied: set[str]) -> dict[str, Any]:
        table = self.data.get("fixed", {})
        if not isinstance(table, dict):
            raise self.fail("fixed", "expected a table of parameter = value")
        out = {}
        for name, value in table.items():
            key = f"fixed.{name}"
            spec = run.specs.get(name)
            if spec is None:
                raise self.fail(key, f"unknown parameter{_suggest(name, run.specs)}; allowed: {_known(run.specs)}")
            if name == "weeks":
                raise self.fail(key, "set the horizon with the top-level key weeks")
            if name in varied:
                raise self.fail(key, f"{name} is also in [levers]; a parameter is either varied or fixed")
            try:
                out[name] = spec.check(value)
            except ParameterError:
                raise self.fail(key, f"{value!r}: expected {spec.allowed()}") from None
        return out

    def options(self, design: str) -> dict[str, Any]:
        for other in DESIGNS:
            if other != design and other in self.data:
                raise self.fail(other, f"options of a {other} design, but design = {design!r}; remove this table")
        table = self.data.get(design, {})
        if not isinstance(table, dict):
            raise self.fail(design, f"expected a table of {design} options")
        allowed = DESIGN_OPTIONS[design]
        out = {name: default for name, (_, default, _) in allowed.items()}
        for name, value in table.items():
            key = f"{design}.{name}"
            if name not in allowed:
                names = ", ".join(allowed) or "none"
                raise self.fail(key, f"unknown option; allowed for a {design} design: {names}")
            kind, _, what = allowed[name]
            ok = isinstance(value, bool) if kind is bool else (isinstance(value, int) and not isinstance(value, bool))
            if ok and name == "levels":
                ok = 2 <= value <= (20 if design == "morris" else 101) and (design != "morris" or value % 2 == 0)
            if not ok:
                raise self.fail(key, f"{value!r}: expected {what}")
            out[name] = value
        return out

    def samples(self, design: str, n_factors: int) -> int | None:
        if design == "grid":
            if "samples" in self.data:
                raise self.fail("samples", "a grid design has no sample size (its size is the product of the levels)")
            return None
        what = {
            "lhs": "the number of Latin-hypercube points",
            "sobol": "the Sobol base sample N, a power of two such as 256 or 512",
            "morris": "the number of Morris trajectories",
        }[design]
        if "samples" not in self.data:
            raise self.fail("samples", f"missing: expected {what}")
        n = self.integer("samples", None, 2 if design != "lhs" else 1, 1_000_000, f"an integer: {what}")
        if design == "sobol" and n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            hint = f"a Sobol design needs N = 2^k (e.g. {lower} or {2 * lower})"
            raise self.fail("samples", f"{n} is not a power of two: {hint}")
        return n

    def weeks(self, run: RunFunction, scenarios: Sequence[scenario_files.Scenario]) -> int:
        if "weeks" not in self.data:
            raise self.fail("weeks", "missing: expected the horizon in weeks, e.g. weeks = 520 (ten years)")
        value = self.data["weeks"]
        spec = run.specs.get("weeks")
        if spec is not None:
            try:
                return spec.check(value)
            except ParameterError:
                raise self.fail("weeks", f"{value!r}: expected {spec.allowed()}") from None
        return self.integer("weeks", None, 1, None)

    def indicators(self, run: RunFunction) -> tuple[str, ...]:
        raw = self.data.get("indicators")
        if raw is None:
            return tuple(run.headline)
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
            raise self.fail("indicators", f"expected a non-empty list of names from: {', '.join(run.indicators)}")
        for name in raw:
            if name not in run.indicators:
                raise self.fail(
                    "indicators",
                    f"{name!r}: unknown indicator{_suggest(name, run.indicators)};"
                    f" allowed: {', '.join(run.indicators)}",
                )
        if len(set(raw)) != len(raw):
            raise self.fail("indicators", "each indicator may appear only once")
        return tuple(raw)

    def analysis(self) -> dict[str, Any]:
        table = self.data.get("analysis", {})
        if not isinstance(table, dict):
            raise self.fail("analysis", "expected a table of analysis options")
        out = {name: default for name, (_, default, _) in ANALYSIS_OPTIONS.items()}
        for name, value in table.items():
            if name not in ANALYSIS_OPTIONS:
                raise self.fail(f"analysis.{name}", f"unknown option; allowed: {', '.join(ANALYSIS_OPTIONS)}")
            _, _, what = ANALYSIS_OPTIONS[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
                raise self.fail(f"analysis.{name}", f"{value!r}: expected {what}")
            out[name] = float(value)
        return out


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _suggest(name: str, names: Any) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _known(specs: Mapping[str, Spec]) -> str:
    """Short list of allowed names: the levers first, then a pointer to the rest."""
    if specs is Params.specs():
        names = list(levers())
        return ", ".join(names) + f", or any other parameter of sim/params.py ({len(specs)} in all)"
    return ", ".join(specs)
