"""Second examples: labelled screening sets shipped in ``examples/`` (licence allowing),
built into an undecided review so a newcomer screens real abstracts with ranking,
highlighting and the stopping rule, and ``litreview status`` compares their decisions
with the published labels (:mod:`litreview.screening.published_labels`).

Each example is ``examples/NAME.csv.gz`` (records and published labels, written by
``make_examples``), ``examples/NAME.toml`` (its protocol) and its attribution and licence
in ``examples/ATTRIBUTION.md``.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from litreview.dedup.apply import run_dedup
from litreview.demo import DEMO_DIR
from litreview.errors import InvalidValue
from litreview.ingest.importer import ImportOptions, import_files
from litreview.screening.published_labels import PublishedLabels, store_published_labels
from litreview.storage import records as records_store
from litreview.storage.output_files import write_text
from litreview.storage.review import Review, create_review, open_review

EXAMPLES_DIR = DEMO_DIR / "examples"
REVIEW_FILE = "review.db"


@dataclass(frozen=True)
class Example:
    name: str
    summary: str  # one line for --list-examples
    source_file: str  # the labelled set's file name in ../shared/data/screening
    short_citation: str  # "Author et al. (year)"
    citation: str  # the review whose decisions the labels are
    licence: str
    database: str  # the source name the records are imported under

    @property
    def data_file(self) -> str:
        return f"{self.name}.csv.gz"

    @property
    def protocol_file(self) -> str:
        return f"{self.name}.toml"

    @property
    def records_file(self) -> str:
        """The records as written into the example's folder and imported (no labels)."""
        return f"{self.name}.csv"


EXAMPLES = (
    Example(
        name="kitchenham_2010",
        summary="systematic literature reviews in software engineering: 1,704 titles "
        "with abstracts, 45 final includes",
        source_file="Kitchenham_2010.csv",
        short_citation="Kitchenham et al. (2010)",
        citation="Kitchenham, B., Pretorius, R., Budgen, D., Brereton, O.P., Turner, M., "
        "Niazi, M. and Linkman, S. (2010) Systematic literature reviews in software "
        "engineering - a tertiary study. Information and Software Technology 52(8), 792-805",
        licence="CC-BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
        database="Kitchenham et al. (2010): candidate records (SYNERGY / ASReview set)",
    ),
)


@dataclass(frozen=True)
class ExampleRow:
    record_id: str
    title: str
    abstract: str
    doi: str
    year: str
    included: bool  # the published (final) label


def find_example(name: str) -> Example:
    for example in EXAMPLES:
        if example.name == name.lower():
            return example
    names = ", ".join(e.name for e in EXAMPLES)
    raise InvalidValue(f"no shipped example {name!r}", hint=f"the examples are: {names}")


def read_example(example: Example) -> list[ExampleRow]:
    """The shipped rows, in the file's order."""
    text = gzip.decompress((EXAMPLES_DIR / example.data_file).read_bytes()).decode("utf-8")
    return [
        ExampleRow(
            r["record_id"],
            r["title"],
            r["abstract"],
            r["doi"],
            r["year"],
            r["label_included"] == "1",
        )
        for r in csv.DictReader(io.StringIO(text))
    ]


def _write_records(rows: list[ExampleRow], path: Path) -> None:
    """The records a reviewer imports: the labels stay out of the file."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["record_id", "title", "abstract", "doi", "year"])
    writer.writerows([r.record_id, r.title, r.abstract, r.doi, r.year] for r in rows)
    write_text(path, text.getvalue())


def default_example_dir(name: str, base: Path | None = None) -> Path:
    """A new folder: ./litreview-NAME, -2, -3, ..."""
    base = base or Path.cwd()
    candidate, n = base / f"litreview-{name}", 1
    while candidate.exists():
        n += 1
        candidate = base / f"litreview-{name}-{n}"
    return candidate


def build_example(directory: Path, name: str) -> Review:
    """Create DIR/review.db for the example, undecided, or reuse it if it exists: the
    protocol, the records (imported from DIR/NAME.csv) and the published labels."""
    example = find_example(name)
    path = directory / REVIEW_FILE
    if path.exists():
        return open_review(path)
    directory.mkdir(parents=True, exist_ok=True)
    rows = read_example(example)
    records = directory / example.records_file
    _write_records(rows, records)
    review = create_review(path, (EXAMPLES_DIR / example.protocol_file).read_text("utf-8"))
    try:
        (result,) = import_files(review, [records], ImportOptions(database=example.database))
        run_dedup(review)
        by_position = {
            r.position: r.record_id for r in records_store.iter_records(review.db, result.source_id)
        }
        included = tuple(by_position[i] for i, row in enumerate(rows, 1) if row.included)
        with review.db.atomic():
            store_published_labels(
                review, PublishedLabels(example.short_citation, included, len(rows))
            )
    except BaseException:
        review.close()
        raise
    return review
