"""Exports: RIS that re-imports to the same records, CSV for ASReview, BibTeX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import rispy

from litreview.errors import InvalidValue
from litreview.ingest import parse_bytes
from litreview.report.export import export_records, select_works


def _works(review) -> dict[int, tuple[str | None, list[str], str | None]]:
    from litreview.storage import views, works

    found = {}
    for work in works.list_work_ids(review.db, eligible_only=False):
        f = views.work_fields(review.db, work)
        found[work] = (f.title, f.authors, f.doi)
    return found


def test_ris_reimports_to_the_same_records(small, tmp_path: Path) -> None:
    from litreview.ingest.importer import import_files
    from litreview.protocol import load_template
    from litreview.storage import records as records_store
    from litreview.storage.review import create_review

    text, n = export_records(small.review, "ris")
    assert n == 9  # every work once
    path = tmp_path / "export.ris"
    path.write_text(text, encoding="utf-8")
    fresh = create_review(tmp_path / "fresh.db", load_template("default")[0])
    result = import_files(fresh, [path])
    assert result[0].format == "ris" and result[0].problems == []
    again = sorted(
        (r.fields.title, r.fields.authors, r.fields.doi)
        for r in records_store.iter_records(fresh.db)
    )
    assert again == sorted(_works(small.review).values())
    fresh.close()


def test_ris_is_read_by_rispy_with_decisions_in_n1(small) -> None:
    text, _ = export_records(small.review, "ris", stage="full", decision="exclude")
    entries = rispy.loads(text)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["title"] == '=HYPERLINK("http://x","y")'
    assert entry["authors"] == ["Brown, Carl", "Green, Dora", "White, Ed"]
    assert entry["doi"] == "10.1000/a4"
    assert entry["notes"] == [
        f"litreview record {small.ids['A4']}; title: include; "
        "full: exclude (No defect data, no <numbers>)"
    ]


def test_csv_has_record_id_and_label_included(small) -> None:
    text, n = export_records(small.review, "csv")
    rows = {int(r["record_id"]): r for r in csv.DictReader(io.StringIO(text))}
    ids = small.ids
    assert n == len(rows) == 9
    labels = {name: rows[ids[name]]["label_included"] for name in ids}
    assert labels == {
        "A1": "1",
        "A2": "1",
        "A5": "1",
        "O2": "1",
        "A3": "0",
        "A4": "0",
        "B3": "0",
        "O3": "0",
        "A6": "",
    }
    assert rows[ids["A4"]]["title"] == "'" + '=HYPERLINK("http://x","y")'
    assert rows[ids["A4"]]["full_reason"] == "No defect data, no <numbers>"
    assert rows[ids["B3"]]["title_decision"] == "exclude"
    assert rows[ids["A1"]]["pages"] == "1-20"


def test_csv_labels_follow_the_stage_given(small) -> None:
    text, n = export_records(small.review, "csv", stage="title")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == 8  # A3 is outside the eligibility limits: not in any stage
    assert sorted(r["label_included"] for r in rows) == ["0", "0"] + ["1"] * 6


def test_selection_by_stage_and_decision(small) -> None:
    ids = small.ids
    included = [w.work_id for w in select_works(small.review, decision="include")]
    assert included == sorted([ids["A1"], ids["A2"], ids["A5"], ids["O2"]])
    maybe = select_works(small.review, stage="title", decision="maybe")
    assert maybe == []
    with pytest.raises(InvalidValue, match="unknown stage"):
        select_works(small.review, stage="abstract")
    with pytest.raises(InvalidValue, match="unknown decision"):
        select_works(small.review, decision="yes")
    with pytest.raises(InvalidValue, match="unknown export format"):
        export_records(small.review, "endnote")


def test_bibtex_is_escaped_and_reads_back(small) -> None:
    text, n = export_records(small.review, "bibtex")
    assert n == 9
    assert "@article{smith2010a," in text and "@article{smith2010b," in text
    assert "@inproceedings{devries2012," in text and "@techreport{park2005," in text
    assert r"Tests \& bold | 50\% of \$cost\_\{x\} \textbackslash{}relax \#1" in text
    parsed = parse_bytes(text.encode("utf-8"), "export.bib")
    assert parsed.format == "bibtex"
    assert len(parsed.records) == 9
    titles = {r.fields.title for r in parsed.records}
    assert "Peer review and defects" in titles
