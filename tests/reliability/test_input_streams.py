"""Input that used to lose records or hang: a runaway quoted CSV field, a 200,000-line
abstract, standard input, FIFOs and ``<(...)``."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from litreview.errors import ImportFormatError
from litreview.ingest import parse_bytes
from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.storage.review import create_review

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


# ---- a stray quote in a CSV ----------------------------------------------------------------


def _csv(rows: int = 100, *, delimiter: str = ",", quoted_row: int | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["title", "abstract", "authors", "year", "doi"])
    for i in range(rows):
        abstract = f"Abstract {i}, with a comma" if i == quoted_row else f"Abstract {i} plain"
        writer.writerow([f"Title {i}", abstract, "Smith J; Doe K", 2000 + i % 20, f"10.1/{i}"])
    return out.getvalue()


def _stray_quote(text: str, row: int) -> str:
    lines = text.split("\n")
    lines[row] = '"' + lines[row]  # row 11 of 100 (line 12 of the file)
    return "\n".join(lines)


@pytest.mark.parametrize(("delimiter", "name"), [(",", "x.csv"), ("\t", "x.tsv")])
@pytest.mark.parametrize("closing_quote_later", [None, 60])
def test_a_stray_quote_that_swallows_rows_is_refused_with_its_line(
    delimiter: str, name: str, closing_quote_later: int | None
) -> None:
    text = _stray_quote(_csv(delimiter=delimiter, quoted_row=closing_quote_later), 12)
    with pytest.raises(ImportFormatError) as err:
        parse_bytes(text.encode(), name)
    assert err.value.line == 13 and err.value.path == name
    assert "swallowing" in err.value.message and "quote" in (err.value.hint or "")


def test_the_stray_quote_is_refused_when_streamed_too(tmp_path: Path) -> None:
    review = create_review(tmp_path / "r.db", load_template("default")[0])
    path = tmp_path / "stray.csv"
    path.write_text(_stray_quote(_csv(), 12))
    with pytest.raises(ImportFormatError) as err:
        import_files(review, [path])
    assert err.value.line == 13
    assert review.db.execute("SELECT count(*) FROM records").fetchone()[0] == 0


def test_real_multi_line_cells_are_not_runaways() -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", "abstract", "authors", "year", "doi"])
    for i in range(50):
        abstract = "Background, aims, and methods.\nResults: a, b, c, d, e.\n\nConclusion, here."
        writer.writerow([f"Title {i}", abstract, "Smith J", 2001, f"10.1/{i}"])
    assert len(parse_bytes(out.getvalue().encode(), "ok.csv").records) == 50


def test_every_screening_and_dedup_csv_in_the_shared_data_still_imports() -> None:
    from tests.shared_paths import shared_data_dir

    shared = shared_data_dir()
    files = sorted([*shared.glob("screening/*.csv"), *shared.glob("dedup/*.csv")])
    if not files:
        pytest.skip("the shared data is not here")
    for path in files:
        assert parse_bytes(path.read_bytes(), str(path)).records, path


# ---- continuation lines in linear time -------------------------------------------------------


def _long_abstract(fmt: str, lines: int) -> bytes:
    body = "".join(f"      continued line {i} of a very long abstract\n" for i in range(lines))
    if fmt == "ris":
        text = f"TY  - JOUR\nTI  - A title\nAB  - start\n{body}ER  - \n"
    elif fmt == "nbib":
        text = f"PMID- 1\nTI  - A title\nAB  - start\n{body}"
    else:  # wos
        text = f"FN Clarivate\nVR 1.0\nPT J\nTI A title\nAB start\n{body}ER\nEF\n"
    return text.encode()


def _best_time(data: bytes, name: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        parsed = parse_bytes(data, name)
        times.append(time.perf_counter() - started)
    assert len(parsed.records) == 1 and parsed.records[0].fields.abstract
    return min(times)


@pytest.mark.parametrize(("fmt", "name"), [("ris", "x.ris"), ("nbib", "x.nbib"), ("wos", "x.txt")])
def test_continuation_lines_parse_in_linear_time(fmt: str, name: str) -> None:
    small = _best_time(_long_abstract(fmt, 10_000), name)
    large = _best_time(_long_abstract(fmt, 100_000), name)
    # linear: about 10x; the per-line join it replaces was quadratic (100x and more)
    assert large / small < 25, (small, large)


# ---- standard input, FIFOs, <(...) -----------------------------------------------------------


def _cli(db: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        **kwargs,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    create_review(path, load_template("default")[0]).close()
    return path


def test_import_dash_reads_standard_input(db: Path, tmp_path: Path, make_ris) -> None:
    ris = make_ris(tmp_path / "a.ris", 25).read_text()
    done = _cli(db, "import", "-", "--json", input=ris)
    assert done.returncode == 0, done.stderr
    assert '"records_total": 25' in done.stdout and '"path": "<stdin>"' in done.stdout
    again = _cli(db, "import", "-", input=ris)
    assert "already imported" in again.stdout  # the same bytes, recognised by their hash


def test_import_dash_with_bad_input_names_stdin(db: Path) -> None:
    done = _cli(db, "import", "-", input="just some words\n")
    assert done.returncode == 1 and done.stderr.startswith("Error: <stdin>: ")


def test_a_fifo_is_read_once(db: Path, tmp_path: Path, make_ris) -> None:
    fifo = tmp_path / "pipe.ris"
    os.mkfifo(fifo)
    data = make_ris(tmp_path / "b.ris", 30).read_bytes()
    writer = threading.Thread(target=fifo.write_bytes, args=(data,), daemon=True)
    writer.start()
    done = _cli(db, "import", str(fifo), "--json")
    writer.join(5)
    assert done.returncode == 0, done.stderr
    assert '"records_total": 30' in done.stdout


def test_process_substitution_works(db: Path, tmp_path: Path, make_ris) -> None:
    source = make_ris(tmp_path / "c.ris", 40)
    script = f'"{sys.executable}" -m litreview --db "{db}" import <(cat "{source}") --json'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=ENV, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert '"records_total": 40' in done.stdout


def test_a_device_is_refused_not_read_forever(db: Path) -> None:
    done = _cli(db, "import", "/dev/zero")
    assert done.returncode == 1 and "is a device or a socket, not a file" in done.stderr


def test_an_endless_binary_pipe_is_refused_at_its_first_chunk(db: Path) -> None:
    script = f'head -c 200000000 /dev/zero | "{sys.executable}" -m litreview --db "{db}" import -'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=ENV, timeout=300
    )
    assert done.returncode == 1 and "NUL bytes" in done.stderr
    with open("/dev/zero", "rb") as zero:
        device = _cli(db, "import", "-", stdin=zero)
    assert device.returncode == 1 and "standard input is a device" in device.stderr
