"""Shared test set-up.

A calibration is shipped (sim/data/calibration/npm/), so the CLI and the
dashboard run comparisons over posterior draws by default: ten times the runs.
Tests of everything else run seeds alone, as they were written; tests of the
draws give their own (synthetic) posterior, and a test marked
``shipped_posterior`` sees the shipped one.
"""

from __future__ import annotations

import pytest

from sim import posterior


def pytest_configure(config):
    config.addinivalue_line("markers", "shipped_posterior: the test sees the shipped calibration's posterior")


@pytest.fixture(autouse=True)
def _seeds_alone_unless_asked(request, monkeypatch):
    if request.node.get_closest_marker("shipped_posterior") is None:
        monkeypatch.setattr(posterior, "shipped", lambda: None)
