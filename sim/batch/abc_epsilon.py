"""pyABC's weighted-median epsilon, with generation 0 accepting every prior draw, and resumable.

pyABC's ``MedianEpsilon`` either spends a calibration sample from the prior
(``initial_epsilon="from_sample"``), or, given a number, uses that number for
the first generation of every run, including a continued one. Here generation
0 has epsilon infinity (every prior draw is accepted: the prior sample is the
calibration sample), and a run continued from a stored history starts from the
weighted median distance of its last population, as an uninterrupted run would.
(A module of its own: pyABC is imported only when a calibration runs.)
"""

from __future__ import annotations

import math

from pyabc.epsilon import MedianEpsilon


class ResumableMedianEpsilon(MedianEpsilon):
    def __init__(self) -> None:
        super().__init__(initial_epsilon=math.inf)

    def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config):  # noqa: ARG002
        if t > 0:
            self._update(t, get_weighted_distances())
