"""The ``centaure`` command.

    centaure scenarios
    centaure run SCENARIO [--seed N] [--weeks N] [--set LEVER=VALUE ...] [--out FILE.csv|FILE.parquet]
    centaure compare SCENARIO SCENARIO ... [--replicates N] [--weeks N] [--out DIR]

SCENARIO is a shipped scenario's name or the path of a TOML file. Other
commands (sweep, analyze, dashboard) register themselves through
``EXTRA_COMMANDS``: each module there has ``add_parser(subparsers)``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from sim import scenarios
from sim.params import ParameterError, Params, suggest
from sim.scenarios import ScenarioError

EXTRA_COMMANDS: tuple[str, ...] = ("sim.dashboard.cli", "sim.batch.cli")
"""Modules adding subcommands (each defines ``add_parser(subparsers)``)."""


class UserError(Exception):
    """A problem in what the user asked: printed as one line, no traceback."""


def parse_set(items: list[str]) -> dict[str, Any]:
    """``["lever=value", ...]`` -> validated ``{lever: value}``."""
    specs = Params.specs()
    out = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise UserError(f"--set {item}: expected LEVER=VALUE")
        if name not in specs:
            raise ParameterError(f"--set {name}: unknown parameter{suggest(name)}")
        out[name] = specs[name].parse(text)
    return out


def load_scenario(name: str, changes: dict[str, Any] | None = None) -> scenarios.Scenario:
    scenario = scenarios.load(name)
    return scenario.with_changes(**changes) if changes else scenario


def cmd_scenarios(args: argparse.Namespace) -> int:
    lang = args.lang
    for name in scenarios.shipped():
        sc = scenarios.load(name)
        print(f"{name:<18} {sc.text('title', lang)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.metrics import INDICATORS
    from sim.run import run

    scenario = load_scenario(args.scenario, parse_set(args.set))
    if args.out and Path(args.out).suffix.lower() not in (".csv", ".parquet"):
        raise UserError(f"--out {args.out}: expected a .csv or .parquet file")
    frame = run(scenario, seed=args.seed, weeks=args.weeks)
    final = frame.iloc[-1]
    print(f"{scenario.text('title', args.lang)} — seed {args.seed}, week {int(final['week'])}")
    for name, info in INDICATORS.items():
        label = info.label_fr if args.lang == "fr" else info.label_en
        print(f"  {label:<34} {final[name]:>10.3f}  {info.unit}")
    if args.out:
        from sim.io import write_table

        write_table(frame, args.out)
        print(f"wrote {args.out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd
    from tqdm import tqdm

    from sim.io import write_table
    from sim.metrics import HEADLINE, INDICATORS
    from sim.plots import save_figure, trajectories_figure
    from sim.run import run_replicates
    from sim.stats import summary_table, trajectory_bands

    changes = parse_set(args.set)
    chosen = [load_scenario(name, changes) for name in args.scenarios]
    frames = []
    with tqdm(total=len(chosen) * args.replicates, desc="runs", unit="run", file=sys.stderr) as bar:
        for name, scenario in zip(args.scenarios, chosen, strict=True):
            frame = run_replicates(scenario, args.replicates, weeks=args.weeks, progress=bar.update)
            frame.insert(0, "scenario", name)
            frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    table = summary_table(data, HEADLINE)
    names = list(dict.fromkeys(data["scenario"]))  # the order given on the command line
    wide = table.pivot(index="indicator", columns="scenario", values="mean").loc[list(HEADLINE), names]
    print(f"Final-year mean across {args.replicates} replicates (95% CI):")
    header = f"{'':<30}" + "".join(f"{s:>26}" for s in wide.columns)
    print(header)
    for name in HEADLINE:
        info = INDICATORS[name]
        cells = []
        for s in wide.columns:
            row = table[(table.indicator == name) & (table.scenario == s)].iloc[0]
            cells.append(f"{row['mean']:>8.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
        label = info.label_fr if args.lang == "fr" else info.label_en
        print(f"{label:<30}" + "".join(f"{c:>26}" for c in cells))
    out = Path(args.out)
    write_table(table, out / "summary.csv")
    write_table(data, out / "runs.csv")
    bands = trajectory_bands(data, HEADLINE)
    save_figure(trajectories_figure(bands, HEADLINE, lang=args.lang), out / "trajectories.png")
    print(f"wrote {out / 'summary.csv'}, {out / 'runs.csv'}, {out / 'trajectories.png'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="centaure", description="Centaure: social-work institutions as an agent-based model."
    )
    parser.add_argument("--lang", choices=("en", "fr"), default="en", help="language of titles and labels")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("run", help="run one scenario and print the final indicators")
    p.add_argument("scenario", help="shipped scenario name or path of a TOML file")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weeks", type=int, default=None, help="horizon in weeks (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE", help="override a parameter")
    p.add_argument("--out", help="write the weekly indicators to FILE.csv or FILE.parquet")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="compare scenarios across replicates")
    p.add_argument("scenarios", nargs="+", help="two or more scenario names or TOML paths")
    p.add_argument("--replicates", type=int, default=10)
    p.add_argument("--weeks", type=int, default=None)
    p.add_argument(
        "--set", action="append", default=[], metavar="LEVER=VALUE", help="override a parameter in every scenario"
    )
    p.add_argument("--out", default="results/compare", help="folder for summary.csv, runs.csv, trajectories.png")
    p.set_defaults(func=cmd_compare)

    for module in EXTRA_COMMANDS:
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "replicates", 1) is not None and getattr(args, "replicates", 1) < 1:
            raise UserError("--replicates: expected an integer of at least 1")
        if getattr(args, "weeks", None) is not None:
            Params.specs()["weeks"].check(args.weeks)
        return args.func(args)
    except (ScenarioError, ParameterError, UserError) as err:
        print(f"centaure: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
