"""Candidate pairs by blocking: only records that share a key are ever compared.

Keys: each DOI and PMID; the first and the last four content words of the
title; the whole compact title; first-author surname + year (and + next year);
volume + start page. A block larger than ``max_block`` is not compared
all-against-all: its members are sorted by title and each is paired with its
next ``window`` neighbours (sorted neighbourhood), so the work stays linear in
the number of records.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from litreview.dedup.keys import RecordKeys
from litreview.dedup.text import STOPWORDS

MAX_BLOCK = 60
WINDOW = 12


def block_keys(keys: RecordKeys) -> Iterator[str]:
    """Every blocking key of one record, each prefixed by its kind."""
    for doi in keys.dois:
        yield "doi:" + doi
    if keys.pmid:
        yield "pmid:" + keys.pmid
    content = [w for w in keys.title.split() if w not in STOPWORDS]
    if keys.compact:
        yield "t:" + keys.compact
    if len(content) >= 2:
        yield "tf:" + " ".join(content[:4])
        yield "tl:" + " ".join(content[-4:])
    if keys.main_title and len(keys.main_title) >= 20:
        yield "t:" + keys.main_title
    if keys.surnames and keys.year is not None:
        yield f"ay:{keys.surnames[0]}:{keys.year}"
        yield f"ay:{keys.surnames[0]}:{keys.year + 1}"
    if keys.volume and keys.page:
        yield f"vp:{keys.volume}:{keys.page}"


def candidate_pairs(
    records: Sequence[RecordKeys], *, max_block: int = MAX_BLOCK, window: int = WINDOW
) -> list[tuple[int, int]]:
    """Sorted, unique ``(i, j)`` index pairs (``i < j``) of records sharing a block."""
    n = max(len(records), 1)
    codes = candidate_codes(records, max_block=max_block, window=window).tolist()
    return [(c // n, c % n) for c in codes]


def iter_candidate_pairs(
    records: Sequence[RecordKeys], *, chunk: int = 1 << 16
) -> tuple[int, Iterator[tuple[int, int]]]:
    """``(how many, pairs)``: ``candidate_pairs`` as a stream, a few bytes per pair held."""
    n = max(len(records), 1)
    codes = candidate_codes(records)

    def pairs() -> Iterator[tuple[int, int]]:
        for start in range(0, len(codes), chunk):
            for code in codes[start : start + chunk].tolist():
                yield code // n, code % n

    return len(codes), pairs()


def candidate_codes(
    records: Sequence[RecordKeys], *, max_block: int = MAX_BLOCK, window: int = WINDOW
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Sorted unique pair codes ``i * n + j`` (``i < j``) of records sharing a block.

    ``records`` should be sorted by record id so that the result does not
    depend on input order. Keys are held as 64-bit hashes in flat arrays (a
    collision only adds a comparison) and pairs as codes, so memory stays a
    few bytes per key and per pair even when blocks are large.
    """
    n = len(records)
    hashes, owners = array("q"), array("q")
    for index, keys in enumerate(records):
        for key in set(block_keys(keys)):
            hashes.append(hash(key))
            owners.append(index)
    if not hashes:
        return np.zeros(0, dtype=np.int64)
    h = np.frombuffer(hashes, dtype=np.int64)
    o = np.frombuffer(owners, dtype=np.int64)
    order = np.lexsort((o, h))
    h, o = h[order], o[order]
    del hashes, owners, order
    cuts = np.flatnonzero(np.diff(h)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(h)]))
    big = ends - starts >= 2
    codes = array("q")
    for start, end in zip(starts[big].tolist(), ends[big].tolist(), strict=True):
        members = sorted(set(o[start:end].tolist()))
        if len(members) <= max_block:
            for pos, i in enumerate(members):
                codes.extend(i * n + j for j in members[pos + 1 :])
            continue
        ordered = sorted(members, key=lambda k: (records[k].compact, records[k].record_id))
        for pos, i in enumerate(ordered):
            codes.extend(min(i, j) * n + max(i, j) for j in ordered[pos + 1 : pos + 1 + window])
    del h, o
    pairs = np.array(codes, dtype=np.int64)  # one copy, sorted and made unique in place
    del codes
    if not len(pairs):
        return pairs
    pairs.sort()
    keep = np.empty(len(pairs), dtype=bool)
    keep[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
    return pairs[keep]
