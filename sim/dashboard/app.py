"""The Centaure dashboard (Solara): Explore, Compare, Reform lab, Learn, My organisation; French and English.

Run it with ``centaure dashboard`` (or ``solara run sim.dashboard.app``).
Each browser session gets its own state (:mod:`sim.dashboard.session`),
created in :func:`Layout`; this module holds none.
"""

from __future__ import annotations

import solara

from sim.dashboard import htmlchart
from sim.dashboard.components.frame import PageFrame
from sim.dashboard.components.urlsync import UrlSync
from sim.dashboard.pages import compare, explore, learn, organisation, reform
from sim.dashboard.session import session_context, use_new_session, use_session, with_query
from sim.i18n import t

PAGES = (
    ("/", "nav.explore", "mdi-map-search"),
    ("/compare", "nav.compare", "mdi-compare"),
    ("/reform", "nav.reform", "mdi-flask-outline"),
    ("/learn", "nav.learn", "mdi-school"),
    ("/organisation", "nav.organisation", "mdi-home-city-outline"),
)

CSS = """
.centaure-control { margin-bottom: 0.4rem; }
.centaure-control .v-input__slot { margin-bottom: 0 !important; }
.centaure-control .v-messages { display: none; }
.centaure-control-label { font-weight: 500; font-size: 0.9rem; }
.centaure-value { font-size: 0.875rem; color: #333; text-align: right; }
.centaure-help, .centaure-caption, .centaure-render-time { font-size: 0.875rem; color: #444; }
.centaure-help-button { margin: 0 !important; }
.centaure-disclosure-button { justify-content: flex-start !important; width: 100%; }
.centaure-sidebar { max-height: calc(100vh - 120px); overflow-y: auto; }
.centaure-prose { font-size: 0.9rem; color: #222; margin: 0.2rem 0 0.5rem; }
ol.centaure-prose { padding-left: 1.4rem; }
ol.centaure-prose li { margin-bottom: 0.35rem; }
.centaure-summary-text { font-size: 0.875rem; color: #222; margin: 0.2rem 0; }
.centaure-panel-title { font-weight: 600; font-size: 1rem; }
.centaure-legend { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.1rem 0.8rem; font-size: 0.875rem; }
.centaure-legend li { white-space: nowrap; }
.centaure-monitor { min-width: 7.5rem; padding: 2px 10px; border: 1px solid #bbb; border-radius: 6px; }
.centaure-monitor-label { font-size: 0.8rem; color: #333; }
.centaure-monitor-value { font-size: 1.05rem; font-weight: 600; }
.centaure-network { max-width: 34rem; }
.centaure-skip { position: absolute; left: -10000px; top: auto; }
.centaure-skip:focus { position: fixed; left: 8px; top: 8px; z-index: 10000; background: #fff; color: #000;
  padding: 8px 14px; outline: 3px solid #000; font-weight: 600; }
.v-app-bar .v-app-bar__nav-icon { display: none; }
/* below 1500 px the title has no room beside the five pages (it was cut to "Mo…"); the active page names it */
@media (max-width: 1500px) { .v-app-bar .v-toolbar__title { display: none; } }
.centaure-nav .v-btn--active { background: rgba(255,255,255,0.18); }
/* below 1220 px (a 1024 px projector) the five pages' names would push the presentation and language switches
   off the screen: the pages show their icons only (the name stays the button's accessible name and title) */
@media (max-width: 1220px) { .centaure-nav .v-btn__content { font-size: 0; } .centaure-nav .v-icon { margin: 0 !important; } }
.centaure-table { overflow-x: auto; max-width: 100%; }
.centaure-table table { border-collapse: collapse; font-size: 0.9rem; }
.centaure-table th { text-align: left; padding: 4px 10px; }
.centaure-table tbody th { font-weight: 500; border-top: 1px solid #ddd; }
.centaure-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.centaure-fieldset { border: none; padding: 0; margin: 0 0 0.5rem; }
.centaure-intro { color: #333; }
.centaure-result-heading { font-weight: 600; font-size: 1rem; margin-bottom: 0.3rem; }
.centaure-heading { font-size: 1.1rem; font-weight: 600; margin: 0.8rem 0 0.2rem; }
.centaure-chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(24rem, 1fr)); gap: 0 1.4rem; }
.centaure-chart-large .cchart { --cchart-height: 55vh; }
.centaure-table td { padding: 3px 10px; border-top: 1px solid #ddd; vertical-align: top; }
"""

PRESENTING_CSS = """
html { font-size: 20px !important; }
@media (max-width: 1540px) { .centaure-nav .v-btn__content { font-size: 0; } .centaure-nav .v-icon { margin: 0 !important; } }
.cchart { --cchart-height: 52vh; }
.centaure-network { max-width: 60vh; }
.centaure-monitor-value { font-size: 1.3rem; }
"""
"""Presentation mode (a projector): larger type everywhere, one large chart at a time."""


@solara.component
def Header():
    """Title, the five pages, and the language switch (on every page)."""
    session = use_session()
    lang = session.lang.value
    router = solara.use_router()
    path = "/" + "/".join(p for p in router.parts if p)

    def go(target: str) -> None:
        """To a page as it was left: its settings (and the language, once chosen)."""
        router.push(with_query(target, session.address(target), session.extras()))

    def shown() -> tuple[str, str]:
        """(path, query) of the address the page shows now (a page may have written it without routing)."""
        current = session.url.value or (f"{path}?{router.search}" if router.search else path)
        shown_path, _, shown_search = current.partition("?")
        return shown_path, shown_search

    def switch(new: str) -> None:
        router.push(with_query(*shown(), {"lang": new}))
        session.lang.set(new)
        session.lang_chosen.set(True)

    def present(on: bool) -> None:
        """Presentation mode on or off; the address keeps it (a reload or a shared link stays in it)."""
        session.presenting.set(on)
        session.url.set(with_query(*shown(), {"present": "1" if on else None}))

    with solara.AppBar():
        PageFrame.element(lang=lang, text=t("a11y.skip", lang), busy=t("a11y.busy", lang))
        with solara.Row(classes=["centaure-nav"], gap="2px", style={"background": "transparent"}):
            for target, key, icon in PAGES:
                solara.Button(
                    t(key, lang),
                    icon_name=icon,
                    text=True,
                    color="white",
                    on_click=lambda target=target: go(target),
                    classes=["centaure-nav-" + key.split(".")[1], *(["v-btn--active"] if path == target else [])],
                    attributes={"title": t(key, lang)},
                )
        solara.v.Spacer()
        presenting = session.presenting.value
        solara.Button(
            t("present.stop" if presenting else "present.start", lang),
            icon_name="mdi-projector-screen-outline",
            text=True,
            color="white",
            on_click=lambda: present(not presenting),
            classes=["centaure-present"],
            attributes={"aria-pressed": "true" if presenting else "false"},
        )
        with solara.Row(gap="0px", style={"background": "transparent", "align-items": "center"}):
            solara.v.Icon(children=["mdi-translate"], color="white", small=True, attributes={"aria-hidden": "true"})
            with solara.v.BtnToggle(
                v_model=["fr", "en"].index(lang),
                on_v_model=lambda k: switch(["fr", "en"][k]) if k is not None else None,
                mandatory=True,
                class_="centaure-lang",
                style_="background: transparent",
                attributes={"role": "group", "aria-label": t("language.label", lang)},
            ):
                for code in ("fr", "en"):
                    solara.v.Btn(
                        children=[code.upper()], attributes={"lang": code, "title": t(f"language.name_{code}", lang)}
                    )


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """The app's frame; creates this browser session's state."""
    router = solara.use_router()
    session = use_new_session(router.search)
    solara.provide_context(session_context, session)
    solara.Style(CSS + htmlchart.CSS + (PRESENTING_CSS if session.presenting.value else ""))
    path = "/" + "/".join(part for part in router.parts if part)
    routed = f"{path}?{router.search}" if router.search else path
    solara.use_effect(lambda: session.url.set(None), [routed])  # a navigation replaces what a page wrote
    UrlSync.element()
    solara.Text(session.url.value or routed, classes=["centaure-url"], style={"display": "none"})
    with solara.AppLayout(title=t("app.title", session.lang.value), navigation=False, sidebar_open=False):
        Header()
        solara.Column(children=children, style={"padding": "8px 16px"}, classes=["centaure-main"])


routes = [
    solara.Route(path="/", component=explore.Page, label="Explore", layout=Layout),
    solara.Route(path="compare", component=compare.Page, label="Compare"),
    solara.Route(path="reform", component=reform.Page, label="Reform lab"),
    solara.Route(path="learn", component=learn.Page, label="Learn"),
    solara.Route(path="organisation", component=organisation.Page, label="My organisation"),
]
