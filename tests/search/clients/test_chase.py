"""Citation chasing through OpenAlex, imported as other methods: citation searching."""

from __future__ import annotations

import json
from datetime import date

import pytest
from api_fakes import DATA, FakeApi
from click.testing import CliRunner

from litreview.errors import RecordNotFound
from litreview.ingest.importer import import_files
from litreview.screening.session import decide
from litreview.search.chase import chase_citations, list_included_records
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage.review import Review

SEED_DOI = "10.1111/j.1365-2206.2009.00001.x"


@pytest.fixture
def seeded(review: Review) -> Review:
    import_files(review, [DATA / "seeds.ris"])
    return review


def _chase_api(api: FakeApi) -> FakeApi:
    api.add(f"/works/doi:{SEED_DOI}", "openalex_seed_work.json")
    api.add("/works", "openalex_referenced.json", filter="openalex:W4200000002|W4200000003")
    api.add("/works", "openalex_citing.json", filter="cites:W4200000001", cursor="*")
    api.add("/works", "openalex_page4.json", filter="cites:W4200000001", cursor="IlsxMDAsICd4J10i")
    return api


def test_references_and_citing_works_become_two_other_method_sources(
    seeded: Review, api: FakeApi
) -> None:
    _chase_api(api)
    outcome = chase_citations(seeded, [1, 2], transport=api.transport, today=date(2025, 3, 4))
    assert [s.work_id for s in outcome.seeds] == ["W4200000001"]
    assert outcome.not_found == [2]  # no OpenAlex id, DOI or PMID
    assert {d: n for d, (_, n) in outcome.sources.items()} == {"references": 2, "cited-by": 2}
    chased = [s for s in sources_store.list_sources(seeded.db) if s.arm == "other"]
    assert [(s.method, s.database, s.kind, s.searched_on) for s in chased] == [
        ("citation searching", "OpenAlex", "api", "2025-03-04")
    ] * 2
    assert chased[0].query == "works referenced by W4200000001 (record 1)"
    assert chased[1].query == "works citing W4200000001 (record 1)"
    found = [r.fields.accession for r in records_store.iter_records(seeded.db, chased[0].source_id)]
    assert found == ["W4200000002", "W4200000003"]


def test_one_direction_only(seeded: Review, api: FakeApi) -> None:
    _chase_api(api)
    outcome = chase_citations(seeded, [1], direction="references", transport=api.transport)
    assert list(outcome.sources) == ["references"]
    assert not any("cites:" in p.get("filter", "") for p in api.params("/works"))


def test_nothing_found_is_a_clear_error(seeded: Review, api: FakeApi) -> None:
    with pytest.raises(RecordNotFound, match="none of the records was found in OpenAlex"):
        chase_citations(seeded, [2], transport=api.transport)
    with pytest.raises(RecordNotFound):
        chase_citations(seeded, [99], transport=api.transport)


def test_included_studies_are_the_seeds(seeded: Review) -> None:
    assert list_included_records(seeded) == []
    for stage in ("title", "abstract", "fulltext"):
        decide(seeded, 1, "include", stage=stage, reviewer="ann")
    decide(seeded, 2, "exclude", stage="title", reviewer="ann", reason="wrong-population")
    assert list_included_records(seeded) == [1]


def test_chase_command(seeded: Review, api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    import litreview.search.chase as chase_module
    from litreview.cli import cli

    _chase_api(api)
    real = chase_module.chase_citations
    monkeypatch.setattr(
        chase_module,
        "chase_citations",
        lambda *a, **k: real(*a, **{**k, "transport": api.transport}),
    )
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(seeded.path), "chase", "1", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["records_imported"] == 4
    assert data["seeds"] == [{"record_id": 1, "openalex_id": "W4200000001", "references": 2}]
    usage = runner.invoke(cli, ["--db", str(seeded.path), "chase"])
    assert usage.exit_code == 2 and "--included" in usage.output
