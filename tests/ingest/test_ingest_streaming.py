"""Streaming: the same records as a whole-file parse, in bounded memory, all or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ingest_properties import ENCODINGS, document

from litreview.errors import ImportFormatError
from litreview.ingest import iter_parse_file, parse_bytes, parse_file, scan_file
from litreview.ingest._stream import iter_lines, iter_tagged_stream
from litreview.ingest.importer import ImportOptions, import_files
from litreview.ingest.ris import RIS_FORMAT
from litreview.storage.review import Review

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURES = sorted(p for p in (DATA / "ingest").iterdir() if p.is_file())


def stream_all(path: Path, chunk_bytes: int) -> tuple[object, ...]:
    streamed = iter_parse_file(path, chunk_bytes=chunk_bytes)
    records = list(streamed.records)
    return streamed.format, streamed.encoding, records, streamed.problems, streamed.database_hint


def whole(path: Path) -> tuple[object, ...]:
    parsed = parse_file(path)
    return parsed.format, parsed.encoding, parsed.records, parsed.problems, parsed.database_hint


def same_outcome(path: Path, chunk_bytes: int) -> None:
    try:
        expected = whole(path)
    except ImportFormatError:
        with pytest.raises(ImportFormatError):
            stream_all(path, chunk_bytes)
        return
    assert stream_all(path, chunk_bytes) == expected


@pytest.mark.parametrize("chunk_bytes", [5, 64, 1 << 22])
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_streaming_equals_whole_file_parsing_on_every_fixture(path: Path, chunk_bytes: int) -> None:
    same_outcome(path, chunk_bytes)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=document,
    encoding=st.sampled_from(ENCODINGS),
    chunk_bytes=st.sampled_from([1, 3, 16, 4096]),
)
def test_streaming_equals_whole_file_parsing_on_any_document(
    tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str, chunk_bytes: int
) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    path = tmp_path_factory.mktemp("doc") / "input.txt"
    path.write_bytes(data)
    same_outcome(path, chunk_bytes)


def test_shared_exports_stream_to_the_same_records(shared_data: Path) -> None:
    for path in sorted((shared_data / "ris").glob("*.ris"))[:6]:
        same_outcome(path, 1000)


def test_scan_reads_identity_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_bytes(b"\xef\xbb\xbfTY  - JOUR\r\nTI  - Caf\xc3\xa9\r\nER  - \r\n")
    scan = scan_file(path)
    assert (scan.format, scan.encoding, scan.size, scan.streamed) == ("ris", "utf-8", 36, True)
    assert len(scan.sha256) == 64


def test_a_record_larger_than_the_cap_is_refused() -> None:
    chunks = ["TY  - JOUR\nAB  - ", "x" * 500, "y" * 500, "\nER  - \n"]
    with pytest.raises(ImportFormatError, match="record 1 is larger than"):
        list(iter_tagged_stream(RIS_FORMAT, chunks, "big.ris", [], max_record_chars=800))


def test_lines_are_rebuilt_across_chunks() -> None:
    assert list(iter_lines(["a,b", "\nc", "", "\n\nd"])) == ["a,b\n", "c\n", "\n", "d"]


def test_files_read_whole_are_refused_above_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("litreview.ingest._streaming.WHOLE_FILE_LIMIT", 100)
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={" + "x" * 200 + "}}\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="read whole") as caught:
        scan_file(bib)
    assert "split the export" in (caught.value.hint or "")
    no_ty = tmp_path / "no_ty.ris"
    no_ty.write_text("TI  - " + "x" * 200 + "\nER  - \n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="without TY lines"):
        scan_file(no_ty)


# ---- import_files on top of the stream ------------------------------------------------------


def write_ris(path: Path, n: int, tag: str = "") -> Path:
    body = "".join(f"TY  - JOUR\nTI  - {tag}Record {i}\nPY  - 2001\nER  - \n\n" for i in range(n))
    path.write_text(body, encoding="utf-8")
    return path


def count(review: Review, table: str) -> int:
    return int(review.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_streamed_import_stores_every_record_with_its_source(
    review: Review, tmp_path: Path
) -> None:
    seen: list[tuple[str, int, int]] = []
    path = write_ris(tmp_path / "many.ris", 5000)
    (result,) = import_files(review, [path], progress=lambda *a: seen.append(a))
    assert (result.records, result.format, result.database) == (5000, "ris", "many")
    assert count(review, "records") == 5000
    sql = "SELECT records_parsed, database, size_bytes FROM sources"
    source = review.db.execute(sql).fetchone()
    assert source == (5000, "many", path.stat().st_size)
    assert {phase for phase, _, _ in seen} == {"scan", "import"}
    assert seen[-1][1] == seen[-1][2] == path.stat().st_size


def test_already_imported_bytes_are_skipped_before_parsing(
    review: Review, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_ris(tmp_path / "a.ris", 3)
    import_files(review, [path])
    copy = tmp_path / "copy.ris"
    copy.write_bytes(path.read_bytes())

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file already imported")

    monkeypatch.setattr("litreview.ingest.importer.iter_parse_file", no_parsing)
    (result,) = import_files(review, [copy])
    assert result.already_imported and result.records == 3


def test_a_file_that_changes_during_the_import_is_rolled_back(
    review: Review, tmp_path: Path
) -> None:
    path = write_ris(tmp_path / "a.ris", 50)

    def tamper(phase: str, done: int, total: int) -> None:
        if phase == "scan":
            path.write_bytes(path.read_bytes().replace(b"Record 7", b"Recxrd 7"))

    with pytest.raises(ImportFormatError, match="changed while"):
        import_files(review, [path], progress=tamper)
    assert count(review, "records") == count(review, "sources") == 0


def test_a_strict_failure_in_the_second_file_rolls_back_the_first(
    review: Review, tmp_path: Path
) -> None:
    good = write_ris(tmp_path / "good.ris", 2000)
    warned = tmp_path / "warned.ris"
    warned.write_text("TY  - JOUR\nTI  - A year\nPY  - sometime\nER  - \n", encoding="utf-8")
    with pytest.raises(ImportFormatError):
        import_files(review, [good, warned], ImportOptions(strict=True))
    assert count(review, "records") == count(review, "sources") == 0


def test_records_fewer_than_starts_is_still_an_error(review: Review, tmp_path: Path) -> None:
    path = tmp_path / "csv_looking.csv"
    path.write_text('title,abstract\n"unterminated,\n', encoding="utf-8")
    try:
        parse_bytes(path.read_bytes(), str(path))
    except ImportFormatError as exc:
        with pytest.raises(ImportFormatError) as caught:
            import_files(review, [path])
        assert caught.value.message == exc.message
    assert count(review, "records") == 0


def test_the_review_file_itself_is_not_importable(review: Review) -> None:
    with pytest.raises(ImportFormatError, match="SQLite database"):
        import_files(review, [review.path])
    conn = sqlite3.connect(review.path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_utf16_without_a_mark_is_read_not_refused_as_binary(tmp_path: Path) -> None:
    text = "TY  - JOUR\r\nTI  - Plain ASCII in UTF-16\r\nER  - \r\n" * 60
    path = tmp_path / "refs.ris"
    path.write_bytes(text.encode("utf-16-le"))
    parsed = parse_file(path)
    assert (parsed.encoding, len(parsed.records)) == ("utf-16-le", 60)
    assert stream_all(path, 7)[2] == parsed.records
    path.write_bytes(text.encode("utf-16-le")[:-1])
    with pytest.raises(ImportFormatError, match="truncated"):
        scan_file(path)


def test_the_import_command_shows_progress_only_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    from litreview.protocol import load_template
    from litreview.storage.review import create_review

    db = tmp_path / "r.db"
    create_review(db, load_template("default")[0]).close()
    path = write_ris(tmp_path / "a.ris", 300)
    command = [sys.executable, "-m", "litreview", "--db", str(db), "import", str(path)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=env) as proc:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        out = proc.stdout.read() if proc.stdout else b""
    os.close(leader)
    assert proc.returncode == 0
    assert b"Importing" in shown and b"Importing" not in out
    other = str(write_ris(tmp_path / "b.ris", 300, tag="other "))
    again = subprocess.run([*command[:-1], other], capture_output=True, env=env, check=True)
    assert b"Importing" not in again.stderr and b"300 records" in again.stdout
