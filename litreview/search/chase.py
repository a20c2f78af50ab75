"""Citation chasing through OpenAlex: the references of chosen studies (backward) and the
works that cite them (forward), imported as "other methods: citation searching" (PRISMA).

Each seed record is found in OpenAlex by its OpenAlex id, DOI or PMID. Each direction becomes
one source whose query names the seeds; a work reached from several seeds is kept once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import httpx

from litreview.errors import InvalidValue, RecordNotFound
from litreview.ingest.importer import ImportOptions, import_parsed
from litreview.models import ParsedFile, ParsedRecord, RecordFields
from litreview.screening.team import effective_decisions
from litreview.search.clients.openalex import OpenAlexClient, short_id
from litreview.search.run import record_key
from litreview.storage import records as records_store
from litreview.storage import views, works
from litreview.storage.review import Review

DIRECTIONS = ("references", "cited-by", "both")
METHOD = "citation searching"


@dataclass(frozen=True)
class Seed:
    record_id: int
    work_id: str  # OpenAlex id, W...
    referenced: tuple[str, ...]


@dataclass
class ChaseOutcome:
    seeds: list[Seed] = field(default_factory=list)
    not_found: list[int] = field(default_factory=list)  # records OpenAlex does not know
    sources: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # direction ->
    # (source id, records imported)

    @property
    def records_imported(self) -> int:
        return sum(n for _, n in self.sources.values())


def list_included_records(review: Review) -> list[int]:
    """The works included at the protocol's last stage (their canonical record ids)."""
    last = review.protocol.stages[-1].name
    decided = effective_decisions(review, last)
    return sorted(w for w, d in decided.items() if d.value == "include")


def chase_citations(
    review: Review,
    record_ids: Iterable[int],
    *,
    direction: str = "both",
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
    max_per_work: int | None = None,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ChaseOutcome:
    """Chase the citations of ``record_ids`` in ``direction`` and import what is found."""
    if direction not in DIRECTIONS:
        raise InvalidValue(f"unknown direction {direction!r}", hint="use " + ", ".join(DIRECTIONS))
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        raise InvalidValue("no records to chase", hint="name record ids, or use --included")
    for record_id in ids:
        records_store.get_record(review.db, record_id)  # RecordNotFound for a wrong id
    today = today or date.today()
    outcome = ChaseOutcome()
    with OpenAlexClient(base_url=base_url, transport=transport) as client:
        for record_id in ids:
            seed = _find_seed(
                client, record_id, views.work_fields(review.db, works.work_of(review.db, record_id))
            )
            if seed is None:
                outcome.not_found.append(record_id)
            else:
                outcome.seeds.append(seed)
            if progress:
                progress(f"record {record_id}: " + (seed.work_id if seed else "not in OpenAlex"))
        if not outcome.seeds:
            raise RecordNotFound(
                "none of the records was found in OpenAlex",
                hint="chasing needs an OpenAlex id, a DOI or a PMID on each record",
            )
        if direction in ("references", "both"):
            found = list(client.iter_works_by_id(_referenced(outcome.seeds)))
            outcome.sources["references"] = _import(
                review, client, found, outcome.seeds, "references", today
            )
        if direction in ("cited-by", "both"):
            citing = [r for s in outcome.seeds for r in client.iter_citing(s.work_id, max_per_work)]
            outcome.sources["cited-by"] = _import(
                review, client, citing, outcome.seeds, "cited-by", today
            )
    return outcome


def _find_seed(client: OpenAlexClient, record_id: int, fields: RecordFields) -> Seed | None:
    candidates = []
    if fields.accession and fields.accession.startswith("W") and fields.database == "OpenAlex":
        candidates.append(fields.accession)
    if fields.doi:
        candidates.append(f"doi:{fields.doi}")
    if fields.pmid:
        candidates.append(f"pmid:{fields.pmid}")
    for identifier in candidates:
        work = client.find_work(identifier)
        if work and isinstance(work.get("id"), str):
            refs = tuple(
                short_id(r) for r in work.get("referenced_works") or [] if isinstance(r, str)
            )
            return Seed(record_id, short_id(work["id"]), refs)
    return None


def _referenced(seeds: list[Seed]) -> list[str]:
    return list(dict.fromkeys(ref for seed in seeds for ref in seed.referenced))


def _import(
    review: Review,
    client: OpenAlexClient,
    found: list[ParsedRecord],
    seeds: list[Seed],
    direction: str,
    today: date,
) -> tuple[int | None, int]:
    unique: dict[str, ParsedRecord] = {}
    for record in found:
        unique.setdefault(record_key(record) or f"n{len(unique)}", record)
    records = [
        ParsedRecord(n, None, r.fields, r.raw) for n, r in enumerate(unique.values(), start=1)
    ]
    if not records:
        return None, 0
    what = "works referenced by" if direction == "references" else "works citing"
    seed_list = ", ".join(f"{s.work_id} (record {s.record_id})" for s in seeds)
    options = ImportOptions(
        database=client.database,
        platform=client.platform,
        searched_on=today.isoformat(),
        query=f"{what} {seed_list}",
        reported_hits=len(found),
        arm="other",
        method=METHOD,
    )
    parsed = ParsedFile(
        path=f"openalex {direction}",
        format="openalex",
        encoding="utf-8",
        records=records,
        database_hint=client.database,
    )
    result = import_parsed(review, parsed, options, kind="api")
    return result.source_id, len(records)
