"""Small pieces of arithmetic shared by several mechanisms."""

from __future__ import annotations

import numpy as np

from sim.constants import CLIP_CALL_FROM, PRUNE_SLOTS_FROM, SUBSET_DRAW_FROM


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + np.exp(-x))


def bernoulli_subset(rng: np.random.Generator, candidates: np.ndarray, probability: float) -> np.ndarray:
    """The candidates for whom an event of the same ``probability`` happens this week.

    For many candidates, draw the number of events ~ Binomial(n, p) and then a
    uniformly random subset of that size: the same distribution as one
    Bernoulli draw per candidate, at O(events) random draws instead of O(n).
    For few candidates the plain draw per candidate is faster.
    """
    if candidates.size == 0 or probability <= 0.0:
        return candidates[:0]
    if probability >= 1.0:
        return candidates
    if candidates.size < SUBSET_DRAW_FROM:
        return candidates[rng.random(candidates.size) < probability]
    k = rng.binomial(candidates.size, probability)
    return candidates[np.sort(rng.choice(candidates.size, size=k, replace=False))]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending: ``np.unique(values)`` for a 1-d array, with less overhead per call."""
    ordered = np.sort(values)
    keep = np.empty(ordered.size, dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def rank_in_groups(sorted_group: np.ndarray, n_groups: int) -> np.ndarray:
    """Rank of each entry within its group (0 for the first), for entries sorted by group (0 .. n_groups - 1)."""
    return np.arange(sorted_group.size) - sorted_group.searchsorted(np.arange(n_groups))[sorted_group]


def clip(x: np.ndarray, low: float = 0.0, high: float = 1.0, out: np.ndarray | None = None) -> np.ndarray:
    """``x`` bounded to [low, high] (into ``out`` if given), by the cheaper of two ways for its size (same result)."""
    if x.size >= CLIP_CALL_FROM:
        return np.clip(x, low, high, out=out)
    return np.minimum(np.maximum(x, low, out=out), high, out=out)


def adjust(x: np.ndarray, target: np.ndarray | float, rate: float) -> np.ndarray:
    """First-order adjustment x + rate (target - x), clipped to [0, 1] (MODEL.md §7)."""
    return clip(x + rate * (target - x))


def expand_slots(
    owners: np.ndarray, spare: np.ndarray, rng: np.random.Generator, most: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One entry per free slot: (owner, matching key of the slot).

    The key is the ordinal of the slot within its owner plus a random fraction:
    a matching fills everyone's first free slot before anyone's second, so new
    cases spread across workers instead of piling on one, and within a round the
    order of workers is random, not the order posts are stored in. ``most``
    (per owner) bounds the slots listed: an owner can take no more items than
    its group has, so slots beyond that are never matched (same result, fewer slots).
    """
    spare = np.maximum(spare, 0)
    if most is not None:  # two ufuncs, not np.clip: on integers it looks up their bounds (np.iinfo) at every call
        spare = np.minimum(spare, most)
    slot_owner = owners.repeat(spare)
    first = spare.cumsum() - spare  # position of each owner's first slot
    tie_break = rng.random(owners.size)
    # ordinal of the slot within its owner + the owner's tie-break (in [0, 1))
    return slot_owner, np.arange(slot_owner.size) - (first - tie_break).repeat(spare)


def match_in_groups(
    item_group: np.ndarray,
    item_key: np.ndarray,
    slot_group: np.ndarray,
    slot_key: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Match items to free slots within groups, both taken in ascending key order.

    Returns (item positions matched, slot positions they get). Within each
    group the k-th item (by key) gets the k-th slot (by key) while slots last.
    No agent order matters: the keys alone decide, so the update is synchronous.
    """
    kept = None
    if slot_key.size >= PRUNE_SLOTS_FROM:
        kept = lowest_slots(slot_group, slot_key, np.bincount(item_group, minlength=n_groups))
        slot_group, slot_key = slot_group[kept], slot_key[kept]
    item_order = np.lexsort((item_key, item_group))
    slot_order = np.lexsort((slot_key, slot_group))
    sorted_item_group = item_group[item_order]
    item_rank = rank_in_groups(sorted_item_group, n_groups)
    slot_count = np.bincount(slot_group, minlength=n_groups)
    slot_start = slot_count.cumsum() - slot_count
    matched = item_rank < slot_count[sorted_item_group]
    items = item_order[matched]
    slots = slot_order[slot_start[sorted_item_group[matched]] + item_rank[matched]]
    return items, (slots if kept is None else kept[slots])


def lowest_slots(slot_group: np.ndarray, slot_key: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of the slots that can be matched: in each group, its ``wanted`` lowest keys (keys >= 0) and a few more.

    Slots are put in buckets of keys (about one slot a bucket; the bucket grows
    with the key); a group keeps its buckets up to the first that brings its count
    to ``wanted`` (all of them if it never does). Every slot dropped has a greater
    key than all those kept, which are at least ``wanted``: the matching, and the
    order of the slots kept, do not change.
    """
    n_groups = wanted.size
    fine = max(1, slot_key.size // (n_groups * (int(slot_key.max()) + 1)))  # buckets per unit of key
    bucket = (slot_key * fine).astype(np.intp)  # non-decreasing in the key (>= 0)
    width = int(bucket.max()) + 1
    counts = np.bincount(slot_group * width + bucket, minlength=n_groups * width).reshape(n_groups, width)
    enough = counts.cumsum(axis=1) >= wanted[:, None]
    last = np.where(enough.any(axis=1), enough.argmax(axis=1), width)
    return (bucket <= last[slot_group]).nonzero()[0]
