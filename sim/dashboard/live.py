"""One person's live run on the Explore page: the model, its network view, and lever changes.

An :class:`ExploreRun` belongs to one browser session (it is created inside
that session's component tree, never at module level). A lock keeps the
play loop's steps and the page's drawing from overlapping.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pandas as pd

from sim.dashboard import netview, svg
from sim.dashboard.urlstate import ExploreSettings, within_limits
from sim.model import CentaureModel
from sim.params import levers
from sim.scenarios import Reform, Scenario


class ExploreRun:
    """A live CentaureModel built from :class:`ExploreSettings`, stepped on demand."""

    def __init__(self, settings: ExploreSettings | None = None) -> None:
        self.lock = threading.RLock()
        self.settings = settings or ExploreSettings()
        self.scenario: Scenario
        self.model: CentaureModel
        self.view: netview.NetworkView | None = None
        self.render_seconds = 0.0
        self._edges_svg = ""
        self.rebuild()

    # ------------------------------------------------------------------ building
    def rebuild(self, settings: ExploreSettings | None = None) -> None:
        """A new model at week 0 (the network is laid out again when first drawn)."""
        with self.lock:
            if settings is not None:
                self.settings = settings
            self.scenario = self.settings.build()
            self.model = CentaureModel(
                self.scenario, rng=self.settings.seed, collect_every=1, collect_organisations=False
            )
            self.view = None

    def sync(self, settings: ExploreSettings) -> bool:
        """Rebuild if ``settings`` (e.g. from the address bar) differ from the run's; True if rebuilt."""
        if settings == self.settings:
            return False
        self.rebuild(settings)
        return True

    # ------------------------------------------------------------------ stepping
    @property
    def week(self) -> int:
        return int(self.model.steps)

    @property
    def running(self) -> bool:
        return bool(self.model.running) and self.week < self.model.params.weeks

    def step(self, weeks: int = 1) -> None:
        with self.lock:
            for _ in range(weeks):
                if not self.running:
                    break
                self.model.step()

    # ------------------------------------------------------------------ lever changes
    def change(self, name: str, value: Any) -> str:
        """Apply one parameter change; returns ``"applied"`` (live, from next week) or ``"restarted"``.

        A lever (or context) moved during a run takes effect from the next week
        and is recorded as a reform at that week, so the run can be reproduced;
        any other parameter, or any change at week 0, restarts the run.
        Raises a CentaureError (nothing changed) if the value is not allowed:
        the parameters are built first, and only then applied.
        """
        with self.lock:
            if self.week > 0 and name in levers():
                reform = Reform(self.week + 1, {name: value})
                within_limits(self.model.params_at(reform.week).replace(**reform.changes))
                self.model.schedule(reform)
                self.settings = dataclasses.replace(self.settings, changes=(*self.settings.changes, reform))
                self.scenario = self.model.scenario_spec
                return "applied"
            candidate = dataclasses.replace(self.settings, values={**self.settings.values, name: value})
            within_limits(candidate.build().params)
            self.rebuild(candidate)
            return "restarted"

    def forget_changes(self) -> None:
        """Drop the changes made during the run and restart from week 0."""
        self.rebuild(dataclasses.replace(self.settings, changes=()))

    # ------------------------------------------------------------------ reading
    def history(self) -> pd.DataFrame:
        """Indicators of every simulated week so far (``week`` column first)."""
        with self.lock:
            return self.model.datacollector.get_model_vars_dataframe().copy()

    def _ensure_view(self) -> netview.NetworkView:
        if self.view is None:
            self.view = netview.build_view(self.model, seed=self.settings.seed)
            self._edges_svg = svg.network_edges_svg(self.view, self.model)
        return self.view

    def network_svg(self) -> tuple[str, str]:
        """(peer ties, drawn once per layout; nodes and support ties now) as SVG text."""
        start = time.perf_counter()
        with self.lock:
            view = self._ensure_view()
            nodes = svg.network_nodes_svg(view, self.model)
        self.render_seconds = time.perf_counter() - start
        return self._edges_svg, nodes

    def network_png(self, labels: dict[str, str]) -> bytes:
        """The network now, as PNG (for export)."""
        with self.lock:
            view = self._ensure_view()
            if view.figure is None:
                netview.recolour(view, self.model, labels)
            return netview.render_png(view, self.model, labels)

    def current_scenario(self) -> Scenario:
        """What to export: the run's starting values and every change made during it, as reforms."""
        return self.scenario
