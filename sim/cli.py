"""The ``centaure`` command.

    centaure scenarios
    centaure run SCENARIO [--seed N] [--weeks N] [--set LEVER=VALUE ...] [--out FILE.csv|FILE.parquet]
    centaure compare SCENARIO SCENARIO ... [--replicates N] [--weeks N] [--set ...] [--out DIR]
    centaure decompose SCENARIO [--against npm] [--replicates N] [--weeks N] [--set ...] [--out DIR]
    centaure organisation FORM.toml [--out SCENARIO.toml] [--report REPORT.html] [--seeds N]

SCENARIO is a shipped scenario's name or the path of a TOML file. Other
commands (sweep, analyze, dashboard) register themselves through
``EXTRA_COMMANDS``: each module there has ``add_parser(subparsers)``.

Every mistake in what a user typed or gave — an option, a file — is one line
on stderr and exit status 2, before any simulation runs and before any file
is written. Ctrl-C is one line too, exit status 130 (files are written whole,
at the end: none is left half-written).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

from sim import scenarios
from sim.constants import WEEKS_PER_YEAR
from sim.errors import CentaureError, InputError
from sim.i18n import fixed, indicator_label, indicator_unit, interval, t
from sim.io import TABLE_SUFFIXES
from sim.params import ORG_SEPARATOR, Params, check_names

EXTRA_COMMANDS: tuple[str, ...] = ("sim.dashboard.cli", "sim.batch.cli")
"""Modules adding subcommands (each defines ``add_parser(subparsers)``)."""

MAX_SEED = 2**63 - 1
MAX_REPLICATES = 10_000
DEFAULT_REPLICATES = 10
DEFAULT_DECOMPOSE_REPLICATES = 5
MAX_REFORM_WEEK = 30 * WEEKS_PER_YEAR
USAGE_ERROR = 2


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def integer(low: int, high: int) -> Any:
    """An argparse type: an integer from ``low`` to ``high``, with a one-line message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: expected an integer from {low:_} to {high:_}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value:_}: expected an integer from {low:_} to {high:_}")
        return value

    return parse


def weeks_option(text: str) -> int:
    """``--weeks``: the horizon, as the ``weeks`` parameter allows."""
    try:
        return Params.specs()["weeks"].parse(text)
    except CentaureError as err:
        raise argparse.ArgumentTypeError(err.detail.removeprefix("weeks = ")) from None


def parse_set(items: list[str]) -> dict[str, Any]:
    """``["lever=value", ...]`` -> ``{lever: value}``, each checked by its declaration."""
    specs = Params.specs()
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            raise InputError(f"{item!r}: expected LEVER=VALUE or LEVER@ORGANISATION=VALUE", where="--set")
        name = key.partition(ORG_SEPARATOR)[0]
        try:
            check_names({name: None})
            if name != key:
                Params.from_mapping({key: specs[name].default})  # the organisation's value must be allowed at all
            out[key] = specs[name].parse(text)
        except CentaureError as err:
            raise err.located("--set") from None
    return out


def own_reform(items: list[str]) -> dict[str, Any]:
    """``--reform LEVER=VALUE ...``: levers an organisation sets for itself, each checked by its declaration."""
    from sim.organisation.reform import own_levers

    try:
        changes = parse_set(items)
    except CentaureError as err:
        raise InputError(err.detail, where="--reform") from None
    allowed = own_levers()
    for name in changes:
        if name not in allowed:
            raise InputError(
                f"{name}: not a lever an organisation sets for itself; one of {', '.join(sorted(allowed))}",
                where="--reform",
            )
    return changes


def writable_file(path: Path, option: str, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> Path:
    """Check, before anything runs, that ``path`` can be written as one of ``suffixes``."""
    if path.suffix.lower() not in suffixes:
        raise InputError(f"{path}: expected a file ending in {' or '.join(suffixes)}", where=option)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a file ending in {' or '.join(suffixes)}", where=option)
    writable_folder(path.parent, option)
    return path


def writable_folder(path: Path, option: str) -> Path:
    """Check, before anything runs, that files can be written in folder ``path`` (made if missing)."""
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{path}: {existing} is a file, not a folder", where=option)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{path}: cannot write in {existing} (permission denied)", where=option)
    return path


def add_workers_option(p: argparse.ArgumentParser) -> None:
    """--workers: how many processes share a study's runs (the results do not depend on it)."""
    from sim.batch.cluster import WORKERS_PER_CORE, cpu_count

    most = WORKERS_PER_CORE * cpu_count()
    p.add_argument(
        "--workers",
        type=integer(1, most),
        default=1,
        help=f"processes sharing the runs, 1 to {most} (default 1: in this process; more: an embedded Dask"
        " cluster); the results are the same",
    )


def load_scenario(name: str, changes: dict[str, Any], weeks: int | None) -> scenarios.Scenario:
    """A scenario with ``--set`` changes and ``--weeks`` applied."""
    changes = {**changes, "weeks": weeks} if weeks is not None else changes
    return scenarios.load(name).with_changes(**changes)


def seeds_and_draws(args: argparse.Namespace, seeds_alone: int) -> tuple[int, list[dict[str, Any]]]:
    """(seeds, posterior draws) from ``--replicates``, ``--draws`` and ``--posterior``.

    Draws default to :data:`sim.posterior.DEFAULT_DRAWS` when a calibration is
    shipped; seeds default to ``seeds_alone`` without draws and to
    :data:`sim.posterior.SEEDS_PER_DRAW` with them (K x S runs per scenario).
    """
    from sim import posterior

    try:
        chosen = posterior.read(args.posterior) if args.posterior else posterior.shipped()
    except CentaureError as err:
        raise err.located("--posterior") from None
    if chosen is None and args.draws:
        raise InputError("no calibration is shipped: give --posterior FILE, or --draws 0", where="--draws")
    k = 0 if chosen is None else posterior.DEFAULT_DRAWS if args.draws is None else args.draws
    draws = posterior.draws(chosen, k) if k else []
    seeds = args.replicates if args.replicates is not None else posterior.SEEDS_PER_DRAW if draws else seeds_alone
    return seeds, draws


def add_draws_options(p: argparse.ArgumentParser) -> None:
    """``--draws`` and ``--posterior``, as compare and decompose take them."""
    p.add_argument(
        "--draws",
        type=integer(0, MAX_REPLICATES),
        default=None,
        help="posterior draws per scenario, each run with every replicate's seed (default: 10 when a calibration"
        " is shipped, else 0; 0: seeds only)",
    )
    p.add_argument("--posterior", help="posterior.parquet of a calibration (default: the shipped one)")


def uncertainty_header(key: str, lang: str, replicates: int, draws: list, **fields: Any) -> str:
    """The header line of a table, saying which uncertainty its intervals cover."""
    covered = (
        t("cli.covers.draws", lang, k=len(draws), n=replicates) if draws else t("cli.covers.seeds", lang, n=replicates)
    )
    return t(key, lang, covers=covered, **fields)


def cmd_scenarios(args: argparse.Namespace) -> int:
    for name in scenarios.shipped():
        print(f"{name:<18} {scenarios.load(name).text('title', args.lang)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.metrics import INDICATORS
    from sim.run import run

    out = writable_file(Path(args.out), "--out") if args.out else None
    scenario = load_scenario(args.scenario, parse_set(args.set), args.weeks)
    frame = run(scenario, seed=args.seed, by_organisation=args.by_organisation)
    if out:  # written before anything is printed: a pager or `head` that closes early loses nothing
        from sim.io import write_table

        write_table(frame, out)
    last = frame[frame["week"] == frame["week"].max()]
    columns = [row for _, row in last.iterrows()]  # the territory, or each organisation
    lang = args.lang
    print(t("cli.run.header", lang, title=scenario.text("title", lang), seed=args.seed, week=int(last["week"].iloc[0])))
    if args.by_organisation:
        names = "".join(f"{int(c['organisation']):>10}" for c in columns)
        print(f"  {t('cli.run.organisation', lang):<34}{names}")
    for name in INDICATORS:
        values = "".join(f" {fixed(c[name], lang):>9}" for c in columns)
        print(f"  {indicator_label(name, lang):<34}{values}  {indicator_unit(name, lang)}")
    if out:
        print(t("cli.wrote", lang, files=out))
    return 0


def progress_bar(
    total: int, lang: str, key: str = "cli.bar.runs", unit: str = "cli.bar.unit_run", **options: Any
) -> Any:
    """A progress bar on stderr, its label (``key``) and unit in ``lang``; ``options`` go to tqdm."""
    from tqdm import tqdm

    return tqdm(total=total, desc=t(key, lang), unit=t(unit, lang), file=sys.stderr, **options)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.io import write_table
    from sim.metrics import HEADLINE, clipped
    from sim.plots import save_figure, trajectories_figure
    from sim.stats import trajectory_bands
    from sim.studies import compare

    out = writable_folder(Path(args.out), "--out")
    changes = parse_set(args.set)
    chosen = {name: load_scenario(name, changes, args.weeks) for name in args.scenarios}
    if len(chosen) < len(args.scenarios):
        raise InputError("a scenario is named twice; name each scenario once", where="scenarios")
    seeds, draws = seeds_and_draws(args, DEFAULT_REPLICATES)
    with progress_bar(len(chosen) * seeds * max(1, len(draws)), args.lang) as bar:
        result = compare(chosen, seeds, progress=bar.update, draws=draws, workers=args.workers)
    lang = args.lang
    files = (out / "summary.csv", out / "runs.csv", out / "trajectories.png")  # written before the table is printed
    write_table(result.summary, files[0])
    write_table(result.runs, files[1])
    bands = trajectory_bands(result.runs, HEADLINE)
    save_figure(trajectories_figure(bands, HEADLINE, lang=lang), files[2])
    print(uncertainty_header("cli.compare.header", lang, seeds, draws))
    width = max(len(indicator_label(name, lang)) for name in HEADLINE) + 2
    print(" " * width + "".join(f"{s:>26}" for s in result.scenarios))
    for name in HEADLINE:
        cells = []
        for s in result.scenarios:
            row = result.cell(s, name)
            cells.append(interval(row["mean"], *clipped(name, row["ci_low"], row["ci_high"]), lang))
        print(f"{indicator_label(name, lang):<{width}}" + "".join(f"{c:>26}" for c in cells))
    print(t("cli.wrote", lang, files=", ".join(map(str, files))))
    return 0


def cmd_decompose(args: argparse.Namespace) -> int:
    from sim.decompose import decompose, families_to_decompose, waterfall_figure
    from sim.io import write_table
    from sim.metrics import HEADLINE
    from sim.plots import save_figure

    out = writable_folder(Path(args.out), "--out")
    changes_set = parse_set(args.set)
    target = load_scenario(args.scenario, changes_set, args.weeks)
    baseline = load_scenario(args.against, changes_set, args.weeks)
    n = 2 ** len(families_to_decompose(baseline, target))  # refused here, before the progress bar shows
    seeds, draws = seeds_and_draws(args, DEFAULT_DECOMPOSE_REPLICATES)
    with progress_bar(n * seeds * max(1, len(draws)), args.lang) as bar:
        result = decompose(target, baseline, seeds, progress=bar.update, draws=draws, workers=args.workers)
    lang = args.lang
    files = [out / "decomposition.csv"]  # written before the table is printed
    write_table(result.table, files[0])
    for indicator in HEADLINE:
        files.append(save_figure(waterfall_figure(result, indicator, lang), out / f"waterfall_{indicator}.png"))
    header = "cli.decompose.header"
    print(uncertainty_header(header, lang, seeds, draws, scenario=args.scenario, baseline=args.against))
    width = max(len(t(f"family.{f}", lang)) for f in result.families) + 2
    width = max(width, len(t("decompose.total", lang)) + 2)
    for indicator in HEADLINE:
        print(f"  {indicator_label(indicator, lang)}")
        for row in result.contributions(indicator).itertuples():
            label = t("decompose.total", lang) if row.family == "total" else t(f"family.{row.family}", lang)
            print(f"    {label:<{width}} {interval(row.mean, row.ci_low, row.ci_high, lang):>26}")
    print(t("cli.wrote", lang, files=f"{files[0]} + {len(files) - 1} PNG"))
    return 0


def cmd_organisation(args: argparse.Namespace) -> int:
    from sim.io import atomic_write_text
    from sim.organisation import fit, form, report
    from sim.organisation import reform as reform_module

    out = writable_file(Path(args.out), "--out", (".toml",)) if args.out else None
    report_path = writable_file(Path(args.report), "--report", (".html",)) if args.report else None
    changes = own_reform(args.reform)
    if changes and args.week > WEEKS_PER_YEAR * args.years:
        raise InputError(f"{args.week}: the reform must start within the {args.years} year(s) run", where="--week")
    seeds_per_draw, draws = seeds_and_draws(args, DEFAULT_REPLICATES) if changes else (0, [])
    entered, base = form.load(args.form)
    scenarios.load(base)  # the baseline must exist before anything runs
    seeds = tuple(range(1, args.seeds + 1))
    with progress_bar(fit.ROUNDS * len(seeds), args.lang) as bar:
        result = fit.fit(entered, base, seeds=seeds, progress=bar.update)
    lines = fit.report_lines(result, args.lang)  # printed once the files are written
    reformed = None
    if changes:
        same = reform_module.unchanged(result.scenario, changes)
        if len(same) == len(changes):
            raise InputError(
                f"{', '.join(same)}: already the organisation's value at the fitted start; the reform changes"
                " nothing (give another value)",
                where="--reform",
            )
        runs = 2 * seeds_per_draw * max(1, len(draws))
        with progress_bar(runs, args.lang, "cli.bar.reform") as bar:
            reformed = reform_module.run(
                result.scenario, args.week, changes, seeds_per_draw, args.years, draws, progress=bar.update
            )
        lines += ["", report.reform_sentence(reformed, args.lang), *report.text_table(reformed, args.lang)]
    if out:
        atomic_write_text(out, report.scenario_toml(result, reformed, args.lang))
    if report_path:
        atomic_write_text(report_path, report.html(result, reformed, args.lang))
    print("\n".join(lines))
    for path in (out, report_path):
        if path:
            print(t("cli.wrote", args.lang, files=path))
    if not out and not report_path:
        print(t("organisation.nothing_saved", args.lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="centaure", description="Centaure: social-work institutions as an agent-based model.")
    parser.add_argument(
        "--lang",
        choices=("en", "fr"),
        default="en",
        help="language of the output (titles, labels, numbers, progress); errors stay in English: they quote"
        " the names and values you typed",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    set_help = "override a parameter, or one organisation's value with LEVER@ORGANISATION=VALUE (repeatable)"
    p = sub.add_parser("run", help="run one scenario and print the final indicators")
    p.add_argument("scenario", help="shipped scenario name or path of a TOML file")
    p.add_argument("--seed", type=integer(0, MAX_SEED), default=0, help="random seed (a non-negative integer)")
    p.add_argument("--weeks", type=weeks_option, default=None, help="horizon in weeks (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE", help=set_help)
    p.add_argument("--out", help="write the weekly indicators to FILE.csv or FILE.parquet")
    p.add_argument(
        "--by-organisation",
        action="store_true",
        help="each organisation's indicators (the natural reading of a lever set for one organisation,"
        " LEVER@J=VALUE): printed side by side, and one row per week and organisation in --out",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="compare scenarios across replicates")
    p.add_argument("scenarios", nargs="+", help="scenario names or TOML paths")
    p.add_argument(
        "--replicates",
        type=integer(1, MAX_REPLICATES),
        default=None,
        help=f"seeds per scenario (default {DEFAULT_REPLICATES}; with posterior draws, seeds per draw, default 2)",
    )
    p.add_argument("--weeks", type=weeks_option, default=None, help="horizon in weeks (default: each scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE", help=set_help + ", in every scenario")
    p.add_argument("--out", default="results/compare", help="folder for summary.csv, runs.csv, trajectories.png")
    add_draws_options(p)
    add_workers_option(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "decompose",
        help="split a scenario's difference from a baseline into the Shapley contributions of its families of levers",
    )
    p.add_argument("scenario", help="scenario name or TOML path")
    p.add_argument("--against", default="npm", help="the baseline (default: npm)")
    p.add_argument(
        "--replicates",
        type=integer(2, MAX_REPLICATES),
        default=None,
        help=f"seeds per coalition (default {DEFAULT_DECOMPOSE_REPLICATES}; with posterior draws, seeds per draw, default 2)",
    )
    p.add_argument("--weeks", type=weeks_option, default=None, help="horizon in weeks (default: the baseline's)")
    p.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE", help=set_help + ", in both scenarios")
    p.add_argument("--out", default="results/decompose", help="folder for decomposition.csv and the waterfall PNGs")
    add_draws_options(p)
    add_workers_option(p)
    p.set_defaults(func=cmd_decompose)

    p = sub.add_parser(
        "organisation",
        help="check a director's figures (FORM.toml), fit the model's start to them, write the starting scenario",
    )
    p.add_argument("form", help="FORM.toml with an [organisation] section (see scenarios/organisations/)")
    p.add_argument("--out", help="write the starting scenario to FILE.toml (default: nothing is saved)")
    p.add_argument("--report", help="write the board's report (the figures, the fit and the reform) to FILE.html")
    p.add_argument("--seeds", type=integer(1, 10), default=3, help="seeds each round of the fit runs (default: 3)")
    p.add_argument(
        "--reform",
        action="append",
        default=[],
        metavar="LEVER=VALUE",
        help="a lever the organisation changes (repeatable): the reform runs against its counterfactual on the"
        " fitted start, and goes into --report and --out",
    )
    p.add_argument("--week", type=integer(1, MAX_REFORM_WEEK), default=53, help="week the reform starts (default 53)")
    p.add_argument("--years", type=integer(1, 30), default=5, help="years the reform is followed (default 5)")
    p.add_argument(
        "--replicates",
        type=integer(1, MAX_REPLICATES),
        default=None,
        help=f"seeds per arm of the reform (default {DEFAULT_REPLICATES}; with posterior draws, seeds per draw, default 2)",
    )
    add_draws_options(p)
    p.set_defaults(func=cmd_organisation)

    for module in EXTRA_COMMANDS:
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a malformed option (already reported in one line)
        return int(exit.code or 0)
    try:
        return args.func(args)
    except CentaureError as err:
        print(f"centaure: error: {err}", file=sys.stderr)
        return USAGE_ERROR
    # Ctrl-C in run, compare, decompose or organisation (sweep and calibrate report their own)
    except KeyboardInterrupt:
        print(f"centaure: {t('cli.interrupted', args.lang, signal='SIGINT')}", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # the output went to a pager or `head` that closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
