"""Play without a thread: the browser asks for each frame once it has drawn the previous one.

A play loop in a server thread changes the page's state while the page is
being drawn; when drawing is slower than the loop (the network shown, a busy
server, several tabs), Solara's render loop never settles and the page is
replaced by a traceback. Here nothing changes the state but the browser's own
requests, handled one at a time like any click:

1. while ``playing``, the invisible :class:`FramePump` waits ``gap_ms`` after
   the last frame it received (and for the browser's next paint), then
   increments ``request``;
2. the server sees the new ``request`` (``on_request``), simulates one frame
   and bumps the frame number, which re-renders the page and sends the new
   ``frame`` back; the pump schedules the next request from there.

So the simulation advances only as fast as this browser draws it, it stops
when the page is closed or reloaded (nobody asks for frames any more), and a
server shared by a class is paced by its slowest screens, not swamped.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

_TEMPLATE = """
<template><span style="display:none"></span></template>
<script>
module.exports = {
  watch: {
    frame() { this.schedule(); },
    playing() { this.schedule(); },
  },
  mounted() { this.schedule(); },
  destroyed() { clearTimeout(this.timer); this.timer = null; },
  methods: {
    schedule() {
      clearTimeout(this.timer);
      this.timer = null;
      if (!this.playing) { return; }
      const after = this.frame;
      this.timer = setTimeout(() => {
        window.requestAnimationFrame(() => {
          if (this.playing && this.frame === after) { this.request = this.request + 1; }
        });
      }, this.gap_ms);
    },
  },
};
</script>
"""


class FramePump(v.VuetifyTemplate):
    """While ``playing``, asks for one more frame (increments ``request``) after each new ``frame``."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    request = traitlets.Int(0).tag(sync=True)
    gap_ms = traitlets.Int(40).tag(sync=True)
