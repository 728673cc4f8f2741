"""The Centaure dashboard (Solara): Explore, Compare, Reform lab, Learn; French and English.

Run it with ``centaure dashboard`` (or ``solara run sim.dashboard.app``).
Each browser session gets its own state (:mod:`sim.dashboard.session`),
created in :func:`Layout`; this module holds none.
"""

from __future__ import annotations

import solara

from sim.dashboard.components.urlsync import UrlSync
from sim.dashboard.pages import compare, explore, learn, reform
from sim.dashboard.session import session_context, use_new_session, use_session, with_query
from sim.i18n import t

PAGES = (
    ("/", "nav.explore", "mdi-map-search"),
    ("/compare", "nav.compare", "mdi-compare"),
    ("/reform", "nav.reform", "mdi-flask-outline"),
    ("/learn", "nav.learn", "mdi-school"),
)

CSS = """
.centaure-control .v-input__slot { margin-bottom: 0 !important; }
.centaure-control .v-messages { display: none; }
.centaure-help-button { margin: 0 !important; }
.v-app-bar .v-app-bar__nav-icon { display: none; }
.centaure-nav .v-btn--active { background: rgba(255,255,255,0.18); }
"""


@solara.component
def Header():
    """Title, the four pages, and the language switch (on every page)."""
    session = use_session()
    lang = session.lang.value
    router = solara.use_router()
    path = "/" + "/".join(p for p in router.parts if p)

    def go(target: str) -> None:
        if target == "/" and session.holder.get("explore_url"):
            router.push(with_query("/", session.holder["explore_url"], {"lang": session.lang_param()}))
        else:
            router.push(with_query(target, None, {"lang": session.lang_param()}))

    def switch(new: str) -> None:
        shown = session.url.value or (f"{path}?{router.search}" if router.search else path)
        shown_path, _, shown_search = shown.partition("?")
        router.push(with_query(shown_path, shown_search, {"lang": new}))
        session.lang.set(new)
        session.lang_chosen.set(True)

    with solara.AppBar():
        with solara.Row(classes=["centaure-nav"], gap="2px", style={"background": "transparent"}):
            for target, key, icon in PAGES:
                solara.Button(
                    t(key, lang),
                    icon_name=icon,
                    text=True,
                    color="white",
                    on_click=lambda target=target: go(target),
                    classes=["centaure-nav-" + key.split(".")[1], *(["v-btn--active"] if path == target else [])],
                )
        solara.v.Spacer()
        with solara.Row(gap="0px", style={"background": "transparent", "align-items": "center"}):
            solara.v.Icon(children=["mdi-translate"], color="white", small=True)
            solara.ToggleButtonsSingle(
                value=lang,
                values=["fr", "en"],
                on_value=switch,
                classes=["centaure-lang"],
                style={"background": "transparent"},
            )


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """The app's frame; creates this browser session's state."""
    router = solara.use_router()
    session = use_new_session(router.search)
    solara.provide_context(session_context, session)
    solara.Style(CSS)
    path = "/" + "/".join(part for part in router.parts if part)
    routed = f"{path}?{router.search}" if router.search else path
    solara.use_effect(lambda: session.url.set(None), [routed])  # a navigation replaces what a page wrote
    UrlSync.element()
    solara.Text(session.url.value or routed, classes=["centaure-url"], style={"display": "none"})
    with solara.AppLayout(title=t("app.title", session.lang.value), navigation=False, sidebar_open=False):
        Header()
        solara.Column(children=children, style={"padding": "8px 16px"})


routes = [
    solara.Route(path="/", component=explore.Page, label="Explore", layout=Layout),
    solara.Route(path="compare", component=compare.Page, label="Compare"),
    solara.Route(path="reform", component=reform.Page, label="Reform lab"),
    solara.Route(path="learn", component=learn.Page, label="Learn"),
]
