"""Calibration by approximate Bayesian computation (pyABC ABC-SMC) through Dask, resumable.

A calibration file (``experiments/calibrate_npm.toml``)::

    title = "..."
    scenario = "npm"               # the baseline to fit (a shipped name or a .toml path)
    targets = "targets.csv"        # optional: a targets CSV (default sim/data/targets.csv), rows of this scenario
    weeks = 156                    # horizon after the scenario's spin-up; the final year is compared
    every = 4                      # record every 4 weeks (and the last week)
    seed = 20251114                # root entropy of every run's seed
    seeds = 2                      # S: runs per particle; a particle's statistics are their mean
    population = 60                # particles per generation
    generations = 6                # ABC-SMC generations (raise it and re-run to continue)
    min_epsilon = 0.0              # stop earlier once epsilon is this small
    min_acceptance = 0.0           # stop earlier once a generation accepts fewer than this share
    output = "results/calibrate_npm"
    run = "sim.batch.tasks:centaure_run"   # optional: another run function (sim.batch.tasks.run_function)
    batch = 1                      # particles per Dask task (raise it for run functions of milliseconds)

    [priors]                       # the calibrated parameters: uniform priors [low, high] within the declared range
    ask_intercept = [-4.2, -1.4]
    hours_per_case = "declared"    # the parameter's whole declared range

    [fixed]                        # held at one value in every run, on top of the scenario
    n_users = 2500

Every particle (a value of the calibrated parameters) runs ``seeds`` times;
its summary statistics are the means over those runs of each target's
indicator over the final year. Seed ``s`` of a particle is
``SeedSequence(seed, spawn_key=(h, s))`` with ``h`` a hash of the particle's
values: a particle's runs are reproducible, and different particles have
independent seeds, so the posterior carries the seed noise rather than fitting
one set of seeds. The distance is the largest deviation of a target from its
value in units of its band's half-width, ``max_k |x_k - value_k| / ((high_k - low_k) / 2)``:
epsilon <= 1 means every target is within a half-width of its value.

Generation 0 accepts every draw from the prior; each later one accepts
particles closer than the weighted median distance of the previous
population (pyABC's ``MedianEpsilon``). The history is pyABC's SQLite database
``DIR/history.db``: each generation is run as a continuation of the stored
history, so an interrupted calibration (Ctrl-C, SIGTERM, a lost cluster)
resumes, when the same command is run again, from its last complete
generation. After every generation ``DIR/posterior.parquet`` (one column per
calibrated parameter and ``weight``, the last generation's normalised
weights) and ``DIR/manifest.json`` are rewritten atomically.

Every evaluation (a particle drawn, run and compared) is seeded by its
generation and its number in pyABC's job order (:mod:`sim.batch.abc_sampler`),
and pyABC keeps them in that order: the calibration is reproducible to the
bit, interrupted and resumed or not, on one worker (in this process, without
Dask), two, or a cluster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import signal
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim import scenarios as scenario_files
from sim import schema
from sim import targets as target_files
from sim.batch import cluster, provenance, storage
from sim.batch.cluster import TIMEOUT
from sim.batch.experiment import CALIBRATION_FILES, DEFAULT_SEED, experiment_dir, read_document, read_named
from sim.batch.runner import Outcome, _signals_stop, stop_if_signalled
from sim.batch.storage import StorageError
from sim.batch.tasks import DEFAULT_RUN, RunFunction, canonical, resolve
from sim.errors import CentaureError, ExperimentError
from sim.io import write_table
from sim.params import Spec, suggest

FORMAT = "centaure-calibration/1"
HISTORY = "history.db"
POSTERIOR = "posterior.parquet"
MAX_SEEDS = 1_000
MAX_POPULATION = 100_000
MAX_GENERATIONS = 1_000
DECLARED = "declared"
IN_PROCESS = "in process"
PYABC_LOGGERS = ("ABC", "Epsilon", "Distance", "Acceptor", "Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon")

CALIBRATION_FILE = schema.Table(
    fields={
        "title": schema.Text(default=""),
        "description": schema.Text(default=""),
        "scenario": schema.Text(nonempty=True, allowed="a shipped scenario name or a .toml path", default=None),
        "targets": schema.Text(nonempty=True, allowed="the path of a targets CSV file", default=None),
        "weeks": schema.Field(
            allowed="the horizon in weeks after the spin-up, e.g. weeks = 156", default=schema.MISSING
        ),
        "every": schema.Field(allowed="an integer from 1 to weeks", default=4),
        "seed": schema.Integer(
            low=0, high=2**63 - 1, allowed="a non-negative integer (the root entropy)", default=DEFAULT_SEED
        ),
        "seeds": schema.Integer(
            low=1, high=MAX_SEEDS, allowed=f"an integer from 1 to {MAX_SEEDS} (runs per particle)", default=2
        ),
        "population": schema.Integer(
            low=10, high=MAX_POPULATION, allowed=f"an integer from 10 to {MAX_POPULATION} (particles)", default=100
        ),
        "generations": schema.Integer(low=1, high=MAX_GENERATIONS, default=5),
        "min_epsilon": schema.Number(low=0, allowed="a number of at least 0 (band half-widths)", default=0.0),
        "min_acceptance": schema.Number(low=0, high=1, allowed="a number from 0 to 1", default=0.0),
        "output": schema.Text(nonempty=True, allowed="a folder path", default=None),
        "run": schema.Text(allowed="an importable 'module:function'", default=DEFAULT_RUN),
        "batch": schema.Integer(
            low=1, high=10_000, allowed="an integer from 1 to 10000 (particles per Dask task)", default=1
        ),
        "priors": schema.TableOf(
            allowed='a table of parameter = [low, high] or parameter = "declared"', default=schema.MISSING
        ),
        "fixed": schema.TableOf(allowed="a table of parameter = value", default={}),
    }
)
"""The calibration file format; parameter values are checked by the run function's declarations."""


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one calibrated parameter."""

    name: str
    low: float
    high: float
    spec: Spec

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": "uniform",
            "low": self.low,
            "high": self.high,
            "declared": {
                "default": self.spec.default,
                "low": self.spec.low,
                "high": self.spec.high,
                "unit": self.spec.unit,
                "source": self.spec.source,
            },
        }


@dataclass(frozen=True)
class Calibration:
    """A validated calibration: what is fitted, to which targets, and how."""

    name: str
    text: str
    path: Path | None
    title: str
    description: str
    run: RunFunction
    scenario: scenario_files.Scenario | None
    targets: pd.DataFrame
    targets_path: str
    priors: tuple[Prior, ...]
    fixed: dict[str, Any]
    weeks: int
    every: int
    seed: int
    seeds: int
    population: int
    generations: int
    min_epsilon: float
    min_acceptance: float
    output: Path
    batch: int = 1

    @property
    def where(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.priors)

    def base(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The full parameters every particle starts from (scenario + fixed + weeks) and the scenario's reforms."""
        if self.scenario is None:
            values = {name: spec.default for name, spec in self.run.specs.items()}
            values.update(self.fixed)
            if "weeks" in self.run.specs:
                values["weeks"] = self.weeks
            return values, []
        try:
            params = self.scenario.with_changes(**self.fixed, weeks=self.weeks).params
        except CentaureError as err:
            raise ExperimentError(f"scenario: {self.scenario.name}: {err}", where=self.where) from None
        reforms = [{"week": r.week, "levers": dict(r.changes)} for r in self.scenario.reforms]
        return params.as_dict(), reforms

    def simulator(self) -> Simulator:
        base, reforms = self.base()
        return Simulator(
            run=self.run.path,
            base=base,
            reforms=reforms,
            names=self.names,
            weeks=self.weeks,
            every=self.every,
            targets=tuple(self.targets["target"]),
            indicators=tuple(self.targets["indicator"]),
            entropy=self.seed,
            seeds=self.seeds,
        )

    def observed(self) -> dict[str, float]:
        return {row.target: float(row.value) for row in self.targets.itertuples()}

    def distance(self) -> BandDistance:
        return BandDistance({row.target: (row.high - row.low) / 2 for row in self.targets.itertuples()})

    def key(self) -> dict[str, Any]:
        """What fixes the meaning of a stored history: a results folder holds one such calibration."""
        base, reforms = self.base()
        return canonical(
            {
                "run": self.run.path,
                "model_version": sim.__version__,
                "scenario": self.scenario.name if self.scenario else None,
                "base": base,
                "reforms": reforms,
                "priors": [[p.name, p.low, p.high] for p in self.priors],
                "targets": self.targets[["target", "indicator", "value", "low", "high"]].to_dict("records"),
                "weeks": self.weeks,
                "every": self.every,
                "seed": self.seed,
                "seeds": self.seeds,
                "population": self.population,
            }
        )


# ---------------------------------------------------------------------------- what runs on the workers
def particle_hash(values: Mapping[str, float]) -> int:
    """A 32-bit hash of a particle's values: the first part of its runs' spawn keys."""
    text = json.dumps({k: float(v) for k, v in sorted(values.items())}, sort_keys=True)
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


@dataclass(frozen=True)
class Simulator:
    """pyABC's model: a particle's values -> the mean over ``seeds`` runs of each target's final-year indicator."""

    run: str
    base: dict[str, Any]
    reforms: list[dict[str, Any]]
    names: tuple[str, ...]
    weeks: int
    every: int
    targets: tuple[str, ...]
    indicators: tuple[str, ...]
    entropy: int
    seeds: int

    def values(self, parameter: Mapping[str, Any]) -> dict[str, Any]:
        specs = resolve(self.run).specs
        return {n: (int(round(parameter[n])) if specs[n].kind is int else float(parameter[n])) for n in self.names}

    def runs(self, values: Mapping[str, Any], keys: Sequence[tuple[int, ...]]) -> list[pd.DataFrame]:
        """The runs of the base parameters with ``values``, one per spawn key."""
        func = resolve(self.run).func
        kwargs = {"reforms": self.reforms} if self.reforms else {}
        indicators = tuple(dict.fromkeys(self.indicators))
        params = {**self.base, **values}
        return [func(params, self.entropy, key, self.weeks, self.every, indicators, **kwargs) for key in keys]

    def statistics(self, frames: Sequence[pd.DataFrame]) -> dict[str, float]:
        means = target_files.final_year_means(frames, self.indicators)
        return {t: float(means[i]) for t, i in zip(self.targets, self.indicators, strict=True)}

    def __call__(self, parameter: Mapping[str, Any]) -> dict[str, float]:
        values = self.values(parameter)
        h = particle_hash(values)
        try:
            return self.statistics(self.runs(values, [(h, s) for s in range(self.seeds)]))
        except CentaureError:  # a combination the model refuses (its parameters contradict each other): rejected
            return {t: math.nan for t in self.targets}


@dataclass(frozen=True)
class BandDistance:
    """The largest deviation of a target from its value, in half-widths of its band (NaN -> infinite)."""

    halfwidths: dict[str, float]

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        worst = max(abs(float(x[k]) - float(x0[k])) / h for k, h in self.halfwidths.items())
        return math.inf if math.isnan(worst) else worst


# ---------------------------------------------------------------------------- loading
def load(name_or_path: str | Path) -> Calibration:
    """Load a shipped calibration by name or a calibration file by path; raise ExperimentError."""
    shipped = {p.stem: p for p in sorted(experiment_dir().glob(CALIBRATION_FILES))}
    path, text = read_named(name_or_path, shipped, "calibration")
    return loads(text, path=path)


def loads(text: str, path: Path | None = None, name: str | None = None) -> Calibration:
    """Validate the text of a calibration file."""
    doc = read_document(text, path, name, "calibration", CALIBRATION_FILE)
    with doc.checking():
        calibration = _calibration(doc.fields, text, path, doc.name)
    calibration.base()  # the scenario with [fixed] and weeks: checked together, now
    return calibration


def _fail(path: str, message: str) -> ExperimentError:
    return ExperimentError(f"{path}: {message}", field=path)


def _calibration(doc: dict[str, Any], text: str, path: Path | None, name: str) -> Calibration:
    try:
        run = resolve(doc["run"])
    except CentaureError as err:
        raise _fail("run", err.detail) from None
    weeks = _weeks(doc["weeks"], run)
    scenario = _scenario(doc["scenario"], run, path)
    table, targets_path = _targets(doc["targets"], run, scenario, path)
    priors = tuple(_prior(n, v, run.specs) for n, v in doc["priors"].items())
    if not priors:
        raise _fail("priors", 'no parameter to calibrate; expected a table of parameter = [low, high] or = "declared"')
    return Calibration(
        name=name,
        text=text,
        path=path,
        title=doc["title"],
        description=doc["description"],
        run=run,
        scenario=scenario,
        targets=table,
        targets_path=targets_path,
        priors=priors,
        fixed=_fixed(doc["fixed"], run.specs, {p.name for p in priors}),
        weeks=weeks,
        every=schema.Integer(low=1, high=weeks, allowed=f"an integer from 1 to weeks = {weeks}").read(
            doc["every"], "every"
        ),
        seed=doc["seed"],
        seeds=doc["seeds"],
        population=doc["population"],
        generations=doc["generations"],
        min_epsilon=doc["min_epsilon"],
        min_acceptance=doc["min_acceptance"],
        output=Path(doc["output"] or f"results/{name}"),
        batch=doc["batch"],
    )


def _weeks(value: Any, run: RunFunction) -> int:
    spec = run.specs.get("weeks")
    if spec is None:
        return schema.Integer(low=1).read(value, "weeks")
    return spec.check(value)


def _scenario(entry: str | None, run: RunFunction, path: Path | None) -> scenario_files.Scenario | None:
    if not run.uses_scenarios:
        if entry is not None:
            raise _fail("scenario", f"the run function {run.path} takes no scenario; remove this key")
        return None
    entry = entry or "npm"
    target = entry
    if entry not in scenario_files.shipped() and path is not None and not Path(entry).is_absolute():
        target = str(path.parent / entry)
    try:
        return scenario_files.load(target)
    except CentaureError as err:
        raise _fail("scenario", str(err)) from None


def _targets(
    entry: str | None, run: RunFunction, scenario: scenario_files.Scenario | None, path: Path | None
) -> tuple[pd.DataFrame, str]:
    if entry is None:
        where = target_files.shipped_path()
    else:
        where = Path(entry) if Path(entry).is_absolute() or path is None else path.parent / entry
    try:
        table = target_files.load(where, scenario.name if scenario else None)
    except CentaureError as err:
        raise _fail("targets", str(err)) from None
    for row in table.itertuples():
        if row.indicator not in run.indicators:
            raise _fail(
                "targets",
                f"{where}: target {row.target}: no indicator {row.indicator!r}{suggest(row.indicator, run.indicators)};"
                f" the run function {run.path} computes {', '.join(run.indicators)}",
            )
    shown = "sim/data/targets.csv" if entry is None else str(where)
    return table, shown


def _prior(name: str, value: Any, specs: Mapping[str, Spec]) -> Prior:
    where = f"priors.{name}"
    spec = specs.get(name)
    if spec is None:
        raise _fail(where, f"unknown parameter{suggest(name, specs)}")
    if spec.kind not in (int, float) or spec.choices or spec.group == "structure" or name == "weeks":
        raise _fail(
            where,
            f"{name} is {'a structure parameter' if spec.group == 'structure' else 'not a number'}:"
            " only numeric behaviour, initial, context or lever parameters can be calibrated",
        )
    if value == DECLARED:
        return Prior(name, float(spec.low), float(spec.high), spec)
    if not (isinstance(value, list) and len(value) == 2):
        raise _fail(where, f'{value!r}: expected [low, high] within {spec.allowed()}, or "declared"')
    checked = []
    for end, v in zip(("low", "high"), value, strict=True):
        try:
            checked.append(float(spec.check(v)))
        except CentaureError:
            raise _fail(where, f"{end} {v!r} is invalid: expected {spec.allowed()}") from None
    if not checked[0] < checked[1]:
        raise _fail(where, f"[{value[0]!r}, {value[1]!r}]: expected low < high, each {spec.allowed()}")
    return Prior(name, checked[0], checked[1], spec)


def _fixed(table: dict[str, Any], specs: Mapping[str, Spec], calibrated: set[str]) -> dict[str, Any]:
    out = {}
    for name, value in table.items():
        spec = specs.get(name)
        if spec is None:
            raise _fail(f"fixed.{name}", f"unknown parameter{suggest(name, specs)}")
        if name == "weeks":
            raise _fail(f"fixed.{name}", "set the horizon with the top-level key weeks")
        if name in calibrated:
            raise _fail(f"fixed.{name}", f"{name} is also in [priors]; a parameter is either calibrated or fixed")
        try:
            out[name] = spec.check(value)
        except CentaureError:
            raise _fail(f"fixed.{name}", f"{value!r}: expected {spec.allowed()}") from None
    return out


# ---------------------------------------------------------------------------- running
@dataclass
class Generation:
    """One stored generation of the history."""

    t: int
    epsilon: float
    particles: int
    simulations: int
    seconds: float

    @property
    def acceptance(self) -> float:
        return self.particles / self.simulations if self.simulations else math.nan


@dataclass
class CalibrationReport:
    """What a calibration did, and how it ended."""

    out: Path
    planned: int
    generations: list[Generation] = field(default_factory=list)
    done: int = 0  # generations run by this command
    seconds: float = 0.0
    workers: int = 0
    scheduler: str = ""
    outcome: Outcome = Outcome.COMPLETE
    message: str = ""
    signal: int = 0
    wrote: bool = False
    recorded: bool = False
    stopped: str = ""  # why the calibration stopped before its last planned generation (min_epsilon, ...)

    @property
    def stored(self) -> int:
        return len(self.generations)

    def stop(self, outcome: Outcome, message: str) -> None:
        self.outcome, self.message = outcome, " ".join(message.split())


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of a calibration folder, or None if there is none yet."""
    path = Path(out) / storage.MANIFEST
    if not path.exists():
        return None
    manifest = storage.read_json(path)
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if found != FORMAT:
        raise StorageError(
            f"{out}: not a results folder of centaure calibrate ({storage.MANIFEST} has format {found!r}, expected"
            f" {FORMAT!r}); give another --out"
        )
    return manifest


def check_folder(out: Path, calibration: Calibration, previous: dict[str, Any] | None) -> None:
    """ExperimentError unless ``out`` is empty of histories or holds this calibration's."""
    if previous is None:
        if (out / HISTORY).exists():
            raise ExperimentError(
                f"{out}: holds a {HISTORY} but no {storage.MANIFEST}; give another --out or delete the folder"
            )
        return
    theirs, mine = previous.get("key", {}), calibration.key()
    for name, value in mine.items():
        if theirs.get(name) != value:
            shown = name if name not in ("base", "targets", "priors") else f"{name} (they differ)"
            raise ExperimentError(
                f"{out}: holds the history of another calibration ({shown}:"
                f" {_short(theirs.get(name))} there, {_short(value)} here); its generations cannot continue"
                " with these settings; give another --out or delete the folder"
            )
    if not (out / HISTORY).exists() and previous.get("generations"):
        raise ExperimentError(
            f"{out}: {storage.MANIFEST} lists generations but {HISTORY} is missing; delete the folder"
        )


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


@contextmanager
def _quiet_pyabc() -> Iterator[None]:
    """pyABC logs every generation in its own words; the calibration says what matters in its own."""
    import pyabc  # noqa: F401 - its loggers exist, with the levels it sets on import

    loggers = [logging.getLogger(name) for name in PYABC_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _abc(calibration: Calibration, client: Any, workers: int, t: int) -> Any:
    """pyABC's ABCSMC for generation ``t`` of ``calibration``, on ``client``'s workers (``None``: in this process)."""
    import pyabc

    from sim.batch import abc_sampler
    from sim.batch.abc_epsilon import ResumableMedianEpsilon

    abc_sampler.seed_generators(calibration.seed, t)  # what pyABC may draw here, between the evaluations
    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in calibration.priors})
    return pyabc.ABCSMC(
        models=calibration.simulator(),
        parameter_priors=prior,
        distance_function=calibration.distance(),
        population_size=calibration.population,
        sampler=abc_sampler.sampler(client, calibration.seed, t, workers, calibration.batch),
        eps=ResumableMedianEpsilon(),
    )


def history(out: Path) -> Any:
    """pyABC's history of the calibration in ``out`` (run 1 of its database)."""
    import pyabc

    h = pyabc.History(f"sqlite:///{(Path(out) / HISTORY).resolve()}", _id=1)
    return h


def generations(out: Path) -> list[Generation]:
    """The generations stored in ``out``'s history (none if there is no history)."""
    if not (Path(out) / HISTORY).exists():
        return []
    h = history(out)
    if h.n_populations == 0:
        return []
    pops = h.get_all_populations()
    pops = pops[pops["t"] >= 0]
    seconds = {}
    try:
        import sqlalchemy

        with h._engine.connect() as conn:  # pyABC keeps each generation's wall time, not in its public API
            rows = conn.execute(sqlalchemy.text("select t, wall_time from populations where abc_smc_id = 1")).fetchall()
            seconds = {int(t): float(w or 0) for t, w in rows}
    except Exception:  # noqa: BLE001 - the wall time per generation is a nicety
        seconds = {}
    return [
        Generation(int(r.t), float(r.epsilon), int(r.particles), int(r.samples), seconds.get(int(r.t), math.nan))
        for r in pops.itertuples()
    ]


def posterior(out: Path, names: Sequence[str] | None = None) -> pd.DataFrame:
    """The last generation's particles: one column per calibrated parameter and ``weight`` (normalised)."""
    h = history(out)
    frame, weights = h.get_distribution(m=0, t=h.max_t)
    columns = list(names) if names is not None else sorted(frame.columns)
    table = frame[columns].reset_index(drop=True).astype(float)
    w = np.asarray(weights, dtype=float)
    return table.assign(weight=w / w.sum())


def calibrate(
    calibration: Calibration,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
    on_start: Callable[[dict[str, Any]], None] | None = None,
    on_generation: Callable[[str, Generation | None], None] | None = None,
    stop_after: int | None = None,
) -> CalibrationReport:
    """Run (or resume) ``calibration``; results go to ``out`` (default: the calibration's ``output``).

    ``on_generation("start", None)`` when a generation starts sampling and
    ``on_generation("done", generation)`` when it is stored; ``stop_after``
    stops after that many generations of this call (tests). SIGINT and
    SIGTERM stop it like a sweep (outcome interrupted); a generation in
    flight is lost, the stored ones are kept.
    """
    started = time.perf_counter()
    out = Path(out) if out is not None else calibration.output
    report = CalibrationReport(out=out, planned=calibration.generations)
    say = on_generation or (lambda what, g: None)
    with _signals_stop(report) as ending:
        try:
            previous = read_manifest(out)
            check_folder(out, calibration, previous)
            report.generations = generations(out)
            entry = {"started": provenance.now(), "machine": provenance.machine()}
            todo = _todo(calibration, report)
            in_process = scheduler is None and (workers or cluster.cpu_count()) == 1
            needed = bool(todo) and not in_process
            with cluster.client(workers, scheduler, timeout, on_wait, needed=needed) as (client, description, n):
                if in_process:
                    n, description = 1, IN_PROCESS
                report.workers, report.scheduler = n, description
                if client is not None:
                    cluster.check_workers(client, calibration.run.path)
                report.wrote = True
                out.mkdir(parents=True, exist_ok=True)
                manifest = _manifest(calibration, previous, report)
                _write(out, calibration, manifest, report)
                if on_start:
                    on_start(
                        {
                            "stored": report.stored,
                            "todo": todo,
                            "scheduler": description,
                            "out": str(out),
                            "dashboard": cluster.dashboard_link(client) if client is not None else None,
                        }
                    )
                with _quiet_pyabc():
                    while _todo(calibration, report) and (stop_after is None or report.done < stop_after):
                        stop_if_signalled(report)
                        if client is not None:
                            cluster.IdleWatch(client, description, timeout, on_wait).check()
                        say("start", None)
                        _one_generation(calibration, out, client, n)
                        report.generations = generations(out)
                        report.done += 1
                        report.seconds = time.perf_counter() - started
                        _write(out, calibration, manifest, report)
                        say("done", report.generations[-1])
        except (KeyboardInterrupt, Exception) as err:  # noqa: BLE001 - sorted below, the rest raised again
            if isinstance(err, KeyboardInterrupt) or report.signal:  # a stop inside pyABC's SQLAlchemy writes
                name = signal.Signals(report.signal).name if report.signal else "SIGINT"  # comes back as their error
                report.stop(Outcome.INTERRUPTED, f"interrupted ({name})")
            elif isinstance(err, StorageError) and report.wrote:
                report.stop(Outcome.CANNOT_WRITE, str(err))
            elif isinstance(err, OSError):
                report.stop(Outcome.NO_CLUSTER, str(err) or type(err).__name__)
            else:
                raise
        ending()
        report.seconds = time.perf_counter() - started
        if report.wrote:
            try:
                report.generations = generations(out)
            except Exception:  # noqa: BLE001 - keep the count kept on the way
                pass
            entry.update(
                finished=provenance.now(),
                workers=report.workers,
                scheduler=report.scheduler,
                generations_done=report.done,
                seconds=round(report.seconds, 3),
                outcome=report.outcome.value,
                **({"message": report.message} if report.message else {}),
            )
            manifest["sessions"].append(entry)
            try:
                _write(out, calibration, manifest, report)
                report.recorded = True
            except StorageError as err:
                if report.outcome is not Outcome.CANNOT_WRITE:
                    report.stop(Outcome.CANNOT_WRITE, str(err))
    return report


def _todo(calibration: Calibration, report: CalibrationReport) -> int:
    """Generations still to run: none once the planned number is stored or a stopping rule was met."""
    gens = report.generations
    if gens:
        last = gens[-1]
        if last.t > 0 and last.epsilon <= calibration.min_epsilon:
            report.stopped = f"epsilon {last.epsilon:.3g} <= min_epsilon {calibration.min_epsilon:g}"
            return 0
        if last.t > 0 and last.acceptance < calibration.min_acceptance:
            report.stopped = f"acceptance {last.acceptance:.1%} < min_acceptance {calibration.min_acceptance:.1%}"
            return 0
    return max(calibration.generations - len(gens), 0)


def _one_generation(calibration: Calibration, out: Path, client: Any, workers: int) -> None:
    """Run one generation as a continuation of the stored history (a new one for generation 0)."""
    stored = len(generations(out))
    abc = _abc(calibration, client, workers, stored)
    db = f"sqlite:///{(out / HISTORY).resolve()}"
    try:
        if stored:
            abc.load(db, 1)
        else:
            (out / HISTORY).unlink(missing_ok=True)  # a database left before its first generation
            abc.new(db, calibration.observed())
        abc.run(max_nr_populations=1)
    except OSError:
        raise
    except Exception as err:  # pyABC wraps a database that cannot be written in SQLAlchemy's errors
        if type(err).__module__.startswith("sqlalchemy"):
            raise StorageError(f"{out / HISTORY}: cannot write ({' '.join(str(err).split())[:200]})") from None
        raise


def _manifest(calibration: Calibration, previous: dict[str, Any] | None, report: CalibrationReport) -> dict[str, Any]:
    from sim.batch.abc_sampler import SAMPLER_KEY

    base, reforms = calibration.base()
    versions = provenance.versions()
    for package in ("pyabc", "sqlalchemy"):
        try:
            from importlib import metadata

            versions[package] = metadata.version(package)
        except Exception:  # noqa: BLE001
            versions[package] = None
    return canonical(
        {
            "format": FORMAT,
            "created": (previous or {}).get("created", provenance.now()),
            "calibration": {
                "name": calibration.name,
                "path": str(calibration.path) if calibration.path else None,
                "title": calibration.title,
                "text": calibration.text,
            },
            "key": calibration.key(),
            "model_version": sim.__version__,
            "versions": versions,
            "git": provenance.git_state(),
            "method": {
                "algorithm": "ABC-SMC (pyABC ABCSMC)",
                "sampler": "pyabc DaskDistributedSampler (in this process with one worker and no scheduler), each"
                " evaluation seeded: numpy and random from SeedSequence(entropy, spawn_key=(SAMPLER_KEY, t, job id)),"
                f" SAMPLER_KEY = {SAMPLER_KEY}, t the generation, job id pyABC's evaluation number; pyABC keeps"
                " evaluations in job order, so the posterior does not depend on the workers",
                "epsilon": "generation 0: infinity (every prior draw accepted); then the weighted median of the"
                " previous population's distances (pyabc.epsilon.MedianEpsilon)",
                "distance": "max over targets of |x - value| / ((high - low) / 2): band half-widths",
                "transition": "pyabc.MultivariateNormalTransition (default)",
                "statistics": "mean over the particle's seeds of each target's indicator over the final 52 weeks",
                "seeds": "run s of a particle: SeedSequence(entropy, spawn_key=(h, s)), h = first 8 hex digits of"
                " sha256 of the particle's values (JSON, sorted keys): independent across particles",
            },
            "scenario": {
                "name": calibration.scenario.name if calibration.scenario else None,
                "params": base,
                "reforms": reforms,
            },
            "fixed": calibration.fixed,
            "priors": [p.describe() for p in calibration.priors],
            "targets": {
                "file": calibration.targets_path,
                "rows": calibration.targets.to_dict("records"),
            },
            "seed": {"entropy": calibration.seed, "per_particle": calibration.seeds},
            "population": calibration.population,
            "weeks": calibration.weeks,
            "every": calibration.every,
            "stopping": {
                "generations": calibration.generations,
                "min_epsilon": calibration.min_epsilon,
                "min_acceptance": calibration.min_acceptance,
            },
            "sessions": list((previous or {}).get("sessions", [])),
            "generations": [],
            "files": {},
            "status": {},
        }
    )


def _write(out: Path, calibration: Calibration, manifest: dict[str, Any], report: CalibrationReport) -> None:
    """The posterior of the last stored generation and the manifest, atomically."""
    gens = report.generations
    manifest["generations"] = [
        {
            "t": g.t,
            "epsilon": g.epsilon,
            "particles": g.particles,
            "simulations": g.simulations,
            "runs": g.simulations * calibration.seeds,
            "acceptance": g.acceptance,
            "seconds": g.seconds,
        }
        for g in gens
    ]
    manifest["epsilons"] = [g.epsilon for g in gens]
    wall = sum(s.get("seconds", 0.0) for s in manifest["sessions"])
    if not report.recorded and (not manifest["sessions"] or "finished" not in manifest["sessions"][-1]):
        wall += report.seconds  # this session, until it is recorded in the sessions' log
    manifest["wall_seconds"] = round(wall, 3)
    manifest["updated"] = provenance.now()
    files = {}
    if gens:
        table = posterior(out, calibration.names)
        write_table(table, out / POSTERIOR)
        files[POSTERIOR] = storage.digest(out / POSTERIOR)
        manifest["posterior"] = summarise(table).to_dict("records")
    manifest["files"] = files
    todo = _todo(calibration, report)
    manifest["status"] = {
        "outcome": report.outcome.value if report.outcome is not Outcome.COMPLETE or not todo else "running",
        "generations": len(gens),
        "planned": calibration.generations,
        "complete": not todo,
        **({"stopped": report.stopped} if report.stopped else {}),
        **({"message": report.message} if report.message else {}),
    }
    storage.write_manifest(out, manifest)


# ---------------------------------------------------------------------------- summaries
def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of weighted values (the inverse of the weighted empirical distribution, interpolated)."""
    order = np.argsort(values)
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per calibrated parameter: weighted mean, median and 95% interval (2.5% and 97.5% quantiles)."""
    w = table["weight"].to_numpy()
    rows = []
    for name in table.columns.drop("weight"):
        v = table[name].to_numpy()
        rows.append(
            {
                "parameter": name,
                "mean": float(np.average(v, weights=w)),
                "median": weighted_quantile(v, w, 0.5),
                "low": weighted_quantile(v, w, 0.025),
                "high": weighted_quantile(v, w, 0.975),
            }
        )
    return pd.DataFrame(rows)
