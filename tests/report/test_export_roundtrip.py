"""Every shared RIS export, imported into a review, exported in every format and read back
by the consumer's own library (rispy, bibtexparser 2, csv, openpyxl, pandas when installed)
and by ``litreview import``: titles, authors, DOIs, journal, year, abstract paragraphs,
keywords and editors come back identical. Skipped when ../shared/data is absent."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from shared_paths import shared_data_dir

from litreview.ingest import parse_bytes
from litreview.ingest.ris import EDITED_TYPES
from litreview.models import RecordFields
from litreview.report.export import export_records, export_to_file
from litreview.report.export_ris import ris_type
from litreview.report.formats import neutralise_cell
from litreview.storage.review import Review

SHARED_RIS = shared_data_dir() / "ris"
pytestmark = pytest.mark.skipif(not SHARED_RIS.is_dir(), reason="no shared data")


@dataclass(frozen=True)
class Shared:
    review: Review
    works: list[tuple[int, RecordFields]]  # in export order (work id)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    from litreview.ingest.importer import import_files
    from litreview.protocol import load_template
    from litreview.storage import views, works
    from litreview.storage.review import create_review

    expected = json.loads((SHARED_RIS / "EXPECTED_RECORDS.json").read_text())
    files = [SHARED_RIS / name for name, n in sorted(expected.items()) if n]
    review = create_review(tmp_path_factory.mktemp("rt") / "all.db", load_template("default")[0])
    import_files(review, files)
    ids = works.list_work_ids(review.db, eligible_only=False)
    found = [(w, views.work_fields(review.db, w)) for w in ids]
    assert len(found) > 7000
    yield Shared(review, found)
    review.close()


def paragraphs(text: str | None) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n", text or "") if p.strip()]


def key_fields(f: RecordFields) -> tuple[object, ...]:
    return (f.title, f.authors, f.doi, f.journal, f.year, f.abstract, f.keywords, f.editors)


def test_ris_and_bibtex_reimport_identically(shared: Shared) -> None:
    for fmt in ("ris", "bibtex"):
        text, n = export_records(shared.review, fmt)
        assert n == len(shared.works)
        back = parse_bytes(text.encode("utf-8"), f"export.{fmt}")
        assert (
            back.problems == []
            or fmt == "ris"
            and all("unknown" in p.message for p in back.problems)
        )
        assert len(back.records) == n
        wrong = [
            (work, key_fields(f), key_fields(r.fields))
            for (work, f), r in zip(shared.works, back.records, strict=True)
            if key_fields(f) != key_fields(r.fields)
        ]
        assert wrong == [], (fmt, len(wrong), wrong[:3])
        multi = sum(1 for _, f in shared.works if f.abstract and "\n" in f.abstract)
        assert multi >= 50  # the shared exports do have multi-paragraph abstracts


def test_ris_is_read_back_by_rispy(shared: Shared) -> None:
    text, _ = export_records(shared.review, "ris")
    entries = rispy.loads(
        text,
        list_tags=[*rispy.LIST_TYPE_TAGS, "SN", "ED"],
        mapping={**rispy.TAG_KEY_MAPPING, "ED": "editors"},
    )
    assert len(entries) == len(shared.works)
    wrong = []
    for (work, f), e in zip(shared.works, entries, strict=True):
        editors = e.get("secondary_authors" if ris_type(f.type) in EDITED_TYPES else "editors")
        got = (
            e.get("title"),
            e.get("authors", []),
            e.get("doi"),
            e.get("secondary_title"),
            int(e["year"]) if "year" in e else None,
            e.get("abstract"),
            e.get("keywords", []),
            editors or [],
        )
        want = (
            f.title,
            f.authors,
            f.doi,
            f.journal,
            f.year,
            " ".join(paragraphs(f.abstract)) or None,
            f.keywords,
            f.editors,
        )
        if got != want:  # rispy joins continuation lines with a space
            wrong.append((work, want, got))
        assert e["type_of_reference"] in rispy.TYPE_OF_REFERENCE_MAPPING
    assert wrong == [], (len(wrong), wrong[:3])


def _bibtex_entries(text: str, *, keep_braces: bool) -> list[dict[str, object]]:
    library = parse_string(
        text,
        append_middleware=[
            LatexDecodingMiddleware(keep_braced_groups=keep_braces),
            SeparateCoAuthors(),
        ],
    )
    assert library.failed_blocks == []
    return [{f.key: f.value for f in entry.fields} for entry in library.entries]


def _split_top_level(value: str) -> list[str]:
    """biblatex's separated list: commas outside braces; braces then dropped."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip().removeprefix("{").removesuffix("}") for p in parts if p.strip()]


def _unpaired_braces_only(want: tuple[object, ...], got: tuple[object, ...]) -> bool:
    def strip(value: object) -> str:
        return " ".join(re.sub(r"[{}]", "", json.dumps(value, ensure_ascii=False)).split())

    text = json.dumps(want)
    return ("{" in text or "}" in text) and strip(want) == strip(got)


def test_bibtex_is_read_back_by_bibtexparser_2(shared: Shared) -> None:
    text, _ = export_records(shared.review, "bibtex")
    plain = _bibtex_entries(text, keep_braces=False)
    braced = _bibtex_entries(text, keep_braces=True)
    assert len(plain) == len(shared.works)
    wrong, unpaired = [], 0
    containers = ("journal", "booktitle", "series", "howpublished")
    for (work, f), e, b in zip(shared.works, plain, braced, strict=True):
        journal = next((e[k] for k in containers if k in e), None)
        abstract = [" ".join(p.split()) for p in str(e.get("abstract", "")).split("\n\n")]
        got = (
            e.get("title"),
            e.get("author", []),
            e.get("doi"),
            journal,
            int(str(e["year"])) if "year" in e else None,
            [p for p in abstract if p],
            _split_top_level(str(b.get("keywords", ""))),
            e.get("editor", []),
        )
        want = (
            f.title,
            f.authors,
            f.doi,
            f.journal,
            f.year,
            paragraphs(f.abstract),
            f.keywords,
            f.editors,
        )
        if got != want and _unpaired_braces_only(want, got):
            unpaired += 1  # \textbraceleft{}: right for BibTeX, unknown to pylatexenc
        elif got != want:
            wrong.append((work, want, got))
    assert wrong == [], (len(wrong), wrong[:3])
    assert unpaired <= 2


def test_bibtex_has_verbatim_dois_balanced_braces_and_ascii_keys(shared: Shared) -> None:
    text, _ = export_records(shared.review, "bibtex")
    entries = parse_string(text).entries
    keys = [e.key for e in entries]
    assert len(set(keys)) == len(keys) and all(k.isascii() and k.isalnum() for k in keys)
    named = [
        (f, k)
        for (_, f), k in zip(shared.works, keys, strict=True)
        if f.authors and any(c.isalnum() for c in f.authors[0])
    ]  # not "???" mojibake
    non_latin = [k for f, k in named if not f.authors[0][:1].isascii()]
    assert non_latin and not any(k.startswith("anon") for _, k in named)  # transliterated
    for entry in entries:
        for field in entry.fields:
            value = str(field.value)
            depth = 0
            for char in value:  # BibTeX counts every brace, escaped or not
                depth += {"{": 1, "}": -1}.get(char, 0)
                assert depth >= 0, (entry.key, field.key)
            assert depth == 0, (entry.key, field.key)
    dois = [str(e["doi"]) for e in entries if "doi" in e]
    assert len(dois) > 5000 and not any("\\" in d for d in dois)
    typed = {e.key: e.entry_type for e in entries}
    untyped = [(w, f) for w, f in shared.works if ris_type(f.type) == "GEN" and f.journal]
    for (_, f), entry in zip(shared.works, entries, strict=True):
        if ris_type(f.type) == "GEN" and f.journal:
            assert typed[entry.key] == "article" and "journal" in entry
    assert untyped  # the shared exports have such records


def _tabular_want(f: RecordFields) -> tuple[object, ...]:
    return (
        f.title or "",
        "; ".join(f.authors),
        f.doi or "",
        f.journal or "",
        f.abstract or "",
        "; ".join(f.keywords),
    )


def test_csv_is_read_back_by_the_csv_module(shared: Shared) -> None:
    text, _ = export_records(shared.review, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(shared.works)
    wrong = []
    for (work, f), row in zip(shared.works, rows, strict=True):
        want = tuple(neutralise_cell(v) for v in _tabular_want(f))  # formula guard in CSV
        got = (
            row["title"],
            row["authors"],
            row["doi"],
            row["journal"],
            row["abstract"],
            row["keywords"],
        )
        if got != want or row["year"] != str(f.year or "") or row["record_id"] != str(work):
            wrong.append((work, want, got))
    assert wrong == [], (len(wrong), wrong[:3])


def test_xlsx_is_read_back_by_openpyxl(shared: Shared, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "all.xlsx"
    assert export_to_file(shared.review, "xlsx", target) == len(shared.works)
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    header = rows[0]
    column = {name: i for i, name in enumerate(header)}
    wrong = []
    for (work, f), row in zip(shared.works, rows[1:], strict=True):

        def cell(name: str, row: tuple[object, ...] = row) -> object:
            value = row[column[name]]
            return "" if value is None else value

        got = tuple(cell(c) for c in ("title", "authors", "doi", "journal", "abstract", "keywords"))
        if got != _tabular_want(f) or cell("year") != (f.year or "") or cell("record_id") != work:
            wrong.append((work, _tabular_want(f), got))
    assert wrong == [], (len(wrong), wrong[:3])


def test_xlsx_is_read_back_by_pandas(shared: Shared, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    target = tmp_path / "all.xlsx"
    export_to_file(shared.review, "xlsx", target)
    frame = pandas.read_excel(target, keep_default_na=False)
    assert list(frame["record_id"]) == [w for w, _ in shared.works]
    assert list(frame["title"]) == [f.title or "" for _, f in shared.works]
