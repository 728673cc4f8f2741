"""Structural constants with one home: the calendar and the root of every seed."""

WEEKS_PER_YEAR = 52
"""One step is one week; a year is 52 of them (rates are weekly, practitioners read yearly figures)."""

DEFAULT_ENTROPY = 20251114
"""Root entropy of every replicate's seed (numpy SeedSequence) unless a study names another:
the same entropy gives every scenario the same seeds (common random numbers)."""
