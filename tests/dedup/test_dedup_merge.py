"""merge_fields: the best of each field."""

from __future__ import annotations

import pytest

from litreview.dedup import merge_fields
from litreview.models import RecordFields


def test_best_of_each_field() -> None:
    a = RecordFields(
        type="JOUR",
        title="FALLS AFTER DISCHARGE",
        authors=["Ferreira, A."],
        year=2014,
        journal="Age Ageing",
        volume="43",
        start_page="349",
        end_page=None,
        abstract="<p>Short.</p>",
        database="MEDLINE",
        keywords=["falls"],
    )
    b = RecordFields(
        type="JOUR",
        title="Falls after discharge",
        authors=["Ferreira, Ana", "Lim, Jun"],
        year=2014,
        journal="Age and Ageing",
        volume="1)",
        start_page="349",
        end_page="69",
        doi="https://doi.org/10.1093/AGEING/AFU001",
        database="Embase",
        keywords=["Falls", "aged"],
        abstract="Background: falls are common after discharge from geriatric wards.",
    )
    merged = merge_fields([a, b])
    assert merged.title == "Falls after discharge"
    assert merged.authors == ["Ferreira, Ana", "Lim, Jun"]
    assert merged.journal == "Age and Ageing"
    assert merged.volume == "43"  # "1)" is a broken value
    assert (merged.start_page, merged.end_page) == ("349", "369")
    assert merged.doi == "10.1093/ageing/afu001"
    assert merged.abstract and merged.abstract.startswith("Background")
    assert merged.database == "Embase; MEDLINE"
    assert merged.keywords == ["falls", "aged"]


def test_member_order_does_not_matter_for_scalars() -> None:
    a = RecordFields(title="A study", year=2010, journal="Stroke", start_page="1", end_page="9")
    b = RecordFields(title="A study", year=2011, journal="Stroke", start_page="1", end_page="10")
    assert merge_fields([a, b]) == merge_fields([b, a])


def test_no_abstract_placeholders() -> None:
    merged = merge_fields([RecordFields(abstract="No abstract available."), RecordFields()])
    assert merged.abstract is None


def test_empty_group_is_a_bug() -> None:
    with pytest.raises(ValueError):
        merge_fields([])
