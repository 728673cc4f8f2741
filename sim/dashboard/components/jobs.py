"""A batch of runs on the page: progress ("k of N runs"), a cancel button, and how it ended."""

from __future__ import annotations

import solara

from sim.dashboard.background import Job, JobState
from sim.dashboard.messages import error_text
from sim.dashboard.urlstate import LIMITS
from sim.i18n import t


@solara.component
def JobStatus(job: Job, state: JobState, lang: str):
    """Progress of the batch under way, or the outcome of the last one."""
    if state.running:
        with solara.Row(style={"align-items": "center"}, classes=["centaure-progress"]):
            solara.v.ProgressLinear(
                value=100.0 * state.done / max(state.total, 1),
                indeterminate=not state.done,
                color="primary",
                attributes={"aria-label": t("compare.progress", lang, done=state.done, total=state.total)},
            )
        with solara.Row(style={"align-items": "center"}):
            solara.Text(
                t("compare.progress", lang, done=state.done, total=state.total), classes=["centaure-progress-text"]
            )
            solara.Button(
                t("compare.cancel", lang),
                icon_name="mdi-close",
                on_click=job.cancel,
                outlined=True,
                classes=["centaure-cancel"],
            )
    elif state.outcome == "cancelled":
        solara.Info(t("compare.cancelled", lang), dense=True)
    elif state.outcome == "failed":
        message = t("error.unexpected", lang) if state.error is None else error_text(state.error, lang, LIMITS)
        solara.Error(t("compare.error", lang, err=message), dense=True)
