"""EndNote XML (streamed, entities refused) and CSL-JSON imports."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from litreview.errors import ImportFormatError
from litreview.ingest import iter_parse_file, parse_bytes, parse_file, scan_file
from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.storage import records as records_store
from litreview.storage.review import create_review

DATA = Path(__file__).parent.parent / "data" / "ingest"
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<xml><records><record><titles><title>&lol9;</title></titles></record></records></xml>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><records><record><titles><title>&secret;</title></titles></record></records></xml>
"""


def test_endnote_xml_fields() -> None:
    parsed = parse_file(DATA / "endnote_export.xml")
    assert parsed.format == "endnote-xml" and parsed.problems == []
    first, chapter, thesis = (r.fields for r in parsed.records)
    assert first.type == "JOUR"
    assert first.title == "Peer review of code: a multi-site study & more"  # style runs joined
    assert first.authors == ["Müller, Jürgen", "张, 伟"]
    assert (first.journal, first.journal_abbrev) == (
        "Journal of Software Engineering",
        "J Softw Eng",
    )
    assert (first.volume, first.issue, first.start_page, first.end_page) == (
        "12",
        "3",
        "349",
        "369",
    )
    assert first.doi == "10.1000/xyz.1" and first.year == 2010
    assert first.abstract == "First paragraph of the abstract.\nSecond paragraph."
    assert first.keywords == ["code review", "defects, software"]
    assert first.database == "Web of Science" and first.language == "en"
    assert (chapter.type, chapter.editors, chapter.journal) == (
        "CHAP",
        ["Editor, Eve"],
        "Handbook of Software Quality",
    )
    assert thesis.type == "THES"


def test_endnote_xml_streams_the_same_records() -> None:
    streamed = iter_parse_file(DATA / "endnote_export.xml")
    assert [r.fields for r in streamed.records] == [
        r.fields for r in parse_file(DATA / "endnote_export.xml").records
    ]


def test_endnote_xml_in_utf16_with_its_declaration(tmp_path: Path) -> None:
    text = (DATA / "endnote_export.xml").read_text(encoding="utf-8")
    path = tmp_path / "utf16.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert [r.fields.authors for r in parse_file(path).records][0] == ["Müller, Jürgen", "张, 伟"]


@pytest.mark.parametrize("payload", [BOMB, XXE], ids=["entity-bomb", "external-entity"])
def test_entities_are_refused_and_nothing_is_imported(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(ImportFormatError, match="refused: the XML file declares entities") as e:
        parse_file(path)
    assert e.value.hint and str(path) in str(e.value.path)
    review = create_review(tmp_path / "r.db", load_template("default")[0])
    with pytest.raises(ImportFormatError, match="refused"):
        import_files(review, [path])
    assert records_store.count_records(review.db) == 0
    review.close()


def test_truncated_endnote_xml_is_a_clear_error(tmp_path: Path) -> None:
    text = (DATA / "endnote_export.xml").read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<record><rec-number>3")], encoding="utf-8")
    with pytest.raises(ImportFormatError, match="malformed EndNote XML after 2 records"):
        list(iter_parse_file(path).records)


def _big_xml(n: int) -> bytes:
    record = (
        '<record><ref-type name="Journal Article">17</ref-type><contributors><authors>'
        "<author>Smith, J.</author></authors></contributors><titles><title>Title {i} "
        + "word " * 40
        + "</title></titles><dates><year>2010</year></dates></record>"
    )
    body = "".join(record.replace("{i}", str(i)) for i in range(n))
    return f'<?xml version="1.0" encoding="UTF-8"?><xml><records>{body}</records></xml>'.encode()


def _peak_while_streaming(path: Path) -> tuple[int, int]:
    scan = scan_file(path, chunk_bytes=1 << 16)  # the scan keeps the head for detection
    tracemalloc.start()
    count = 0
    for _ in iter_parse_file(path, scan, chunk_bytes=1 << 16).records:
        count += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, peak


def test_endnote_xml_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    small.write_bytes(_big_xml(1_000))
    large.write_bytes(_big_xml(10_000))
    n_small, peak_small = _peak_while_streaming(small)
    n_large, peak_large = _peak_while_streaming(large)
    assert (n_small, n_large) == (1_000, 10_000)
    assert peak_large < 2 * peak_small  # ten times the records, not ten times the memory


def test_csl_json_fields() -> None:
    parsed = parse_file(DATA / "zotero_export.json")
    assert parsed.format == "csl-json" and parsed.problems == []
    first, chapter, thesis = (r.fields for r in parsed.records)
    assert first.type == "JOUR" and first.title == "Peer review of code: a multi-site study"
    assert first.authors == ["Müller, Jürgen", "de Boer, Carla", "WHO Collaborating Group"]
    assert (first.year, first.date, first.doi, first.pmid) == (
        2010,
        "2010-03-05",
        "10.1000/xyz.1",
        "12345678",
    )
    assert (first.start_page, first.end_page, first.issn) == ("349", "369", ["1234-5678"])
    assert first.abstract == "First paragraph.\nSecond paragraph."
    assert first.keywords == ["code review", "defects"]
    assert (chapter.type, chapter.editors, chapter.year, chapter.place) == (
        "CHAP",
        ["Editor, Eve"],
        2012,
        "Berlin",
    )
    assert (thesis.type, thesis.year) == ("THES", 2014)


def test_csl_json_single_object_and_errors(tmp_path: Path) -> None:
    one = parse_bytes(b'{"type": "book", "title": "One book", "id": "x"}', "one.json")
    assert [r.fields.title for r in one.records] == ["One book"]
    with pytest.raises(ImportFormatError, match="unreadable CSL-JSON") as caught:
        parse_bytes(b'[{"type": "book", "title": "Broken",\n "id": }]', "bad.json")
    assert caught.value.line == 2
    mixed = parse_bytes(b'[{"type": "book", "title": "Kept", "id": 1}, 7]', "mixed.json")
    assert len(mixed.records) == 1 and "item 2 is not a JSON object" in mixed.problems[0].message
