"""Deduplication: keys, candidate pairs by blocking, pair verdicts, groups, best-of merge.

Pure: no SQL, no CLI, no UI. ``storage`` applies the result to a review.
"""

from __future__ import annotations

from litreview.dedup.engine import find_duplicates
from litreview.dedup.evaluate import evaluate_file
from litreview.dedup.merge import merge_fields
from litreview.dedup.records import DedupRecord, DedupResult, PairVerdict, Verdict

__all__ = [
    "DedupRecord",
    "DedupResult",
    "PairVerdict",
    "Verdict",
    "evaluate_file",
    "find_duplicates",
    "merge_fields",
]
