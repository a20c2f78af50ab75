"""find_duplicates: order independence, symmetry, idempotence, manual decisions, scale."""

from __future__ import annotations

import random

import pytest
from dedup_helpers import rec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litreview.dedup import DedupRecord, find_duplicates
from litreview.dedup.blocking import candidate_pairs
from litreview.dedup.evaluate import load_labelled_csv
from litreview.dedup.keys import make_keys
from litreview.errors import InvalidValue

WORKS = [
    {
        "title": "Telephone coaching for physical activity after cardiac rehabilitation",
        "authors": ("Smith, J.", "Okafor, N."),
        "year": 2017,
        "journal": "Heart and Lung",
        "volume": "46",
        "start_page": "88",
        "doi": "10.1016/j.hrtlng.2017.01.001",
    },
    {
        "title": "Telephone coaching for physical activity after cardiac rehabilitation",
        "authors": ("Jones, A.",),
        "year": 2017,
        "journal": "Heart and Lung",
        "volume": "46",
        "start_page": "301",
    },
    {
        "title": "Editorial",
        "authors": ("Hart, M.",),
        "year": 2018,
        "journal": "Journal of Advanced Nursing",
        "volume": "74",
        "start_page": "501",
    },
    {
        "title": "Falls after discharge from a geriatric ward: a prospective cohort",
        "authors": ("Ferreira, A.", "Lim, J."),
        "year": 2014,
        "journal": "Age and Ageing",
        "volume": "43",
        "start_page": "349",
        "end_page": "69",
    },
    {
        "title": "Falls after discharge from a geriatric ward: a prospective cohort",
        "authors": ("Ferreira, A.", "Lim, J."),
        "year": 2014,
        "journal": "Age and Ageing",
        "volume": "43",
        "start_page": "ii12",
        "doi": "10.1093/ageing/afu0001",
    },
]


@st.composite
def record_sets(draw: st.DrawFn) -> list[DedupRecord]:
    """2-12 records drawn from a few works, with export noise and missing fields."""
    size = draw(st.integers(2, 12))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    out = []
    for record_id in ids:
        work = dict(WORKS[draw(st.integers(0, len(WORKS) - 1))])
        for name in ("doi", "volume", "start_page", "journal", "year"):
            if draw(st.booleans()) and draw(st.booleans()):
                work.pop(name, None)
        if draw(st.booleans()):
            work["title"] = work["title"].upper()
        if draw(st.booleans()) and "journal" in work:
            work["journal"] = str(work["journal"]).replace("and", "&")
        out.append(rec(record_id, **work))
    return out


def _outcome(result):  # type: ignore[no-untyped-def]
    return result.groups, [(p.a, p.b, p.verdict, p.reasons) for p in result.pairs]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(), st.randoms(use_true_random=False))
def test_shuffled_input_gives_the_same_result(
    records: list[DedupRecord], rnd: random.Random
) -> None:
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert _outcome(find_duplicates(shuffled)) == _outcome(find_duplicates(records))


@settings(max_examples=60, deadline=None)
@given(record_sets())
def test_pairs_are_ordered_unique_and_never_self(records: list[DedupRecord]) -> None:
    result = find_duplicates(records)
    keys = [(p.a, p.b) for p in result.pairs]
    assert all(a < b for a, b in keys)
    assert len(keys) == len(set(keys))
    ids = {r.record_id for r in records}
    assert set(result.groups) == ids
    for record_id, canonical in result.groups.items():
        assert canonical <= record_id and result.groups[canonical] == canonical


@settings(max_examples=60, deadline=None)
@given(record_sets())
def test_judging_is_symmetric(records: list[DedupRecord]) -> None:
    from litreview.dedup.compare import judge

    keys = [make_keys(r) for r in records]
    for a in keys[:4]:
        for b in keys[:4]:
            assert judge(a, b) == judge(b, a)


@settings(max_examples=60, deadline=None)
@given(record_sets(), st.data())
def test_manual_decisions_always_win(records: list[DedupRecord], data: st.DataObject) -> None:
    ids = sorted(r.record_id for r in records)
    a, b = data.draw(st.sampled_from([(x, y) for x in ids for y in ids if x < y]))
    apart = find_duplicates(records, different=[(a, b)])
    assert apart.groups[a] != apart.groups[b]
    together = find_duplicates(records, same=[(a, b)])
    assert together.groups[a] == together.groups[b]


def test_different_holds_even_through_other_records() -> None:
    work = WORKS[3]
    records = [rec(1, **work), rec(2, **work), rec(3, **work)]
    assert len(set(find_duplicates(records).groups.values())) == 1
    result = find_duplicates(records, different=[(1, 3)])
    assert result.groups[1] != result.groups[3]
    assert result.groups[2] in (result.groups[1], result.groups[3])


def test_contradictory_manual_decisions_are_an_error() -> None:
    records = [rec(i, title=f"Work number {i} about something") for i in (1, 2, 3)]
    with pytest.raises(InvalidValue, match="contradict"):
        find_duplicates(records, same=[(1, 2), (2, 3)], different=[(1, 3)])


def test_duplicate_ids_are_a_bug() -> None:
    with pytest.raises(ValueError, match="unique"):
        find_duplicates([rec(1, title="A"), rec(1, title="B")])


def test_large_blocks_stay_linear() -> None:
    records = [
        rec(i, title="Editorial", authors=(f"Author{i % 97}, A.",), year=2000 + i % 20)
        for i in range(1, 3001)
    ]
    pairs = candidate_pairs([make_keys(r) for r in records])
    assert len(pairs) < 3000 * 30  # all-against-all would be 4.5 million


def test_idempotent_on_representatives(shared_dedup) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(shared_dedup.glob("*.csv")):
        data = load_labelled_csv(path)
        first = find_duplicates(data.records)
        kept = [r for r in data.records if first.groups[r.record_id] == r.record_id]
        second = find_duplicates(kept)
        merged = [(r, c) for r, c in second.groups.items() if r != c]
        assert not [(r, c) for r, c in merged if data.truth[r] != data.truth[c]], path.name
        assert not merged, path.name


def test_real_set_is_order_independent(shared_dedup) -> None:  # type: ignore[no-untyped-def]
    data = load_labelled_csv(shared_dedup / "stroke.csv")
    shuffled = list(data.records)
    random.Random(3).shuffle(shuffled)
    assert _outcome(find_duplicates(shuffled)) == _outcome(find_duplicates(data.records))


_TEXT = st.one_of(st.none(), st.text(max_size=30))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.builds(
            DedupRecord,
            record_id=st.integers(1, 50),
            title=_TEXT,
            authors=st.lists(st.text(max_size=15), max_size=3).map(tuple),
            year=st.one_of(st.none(), st.integers(1900, 2030)),
            journal=_TEXT,
            volume=_TEXT,
            issue=_TEXT,
            start_page=_TEXT,
            end_page=_TEXT,
            doi=_TEXT,
            abstract=_TEXT,
            isbn=_TEXT,
        ),
        max_size=8,
        unique_by=lambda r: r.record_id,
    )
)
def test_arbitrary_text_never_breaks_it(records: list[DedupRecord]) -> None:
    result = find_duplicates(records)
    assert set(result.groups) == {r.record_id for r in records}
