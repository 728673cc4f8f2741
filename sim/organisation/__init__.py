"""My organisation: a director's own figures, the territory the model starts from, and its fit.

* :mod:`sim.organisation.form` — the form: its declared fields, their
  validation, the checks against the national figures, and the mapping of
  what a director knows onto the model's levers;
* :mod:`sim.organisation.fit` — a territory in which one organisation is the
  director's, the fit of the few local quantities the figures do not give,
  and the starting scenario it writes.

Nothing here touches the network or writes a file unless asked (the command
line's ``--out``): the figures stay on the machine.
"""
