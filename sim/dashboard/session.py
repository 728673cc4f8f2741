"""What one browser session holds, shared by its pages through a Solara context.

Everything here is created inside the session's own component tree
(:func:`use_new_session` in the app's ``Layout``), so two people on the same
server never share a model, a result or a language. The module itself holds
no data: only the context key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import solara

from sim.dashboard import experiments
from sim.dashboard import organisation as organisation_work
from sim.dashboard.background import Job, JobState
from sim.dashboard.live import ExploreRun
from sim.dashboard.urlstate import lang_from_query, parse_explore, parse_query, presenting_from_query
from sim.i18n import pick_language


@dataclass
class Session:
    """One person's dashboard state."""

    lang: solara.Reactive[str]
    lang_chosen: solara.Reactive[bool]  # switched by hand: then kept in links
    tick: solara.Reactive[int]  # bumped after each step of the live run
    params_version: solara.Reactive[int]  # bumped when the live run's parameters change
    playing: solara.Reactive[bool]
    compare: Job  # the comparison under way or the last one, kept across pages
    reform: Job  # the reform study under way or the last one
    decompose: Job  # Compare's "what explains the difference" under way or the last one
    fit: Job  # My organisation: the fit of the director's figures under way or the last one
    org_reform: Job  # My organisation: the reform of the organisation alone under way or the last one
    url: solara.Reactive[str | None]  # address written by a page without routing (Explore), else None
    presenting: solara.Reactive[bool]  # presentation mode (projector): large type, one chart at a time
    org_draft: solara.Reactive[dict | None] = None  # My organisation: the figures typed (this session only)
    holder: dict[str, Any] = field(default_factory=dict)  # the live run, each page's last address

    def explore_run(self, search: str | None) -> tuple[ExploreRun, list[str]]:
        """This session's live run and messages about the address.

        The run follows the address only when the address changes (a link, the
        back button, Learn's "open in Explore"); changes made on the page are
        written to the address bar (``url``) without going through the router.
        """
        run = self.holder.get("run")
        if run is not None and self.holder.get("search") == search:
            return run, self.holder.get("errors", [])
        settings, errors = parse_explore(search)
        self.holder["search"], self.holder["errors"] = search, errors
        if run is None:
            run = self.holder["run"] = ExploreRun(settings)
        elif run.sync(settings):
            self.playing.set(False)
        self.remember("/", run.settings.query())
        return run, errors

    def remember(self, path: str, query: str | None) -> None:
        """The last address of a page (its settings), to come back to it from the navigation."""
        self.holder[f"address:{path}"] = query

    def address(self, path: str) -> str | None:
        return self.holder.get(f"address:{path}")

    def close(self) -> None:
        """The tab is closed or reloaded: stop playing and stop the batches (called by the kernel's close hook)."""
        for job in (self.compare, self.reform, self.decompose, self.fit, self.org_reform):
            job.close()

    def extras(self) -> dict[str, str | None]:
        """What every page keeps in its address besides its settings: the language once chosen, presentation mode."""
        return {
            "lang": self.lang.value if self.lang_chosen.value else None,
            "present": "1" if self.presenting.value else None,
        }

    def query_suffix(self) -> list[tuple[str, str]]:
        """:meth:`extras` as query items."""
        return [(k, v) for k, v in self.extras().items() if v is not None]

    def bump(self) -> None:
        self.tick.set(self.tick.value + 1)

    def params_changed(self) -> None:
        self.params_version.set(self.params_version.value + 1)


session_context = solara.create_context(None)


def initial_language(search: str | None, headers: dict[str, list[str]] | None) -> tuple[str, bool]:
    """(language, chosen by hand): the address's ``lang`` first, then the browser's Accept-Language."""
    from_url = lang_from_query(search)
    if from_url:
        return from_url, True
    value = None
    for key, values in (headers or {}).items():
        if key.lower() == "accept-language" and values:
            value = values[0]
    return pick_language(value), False


def use_new_session(search: str | None) -> Session:
    """Create this browser session's state (call once, in the app's Layout)."""
    import solara.lab

    lang0, chosen0 = solara.use_memo(lambda: initial_language(search, solara.lab.headers.value), [])
    compare_state = solara.use_reactive(JobState())
    reform_state = solara.use_reactive(JobState())
    decompose_state = solara.use_reactive(JobState())
    fit_state = solara.use_reactive(JobState())
    org_reform_state = solara.use_reactive(JobState())
    jobs = solara.use_memo(
        lambda: (
            Job("compare", experiments.compare, compare_state),
            Job("reform", experiments.reform, reform_state),
            Job("decompose", experiments.decomposition, decompose_state),
            Job("fit", organisation_work.run_fit, fit_state),
            Job("org-reform", organisation_work.run_reform, org_reform_state),
        ),
        [],
    )
    session = Session(
        lang=solara.use_reactive(lang0),
        lang_chosen=solara.use_reactive(chosen0),
        tick=solara.use_reactive(0),
        params_version=solara.use_reactive(0),
        playing=solara.use_reactive(False),
        compare=jobs[0],
        reform=jobs[1],
        decompose=jobs[2],
        fit=jobs[3],
        org_reform=jobs[4],
        url=solara.use_reactive(None),
        presenting=solara.use_reactive(solara.use_memo(lambda: presenting_from_query(search), [])),
        org_draft=solara.use_reactive(None),
        holder=solara.use_memo(dict, []),
    )
    solara.use_memo(lambda: on_kernel_close(session.close), [])
    solara.use_effect(lambda: session.close, [])  # also when the app is unmounted without a kernel (tests)
    return session


def on_kernel_close(callback) -> None:
    """Call ``callback`` when this browser session's kernel closes (tab closed or reloaded, server stopped)."""
    from solara.server import kernel_context

    try:
        context = kernel_context.get_current_context()
    except RuntimeError:  # rendered outside a server (solara.render in tests): the effect's cleanup does it
        return
    context.on_close(callback)


def use_session() -> Session:
    """The current browser session's state (inside the app)."""
    session = solara.use_context(session_context)
    if session is None:
        raise RuntimeError("use_session() outside the Centaure app: wrap the page in sim.dashboard.app.Layout")
    return session


def with_query(path: str, search: str | None, updates: dict[str, str | None]) -> str:
    """``path?search`` with some keys replaced (None removes a key)."""
    from sim.dashboard.urlstate import encode

    query = parse_query(search)
    items = [(k, x) for k, v in query.items() if k not in updates for x in v]
    items += [(k, v) for k, v in updates.items() if v is not None]
    text = encode(items)
    return f"{path}?{text}" if text else path
