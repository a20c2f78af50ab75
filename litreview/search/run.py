"""Run a search strategy through an API and import each query's results as one source.

Every query of the strategy (each pair of a pairwise set) is searched page by page. Each page
is stored together with the cursor for the next one (:mod:`litreview.storage.searches`), so a
run that is interrupted - killed, offline, rate-limited - resumes at the next page when the
same command runs again. A query's records become a source only when all its pages are in, in
the same transaction that marks the query done, so a record is never imported twice and never
lost. Records seen twice within one query (a cursor hiccup) are kept once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import sqlite_utils

from litreview.errors import InvalidValue
from litreview.ingest.importer import ImportOptions, import_parsed
from litreview.models import ParsedFile, ParsedRecord
from litreview.search.clients import SearchClient, make_search_client
from litreview.search.query import Strategy, iter_searches, load_query_file
from litreview.search.render import Rendered, render_search
from litreview.storage import searches as store
from litreview.storage import sources as sources_store
from litreview.storage.review import Review

PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchProgress:
    query_no: int
    queries: int
    label: str
    records: int  # fetched so far for this query
    hits: int | None
    is_done: bool = False


@dataclass
class QueryOutcome:
    query_no: int
    label: str
    query: str  # the exact request, as the search log keeps it
    hits_reported: int | None
    records_imported: int
    source_id: int | None


@dataclass
class SearchOutcome:
    source: str
    search_run_id: int
    queries: list[QueryOutcome] = field(default_factory=list)
    resumed: bool = False  # an interrupted run was continued
    already_run: bool = False  # the same search had finished before; nothing was done
    notes: list[str] = field(default_factory=list)  # what the API cannot express exactly

    @property
    def records_imported(self) -> int:
        return sum(q.records_imported for q in self.queries)


def run_search(
    review: Review,
    query_file: str | Path,
    source: str,
    *,
    max_records: int | None = None,
    base_url: str | None = None,
    progress: Callable[[SearchProgress], None] | None = None,
    transport: httpx.BaseTransport | None = None,
    today: date | None = None,
    rerun: bool = False,
    page_size: int = PAGE_SIZE,
) -> SearchOutcome:
    """Search ``source`` with every query of ``query_file`` and import the results.

    An interrupted run of the same file, source, base URL and ``max_records`` resumes. A run
    that finished before is not repeated unless ``rerun`` (a new search, e.g. an update).
    """
    if max_records is not None and max_records < 1:
        raise InvalidValue("--max must be 1 or more")
    strategy = load_query_file(query_file)
    today = today or date.today()
    rendered = [
        render_search(s, strategy.limits, source, today=today) for s in iter_searches(strategy)
    ]
    with make_search_client(source, base_url=base_url, transport=transport) as client:
        runner = _Runner(review, client, strategy, max_records, progress, page_size)
        return runner.run(rendered, today, rerun)


class _Runner:
    def __init__(
        self,
        review: Review,
        client: SearchClient,
        strategy: Strategy,
        max_records: int | None,
        progress: Callable[[SearchProgress], None] | None,
        page_size: int,
    ) -> None:
        self.review = review
        self.db = review.db
        self.client = client
        self.strategy = strategy
        self.max_records = max_records
        self.progress = progress
        self.page_size = page_size
        self.base_url = client.base_url

    def run(self, rendered: list[Rendered], today: date, rerun: bool) -> SearchOutcome:
        key = (self.client.name, self.strategy.sha256, self.base_url, self.max_records)
        run = store.find_open_run(self.db, *key)
        if run is None and not rerun:
            done = store.find_finished_run(self.db, *key)
            if done is not None:
                return self._already_run(done.search_run_id)
        resumed = run is not None
        with self.db.atomic():
            run_id = (
                run.search_run_id
                if run
                else store.insert_run(
                    self.db,
                    api=key[0],
                    strategy_sha256=key[1],
                    strategy_title=self.strategy.title,
                    base_url=key[2],
                    max_records=key[3],
                )
            )
        notes = list(dict.fromkeys(n for r in rendered for n in r.notes))
        outcome = SearchOutcome(self.client.name, run_id, resumed=resumed, notes=notes)
        for number, search in enumerate(rendered, start=1):
            outcome.queries.append(self._query(run_id, number, len(rendered), search, today))
        with self.db.atomic():
            store.finish_run(self.db, run_id)
        return outcome

    def _already_run(self, run_id: int) -> SearchOutcome:
        outcome = SearchOutcome(self.client.name, run_id, already_run=True)
        for q in store.list_run_queries(self.db, run_id).values():
            outcome.queries.append(
                QueryOutcome(q.query_no, q.label, q.request, q.reported_hits, 0, q.source_id)
            )
        return outcome

    def _query(
        self, run_id: int, number: int, total: int, rendered: Rendered, today: date
    ) -> QueryOutcome:
        query = store.list_run_queries(self.db, run_id).get(number)
        if query is None:
            with self.db.atomic():
                store.insert_run_query(
                    self.db,
                    run_id,
                    number,
                    label=rendered.search.label,
                    request=self.client.describe(rendered),
                    searched_on=today.isoformat(),
                )
            query = store.list_run_queries(self.db, run_id)[number]
        if query.source_id is None:
            query = self._fetch(query, rendered, total)
            self._import(query)
            query = store.list_run_queries(self.db, run_id)[number]
        self._report(query, total, is_done=True)
        return QueryOutcome(
            number,
            query.label,
            query.request,
            query.reported_hits,
            query.records_fetched,
            query.source_id,
        )

    def _fetch(self, query: store.RunQuery, rendered: Rendered, total: int) -> store.RunQuery:
        seen = set(store.list_page_keys(self.db, query))
        while not query.is_fetched:
            room = self.page_size
            if self.max_records is not None:
                room = min(room, self.max_records - query.records_fetched)
            if room <= 0:
                with self.db.atomic():
                    store.mark_fetched(self.db, query)
                break
            page = self.client.fetch_page(rendered, query.state, room)
            fresh = _new_records(page.records, seen, query.records_fetched)[:room]
            at_max = (
                self.max_records is not None
                and query.records_fetched + len(fresh) >= self.max_records
            )
            stuck = page.next_state is not None and page.next_state == query.state
            is_fetched = page.next_state is None or at_max or stuck or not page.records
            with self.db.atomic():
                store.save_page(
                    self.db,
                    query,
                    [r for _, r in fresh],
                    [k for k, _ in fresh],
                    state=page.next_state,
                    is_fetched=is_fetched,
                    reported_hits=page.hits,
                )
            seen.update(k for k, _ in fresh)
            query = store.list_run_queries(self.db, query.search_run_id)[query.query_no]
            self._report(query, total)
        return query

    def _import(self, query: store.RunQuery) -> None:
        records = store.list_page_records(self.db, query)
        options = ImportOptions(
            database=self.client.database,
            platform=self.client.platform,
            searched_on=query.searched_on,
            query=query.request,
            limits=self._limits(query, len(records)) or None,
            reported_hits=query.reported_hits,
        )
        with self.db.atomic():
            if records:
                parsed = ParsedFile(
                    path=f"{self.client.name} search {query.search_run_id}.{query.query_no}",
                    format=self.client.name,
                    encoding="utf-8",
                    records=records,
                    database_hint=self.client.database,
                )
                source_id = import_parsed(self.review, parsed, options, kind="api").source_id
            else:
                source_id = _insert_empty_source(self.db, options, self.client.name)
            assert source_id is not None
            store.complete_query(self.db, query, source_id)

    def _limits(self, query: store.RunQuery, retrieved: int) -> str:
        limits = self.strategy.limits.describe()
        hits = query.reported_hits
        if self.max_records is not None and hits is not None and hits > retrieved:
            cap = f"first {retrieved} of {hits} results retrieved (--max {self.max_records})"
            limits = f"{limits}; {cap}" if limits else cap
        return limits

    def _report(self, query: store.RunQuery, total: int, *, is_done: bool = False) -> None:
        if self.progress is not None:
            self.progress(
                SearchProgress(
                    query.query_no,
                    total,
                    query.label,
                    query.records_fetched,
                    query.reported_hits,
                    is_done,
                )
            )


def record_key(record: ParsedRecord) -> str | None:
    """What identifies a record within one API's results: its id, PMID or DOI."""
    f = record.fields
    if f.accession:
        return f"id:{f.accession}"
    if f.pmid:
        return f"pmid:{f.pmid}"
    if f.doi:
        return f"doi:{f.doi}"
    return None


def _new_records(
    records: list[ParsedRecord], seen: set[str], already: int
) -> list[tuple[str, ParsedRecord]]:
    """Records not seen before in this query, numbered on from ``already``."""
    fresh: list[tuple[str, ParsedRecord]] = []
    keys = set(seen)
    for record in records:
        key = record_key(record) or f"position:{already + len(fresh) + 1}"
        if key in keys:
            continue
        keys.add(key)
        position = already + len(fresh) + 1
        fresh.append((key, ParsedRecord(position, None, record.fields, record.raw)))
    return fresh


def _insert_empty_source(db: sqlite_utils.Database, options: ImportOptions, fmt: str) -> int:
    """A search that found nothing is still a search to report (PRISMA-S): a source with no
    records."""
    return sources_store.insert_source(
        db,
        kind="api",
        arm="database",
        database=options.database,
        platform=options.platform,
        searched_on=options.searched_on,
        query=options.query,
        limits=options.limits,
        reported_hits=options.reported_hits,
        format=fmt,
        records_parsed=0,
    )
