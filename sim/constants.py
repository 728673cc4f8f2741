"""Structural constants with one home: the calendar and the root of every seed."""

WEEKS_PER_YEAR = 52
"""One step is one week; a year is 52 of them (rates are weekly, practitioners read yearly figures)."""

DEFAULT_ENTROPY = 20251114
"""Root entropy of every replicate's seed (numpy SeedSequence) unless a study names another:
the same entropy gives every scenario the same seeds (common random numbers)."""

MONTHS_PER_YEAR = 12
"""Reserves are counted in months of spending."""

LADDER_TOP = 7
"""Top rung of Arnstein's ladder of participation (0 manipulation .. 7 citizen control)."""

TIE_BREAK = 1e-9
"""Weight of a uniform draw added to a priority key so that ties are broken at random (and of the
guard added before a floor, so that 2.9999999 posts are 3)."""

# Implementation thresholds: they choose between two ways of computing the same thing (same
# distribution of results), for speed; they are not coefficients of the model.
SUBSET_DRAW_FROM = 50_000
"""Candidates from which an event of one probability is drawn as a count and a subset, not one draw each."""

CLIP_CALL_FROM = 1_000
"""Elements from which ``np.clip`` (one pass, more Python around it) beats two ufunc calls."""

PRUNE_SLOTS_FROM = 5_000
"""Free slots from which a matching first drops those that cannot be matched (far more slots than items) before sorting."""
