"""One test per family of misses named in issue 15, each with cases written for it.

Each case pairs the record as one database exports it with the record as another
does; a case that must not merge says why.
"""

from __future__ import annotations

from typing import Any

import pytest
from dedup_helpers import rec

from litreview.dedup import DedupRecord, find_duplicates

TITLE = "Early mobilisation after stroke and functional recovery at three months"
AUTHORS = ("Bernhardt, J.", "Ellery, F.", "Churilov, L.")


def article(record_id: int, **fields: Any) -> DedupRecord:
    base: dict[str, Any] = {
        "title": TITLE,
        "authors": AUTHORS,
        "year": 2016,
        "journal": "Stroke",
        "volume": "47",
        "issue": "3",
        "start_page": "201",
        "end_page": "209",
    }
    base.update(fields)
    return rec(record_id, **base)


def groups_of(*records: DedupRecord) -> list[list[int]]:
    return sorted(find_duplicates(list(records)).members().values())


def queued(*records: DedupRecord) -> set[tuple[int, int]]:
    return {(p.a, p.b) for p in find_duplicates(list(records)).needs_review}


# --- section labels before the title ---------------------------------------------------


@pytest.mark.parametrize(
    "labelled",
    [
        f"REVIEW ARTICLE: {TITLE}",
        f"Original Article - {TITLE}",
        f"CASE REPORT \u2013 {TITLE}",
        f"Research paper. {TITLE}",
    ],
)
def test_section_label_before_the_title(labelled: str) -> None:
    assert groups_of(article(1), article(2, title=labelled, start_page="201", end_page=None)) == [
        [1, 2]
    ]


def test_a_label_is_not_stripped_when_little_title_is_left() -> None:
    from litreview.dedup.text import clean_title

    assert clean_title("Case report - a b") == "Case report - a b"
    assert clean_title("Review: stroke") == "Review: stroke"


# --- notes after the title -------------------------------------------------------------


@pytest.mark.parametrize(
    "noted",
    [
        f"{TITLE} [Erratum appears in Stroke. 2016;47(6):e120]",
        f"{TITLE} [Article in German]",
        f"[{TITLE}]",  # a translated title
        f"{TITLE}.",
        f"{TITLE} .",
    ],
)
def test_notes_after_the_title(noted: str) -> None:
    assert groups_of(article(1), article(2, title=noted)) == [[1, 2]]


def test_wos_correction_note_names_the_article_but_never_merges() -> None:
    """ "<title> (vol 47, pg 201, 2016)" is Web of Science's title for a correction of it."""
    correction = article(
        2,
        title=f"{TITLE} (vol 47, pg 201, 2016)",
        volume="47",
        issue="6",
        start_page="e120",
        end_page=None,
    )
    assert groups_of(article(1), correction) == [[1], [2]]
    assert queued(article(1), correction) == {(1, 2)}


def test_wos_date_note_is_a_correction_too() -> None:
    correction = article(2, title=f"{TITLE} (Jul, 1, 2016)", start_page="721", end_page=None)
    assert groups_of(article(1), correction) == [[1], [2]]
    assert queued(article(1), correction) == {(1, 2)}


def test_reprint_note_joins_the_original() -> None:
    reprint = article(
        2,
        title=f"{TITLE.upper()} (Reprinted from Stroke, vol 47, pg 201-209)",
        year=2018,
        journal="Stroke Classics",
        volume=None,
        issue=None,
        start_page="12",
        end_page="20",
    )
    assert groups_of(article(1), reprint) == [[1, 2]]


# --- truncated titles ------------------------------------------------------------------


def test_truncated_title() -> None:
    long = TITLE + ": a randomised controlled trial in fifty-six hospitals of five countries"
    cut = long[:100]  # some exports cut titles at 100 or 255 characters
    assert groups_of(article(1, title=long), article(2, title=cut, end_page=None)) == [[1, 2]]


def test_a_title_that_only_starts_like_another_is_not_truncation() -> None:
    """Short prefixes are not enough: "Part 1" and "Part 2" differ in their numbers."""
    one = article(1, title=TITLE + ": part 1", start_page=None, end_page=None, volume=None)
    two = article(2, title=TITLE + ": part 2", start_page=None, end_page=None, volume=None)
    assert groups_of(one, two) == [[1], [2]]


# --- a journal name split across journal and volume ------------------------------------


def test_journal_split_across_journal_and_volume() -> None:
    full = article(
        1,
        journal="Proceedings of the National Academy of Sciences of the United States of America",
        volume="113",
    )
    split = article(
        2,
        journal="Proceedings of the National Academy of Sciences of the United States of",
        volume="America 113",
    )
    assert groups_of(full, split) == [[1, 2]]


# --- surname particles and their order -------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("van den Hoven, Andor F.", "Hoven, A. F. van den"),
        ("De Ruiter, M.", "Ruiter, Marieke de"),
        ("Le, H. D.", "Le, Hai Dinh"),
        ("du Preez, Katie Palmer", "Palmer du Preez, Katie"),
        ("van der Berg, J.", "Van Der Berg J"),
        ("Le Breton, T. D.", "Breton, Tom D. Le"),
    ],
)
def test_surname_particles_and_order(first: str, second: str) -> None:
    a = article(1, authors=(first, *AUTHORS[1:]))
    b = article(2, authors=(second, *AUTHORS[1:]), end_page=None)
    assert groups_of(a, b) == [[1, 2]]


def test_particles_do_not_make_different_first_authors_alike() -> None:
    """Same title, year and journal, another issue and first author: another paper."""
    a = article(1, authors=("van den Berg, A.",), issue="3", start_page=None, end_page=None)
    b = article(2, authors=("van der Meer, B.",), issue="4", start_page=None, end_page=None)
    assert groups_of(a, b) == [[1], [2]]


# --- page range vs first page ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"), [("201", None), ("201", "9"), ("201", "209"), ("0201", None)]
)
def test_page_range_vs_first_page(start: str, end: str | None) -> None:
    assert groups_of(article(1), article(2, start_page=start, end_page=end)) == [[1, 2]]


def test_another_first_page_is_another_record() -> None:
    assert groups_of(article(1), article(2, start_page="301", end_page="309")) == [[1], [2]]


# --- errata, comments and conference abstracts of an article ---------------------------


@pytest.mark.parametrize(
    "notice",
    [
        f"Erratum: {TITLE}",
        f"Correction to: {TITLE}",
        f'Corrigendum to "{TITLE}"',
        f"Comment on: {TITLE}",
    ],
)
def test_notices_naming_the_article_are_queued_next_to_it(notice: str) -> None:
    """Labelled sets disagree on errata (bib-dedupe's stroke set keeps a corrigendum
    apart from its article), so the pair waits for a reviewer, with the reason."""
    other = article(2, title=notice, start_page="e120", end_page=None, issue="6")
    result = find_duplicates([article(1), other])
    assert result.groups == {1: 1, 2: 2}
    [pair] = result.needs_review
    assert any("naming this article" in reason for reason in pair.reasons)


def test_notice_naming_another_article_is_not_queued() -> None:
    other = article(
        2,
        title="Erratum: Thrombolysis for acute ischaemic stroke in older adults",
        start_page="e120",
        end_page=None,
    )
    assert groups_of(article(1), other) == [[1], [2]]
    assert queued(article(1), other) == set()


def test_a_title_starting_with_a_notice_word_is_an_ordinary_title() -> None:
    title = "Correction of post-stroke cognitive impairments using computer programs"
    assert groups_of(article(1, title=title), article(2, title=title, end_page=None)) == [[1, 2]]


def test_conference_abstract_of_the_article_is_queued_not_merged() -> None:
    """As in the asreview exports: the meeting abstract (a journal supplement) and the
    article share title, authors and year, each with its own DOI; a reviewer decides."""
    abstract = article(
        2,
        journal="International Journal of Stroke",
        volume=None,
        issue="S2",
        start_page="S45",
        end_page=None,
        type="CONF",
        doi="10.1177/1747493015607001",
    )
    paper = article(1, doi="10.1161/strokeaha.115.011208")
    assert groups_of(paper, abstract) == [[1], [2]]
    assert queued(paper, abstract) == {(1, 2)}


def test_conference_abstract_a_year_before_in_another_volume_is_not_merged() -> None:
    abstract = article(
        2,
        journal="International Journal of Stroke",
        volume="10",
        issue="S2",
        start_page="45",
        end_page=None,
        year=2015,
        type="CONF",
    )
    assert groups_of(article(1), abstract) == [[1], [2]]


# --- exact duplicates without a DOI ----------------------------------------------------


def test_identical_records_without_doi_merge_and_leave_nothing_to_review() -> None:
    """Seven copies of one record (an import of the same file twice, and more) are one work."""
    copies = [rec(i, title=TITLE, authors=AUTHORS, year=2016) for i in range(1, 8)]
    result = find_duplicates(copies)
    assert set(result.groups.values()) == {1}
    assert result.needs_review == []
    assert len(result.pairs) == 6  # each copy judged against the first, not 21 pairs


def test_identical_generic_records_never_merge_on_the_title_alone() -> None:
    copies = [rec(i, title="Editorial", authors=("Hart, M.",), year=2018) for i in range(1, 8)]
    result = find_duplicates(copies)
    assert len(set(result.groups.values())) == 7
    assert len(result.needs_review) <= 6  # one pair per copy at most, never 21


def test_identical_short_titles_never_merge_on_the_title_alone() -> None:
    copies = [
        rec(i, title="Stroke rehabilitation", authors=("Hart, M.",), year=2018) for i in (1, 2)
    ]
    assert len(set(find_duplicates(copies).groups.values())) == 2


def test_identical_records_without_authors_or_year_are_judged_like_any_pair() -> None:
    copies = [rec(i, title=TITLE) for i in (1, 2)]
    result = find_duplicates(copies)
    assert result.groups == {1: 1, 2: 2}
    assert [(p.a, p.b) for p in result.needs_review] == [(1, 2)]


def test_near_identical_records_with_a_conflicting_page_do_not_merge() -> None:
    a = rec(1, title=TITLE, authors=AUTHORS, year=2016, start_page="201")
    b = rec(2, title=TITLE, authors=AUTHORS, year=2016, start_page="305")
    assert len(set(find_duplicates([a, b]).groups.values())) == 2


def test_identical_copies_still_join_their_other_duplicates() -> None:
    copies = [article(i, end_page=None) for i in (1, 2, 3)]
    other = article(4, title=TITLE.upper(), authors=("BERNHARDT J", "ELLERY F"))
    assert groups_of(*copies, other) == [[1, 2, 3, 4]]


def test_generic_titles_never_merge_on_title_alone() -> None:
    a = rec(1, title="Editorial", authors=("Hart, M.",), year=2018, journal="J Adv Nurs")
    b = rec(
        2,
        title="Editorial",
        authors=("Hart, M.",),
        year=2018,
        journal="J Adv Nurs",
        start_page="997",
    )
    assert len(set(find_duplicates([a, b]).groups.values())) == 2


# --- rules found while labelling, each tried on every set (docs/dedup.md) --------------


def test_same_given_name_and_initials_are_not_the_same_first_author() -> None:
    """The swapped-name rule ("Wu, Ching-yi" / "Ching-yi, Wu") needs the surname itself."""
    a = article(1, authors=("Hegel, Mark J.",), start_page=None, end_page=None, volume=None)
    b = article(2, authors=("Hsueh, Mark J.",), start_page=None, end_page=None, volume=None)
    assert groups_of(a, b) == [[1], [2]]
    c = article(3, authors=("Ching-yi, Wu",), start_page=None, end_page=None, volume=None)
    d = article(4, authors=("Wu, Ching-yi",), start_page=None, end_page=None, volume=None)
    assert groups_of(c, d) == [[3, 4]]


def test_doi_with_a_landing_page_path_is_the_doi() -> None:
    a = article(1, doi="10.1111/disa.12056/asset/disa12056.pdf", end_page=None)
    b = article(2, doi="https://doi.org/10.1111/disa.12056")
    assert groups_of(a, b) == [[1, 2]]


def test_letter_i_read_for_digit_one_in_a_page() -> None:
    assert groups_of(article(1, start_page="i201"), article(2, start_page="1201")) == [[1, 2]]
    # a supplement page "ii12" is not page "112"
    assert groups_of(article(3, start_page="ii12"), article(4, start_page="112")) == [[3], [4]]


def test_a_mistyped_doi_with_every_other_field_agreeing() -> None:
    a = article(1, doi="10.1016/j.appet.2012.05.003")
    b = article(2, doi="10.1016/j.regpep.2012.05.039")
    assert groups_of(a, b) == [[1, 2]]
    c = article(3, doi="10.1016/j.regpep.2012.05.039", journal="Regulatory Peptides")
    assert groups_of(a, c) == [[1], [3]]  # another journal: two works (or a co-publication)


def test_the_same_page_range_merges_a_chapter_exported_as_an_article() -> None:
    chapter = article(1, journal=None, volume=None, issue=None, type="CHAP")
    record = article(
        2,
        journal="Comprehensive Assessment of Water Management Series",
        volume=None,
        issue=None,
        type="JOUR",
    )
    assert groups_of(chapter, record) == [[1, 2]]
    first_page_only = article(3, journal=None, volume=None, issue=None, end_page=None, type="CHAP")
    assert groups_of(first_page_only, record) == [[2], [3]] or queued(first_page_only, record)


def test_one_meeting_abstract_listed_twice_in_a_supplement() -> None:
    a = article(1, issue="10 Suppl", start_page="e8", end_page="e9")
    b = article(2, issue="10 Suppl", start_page="e3", end_page=None)
    assert groups_of(a, b) == [[1, 2]]
    two_authors = ("Bernhardt, J.", "Ellery, F.")
    c = article(3, authors=two_authors, issue="10 Suppl", start_page="e8", end_page="e9")
    d = article(4, authors=two_authors, issue="10 Suppl", start_page="e3", end_page=None)
    assert groups_of(c, d) == [[3], [4]]  # too few authors to rule out two abstracts


def test_unicode_punctuation_parts_numbers_like_ascii_punctuation() -> None:
    """ "2016\u20132019" is "2016-2019", not "20162019" (the numbers veto compared them)."""
    base = "Emergency department visits during wildfire smoke events in California, 2016"
    a = article(1, title=base + "-2019")
    b = article(2, title=base + "\u20132019", end_page=None)
    c = article(3, title="Mortality attributable to wildfire PM2<middle dot>5 in 749 locations")
    d = article(4, title="Mortality attributable to wildfire PM2.5 in 749 locations", end_page=None)
    assert groups_of(a, b) == [[1, 2]]
    assert groups_of(c, d) == [[3, 4]]


def test_same_doi_online_first_and_print_years_apart() -> None:
    online = article(
        1,
        doi="10.1136/bmjspcare-2021-002973",
        year=2021,
        volume=None,
        issue=None,
        start_page=None,
        end_page=None,
    )
    printed = article(2, doi="10.1136/bmjspcare-2021-002973", year=2023)
    assert groups_of(online, printed) == [[1, 2]]
    other = article(3, doi="10.1136/bmjspcare-2021-002973", year=2023, authors=("Kelly, M.",))
    assert groups_of(online, other) == [[1], [3]]  # another first author: not on the DOI alone


def test_same_doi_with_an_abstract_that_differs() -> None:
    abstract = "Background: " + "post-traumatic stress after disasters " * 8
    a = article(
        1,
        doi="10.1111/jpm.13030",
        abstract=abstract,
        start_page=None,
        end_page=None,
        volume=None,
        issue=None,
    )
    b = article(
        2,
        doi="10.1111/jpm.13030",
        abstract="Aim: locus of control " * 12,
        start_page=None,
        end_page=None,
        volume=None,
        issue=None,
    )
    assert groups_of(a, b) == [[1, 2]]
