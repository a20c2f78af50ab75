"""Normalised keys: pages, authors, journals, DOIs, titles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from litreview.dedup.keys import (
    is_acronym,
    journal_names_match,
    journal_variants,
    normalize_dois,
    volume_key,
)
from litreview.dedup.names import split_author_field, surname_key
from litreview.dedup.records import split_pages, split_standard_numbers
from litreview.dedup.text import clean_title, is_generic_title, notice_kind, notice_of, title_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("349-69", ("349", "369")),
        ("221-8", ("221", "228")),
        ("1001-1013", ("1001", "1013")),
        ("47--65", ("47", "65")),
        ("S69-S70", ("S69", "S70")),
        ("e0143396", ("e0143396", None)),
        ("pp. 12-15", ("12", "15")),
        ("01-Apr", (None, None)),  # "1-4" turned into a date by a spreadsheet
        ("No Pagination Specified", (None, None)),
        ("62 p", (None, None)),  # a page count, not a page
        ("", (None, None)),
    ],
)
def test_split_pages(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_pages(text) == expected


@pytest.mark.parametrize(
    "name",
    ["Smith, J.", "J Smith", "SMITH J", "Smith JA", "J. A. Smith", "Smith, John A.", "smith"],
)
def test_surname_key_of_every_author_format(name: str) -> None:
    assert surname_key(name) == "smith"


def test_surname_key_particles_and_accents() -> None:
    assert surname_key("De Ruiter, M.") == surname_key("Ruiter De, M.") == "ruiter"
    assert surname_key("Grundström, K.") == "grundstrom"
    assert surname_key("Anonymous") == ""


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Smith, J. and Jones, K.", ["Smith, J.", "Jones, K."]),
        ("Smith J; Jones K", ["Smith J", "Jones K"]),
        ("Smith J, Jones K", ["Smith J", "Jones K"]),
        ("Adeli K.Lewis G. F.", ["Adeli K.", "Lewis G. F."]),
        ("Smith, John", ["Smith, John"]),
        ("", []),
    ],
)
def test_split_author_field(field: str, names: list[str]) -> None:
    assert split_author_field(field) == names


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("J Am Heart Assoc", "Journal of the American Heart Association"),
        ("Curr Opin Lipidol", "Current Opinion in Lipidology"),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
        ),
        ("Diab Vasc Dis Res", "Diabetes and Vascular Disease Research"),
        ("Front Endocrinol (Lausanne)", "Frontiers in Endocrinology"),
    ],
)
def test_journal_abbreviation_matches_full_name(short: str, full: str) -> None:
    assert any(
        journal_names_match(x, y) for x in journal_variants(short) for y in journal_variants(full)
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [("Circulation", "Circulation Research"), ("Stroke", "Brain"), ("Diabetes", "Diabetologia")],
)
def test_different_journals_do_not_match(a: str, b: str) -> None:
    assert not any(
        journal_names_match(x, y) for x in journal_variants(a) for y in journal_variants(b)
    )


def test_conference_part_of_a_journal_name_is_a_variant() -> None:
    assert ("circulation",) in journal_variants("Circulation. Conference: Resuscitation Science")


def test_acronyms() -> None:
    assert is_acronym("amcis", ("americas", "conference", "information", "systems"))
    assert is_acronym("hicss", ("hawaii", "international", "conference", "system", "sciences"))
    assert not is_acronym("stroke", ("stroke", "research"))


@pytest.mark.parametrize(
    "raw",
    [
        "http://dx.doi.org/10.1016/S0025-7753%2817%2930624-3",
        "https://doi.org/10.1016/s0025-7753(17)30624-3",
        "doi:10.1016/S0025-7753(17)30624-3.",
    ],
)
def test_normalize_dois(raw: str) -> None:
    assert normalize_dois(raw) == ("10.1016/s0025-7753(17)30624-3",)


def test_standard_numbers_split_issn_from_isbn() -> None:
    assert split_standard_numbers("0957-9672 (Print)\n1879-1484") == (
        [],
        ["0957-9672", "1879-1484"],
    )
    assert split_standard_numbers("978-3-030-00002-2") == (["9783030000022"], [])


def test_clean_title_drops_markup_and_notes() -> None:
    assert (
        clean_title("[Protective effects of incretin]. [Japanese]")
        == "Protective effects of incretin"
    )
    assert clean_title("Ldlr<sup>-/-</sup> mice") == "Ldlr-/- mice"
    assert clean_title("Robot gait.[Erratum appears in Exp Brain Res. 2010]") == "Robot gait"


def test_generic_and_notice_titles() -> None:
    assert is_generic_title(title_words("Editorial"))
    assert is_generic_title(title_words("Reply to Dr Smith"))
    assert not is_generic_title(title_words("Falls after discharge from a geriatric ward"))
    assert notice_of("Correction: Early mobilisation after stroke") == (
        "correction",
        "earlymobilisationafterstroke",
    )
    assert notice_kind(title_words("Erratum to Early mobilisation after stroke")) == "erratum"
    assert notice_kind(title_words("Research on replies")) == ""
    # a title that merely starts with a notice word is not a notice
    assert notice_of("Correction of post-stroke cognitive impairments")[0] == ""
    assert notice_of("Re-greening Ethiopia: history, challenges and lessons")[0] == ""
    assert notice_of("Response to treatment in type 2 diabetes")[0] == ""


def test_volume_key() -> None:
    assert volume_key("59 (1 Supplement 1)") == "59"
    assert volume_key("1)") is None  # a broken "55 (Suppl 1)"
    assert volume_key("Ph.D.") is None


@given(st.text(max_size=80))
def test_title_words_idempotent(text: str) -> None:
    once = " ".join(title_words(text))
    assert " ".join(title_words(once)) == once


@given(st.text(max_size=40))
def test_surname_key_never_fails(text: str) -> None:
    key = surname_key(text)
    assert key == key.strip() and " " not in key
