"""The page's frame in the browser: the document's language, and a skip link to the simulation controls.

``<html lang>`` tells screen readers (and the browser's hyphenation and
spelling) which language the page is in; the app sets it from the session's
language. The skip link is the first thing Tab reaches: Enter moves the focus
to the simulation controls (Explore's Play button) or, on the other pages,
to the page's first control, past the navigation.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

_TEMPLATE = """
<template>
  <a href="#" class="centaure-skip" @click.prevent="skip" @keydown.enter.prevent="skip">{{ text }}</a>
</template>
<script>
module.exports = {
  watch: {
    lang(value) { document.documentElement.lang = value; },
    busy(value, old) {
      document.querySelectorAll(".v-progress-linear").forEach((bar) => {
        if (bar.getAttribute("aria-label") === old) { bar.setAttribute("aria-label", value); }
      });
    },
  },
  mounted() {
    document.documentElement.lang = this.lang;
    this.nameBusy();
    // Solara's own "server busy" bar (in its page template) has no name for screen readers, and may be drawn anew
    this.observer = new MutationObserver(() => this.nameBusy());
    this.observer.observe(document.body, { subtree: true, childList: true });
  },
  destroyed() { this.observer.disconnect(); },
  methods: {
    nameBusy() {
      document.querySelectorAll(".v-progress-linear:not([aria-label])").forEach(
        (bar) => bar.setAttribute("aria-label", this.busy));
    },
    skip() {
      const target = document.querySelector(".centaure-run-controls button:not([disabled])")
        || document.querySelector(".centaure-main button:not([disabled]), .centaure-main input, .centaure-main [tabindex='0']");
      if (target) { target.focus(); }
    },
  },
};
</script>
"""


class PageFrame(v.VuetifyTemplate):
    """Sets ``document.documentElement.lang``, names Solara's busy bar (``busy``) and draws the skip link (``text``)."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    busy = traitlets.Unicode("").tag(sync=True)
