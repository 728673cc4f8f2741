"""A class on one server: N browser sessions open Explore at once, each steps the model, then all play.

Starts ``centaure dashboard`` on a free localhost port, opens N pages in one
headless Debian Chromium (one browser context per student, as N laptops
would), and reports:

* page load: from ``goto`` to the page showing week 0 (the live model built, the network drawn);
* step latency: a click on "Une semaine" until the page shows the next week, every session clicking at once;
* playing: weeks per second each session advances while all of them play;
* server memory (resident set) before, with the N sessions, and after they closed;
* server CPU in the 5 s after every tab closed (the runs must stop with their pages).

The browsers run on the same machine as the server, so the figures are
pessimistic for a real room, where they run on the students' laptops.
Everything stays on localhost; every loop is bounded. Not a test:

    .venv/bin/python benchmarks/bench_dashboard.py --sessions 30 --steps 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LOAD_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_server(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the dashboard did not start")


def summary(values: list[float]) -> str:
    failed = sum(1 for v in values if v == float("inf"))
    values = sorted(v for v in values if v != float("inf"))
    if not values:
        return f"none within {LOAD_TIMEOUT_MS // 1000} s"
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    text = f"median {statistics.median(values):.2f} s, 95th percentile {p95:.2f} s, max {values[-1]:.2f} s"
    return text + (f"; {failed} did not come back within the time allowed" if failed else "")


async def week_of(page) -> int:
    text = await page.locator(".centaure-week").inner_text()
    return int("".join(c for c in text.split("·")[0] if c.isdigit()))


async def one_session(browser, url: str, steps: int, loads: list, latencies: list, start_playing: asyncio.Event):
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url, timeout=LOAD_TIMEOUT_MS)
        await page.locator(".centaure-week").wait_for(timeout=LOAD_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 (a page that never loads is a result, reported as such)
        loads.append(float("inf"))
        await start_playing.wait()
        return context, None
    loads.append(time.perf_counter() - started)
    for n in range(1, steps + 1):
        started = time.perf_counter()
        try:
            await page.locator(".centaure-step").click(timeout=STEP_TIMEOUT_MS)
            await page.wait_for_function(
                "n => document.querySelector('.centaure-week').innerText.startsWith('Semaine ' + n + ' ')",
                arg=n,
                timeout=STEP_TIMEOUT_MS,
            )
        except Exception:  # noqa: BLE001 (a step that does not come back is a result: the page was unusable)
            latencies.extend([float("inf")] * (steps - n + 1))
            break
        latencies.append(time.perf_counter() - started)
    await start_playing.wait()
    return context, page


async def play_all(pages, seconds: float) -> list[float]:
    """Every page plays for ``seconds``: weeks per second of each page that answered."""
    rates = []
    try:
        before = [await week_of(p) for p in pages]
        for p in pages:
            await p.locator(".centaure-play").click(timeout=STEP_TIMEOUT_MS)
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        after = [await week_of(p) for p in pages]
        played = time.perf_counter() - started
        rates = [(b - a) / played for a, b in zip(before, after, strict=True)]
    except Exception as err:  # noqa: BLE001 (a page that does not answer is a result)
        print(f"playing: a page did not answer ({type(err).__name__})", flush=True)
    return rates


async def run(args) -> None:
    from playwright.async_api import async_playwright

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB; load average before: {load}")
    print(f"sessions: {args.sessions}, territory: {args.query or 'reference (5,000 people, network shown)'}")
    port = free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "centaure"), "dashboard", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port)
        url = f"http://localhost:{port}/?{args.query}" if args.query else f"http://localhost:{port}/"
        idle_rss = rss_mib(server.pid)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            loads: list[float] = []
            latencies: list[float] = []
            go = asyncio.Event()
            began = time.perf_counter()
            tasks = [
                asyncio.create_task(one_session(browser, url, args.steps, loads, latencies, go))
                for _ in range(args.sessions)
            ]
            while not all(t.done() for t in tasks) and time.perf_counter() - began < 1200:
                if len(latencies) + args.steps * sum(x == float("inf") for x in loads) >= args.sessions * args.steps:
                    break
                if any(t.done() and t.exception() for t in tasks):
                    break
                await asyncio.sleep(0.5)
            go.set()
            opened = await asyncio.gather(*tasks)
            busy_rss = rss_mib(server.pid)
            print(f"page load ({len(loads)} pages, all at once): {summary(loads)}", flush=True)
            print(
                f"step latency ({len(latencies)} clicks, all sessions stepping at once): {summary(latencies)}",
                flush=True,
            )
            pages = [page for _, page in opened if page is not None]
            rates = await play_all(pages, args.play_seconds)
            playing_rss = rss_mib(server.pid)
            for context, page in opened:
                if page is not None:
                    await page.close(run_before_unload=True)
                await context.close()
            await browser.close()
        await asyncio.sleep(2)
        cpu0 = cpu_seconds(server.pid)
        await asyncio.sleep(5)
        idle_cpu = 100 * (cpu_seconds(server.pid) - cpu0) / 5
        closed_rss = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    if rates:
        print(
            f"playing, {len(rates)} sessions at once for {args.play_seconds:.0f} s: "
            f"median {statistics.median(rates):.1f} weeks/s per session, slowest {min(rates):.1f}"
        )
    print(
        f"server memory (RSS): idle {idle_rss:.0f} MiB, {args.sessions} sessions {busy_rss:.0f} MiB "
        f"({(busy_rss - idle_rss) / args.sessions:.0f} MiB each), playing {playing_rss:.0f} MiB, "
        f"after they closed {closed_rss:.0f} MiB"
    )
    print(f"server CPU in the 5 s after every tab closed: {idle_cpu:.1f}% of one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--play-seconds", type=float, default=15.0)
    parser.add_argument("--query", default="", help="address of the page, e.g. n_users=1000 (default: the reference)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
