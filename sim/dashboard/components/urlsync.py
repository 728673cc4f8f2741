"""Keep the browser's address bar equal to the page's state as soon as it changes.

Solara's router writes the address through a template widget whose updates
reach the browser one message late; the plain text of a hidden element
arrives at once. So the app renders the wanted address as hidden text
(``.centaure-url``) and this invisible widget copies it to the address bar
(``history.replaceState`` within a page, ``pushState`` across pages),
also after the router's own late writes.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

_TEMPLATE = """
<template><span style="display:none"></span></template>
<script>
module.exports = {
  mounted() {
    this.sync = () => {
      const el = document.querySelector(".centaure-url");
      const value = el ? el.textContent.trim() : "";
      if (!value) { return; }
      const root = (window.solara && window.solara.rootPath) || "";
      const path = window.location.pathname.slice(root.length);
      if (path + window.location.search === value) { return; }
      if (path === value.split("?")[0]) {
        window.history.replaceState(window.history.state, "", root + value);
      } else {
        window.history.pushState({ top: 0 }, "", root + value);
      }
    };
    this.observer = new MutationObserver(this.sync);
    this.observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    window.addEventListener("solara.router", this.sync);
    this.sync();
  },
  destroyed() {
    this.observer.disconnect();
    window.removeEventListener("solara.router", this.sync);
  },
};
</script>
"""


class UrlSync(v.VuetifyTemplate):
    """An invisible widget that copies the text of ``.centaure-url`` into the address bar."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
