"""The weekly mechanisms of MODEL.md §3, one module each, run in this order.

Every mechanism is a function ``step(territory, params, rng)`` over arrays, with
no Python loop over agents. Within a mechanism the update is synchronous:
every agent's new value is computed from the same snapshot, and where agents
compete for something (intake slots, hand-overs, peer-worker places) an explicit
priority key or a random order, never the order agents are stored in, decides. Mechanisms run in the documented order, each seeing the
week's results of those before it (observation, step 11, is :mod:`sim.metrics`).
"""

from sim.mechanisms import (
    awareness,
    demand,
    engagement,
    funding,
    intake,
    management,
    participation,
    support,
    time_use,
    turnover,
)

WEEKLY_ORDER = (
    funding,  # 1
    management,  # 2
    time_use,  # 3
    awareness,  # 4
    demand,  # 5
    intake,  # 6
    support,  # 7
    engagement,  # 8
    turnover,  # 9
    participation,  # 10
)

__all__ = ["WEEKLY_ORDER"]
