"""Run functions and the task that Dask executes: ``(params, seed entropy, spawn key, ...) -> DataFrame``.

A *run function* turns one parameter set and one seed into a tidy DataFrame
(``week`` + one column per indicator). It is named in an experiment file as an
importable ``module:function`` (default :func:`centaure_run`) and declares,
through :func:`run_function`, the parameters it accepts (``sim.params.Spec``),
its indicators, and whether it takes Centaure scenarios. Tasks ship plain
dictionaries and seeds, never model objects; the model is built inside the task.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ExperimentError
from sim.metrics import HEADLINE, INDICATORS
from sim.params import Params, Spec

DEFAULT_RUN = "sim.batch.tasks:centaure_run"
ID_COLUMNS = ("run_id", "scenario", "point", "replicate")


def run_function(
    specs: Mapping[str, Spec] | Callable[[], Mapping[str, Spec]],
    indicators: Sequence[str],
    headline: Sequence[str] | None = None,
    scenarios: bool = False,
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Declare a function usable as an experiment's ``run``.

    The function is called as ``fn(params, entropy, spawn_key, weeks, every,
    indicators)`` (plus ``reforms=[...]`` when its scenario has reforms) and
    returns a DataFrame with a ``week`` column and the requested indicators.
    """

    def wrap(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        fn.parameter_specs = specs  # type: ignore[attr-defined]
        fn.indicator_names = tuple(indicators)  # type: ignore[attr-defined]
        fn.headline_indicators = tuple(headline or indicators)  # type: ignore[attr-defined]
        fn.uses_scenarios = scenarios  # type: ignore[attr-defined]
        return fn

    return wrap


@dataclass(frozen=True)
class RunFunction:
    """A resolved run function and its declarations."""

    path: str
    func: Callable[..., pd.DataFrame]
    specs: Mapping[str, Spec]
    indicators: tuple[str, ...]
    headline: tuple[str, ...]
    uses_scenarios: bool


def resolve(path: str) -> RunFunction:
    """Import ``module:function`` and read its declarations (see :func:`run_function`); else ExperimentError."""
    module_name, sep, name = path.partition(":")
    if not sep or not module_name or not name:
        raise ExperimentError(f"{path!r}: expected 'module:function', e.g. {DEFAULT_RUN!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ExperimentError(f"{path!r}: cannot import module {module_name!r} ({err})") from None
    func = getattr(module, name, None)
    if not callable(func):
        raise ExperimentError(f"{path!r}: module {module_name!r} has no function {name!r}")
    specs = getattr(func, "parameter_specs", None)
    if specs is None:
        raise ExperimentError(
            f"{path!r}: the function does not declare its parameters; decorate it with sim.batch.tasks.run_function"
        )
    specs = specs() if callable(specs) else specs
    return RunFunction(
        path=path,
        func=func,
        specs=specs,
        indicators=func.indicator_names,
        headline=func.headline_indicators,
        uses_scenarios=func.uses_scenarios,
    )


@run_function(specs=Params.specs, indicators=tuple(INDICATORS), headline=HEADLINE, scenarios=True)
def centaure_run(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
    reforms: Sequence[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """One Centaure run: full parameter dict + seed -> ``week`` and the chosen indicators."""
    from sim.run import run
    from sim.scenarios import Reform, Scenario

    scenario = Scenario(
        name="sweep",
        params=Params.from_mapping(params),
        reforms=tuple(Reform(int(r["week"]), dict(r["levers"])) for r in reforms),
    )
    seed = np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))
    # the model records week 0, every multiple of ``every`` and the last week
    frame = run(scenario, seed, weeks=weeks, every=every)
    return frame[["week", *indicators]]


# ---------------------------------------------------------------------------- run identity
_PLAIN = frozenset((str, int, float, bool, type(None)))


def canonical(value: Any) -> Any:
    """Plain JSON-able Python values (numpy scalars and tuples converted)."""
    if type(value) in _PLAIN:  # the common case first: an exact type test costs less than an ABC check
        return value
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_id(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    model_version: str,
    *,
    run: str = DEFAULT_RUN,
    reforms: Sequence[Mapping[str, Any]] = (),
    weeks: int,
    every: int,
    indicators: Sequence[str],
) -> str:
    """Hash of everything that determines a run's stored rows (16 hex digits).

    Parameters (the full set), reforms, seed (entropy + spawn key), model
    version, run function and what is recorded (weeks, every, indicators).
    """
    payload = canonical(
        {
            "params": dict(params),
            "reforms": list(reforms),
            "seed": {"entropy": entropy, "spawn_key": list(spawn_key)},
            "model_version": model_version,
            "run": run,
            "record": {"weeks": weeks, "every": every, "indicators": list(indicators)},
        }
    )
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------- the Dask task
@dataclass
class RunSpec:
    """Everything one run needs, as plain data (what a task ships)."""

    run_id: str
    scenario: str
    point: int
    replicate: int
    varied: dict[str, Any]
    base: dict[str, Any]  # the scenario's full parameters, one dict shared by all its runs
    entropy: int
    spawn_key: tuple[int, ...]
    reforms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def params(self) -> dict[str, Any]:
        """The run's full parameters: its scenario's, with the values of its design point."""
        return {**self.base, **self.varied}


@dataclass
class TaskResult:
    """What a task returns: the rows of its successful runs and the errors of the others."""

    frame: pd.DataFrame | None
    failures: list[dict[str, str]]
    seconds: float
    runs: int


def execute(
    specs: Sequence[RunSpec],
    run: str,
    weeks: int,
    every: int,
    indicators: Sequence[str],
    varied_columns: Mapping[str, str],
) -> TaskResult:
    """Run several runs in a worker; a run that raises is reported, not propagated.

    ``varied_columns`` maps each varied parameter to its column dtype, so that
    every stored file has the same schema.
    """
    start = time.perf_counter()
    func = resolve(run).func
    done: list[tuple[RunSpec, pd.DataFrame]] = []
    failures = []
    for spec in specs:
        try:
            kwargs = {"reforms": spec.reforms} if spec.reforms else {}
            out = func(spec.params, spec.entropy, spec.spawn_key, weeks, every, tuple(indicators), **kwargs)
            _check_output(out, indicators)
            done.append((spec, out))
        except Exception as err:  # noqa: BLE001 - a failed run is data, the sweep goes on
            failures.append(
                {
                    "run_id": spec.run_id,
                    "error": f"{type(err).__name__}: {err}".splitlines()[0][:500],
                    "traceback": traceback.format_exc(limit=20),
                }
            )
    frame = tidy_frame(done, indicators, varied_columns) if done else None
    return TaskResult(frame=frame, failures=failures, seconds=time.perf_counter() - start, runs=len(specs))


def _check_output(out: Any, indicators: Sequence[str]) -> None:
    if not isinstance(out, pd.DataFrame):
        raise TypeError(f"the run function returned {type(out).__name__}, expected a pandas DataFrame")
    missing = [c for c in ("week", *indicators) if c not in out.columns]
    if missing:
        raise ValueError(f"the run function's result lacks column(s) {', '.join(missing)}")


def tidy_frame(
    done: Sequence[tuple[RunSpec, pd.DataFrame]], indicators: Sequence[str], varied_columns: Mapping[str, str]
) -> pd.DataFrame:
    """One tidy table for several runs: id columns, varied parameters, ``week``, indicators."""
    lengths = np.array([len(out) for _, out in done])
    specs = [spec for spec, _ in done]

    def repeat(values: list[Any], dtype: Any) -> Any:
        return pd.Series(np.repeat(np.array(values, dtype=object), lengths), dtype=dtype)

    columns: dict[str, Any] = {
        "run_id": repeat([s.run_id for s in specs], "string"),
        "scenario": repeat([s.scenario for s in specs], "string"),
        "point": np.repeat(np.array([s.point for s in specs], dtype=np.int64), lengths),
        "replicate": np.repeat(np.array([s.replicate for s in specs], dtype=np.int64), lengths),
    }
    for name, dtype in varied_columns.items():
        columns[name] = repeat([s.varied[name] for s in specs], dtype)
    columns["week"] = np.concatenate([np.asarray(out["week"], dtype=np.int64) for _, out in done])
    for name in indicators:
        columns[name] = np.concatenate([np.asarray(out[name], dtype=np.float64) for _, out in done])
    return pd.DataFrame(columns)
