"""Pair verdicts: the corroboration and veto rules, one by one."""

from __future__ import annotations

from dedup_helpers import rec

from litreview.dedup.compare import judge
from litreview.dedup.keys import make_keys

TITLE = "Telephone coaching for physical activity after cardiac rehabilitation"
BASE = {
    "title": TITLE,
    "authors": ("Smith, J.", "Okafor, N."),
    "year": 2017,
    "journal": "Heart and Lung",
    "volume": "46",
    "issue": "2",
    "start_page": "88",
    "end_page": "95",
}


def verdict(a: dict[str, object], b: dict[str, object]) -> tuple[str, tuple[str, ...]]:
    j = judge(make_keys(rec(1, **a)), make_keys(rec(2, **b)))
    return j.verdict, j.reasons


def test_same_record_twice_is_a_duplicate() -> None:
    assert verdict(BASE, BASE)[0] == "duplicate"


def test_identifier_needs_title_agreement() -> None:
    other = {**BASE, "title": "Sedentary time in heart failure clinics", "doi": "10.1000/x"}
    assert verdict({**BASE, "doi": "10.1000/x"}, other)[0] == "not_duplicate"


def test_vetoes() -> None:
    cases = {
        "different DOIs/PMIDs": (
            {"doi": "10.1000/a"},
            {"doi": "10.1000/b", "authors": ("Lee, K.",)},
        ),
        "years 2017 and 2019": ({}, {"year": 2019}),
        "different start page": ({}, {"start_page": "120", "end_page": None}),
        "different volume": ({}, {"volume": "47"}),
        "different first author": ({}, {"authors": ("Jones, A.", "Okafor, N.")}),
    }
    for reason, (left, right) in cases.items():
        found, reasons = verdict({**BASE, **left}, {**BASE, **right})
        assert found == "not_duplicate", reason
        assert reason in reasons


def test_title_numbers_differ() -> None:
    found, reasons = verdict(
        {**BASE, "title": TITLE + ": part 1", "start_page": None},
        {**BASE, "title": TITLE + ": part 2", "start_page": None},
    )
    assert found == "not_duplicate" and "numbers in the titles differ" in reasons


def test_one_year_apart_needs_a_page_or_volume() -> None:
    bare = {"title": TITLE, "authors": ("Smith, J.",), "year": 2017}
    assert verdict(bare, {**bare, "year": 2018})[0] == "needs_review"
    assert verdict(BASE, {**BASE, "year": 2018})[0] == "duplicate"  # online first, then print


def test_title_without_corroboration_needs_review() -> None:
    bare = {"title": TITLE, "authors": ("Smith, J.",), "year": 2017}
    assert verdict(bare, bare)[0] == "needs_review"  # no journal, volume, page or abstract


def test_generic_title_needs_every_field() -> None:
    editorial = {**BASE, "title": "Editorial", "authors": ("Hart, M.",)}
    assert verdict(editorial, editorial)[0] == "duplicate"
    assert verdict(editorial, {**editorial, "start_page": None})[0] == "needs_review"


def test_different_journals_without_pages_need_review() -> None:
    left = {**BASE, "volume": None, "start_page": None, "end_page": None}
    right = {**left, "journal": "Journal of Cardiopulmonary Rehabilitation"}
    assert verdict(left, right)[0] == "needs_review"


def test_judgement_is_symmetric() -> None:
    a = make_keys(rec(1, **BASE))
    b = make_keys(rec(2, **{**BASE, "title": TITLE.upper(), "end_page": None}))
    assert judge(a, b) == judge(b, a)


def test_books_need_the_whole_author_list_to_agree() -> None:
    book = {
        "title": "Improving inter-professional collaborations in children's services",
        "authors": ("Edwards, A.", "Daniels, H.", "Gallagher, T.", "Leadbetter, J."),
        "year": 2009,
        "type": "BOOK",
    }
    same_people = {**book, "authors": ("EDWARDS A", "Daniels H", "Gallagher T", "Leadbetter J")}
    assert verdict(book, same_people)[0] == "duplicate"
    other_coauthors = {**book, "authors": ("Edwards, A.", "Brown, K.", "Patel, R.", "Ng, S.")}
    assert verdict(book, other_coauthors)[0] != "duplicate"
    single = {**book, "authors": ("Edwards, A.",)}
    assert verdict(single, single)[0] == "needs_review"  # one author, no venue: ask
