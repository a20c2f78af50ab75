"""``find_duplicates``: keys -> candidate pairs -> verdicts -> groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from litreview.dedup.blocking import iter_candidate_pairs
from litreview.dedup.cluster import build_groups
from litreview.dedup.compare import TITLE_CLOSE, Judgement, judge
from litreview.dedup.keys import RecordKeys, make_keys
from litreview.dedup.records import DedupRecord, DedupResult, PairVerdict, Verdict

_MANUAL_SAME = ("manual decision: duplicate",)
_MANUAL_DIFFERENT = ("manual decision: not duplicate",)


def shared_dois(keys: Sequence[RecordKeys]) -> frozenset[str]:
    """DOIs carried by records with unlike titles or different start pages: containers, not works.

    Embase gives every conference abstract of a journal supplement the
    supplement's DOI; such a DOI must not merge the abstracts.
    """
    titles: dict[str, set[str]] = defaultdict(set)
    pages: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        for doi in k.dois:
            if k.compact:
                titles[doi].add(k.compact)
            if k.page:
                pages[doi].add(k.page.lstrip("abcdefghijklmnopqrstuvwxyz"))
    shared = {doi for doi, found in pages.items() if len(found) > 1}  # one work, one start page
    for doi, found in titles.items():
        if len(found) < 2:
            continue
        ordered = sorted(found)
        probes = ordered[:30]
        if any(
            fuzz.ratio(x, y) / 100 < TITLE_CLOSE and not (x.startswith(y) or y.startswith(x))
            for pos, x in enumerate(probes)
            for y in ordered[pos + 1 :]
        ):
            shared.add(doi)
    return frozenset(shared)


Progress = Callable[[str, int, int], None]  # (stage, done, total)
_IDENTICAL = ("identical records", "same title, authors and year")


def identical_copies(records: Sequence[DedupRecord]) -> dict[int, int]:
    """Index of each record that repeats an earlier one field for field -> the earlier one's."""
    first: dict[tuple[object, ...], int] = {}
    copies: dict[int, int] = {}
    for pos, r in enumerate(records):
        fingerprint = (
            r.title,
            r.authors,
            r.year,
            r.journal,
            r.volume,
            r.issue,
            r.start_page,
            r.end_page,
            r.doi,
            r.abstract,
            r.isbn,
            r.issn,
            r.type,
            r.journal_abbrev,
            r.pmid,
        )
        seen = first.setdefault(fingerprint, pos)
        if seen != pos:
            copies[pos] = seen
    return copies


def judge_identical(a: RecordKeys, b: RecordKeys, shared: frozenset[str]) -> Judgement:
    """Two records identical in every field: one work when the title says enough.

    The same non-generic title of three content words or more, with the same
    authors and year, merges without a DOI; a generic or short title ("Editorial")
    is judged like any other pair, so it never merges on the title alone.
    """
    if not a.generic and a.surnames and a.year is not None:
        return Judgement("duplicate", 1.0, _IDENTICAL)
    return judge(a, b, shared)


def find_duplicates(
    records: Sequence[DedupRecord],
    *,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
    progress: Progress | None = None,
) -> DedupResult:
    """Group duplicate records.

    ``same`` and ``different`` are manual decisions (record id pairs) and always
    win: ``same`` pairs end in one group; ``different`` pairs never do, not
    even through other records. Pairs naming unknown ids are ignored. The
    result does not depend on the order of ``records``. Records identical in
    every field collapse to the first before pairing (``judge_identical``), so n
    copies cost n - 1 pairs, not n(n - 1)/2. ``progress(stage, done, total)`` is
    called now and then while keys are made and pairs judged.
    """
    ordered = sorted(records, key=lambda r: r.record_id)
    ids = [r.record_id for r in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    index = {record_id: pos for pos, record_id in enumerate(ids)}
    keys = []
    for pos, r in enumerate(ordered):
        if progress is not None and pos % 5_000 == 0:
            progress("reading records", pos, len(ordered))
        keys.append(make_keys(r))
    shared = shared_dois(keys)
    same_idx = _to_index(same, index)
    different_idx = _to_index(different, index)

    verdicts: dict[tuple[int, int], Judgement] = {}
    copies = identical_copies(ordered)  # copy index -> index of the first identical record
    distinct = [i for i in range(len(ordered)) if i not in copies]
    for copy, first in copies.items():
        verdicts[(first, copy)] = judge_identical(keys[first], keys[copy], shared)
    manual = same_idx | different_idx
    different_works = 0  # pairs judged different are counted, not kept: most pairs are
    total, blocked = iter_candidate_pairs([keys[k] for k in distinct])
    for done, (i, j) in enumerate(blocked):
        a, b = distinct[i], distinct[j]
        found = judge(keys[a], keys[b], shared)
        if found.verdict == "not_duplicate" and (a, b) not in manual:
            different_works += 1
        else:
            verdicts[(a, b)] = found
        if progress is not None and done % 10_000 == 0:
            progress("comparing pairs", done, total)
    if progress is not None:
        progress("comparing pairs", total, total)

    extra: dict[tuple[int, int], Judgement] = {}  # pairs judged only while grouping

    def compatible(x: int, y: int) -> bool:
        pair = (x, y) if x < y else (y, x)
        found = verdicts.get(pair) or extra.get(pair)
        if found is None:
            found = extra[pair] = judge(keys[pair[0]], keys[pair[1]], shared)
        return found.verdict == "duplicate" or not found.conflict

    candidates = [pair for pair, j in verdicts.items() if j.verdict == "duplicate"]
    links = sorted(candidates, key=lambda p: (-verdicts[p].score, ids[p[0]], ids[p[1]]))
    groups, refused = build_groups(
        len(ids),
        links,
        compatible,
        same=same_idx,
        different=different_idx,
        describe=lambda i: str(ids[i]),
    )
    roots = groups.roots()
    pairs, review = _report(verdicts, ids, roots, set(refused), same_idx, different_idx)
    return DedupResult(
        groups={ids[i]: ids[root] for i, root in roots.items()},
        pairs=pairs,
        needs_review=review,
        pairs_different=different_works,
    )


def _report(
    verdicts: dict[tuple[int, int], Judgement],
    ids: list[int],
    roots: dict[int, int],
    refused: set[tuple[int, int]],
    same: set[tuple[int, int]],
    different: set[tuple[int, int]],
) -> tuple[list[PairVerdict], list[PairVerdict]]:
    """The pairs kept (manual decisions shown as such) and the review queue.

    The queue holds ``needs_review`` pairs still in different groups, and
    ``duplicate`` pairs that were not joined because of a conflict elsewhere.
    """
    manual = {p: _MANUAL_SAME for p in same} | {p: _MANUAL_DIFFERENT for p in different}
    pairs: list[PairVerdict] = []
    review: list[PairVerdict] = []
    for (i, j), found in sorted(verdicts.items()):
        if (i, j) in manual:
            verdict: Verdict = "duplicate" if manual[(i, j)] is _MANUAL_SAME else "not_duplicate"
            pairs.append(PairVerdict(ids[i], ids[j], verdict, found.score, manual[(i, j)]))
            continue
        pair = PairVerdict(ids[i], ids[j], found.verdict, found.score, found.reasons)
        pairs.append(pair)
        if roots[i] == roots[j]:
            continue
        if (i, j) in refused:
            reasons = (*found.reasons, "joining would put conflicting records in one group")
            review.append(PairVerdict(ids[i], ids[j], "needs_review", found.score, reasons))
        elif found.verdict == "needs_review":
            review.append(pair)
    review.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs, review


def _to_index(pairs: Iterable[tuple[int, int]], index: dict[int, int]) -> set[tuple[int, int]]:
    out = set()
    for a, b in pairs:
        if a in index and b in index and a != b:
            i, j = index[a], index[b]
            out.add((i, j) if i < j else (j, i))
    return out
