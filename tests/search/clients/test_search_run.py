"""`litreview search`: each query becomes a source, resumable without duplicates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from api_fakes import FakeApi, openalex_pages
from click.testing import CliRunner

from litreview.errors import SourceUnavailable
from litreview.search.run import SearchProgress, run_search
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage.review import Review

ONE_QUERY = """
format = 1
title = "Inter-agency work"
fields = ["title", "abstract"]
[[blocks]]
name = "a"
terms = ["child protection", "safeguarding"]
[[blocks]]
name = "b"
terms = ["inter-agency"]
[limits]
year_from = 2000
languages = ["en"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "strategy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _record_accessions(review: Review) -> list[str]:
    return [r.fields.accession or "" for r in records_store.iter_records(review.db)]


def test_an_openalex_search_becomes_a_source(review: Review, tmp_path: Path, api: FakeApi) -> None:
    openalex_pages(api)
    events: list[SearchProgress] = []
    outcome = run_search(
        review,
        _write(tmp_path, ONE_QUERY),
        "openalex",
        page_size=2,
        transport=api.transport,
        today=date(2025, 2, 3),
        progress=events.append,
    )
    assert outcome.records_imported == 5 and not outcome.resumed
    assert _record_accessions(review) == [f"W420000000{n}" for n in range(1, 6)]
    [source] = sources_store.list_sources(review.db)
    assert (source.kind, source.arm, source.database, source.platform) == (
        "api",
        "database",
        "OpenAlex",
        "OpenAlex API",
    )
    assert source.searched_on == "2025-02-03"
    assert source.query == (
        "https://api.openalex.org/works?filter=title_and_abstract.search:"
        '(("child protection" OR safeguarding) AND "inter-agency"),'
        "language:en,from_publication_date:2000-01-01"
    )
    assert (source.limits, source.reported_hits, source.records_parsed) == ("English; 2000-", 5, 5)
    assert events[-1].is_done and events[-1].records == 5 and events[-1].queries == 1


def test_an_interrupted_run_resumes_without_duplicates(
    review: Review, tmp_path: Path, api: FakeApi
) -> None:
    strategy = _write(tmp_path, ONE_QUERY)
    broken = openalex_pages(FakeApi(), fail_after=2)  # the connection drops after page 2
    with pytest.raises(SourceUnavailable):
        run_search(review, strategy, "openalex", page_size=2, transport=broken.transport)
    assert sources_store.count_sources(review.db) == 0  # nothing half-imported
    assert records_store.count_records(review.db) == 0

    openalex_pages(api)
    outcome = run_search(review, strategy, "openalex", page_size=2, transport=api.transport)
    assert outcome.resumed
    assert [p["cursor"] for p in api.params("/works")] == [
        "IlsxMDAsICd3MiddIg==",
        "IlsxMDAsICd3MyddIg==",
    ]  # pages 1-2 were not fetched again
    assert _record_accessions(review) == [f"W420000000{n}" for n in range(1, 6)]
    assert [s.records_parsed for s in sources_store.list_sources(review.db)] == [5]
    positions = [r.position for r in records_store.iter_records(review.db)]
    assert positions == [1, 2, 3, 4, 5]


def test_a_finished_search_is_not_repeated_unless_asked(
    review: Review, tmp_path: Path, api: FakeApi
) -> None:
    strategy = _write(tmp_path, ONE_QUERY)
    openalex_pages(api)
    run_search(review, strategy, "openalex", page_size=2, transport=api.transport)
    again = run_search(review, strategy, "openalex", page_size=2, transport=api.transport)
    assert again.already_run and again.records_imported == 0
    assert sources_store.count_sources(review.db) == 1
    rerun = run_search(
        review, strategy, "openalex", page_size=2, transport=api.transport, rerun=True
    )
    assert rerun.records_imported == 5 and sources_store.count_sources(review.db) == 2


def test_max_caps_the_records_and_the_log_says_so(
    review: Review, tmp_path: Path, api: FakeApi
) -> None:
    openalex_pages(api)
    outcome = run_search(
        review,
        _write(tmp_path, ONE_QUERY),
        "openalex",
        page_size=2,
        max_records=3,
        transport=api.transport,
    )
    assert outcome.records_imported == 3 and len(api.requests) == 2
    [source] = sources_store.list_sources(review.db)
    assert source.limits == "English; 2000-; first 3 of 5 results retrieved (--max 3)"


def test_a_search_with_no_hits_is_still_logged(
    review: Review, tmp_path: Path, api: FakeApi
) -> None:
    api.add("/works", "openalex_empty.json")
    outcome = run_search(review, _write(tmp_path, ONE_QUERY), "openalex", transport=api.transport)
    assert outcome.records_imported == 0
    [source] = sources_store.list_sources(review.db)
    assert (source.records_parsed, source.reported_hits) == (0, 0)


def test_a_pairwise_strategy_is_one_source_per_pair(
    review: Review, tmp_path: Path, api: FakeApi
) -> None:
    text = ONE_QUERY.replace('terms = ["inter-agency"]', 'terms = ["inter-agency", "cooperation"]')
    text = text.replace('title = "Inter-agency work"', 'title = "x"\ncombine = "pairwise"')
    api.add("/esearch.fcgi", "pubmed_esearch_empty.json")
    outcome = run_search(review, _write(tmp_path, text), "pubmed", transport=api.transport)
    assert [q.label for q in outcome.queries] == [
        "child protection AND inter-agency",
        "child protection AND cooperation",
        "safeguarding AND inter-agency",
        "safeguarding AND cooperation",
    ]
    sources = sources_store.list_sources(review.db)
    assert [s.query for s in sources][0] == (
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed&term="
        '"child protection"[tiab] AND "inter-agency"[tiab] AND english[la] AND 2000:3000[dp]'
    )
    assert {(s.database, s.platform) for s in sources} == {("PubMed", "NCBI E-utilities")}


def test_pubmed_search_imports_medline(review: Review, tmp_path: Path, api: FakeApi) -> None:
    api.add("/esearch.fcgi", "pubmed_esearch.json")
    api.add("/efetch.fcgi", "pubmed_efetch_1.txt", retstart="0")
    api.add("/efetch.fcgi", "pubmed_efetch_2.txt", retstart="2")
    outcome = run_search(
        review, _write(tmp_path, ONE_QUERY), "pubmed", page_size=2, transport=api.transport
    )
    assert outcome.records_imported == 3
    assert [r.fields.pmid for r in records_store.iter_records(review.db)] == [
        "31000001",
        "31000002",
        "31000003",
    ]


# ---- the command line -------------------------------------------------------------------------


def _cli():  # type: ignore[no-untyped-def]
    from litreview.cli import cli

    return cli


def test_search_command_json(
    review: Review, tmp_path: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    import litreview.search.run as run_module

    openalex_pages(api)
    real = run_module.run_search
    monkeypatch.setattr(
        run_module, "run_search", lambda *a, **k: real(*a, **{**k, "transport": api.transport})
    )
    strategy = _write(tmp_path, ONE_QUERY)
    result = CliRunner().invoke(
        _cli(),
        ["--db", str(review.path), "search", str(strategy), "--source", "openalex", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"] == "openalex" and data["records_imported"] == 5
    assert [set(q) >= {"query", "hits_reported", "records_imported"} for q in data["queries"]]
    assert data["queries"][0]["hits_reported"] == 5
    assert data["queries"][0]["query"].startswith("https://api.openalex.org/works?filter=")
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_search_command_reports_an_outage(
    review: Review,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import litreview.search.run as run_module
    from litreview.cli import main

    down = httpx.MockTransport(lambda request: httpx.Response(503))
    real = run_module.run_search
    monkeypatch.setattr(
        run_module, "run_search", lambda *a, **k: real(*a, **{**k, "transport": down})
    )
    _cli()
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "--db",
                str(review.path),
                "search",
                str(_write(tmp_path, ONE_QUERY)),
                "--source",
                "openalex",
            ]
        )
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Error: OpenAlex failed with HTTP 503 4 time(s)" in err
    assert "Hint: " in err and "resumes" in err
