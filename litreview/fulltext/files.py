"""Full-text files: attach PDFs to works, extract their text page by page, search it.

``attach_paths`` takes files and folders (searched recursively, so a Zotero
``storage`` folder or an EndNote ``.Data/PDF`` folder works as it is). Each PDF is
matched to a work, in this order, and never guessed:

1. a DOI in the file name (``10.1234_abc.pdf``: ``/`` written as ``_``);
2. a DOI in the PDF's metadata, then on its first two pages (one work, or the
   candidates are listed for the reviewer);
3. the title: the PDF's metadata title equal to a work's title after normalisation
   (case, accents, punctuation; rapidfuzz ratio >= 97), or a work's whole title
   (at least 4 words) found in the text of the first page. Two or more candidate
   works -> ambiguous, listed for the reviewer (``attach FILE --record ID``).

The file is copied into ``<review>.files/`` under its sha256 (a file is stored
once however often it is attached), its path stored relative to that folder (a
review moved or backed up with its folder keeps its files), and its text stored
in an FTS5 index with page numbers. A broken or encrypted PDF is reported with
the reason and nothing is stored; a PDF without a text layer (a scan) is
attached when it can be matched (file name or metadata DOI, or ``--record``)
and reported as not searchable.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from litreview.errors import InvalidValue
from litreview.storage import files as store
from litreview.storage import records as records_store
from litreview.storage.review import Review
from litreview.storage.works import work_of

FOLDER_SUFFIX = ".files"
TEXT_PAGES_FOR_MATCHING = 2
MIN_TEXT_CHARS = 25  # fewer letters than this in the whole PDF: no text layer
TITLE_RATIO = 97.0
MIN_TITLE_WORDS = 4
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
_DOI_IN_NAME = re.compile(r"10\.\d{4,9}_\S+", re.IGNORECASE)
_CONTROL = {c: None for c in range(32) if chr(c) not in "\n\t"} | {127: None}


@dataclass(frozen=True)
class PdfText:
    pages: tuple[str, ...]
    title: str | None  # from the document metadata
    metadata_dois: tuple[str, ...]

    @property
    def has_text(self) -> bool:
        return sum(ch.isalnum() for page in self.pages for ch in page) >= MIN_TEXT_CHARS


class PdfUnreadable(Exception):
    """A PDF that cannot be read; the message is the reason shown to the reviewer."""


@dataclass(frozen=True)
class AttachOutcome:
    source: str  # the path given (or found in a folder)
    status: str  # attached | already_attached | ambiguous | unmatched | failed
    work_id: int | None = None
    matched_by: str | None = None
    candidates: tuple[int, ...] = ()
    reason: str | None = None
    sha256: str | None = None
    stored_path: str | None = None  # relative to <review>.files
    pages: int | None = None
    warnings: tuple[str, ...] = field(default=())


# --- text extraction ------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text safe to store and print: no control characters or escape sequences."""
    return text.translate(_CONTROL)


def read_pdf(path: Path) -> PdfText:
    """The text of every page (pypdf), the metadata title and DOIs; PdfUnreadable if the
    file is not a PDF, is damaged, or is encrypted with a password."""
    from pypdf import PdfReader  # heavy: pypdf, loaded only to read a PDF
    from pypdf.errors import (  # heavy: pypdf, loaded only to read a PDF
        DependencyError,
        FileNotDecryptedError,
        PdfReadError,
        PdfStreamError,
    )

    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF-"):
            raise PdfUnreadable("not a PDF (it does not start with %PDF-)")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable("encrypted: it needs a password to open")
        pages = []
        for page in reader.pages:
            try:
                pages.append(clean_text(page.extract_text() or ""))
            except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError):
                pages.append("")
        meta: dict[str, object] = dict(reader.metadata or {})
        title = meta.get("/Title")
        raw_meta = " ".join(str(v) for v in meta.values())
    except PdfUnreadable:
        raise
    except FileNotDecryptedError as exc:
        raise PdfUnreadable("encrypted: it needs a password to open") from exc
    except DependencyError as exc:
        raise PdfUnreadable(
            "encrypted with AES, which pypdf opens only with the 'cryptography' package "
            "(pip install cryptography)"
        ) from exc
    except NotImplementedError as exc:
        raise PdfUnreadable(f"encrypted with an unsupported method ({exc})") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise PdfUnreadable(f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise PdfUnreadable("damaged PDF: it has no pages")
    return PdfText(
        tuple(pages),
        clean_text(str(title)).strip() or None if title else None,
        tuple(_dois_in(raw_meta)),
    )


# --- matching ------------------------------------------------------------------------


def normalize_doi(doi: str) -> str:
    doi = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.rstrip(".,;:)]}'\"")


def _dois_in(text: str) -> list[str]:
    return [normalize_doi(m.group(0)) for m in _DOI.finditer(text)]


def dois_in_name(name: str) -> list[str]:
    """DOIs a file name may spell (``/`` written as ``_``): the first ``_`` after the
    prefix is the slash; the suffix may hold more ``_`` or ``/`` written as ``_``."""
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    found = _DOI_IN_NAME.search(stem)
    if not found:
        return []
    prefix, _, suffix = found.group(0).partition("_")
    first = f"{prefix}/{suffix}"
    return [normalize_doi(d) for d in dict.fromkeys([first, first.replace("_", "/")])]


def normalize_title(text: str) -> str:
    text = text.replace("-\n", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass
class WorkIndex:
    """The review's works by DOI and normalised title."""

    by_doi: dict[str, set[int]]
    by_title: dict[str, set[int]]

    @classmethod
    def load(cls, review: Review) -> WorkIndex:
        by_doi: dict[str, set[int]] = {}
        by_title: dict[str, set[int]] = {}
        for work, doi, title in store.iter_doi_titles(review.db):
            if doi:
                by_doi.setdefault(normalize_doi(doi), set()).add(work)
            if title:
                key = normalize_title(title)
                if len(key.split()) >= MIN_TITLE_WORDS:
                    by_title.setdefault(key, set()).add(work)
        return cls(by_doi, by_title)

    def works_for_dois(self, dois: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for doi in dois:
            found |= self.by_doi.get(doi, set())
        return found

    def works_for_title(self, text: PdfText) -> set[int]:
        found: set[int] = set()
        if text.title:
            wanted = normalize_title(text.title)
            if len(wanted.split()) >= MIN_TITLE_WORDS:
                for key, works in self.by_title.items():
                    if fuzz.ratio(wanted, key) >= TITLE_RATIO:
                        found |= works
        if found:
            return found
        first = f" {normalize_title(text.pages[0])} " if text.pages else ""
        for key, works in self.by_title.items():
            if f" {key} " in first:
                found |= works
        return found


def match_work(name: str, text: PdfText | None, index: WorkIndex) -> tuple[str, set[int]]:
    """(how, candidate works): one candidate is a match, several are ambiguous."""
    by_name = index.works_for_dois(dois_in_name(name))
    if by_name:
        return "file name DOI", by_name
    if text is None:
        return "", set()
    by_meta = index.works_for_dois(text.metadata_dois)
    if by_meta:
        return "PDF metadata DOI", by_meta
    first_pages = "\n".join(text.pages[:TEXT_PAGES_FOR_MATCHING]).replace("-\n", "")
    by_text = index.works_for_dois(_dois_in(first_pages))
    if by_text:
        return "DOI on the first pages", by_text
    return "title", index.works_for_title(text)


# --- storing -------------------------------------------------------------------------


def files_folder(review: Review) -> Path:
    """``<review>.files`` beside the review file (``review.db`` -> ``review.files``)."""
    return review.path.with_name(review.path.stem + FOLDER_SUFFIX)


def stored_location(review: Review, relative: str) -> Path:
    """Where a stored path is now: paths are kept relative to ``<review>.files``, so a
    review moved or copied (``backup``) with its folder keeps its files."""
    return files_folder(review) / relative


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_in(review: Review, source: Path, sha256: str) -> str:
    """Copy ``source`` to ``<review>.files/<aa>/<sha256>.pdf`` (atomically); the stored
    path, relative to ``<review>.files``."""
    folder = files_folder(review) / sha256[:2]
    target = folder / f"{sha256}.pdf"
    if not target.exists() or sha256_of(target) != sha256:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(source, temp)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return target.relative_to(files_folder(review)).as_posix()


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, and every ``*.pdf`` under the folders named (recursively)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidValue(
                f"{path}: no such file or folder", hint="give PDF files or folders of PDFs"
            )
    return found


def attach_paths(
    review: Review,
    paths: Sequence[str | Path],
    *,
    record_id: int | None = None,
    reviewer: str | None = None,
) -> list[AttachOutcome]:
    """Attach every PDF named or found under the folders named; ``record_id`` attaches
    the (single) file to that record's work without matching."""
    found = expand_paths(paths)
    forced: int | None = None
    if record_id is not None:
        if len(found) != 1:
            raise InvalidValue(
                f"--record attaches one file, but {len(found)} were given",
                hint="name a single PDF with --record",
            )
        records_store.get_record(review.db, record_id)  # raises RecordNotFound
        forced = work_of(review.db, record_id)
    index = WorkIndex.load(review)
    attached = store.current_attachments(review.db)
    return [
        attach_file(review, path, index, attached, forced=forced, reviewer=reviewer)
        for path in found
    ]


def attach_file(
    review: Review,
    path: Path,
    index: WorkIndex,
    attached: dict[int, store.Attachment],
    *,
    forced: int | None = None,
    reviewer: str | None = None,
    origin: str | None = None,
    matched_by: str | None = None,
) -> AttachOutcome:
    """Attach one PDF (``forced``: to that work, unmatched); ``attached`` is updated."""
    source = str(path)
    try:
        text: PdfText | None = read_pdf(path)
    except PdfUnreadable as exc:
        return AttachOutcome(source, "failed", reason=str(exc))
    except OSError as exc:
        return AttachOutcome(source, "failed", reason=f"cannot read the file: {exc.strerror}")
    assert text is not None
    if forced is not None:
        how, works = matched_by or "chosen by the reviewer", {forced}
    else:
        how, works = match_work(path.name, text, index)
    warnings = (
        ()
        if text.has_text
        else (
            "no text layer (a scanned image?): attached but not searchable; "
            "run OCR (e.g. ocrmypdf) and attach the result",
        )
    )
    if not works:
        reason = "no work matches its file name, DOI or title"
        if not text.has_text:
            reason += "; it has no text layer (a scanned image?)"
        return AttachOutcome(source, "unmatched", reason=reason + "; attach it with --record ID")
    if len(works) > 1:
        return AttachOutcome(
            source,
            "ambiguous",
            matched_by=how,
            candidates=tuple(sorted(works)),
            reason=f"{how} fits several works; choose one with --record ID",
        )
    (work,) = works
    sha256 = sha256_of(path)
    current = attached.get(work)
    if current is not None and current.sha256 == sha256:
        return AttachOutcome(
            source,
            "already_attached",
            work,
            how,
            sha256=sha256,
            stored_path=current.path,
            pages=len(text.pages),
        )
    if current is not None:
        warnings = (*warnings, f"replaces the file attached before ({current.origin})")
    known = store.find_file(review.db, sha256)
    relative = known.path if known else _copy_in(review, path, sha256)
    with review.db.atomic():
        if known is None:
            store.add_file(
                review.db,
                store.StoredFile(
                    sha256, relative, path.stat().st_size, len(text.pages), text.has_text
                ),
                text.pages if text.has_text else [],
            )
        event_id = store.record_attachment(
            review.db,
            work,
            sha256,
            path=relative,
            origin=origin or str(path.resolve()),
            matched_by=how,
            reviewer=reviewer,
        )
    attached[work] = store.Attachment(
        event_id, work, sha256, relative, origin or str(path), how, ""
    )
    return AttachOutcome(
        source,
        "attached",
        work,
        how,
        sha256=sha256,
        stored_path=relative,
        pages=len(text.pages),
        warnings=warnings,
    )


# --- reading and searching --------------------------------------------------------------


def get_attachment(review: Review, record_id: int) -> store.Attachment | None:
    return store.current_attachments(review.db).get(work_of(review.db, record_id))


def get_pages(review: Review, record_id: int) -> list[str]:
    """The text of the work's attached file, page by page (empty without one)."""
    found = get_attachment(review, record_id)
    return [] if found is None else store.list_pages(review.db, found.sha256)


@dataclass(frozen=True)
class GrepHit:
    work_id: int
    page: int
    snippet: str  # the hit between « and »
    path: str


def grep(review: Review, phrase: str, *, limit: int = 200) -> list[GrepHit]:
    """Pages of attached full texts holding ``phrase`` (an exact phrase, case and accents
    ignored), best first, with the works they belong to."""
    words = phrase.strip()
    if not words:
        raise InvalidValue("give a phrase to search for", hint="litreview grep 'home visiting'")
    match = '"' + words.replace('"', '""') + '"'
    by_file: dict[str, list[store.Attachment]] = {}
    for attachment in store.current_attachments(review.db).values():
        by_file.setdefault(attachment.sha256, []).append(attachment)
    hits = []
    for hit in store.search_pages(review.db, match, limit=limit):
        for attachment in by_file.get(hit.sha256, []):
            hits.append(GrepHit(attachment.work_id, hit.page, hit.snippet, attachment.path))
    return hits


def file_paths(review: Review) -> dict[int, str]:
    """work id -> the absolute path of its attached PDF (for exports: RIS ``L1``, CSV)."""
    return {
        work: str(stored_location(review, found.path).resolve())
        for work, found in store.current_attachments(review.db).items()
    }


def backup_files(review: Review, target: Path) -> Path | None:
    """Copy ``<review>.files`` beside the backup ``target`` (None when there are none)."""
    folder = files_folder(review)
    if not folder.is_dir():
        return None
    dest = target.with_name(target.stem + FOLDER_SUFFIX)
    if dest.resolve() == folder.resolve():
        return dest  # a backup beside the review shares its (content-addressed) folder
    shutil.copytree(folder, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.part"))
    return dest
