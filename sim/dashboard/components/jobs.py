"""Running replicates off the UI thread, with progress and a cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from sim.dashboard.experiments import Cancelled
from sim.i18n import t


def use_job(work: Callable[[Any, Callable[[], None]], Any], on_done: Callable[[Any], None]):
    """A threaded job: ``work(settings, tick)`` runs in a thread; ``tick()`` counts a run and may cancel.

    Returns ``(task, done)``: ``task(settings)`` starts, ``task.cancel()`` stops
    between two runs; ``done`` is the reactive number of runs finished.
    """
    done = solara.use_reactive(0)
    holder: dict[str, Any] = solara.use_memo(dict, [])

    def run(settings: Any) -> Any:
        done.set(0)
        task = holder["task"]

        def tick() -> None:
            if not task.is_current():
                raise Cancelled
            done.set(done.value + 1)

        try:
            result = work(settings, tick)
        except Cancelled:
            return None
        if task.is_current():
            on_done(result)
        return result

    task = solara.lab.use_task(run, dependencies=None, prefer_threaded=True, raise_error=False)
    holder["task"] = task
    return task, done


@solara.component
def JobStatus(task, done: int, total: int, lang: str, on_cancel: Callable[[], None]):
    """Progress bar with "k of N runs", a cancel button, and the outcome."""
    if task.pending:
        with solara.Row(style={"align-items": "center"}, classes=["centaure-progress"]):
            solara.ProgressLinear(value=100.0 * done / max(total, 1) if done else True, color="primary")
        with solara.Row(style={"align-items": "center"}):
            solara.Text(t("compare.progress", lang, done=done, total=total), classes=["centaure-progress-text"])
            solara.Button(
                t("compare.cancel", lang),
                icon_name="mdi-close",
                on_click=on_cancel,
                outlined=True,
                classes=["centaure-cancel"],
            )
    elif task.cancelled:
        solara.Info(t("compare.cancelled", lang), dense=True)
    elif task.error:
        solara.Error(t("compare.error", lang, err=str(task.exception)), dense=True)
