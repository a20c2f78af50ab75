"""Attaching PDFs to works, their text and its search (generated PDFs, real SQLite)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from coding_helpers import DATA, pass_screening
from pdf_helpers import (
    write_broken_pdf,
    write_encrypted_pdf,
    write_image_only_pdf,
    write_pdf,
)

from litreview.cli import cli, main
from litreview.errors import InvalidValue
from litreview.fulltext import reports as ft
from litreview.fulltext.files import attach_paths, dois_in_name, files_folder, get_pages, grep
from litreview.ingest.importer import ImportOptions, import_files
from litreview.protocol import load_template
from litreview.storage.review import Review, create_review, open_review

WORKS = DATA / "files" / "works.ris"
LEE = "Home visiting for new parents: a randomised controlled trial"
GREEN = "Children leaving care: a ten year cohort study"
WHITE = "Foster carers and their support: a national survey"
TWINS = "Parenting programmes in primary care: a systematic review"  # records 5 and 6


@pytest.fixture
def review(tmp_path: Path):
    r = create_review(tmp_path / "review.db", load_template("default")[0])
    import_files(r, [WORKS], ImportOptions(database="Examples"))
    yield r
    r.close()


@pytest.fixture
def pdfs(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    return folder


def by_source(outcomes):
    return {Path(o.source).name: o for o in outcomes}


def test_file_name_dois_undo_the_underscore() -> None:
    assert dois_in_name("10.1111_cch.12001.pdf") == ["10.1111/cch.12001"]
    # the suffix's own underscore survives, and / inside the suffix written as _ is tried too
    assert dois_in_name("Brown 2015 10.1002_jsh_2015.77.PDF") == [
        "10.1002/jsh_2015.77",
        "10.1002/jsh/2015.77",
    ]
    assert dois_in_name("lee2012.pdf") == []


def test_each_way_of_matching_and_what_is_stored(review: Review, pdfs: Path) -> None:
    # 1. DOI in the file name (body text says nothing useful)
    write_pdf(pdfs / "10.1002_jsh_2015.77.pdf", ["Results\nWellbeing rose in every school."])
    # 2. DOI in the metadata
    write_pdf(pdfs / "a.pdf", ["Background\nSome text."], subject="doi:10.1093/fampra/cmz001")
    # 2b. DOI on the first page, two-column layout
    write_pdf(
        pdfs / "b.pdf",
        [
            f"{LEE}\nAnn Lee\nhttps://doi.org/10.1111/cch.12001.\n"
            "Abstract\nWe randomised 400 families."
        ]
        + ["Methods\nHome visits by nurses."] * 3,
        columns=2,
    )
    # 3. title on the first page, broken across lines with a hyphen, different case
    write_pdf(pdfs / "c.pdf", ["CHILDREN LEAVING CARE: A TEN YEAR CO-\nHORT STUDY\nby C. Green"])
    # 3b. title in the metadata only
    write_pdf(pdfs / "d.pdf", ["no title on this page at all"], title=WHITE.upper())
    outcomes = by_source(attach_paths(review, [pdfs], reviewer="ann"))
    assert {n: (o.status, o.work_id, o.matched_by) for n, o in outcomes.items()} == {
        "10.1002_jsh_2015.77.pdf": ("attached", 2, "file name DOI"),
        "a.pdf": ("attached", 5, "PDF metadata DOI"),
        "b.pdf": ("attached", 1, "DOI on the first pages"),
        "c.pdf": ("attached", 3, "title"),
        "d.pdf": ("attached", 4, "title"),
    }
    stored = outcomes["b.pdf"].stored_path
    assert stored is not None
    copy = review.path.parent / "review.files" / stored
    assert copy.read_bytes() == (pdfs / "b.pdf").read_bytes()
    assert copy.name == f"{outcomes['b.pdf'].sha256}.pdf"
    pages = get_pages(review, 1)
    assert len(pages) == 4 and "We randomised 400 families" in pages[0]
    assert "Home visits by nurses" in pages[3]


def test_attaching_again_stores_nothing_twice(review: Review, pdfs: Path) -> None:
    write_pdf(pdfs / "10.1111_cch.12001.pdf", [f"{LEE}\nText"])
    first = attach_paths(review, [pdfs])
    copy_of = pdfs / "copy" / "same-file.pdf"
    copy_of.parent.mkdir()
    shutil.copy(pdfs / "10.1111_cch.12001.pdf", copy_of)
    again = attach_paths(review, [pdfs / "10.1111_cch.12001.pdf"])
    assert first[0].status == "attached" and again[0].status == "already_attached"
    assert len(list(files_folder(review).rglob("*.pdf"))) == 1
    # the same bytes attached to another work are stored once, with their text once
    attach_paths(review, [copy_of], record_id=3)
    assert len(list(files_folder(review).rglob("*.pdf"))) == 1
    assert review.db.execute("SELECT count(*) FROM files").fetchone()[0] == 1
    assert review.db.execute("SELECT count(*) FROM file_pages").fetchone()[0] == 1


def test_ambiguous_and_unmatched_are_listed_never_guessed(review: Review, pdfs: Path) -> None:
    write_pdf(pdfs / "twin.pdf", [f"{TWINS}\nEve Black"])  # two works share this title
    write_pdf(pdfs / "other.pdf", ["An unrelated paper on soil bacteria and crop yields"])
    # a title that is close but not the same is not a match
    write_pdf(pdfs / "close.pdf", ["Home visiting for new parents: a qualitative study"])
    outcomes = by_source(attach_paths(review, [pdfs]))
    assert outcomes["twin.pdf"].status == "ambiguous"
    assert outcomes["twin.pdf"].candidates == (5, 6)
    assert "--record" in (outcomes["twin.pdf"].reason or "")
    assert outcomes["other.pdf"].status == "unmatched"
    assert outcomes["close.pdf"].status == "unmatched"
    assert review.db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    # the reviewer settles it
    chosen = attach_paths(review, [pdfs / "twin.pdf"], record_id=6)
    assert (chosen[0].status, chosen[0].work_id) == ("attached", 6)


def test_bad_pdfs_are_reported_by_name_and_nothing_else_is_affected(
    review: Review, pdfs: Path
) -> None:
    write_pdf(pdfs / "10.1111_cch.12001.pdf", [f"{LEE}\nText"])
    write_encrypted_pdf(pdfs / "10.1002_jsh_2015.77.pdf", "School counselling")
    write_broken_pdf(pdfs / "10.1093_fampra_cmz001.pdf", "Parenting programmes " * 40)
    (pdfs / "notes.pdf").write_text("this is a text file named .pdf", encoding="utf-8")
    write_image_only_pdf(pdfs / "10.1002_14651858.CD000001.pdf")
    write_image_only_pdf(pdfs / "scan-unknown.pdf")
    outcomes = by_source(attach_paths(review, [pdfs]))
    enc = outcomes["10.1002_jsh_2015.77.pdf"]
    assert enc.status == "failed" and "encrypted" in (enc.reason or "")
    broken = outcomes["10.1093_fampra_cmz001.pdf"]
    assert broken.status == "failed" and "damaged" in (broken.reason or "")
    assert outcomes["notes.pdf"].status == "failed"
    assert "not a PDF" in (outcomes["notes.pdf"].reason or "")
    scan = outcomes["10.1002_14651858.CD000001.pdf"]
    assert scan.status == "attached" and scan.work_id == 6
    assert any("no text layer" in w for w in scan.warnings)
    assert get_pages(review, 6) == []
    unknown = outcomes["scan-unknown.pdf"]
    assert unknown.status == "unmatched" and "no text layer" in (unknown.reason or "")
    assert outcomes["10.1111_cch.12001.pdf"].status == "attached"
    assert len(list(files_folder(review).rglob("*.pdf"))) == 2
    assert not list(files_folder(review).rglob("*.part"))


def test_a_300_page_pdf_keeps_its_page_numbers(review: Review, pdfs: Path) -> None:
    pages = [f"{LEE}\npage one"] + [f"Section {n}\nfinding number {n}" for n in range(2, 301)]
    write_pdf(pdfs / "long.pdf", pages)
    (outcome,) = attach_paths(review, [pdfs / "long.pdf"])
    assert (outcome.status, outcome.pages) == ("attached", 300)
    text = get_pages(review, 1)
    assert len(text) == 300 and "finding number 257" in text[256]
    hits = grep(review, "finding number 257")
    assert [(h.work_id, h.page) for h in hits] == [(1, 257)]
    assert "«finding number 257»" in hits[0].snippet


def test_grep_finds_phrases_not_scattered_words(review: Review, pdfs: Path) -> None:
    write_pdf(pdfs / "10.1111_cch.12001.pdf", [LEE, "Nurses made home visits weekly."])
    write_pdf(pdfs / "10.1002_jsh_2015.77.pdf", ["The visits were made at home."])
    attach_paths(review, [pdfs])
    hits = grep(review, "HOME VISITS")
    assert [(h.work_id, h.page) for h in hits] == [(1, 2)]
    assert grep(review, 'a "quoted" phrase') == []


def test_an_attached_file_counts_as_retrieved_at_the_fulltext_stage(
    review: Review, pdfs: Path
) -> None:
    write_pdf(pdfs / "10.1111_cch.12001.pdf", [f"{LEE}\nText"])
    write_pdf(pdfs / "10.1002_jsh_2015.77.pdf", ["School text"])
    attach_paths(review, [pdfs])  # attached during screening, before the stage
    pass_screening(review, [1, 2, 3])
    ft.mark_not_retrieved(review, 3, reason="not held by the library")
    counts = ft.fulltext_counts(review)
    assert (counts["sought"], counts["retrieved"], counts["not_retrieved"]) == (3, 2, 1)
    found = ft.current_retrieval(review, 1)
    assert found is not None and found.status == "retrieved"
    assert found.location is not None and Path(found.location).is_file()
    # a file found later turns "not retrieved" into retrieved
    write_pdf(pdfs / "green.pdf", [GREEN])
    attach_paths(review, [pdfs / "green.pdf"])
    counts = ft.fulltext_counts(review)
    assert (counts["retrieved"], counts["not_retrieved"]) == (3, 0)


def test_cli_attach_text_grep_and_backup(
    review: Review, pdfs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_pdf(pdfs / "10.1111_cch.12001.pdf", [LEE, "Nurses made home visits weekly."])
    write_encrypted_pdf(pdfs / "locked.pdf", "x")
    pass_screening(review, [1])
    db = str(review.path)
    review.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "attach", str(pdfs), "--json"])
    assert result.exit_code == 0, result.output
    data = {Path(o["source"]).name: o for o in json.loads(result.stdout)}
    assert data["10.1111_cch.12001.pdf"]["status"] == "attached"
    assert data["locked.pdf"]["status"] == "failed"
    shown = runner.invoke(cli, ["--db", db, "fulltext", "1", "--json"])
    report = json.loads(shown.stdout)
    assert report["status"] == "retrieved" and report["reason"] is None
    assert Path(report["location"]).read_bytes() == (pdfs / "10.1111_cch.12001.pdf").read_bytes()
    text = runner.invoke(cli, ["--db", db, "fulltext", "1", "--text"])
    assert text.exit_code == 0
    assert "--- page 2 ---\nNurses made home visits weekly." in text.stdout
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "fulltext", "2", "--text"])
    err = capsys.readouterr().err
    assert exc.value.code == 1
    assert "Error: record 2 has no attached PDF" in err and "Hint: attach one" in err
    found = runner.invoke(cli, ["--db", db, "grep", "home visits"])
    assert found.stdout.startswith("[1] p.2: ") and "«home visits»" in found.stdout
    backup = tmp_path / "safe" / "copy.db"
    backup.parent.mkdir()  # backup never creates folders (a typo'd path is an error)
    assert runner.invoke(cli, ["--db", db, "backup", str(backup)]).exit_code == 0
    with open_review(backup) as copy:
        moved = ft.current_retrieval(copy, 1)
        assert moved is not None and moved.location is not None
        assert Path(moved.location).is_file()
        assert str(backup.parent) in moved.location


def test_exports_carry_the_pdf_path(review: Review, pdfs: Path) -> None:
    import csv
    import io

    import rispy

    from litreview.report.export import export_records

    write_pdf(pdfs / "10.1111_cch.12001.pdf", [f"{LEE}\nText"])
    attach_paths(review, [pdfs])
    ris, _ = export_records(review, "ris")
    entries = rispy.loads(ris)
    with_file = [e for e in entries if e.get("file_attachments1")]
    assert [e["doi"] for e in with_file] == ["10.1111/cch.12001"]
    path = Path(with_file[0]["file_attachments1"])
    assert path.is_absolute() and path.read_bytes() == (pdfs / "10.1111_cch.12001.pdf").read_bytes()
    text, _ = export_records(review, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["pdf_path"] for r in rows if r["pdf_path"]] == [str(path)]
    assert sum(1 for r in rows if not r["pdf_path"]) == 5


def test_a_hostile_file_name_reaches_the_terminal_without_escapes(
    review: Review, pdfs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = pdfs / "10.1111_cch.12001 \x1b[31mred\x1b]8;;x\x07.pdf"
    write_pdf(hostile, [f"{LEE}\nText"])
    review.close()
    main(["--db", str(review.path), "attach", str(pdfs)])  # returns: no error
    out = capsys.readouterr().out
    assert "attached" in out and "\x1b" not in out and "\x07" not in out
    assert "[31mred" in out  # shown, made harmless


def test_a_backup_beside_the_review_shares_its_folder(review: Review, pdfs: Path) -> None:
    from litreview.fulltext.files import backup_files
    from litreview.storage.db import backup_review

    write_pdf(pdfs / "10.1111_cch.12001.pdf", [f"{LEE}\nText"])
    attach_paths(review, [pdfs])
    target = review.path.with_suffix(".bak")  # review.bak -> review.files, the same folder
    backup_review(review.db, target)
    assert backup_files(review, target) == files_folder(review)
    with open_review(target) as copy:
        from litreview.fulltext.files import get_attachment, stored_location

        found = get_attachment(copy, 1)
        assert found is not None and stored_location(copy, found.path).is_file()
        assert get_pages(copy, 1) == get_pages(review, 1) != []


def test_requested_reports_are_awaited_with_their_date(
    review: Review, pdfs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pass_screening(review, [1, 2])
    ft.mark_requested(review, 2, via="interlibrary loan", reviewer="ann")
    with pytest.raises(InvalidValue, match="requested from"):
        ft.mark_requested(review, 1, via=" ")
    counts = ft.fulltext_counts(review)
    assert (counts["retrieved"], counts["not_retrieved"], counts["awaiting"]) == (0, 0, 2)
    found = ft.current_retrieval(review, 2)
    assert found is not None and (found.status, found.reason) == ("requested", "interlibrary loan")
    review.close()
    main(["--db", str(review.path), "fulltext", "1", "--requested", "--via", "the authors"])
    out = capsys.readouterr().out
    assert "full text requested  (from the authors, since 20" in out
    # the PDF arrives: attaching it makes the report retrieved
    write_pdf(pdfs / "10.1002_jsh_2015.77.pdf", ["School text"])
    with open_review(review.path) as again:
        attach_paths(again, [pdfs])
        counts = ft.fulltext_counts(again)
        assert (counts["retrieved"], counts["awaiting"]) == (1, 2)
