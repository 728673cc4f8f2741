"""Small territories for fast tests (a few hundred users)."""

from __future__ import annotations

from typing import Any

from sim import scenarios
from sim.scenarios import Scenario

SMALL = dict(n_users=400, n_workers=24, n_organisations=3, team_size=4, weeks=104)


def small(scenario: str = "npm", **changes: Any) -> Scenario:
    """A shipped scenario on a small territory, with ``changes`` applied."""
    return scenarios.load(scenario).with_changes(**{**SMALL, **changes})
