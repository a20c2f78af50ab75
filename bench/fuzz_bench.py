"""A long fuzzing run over every importer and the protocol loader; reports examples and failures.

Usage: .venv/bin/python bench/fuzz_bench.py [--examples 5000] [--atheris-seconds 0]

Each target is a hypothesis property run with ``--examples`` examples (the CI versions in
tests/ run 150-300). Importers: any bytes, any text, tagged-looking text in six encodings,
and byte/line mutations of a seed file of every format (RIS, MEDLINE/nbib, Web of Science,
EndNote, Ovid, BibTeX, CSV, TSV). Each must give records or ``ImportFormatError`` and nothing
else, and the streamed parse (random chunk sizes) must equal the whole-file parse. Protocol
loader: arbitrary text and mutated or edited templates must raise only ``ProtocolError``.
With atheris installed and ``--atheris-seconds N``, libFuzzer also drives ``parse_bytes``.
Failures must be 0.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "ingest")]

from test_ingest_properties import ENCODINGS, document  # noqa: E402
from test_protocol import _edited_template, _mutated_template  # noqa: E402

from litreview.errors import ImportFormatError, ProtocolError  # noqa: E402
from litreview.ingest import iter_parse_file, parse_bytes  # noqa: E402
from litreview.models import ParsedFile  # noqa: E402
from litreview.protocol import load_protocol  # noqa: E402

SEEDS = {
    "ris": REPO / "tests/data/ingest/dialects.ris",
    "ris-no-ty": REPO / "tests/data/ingest/missing_ty.ris",
    "nbib": REPO / "tests/data/ingest/tiny.nbib",
    "wos": REPO / "tests/data/ingest/tiny_wos.txt",
    "enw": REPO / "tests/data/ingest/tiny.enw",
    "bibtex": REPO / "tests/data/ingest/tiny.bib",
    "csv": REPO / "tests/data/ingest/tiny.csv",
    "tsv": REPO / "tests/data/ingest/tiny.tsv",
}
OVID = (
    b"<1. >\nVN  - Ovid Technologies\nDB  - Embase\nUI  - 12345\nTI  - A trial\n"
    b"AU  - Doe J\nYR  - 2014\nSO  - Journal of Things. 12 (3), 2014.\n\n<2. >\n"
    b"DB  - Ovid MEDLINE(R)\nUI  - 678\nTI  - Another\nYR  - 2015\n"
)
TMP = Path(tempfile.mkdtemp(prefix="litreview-fuzz-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)


def check_import(data: bytes, chunk: int) -> None:
    """Records or ImportFormatError, never another exception; streaming equals whole-file."""
    try:
        whole: ParsedFile | None = parse_bytes(data, "fuzz.txt")
    except ImportFormatError:
        whole = None
    path = TMP / "fuzz.txt"
    path.write_bytes(data)
    try:
        streamed = iter_parse_file(path, chunk_bytes=chunk)
        records = list(streamed.records)
    except ImportFormatError:
        assert whole is None, "the stream refused what the whole-file parse read"
        return
    assert whole is not None, "the stream read what the whole-file parse refused"
    assert records == whole.records and streamed.problems == whole.problems
    assert streamed.database_hint == whole.database_hint
    for record in records:
        for key, value in vars(record.fields).items():
            assert value != "" and (not isinstance(value, list) or "" not in value), key


@st.composite
def mutated(draw: Callable[..., Any], seed: bytes) -> bytes:
    """The seed with a few random edits: bytes, whole lines, truncation."""
    data = bytearray(seed)
    lines = seed.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        action = draw(
            st.sampled_from(
                ["byte", "insert", "delete", "dupline", "dropline", "swapline", "truncate"]
            )
        )
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=12))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action in ("dupline", "dropline", "swapline") and lines:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if action == "dupline":
                lines.insert(i, lines[j])
            elif action == "dropline":
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        elif action == "truncate":
            del data[at:]
    return bytes(data)


def import_targets() -> dict[str, Any]:
    chunks = st.sampled_from([1, 7, 64, 4096, 1 << 22])
    targets: dict[str, Any] = {
        "import: any bytes": st.tuples(st.binary(max_size=4000), chunks),
        "import: any text": st.tuples(
            st.text(max_size=4000).map(lambda t: t.encode("utf-8", "surrogatepass")), chunks
        ),
        "import: tagged-looking text": st.tuples(
            st.builds(lambda t, e: t.encode(e, "replace"), document, st.sampled_from(ENCODINGS)),
            chunks,
        ),
        "import: mutated ovid": st.tuples(mutated(OVID), chunks),
    }
    for name, path in SEEDS.items():
        targets[f"import: mutated {name}"] = st.tuples(mutated(path.read_bytes()), chunks)
    return targets


def check_protocol(text: str) -> None:
    try:
        load_protocol(text)
    except ProtocolError as err:
        assert err.message
        if err.line is not None:
            assert 1 <= err.line <= text.count("\n") + 1


def run_target(name: str, strategy: Any, check: Callable[..., None], examples: int) -> dict:
    count = 0

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def prop(value: Any) -> None:
        nonlocal count
        count += 1
        check(*value) if isinstance(value, tuple) else check(value)

    start = time.perf_counter()
    failure = None
    try:
        prop()
    except Exception:  # noqa: BLE001 - a failure is reported, not raised: the run goes on
        failure = traceback.format_exc(limit=3)
    return {
        "target": name,
        "examples": count,
        "failures": int(failure is not None),
        "seconds": time.perf_counter() - start,
        "detail": failure,
    }


def run_atheris(seconds: int) -> dict | None:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        return None
    runs = 0

    def one(data: bytes) -> None:
        nonlocal runs
        runs += 1
        with contextlib.suppress(ImportFormatError):
            parse_bytes(data, "fuzz.txt")

    start = time.perf_counter()
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-atheris_runs=0"], one)
    with contextlib.suppress(SystemExit):
        atheris.Fuzz()
    return {
        "target": "atheris: parse_bytes",
        "examples": runs,
        "failures": 0,
        "seconds": time.perf_counter() - start,
        "detail": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--atheris-seconds", type=int, default=0)
    args = parser.parse_args()
    results = [
        run_target(name, strategy, check_import, args.examples)
        for name, strategy in import_targets().items()
    ]
    protocol = st.one_of(st.text(max_size=400), _mutated_template(), _edited_template())
    results.append(run_target("protocol loader", protocol, check_protocol, args.examples))
    if args.atheris_seconds:
        found = run_atheris(args.atheris_seconds)
        print("atheris not installed: skipped" if found is None else "", end="")
        results += [found] if found else []
    for r in results:
        print(
            f"{r['target']:34} {r['examples']:>7} examples  {r['failures']} failures  "
            f"{r['seconds']:6.1f} s"
        )
        if r["detail"]:
            print(r["detail"])
    total = sum(r["examples"] for r in results)
    failures = sum(r["failures"] for r in results)
    print(f"{'total':34} {total:>7} examples  {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
