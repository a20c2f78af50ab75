"""Build the worked-example review (Quin 2015) from the exports shipped in this folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from litreview.dedup.apply import run_dedup
from litreview.demo import DEMO_DIR
from litreview.demo.coding import code_demo
from litreview.ingest.importer import ImportOptions, import_files
from litreview.protocol import load_template
from litreview.storage.review import Review, create_review, open_review

_QUERY_A = (
    '("child abuse" OR "child maltreatment" OR "child welfare" OR "child protection"'
    " OR safeguarding)"
)
_QUERY_B1 = (
    "(collaboration OR coordination OR cooperation OR inter-agency"
    " OR inter-professional OR inter-disciplinary)"
)
_QUERY = f'{_QUERY_A} AND {_QUERY_B1}; {_QUERY_A} AND (success OR "good outcomes")'
_LIMITS = "English language; published 2000 or later"


@dataclass(frozen=True)
class DemoSource:
    file: str
    options: ImportOptions


DEMO_SOURCES = (
    DemoSource(
        "proquest.ris",
        ImportOptions(
            database="ProQuest: ASSIA, Social Services Abstracts, Sociological Abstracts",
            platform="ProQuest",
            searched_on="2013-03-12",
            query=_QUERY,
            limits=_LIMITS,
        ),
    ),
    DemoSource(
        "wos.ris",
        ImportOptions(
            database="Web of Science Core Collection",
            platform="ISI Web of Knowledge",
            searched_on="2013-03-14",
            query=_QUERY,
            limits=_LIMITS,
        ),
    ),
    DemoSource(
        "ebsco.ris",
        ImportOptions(
            database="Academic Search Complete",
            platform="EBSCOhost",
            searched_on="2013-03-15",
            query=_QUERY,
            limits=_LIMITS,
        ),
    ),
    DemoSource(
        "other_methods.ris",
        ImportOptions(
            database="Grey literature, hand searching and citation chasing",
            arm="other",
            method="websites, hand searching and citation searching",
        ),
    ),
)


def default_demo_dir(base: Path | None = None) -> Path:
    """A new folder next to ``base`` (the current folder): litreview-demo, -2, -3, ..."""
    base = base or Path.cwd()
    candidate = base / "litreview-demo"
    n = 1
    while candidate.exists():
        n += 1
        candidate = base / f"litreview-demo-{n}"
    return candidate


def build_demo(directory: Path, thesis_dir: Path | None = None) -> Review:
    """Create DIR/review.db from the shipped exports, or reuse it if it exists; with
    ``thesis_dir`` (a local copy of the thesis data) the codes carry the tables' wording."""
    path = directory / "review.db"
    if path.exists():
        return open_review(path)
    directory.mkdir(parents=True, exist_ok=True)
    review = create_review(path, load_template("safeguarding")[0])
    for source in DEMO_SOURCES:
        import_files(review, [DEMO_DIR / source.file], source.options)
    run_dedup(review)

    code_demo(review, thesis_dir)
    return review
