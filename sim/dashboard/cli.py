"""``centaure dashboard [--port N]``: serve the dashboard on this machine (works offline)."""

from __future__ import annotations

import argparse
import os
import sys

KERNEL_CULL_TIMEOUT = "5m"
"""How long the session of a page that disconnected without closing waits for it to come back."""


def add_parser(subparsers) -> None:
    """Register the ``dashboard`` subcommand."""
    p = subparsers.add_parser(
        "dashboard",
        help="open the interactive dashboard in a web browser (Explore, Compare, Reform lab, Learn)",
        description="Serve the Centaure dashboard on localhost. It needs no internet access.",
    )
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    p.add_argument(
        "--host",
        default="localhost",
        help="address to listen on (default: localhost only; 0.0.0.0 lets a class reach it on the room's network)",
    )
    p.add_argument("--open", action="store_true", help="open a web browser on the dashboard")
    p.set_defaults(func=cmd_dashboard)


def solara_argv(args: argparse.Namespace) -> list[str]:
    """Arguments for ``solara run``: production mode (no code reloading), our host and port."""
    argv = ["run", "sim.dashboard.app", "--host", args.host, "--port", str(args.port), "--production"]
    argv.append("--no-check-version")  # no call to the package index: the dashboard works offline
    if not args.open:
        argv.append("--no-open")
    return argv


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Run Solara's server in this process until interrupted."""
    if not 1 <= args.port <= 65535:
        print(f"centaure: error: --port {args.port}: expected a port number from 1 to 65535", file=sys.stderr)
        return 2
    # Before Solara reads its settings: no usage telemetry (a director's session stays on this machine).
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # A tab that vanishes without saying so (a laptop closed, the network lost) keeps its session this long,
    # for a reconnection, then it is closed and its comparisons stop (a closed or reloaded tab closes at once).
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", KERNEL_CULL_TIMEOUT)
    from solara.__main__ import cli as solara_cli

    print(f"Centaure dashboard: http://{args.host}:{args.port}/  (Ctrl+C to stop)", file=sys.stderr)
    try:
        solara_cli(solara_argv(args), standalone_mode=False)
    except KeyboardInterrupt:
        pass
    return 0
