"""Bytes -> text, without ever consulting the locale.

Order: byte-order mark (UTF-8, UTF-16, UTF-32), then UTF-16 without a mark
(recognised by its NUL pattern: ASCII text in UTF-16 is also valid UTF-8), then
strict UTF-8, then cp1252 (with an ``ImportIssue`` warning). Newlines come back
as ``\\n`` only. Files that are really something else (PDF, ZIP/Office, images,
binary junk) raise ``ImportFormatError`` naming what the file looks like.

``scan_text_file`` and ``iter_decoded_chunks`` apply the same rules to a file read
in chunks (hashing it on the way), for imports of any size.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from litreview.errors import ImportFormatError
from litreview.models import ImportIssue

__all__ = [
    "CHUNK_BYTES",
    "DecodedText",
    "ScannedText",
    "decode_bytes",
    "iter_decoded_chunks",
    "scan_text_file",
]

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HINT_EXPORT = "export the references from your database as RIS, MEDLINE/nbib, BibTeX or CSV"


@dataclass
class DecodedText:
    text: str
    encoding: str
    problems: list[ImportIssue] = field(default_factory=list)


def decode_bytes(data: bytes, path: str) -> DecodedText:
    """Decode a reference file's bytes and normalise its newlines."""
    _reject_non_text(data, path)
    decoded = _decode(data, path)
    _reject_binary_text(decoded.text, path)
    decoded.text = normalize_newlines(decoded.text)
    return decoded


def normalize_newlines(text: str) -> str:
    """CRLF, CR-only and IEEE's ``\\r\\n\\n\\r`` all become ``\\n``; stray BOMs go."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def _reject_non_text(data: bytes, path: str) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ImportFormatError(
                f"this is {what}, not a reference export", path=path, hint=_HINT_EXPORT
            )


def _decode(data: bytes, path: str) -> DecodedText:
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            return DecodedText(_strict(data, codec, name, path, bom=True), name)
    utf16 = _guess_utf16(data)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 full of NULs
    if utf16 is not None:
        return DecodedText(_strict(data, utf16, utf16, path, bom=False), utf16)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ImportFormatError(
            "the file contains NUL bytes: it is binary, not a text export",
            path=path,
            hint=_HINT_EXPORT,
        )
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    warning = ImportIssue(
        line=None,
        message=f"the file is not UTF-8; decoded as {encoding} (check accented characters)",
    )
    return DecodedText(text, encoding, [warning])


def _strict(data: bytes, codec: str, name: str, path: str, *, bom: bool) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(path, name, exc.start, bom=bom) from exc


def _undecodable(path: str, name: str, offset: int, *, bom: bool) -> ImportFormatError:
    why = f"starts with a {name} byte-order mark" if bom else f"looks like {name} (no mark)"
    return ImportFormatError(
        f"the file {why} but byte {offset} is not valid {name}: it is truncated or damaged",
        path=path,
        hint="export the references again, or re-save the file as UTF-8",
    )


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: mostly ASCII, so every other byte is NUL."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.9 * half and even.count(0) < 0.1 * half:
        return "utf-16-le"
    if even.count(0) > 0.9 * half and odd.count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def _reject_binary_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise ImportFormatError(
            "the file contains NUL bytes: it is binary, not a text export",
            path=path,
            hint=_HINT_EXPORT,
        )
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise ImportFormatError(
            "the file contains binary data (control characters), not a text export",
            path=path,
            hint=_HINT_EXPORT,
        )


# ---- streamed decoding: the same rules, applied chunk by chunk ---------------------------------

CHUNK_BYTES = 1 << 22
_HEAD_LINES = 5000  # format detection reads this many lines (see ``ingest.parse._detect``)
_HEAD_MAX_CHARS = 1 << 24
_CONTROL_SAMPLE = 20000
_NOT_BLANK = re.compile(r"[^\s\ufeff]")


@dataclass
class ScannedText:
    """What one reading pass over a file learned: enough to decide how to parse it."""

    sha256: str
    size: int
    encoding: str  # the name reported to the user (utf-8, utf-16-le, cp1252, ...)
    codec: str  # the Python codec that decodes the whole file
    head: str  # the first lines (at least 5,000 when the file has them), newlines normalised
    problems: list[ImportIssue] = field(default_factory=list)


class _Undecodable(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


def scan_text_file(path: str, *, chunk_bytes: int = CHUNK_BYTES) -> ScannedText:
    """Hash and validate a file in one pass, choosing its encoding as ``decode_bytes`` would."""
    first = _read_start(path)
    _reject_non_text(first, path)
    for bom, name, codec in _BOMS:
        if first.startswith(bom):
            return _scan_strict(path, codec, name, chunk_bytes, bom=True)
    utf16 = _guess_utf16(first)  # the first 4,000 bytes, as decode_bytes looks at
    if utf16 is not None:
        return _scan_strict(path, utf16, utf16, chunk_bytes, bom=False)
    try:
        return _scan(path, "utf-8", "utf-8", chunk_bytes)
    except _Undecodable:
        pass
    try:
        scanned = _scan(path, "cp1252", "cp1252", chunk_bytes)
    except _Undecodable:
        scanned = _scan(path, "latin-1", "latin-1", chunk_bytes)
    message = f"the file is not UTF-8; decoded as {scanned.encoding} (check accented characters)"
    scanned.problems.append(ImportIssue(line=None, message=message))
    return scanned


def iter_decoded_chunks(
    path: str, scanned: ScannedText, *, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[str, int]]:
    """``(text, bytes read so far)`` for the whole file, newlines normalised, BOMs removed.

    The bytes are hashed again; a file that changed since it was scanned raises
    ``ImportFormatError`` at the end (so a transaction around the caller rolls back).
    """
    decoder = codecs.getincrementaldecoder(scanned.codec)("strict")
    digest = hashlib.sha256()
    done, carry = 0, ""
    try:
        with _open(path) as fh:
            while chunk := fh.read(chunk_bytes):
                digest.update(chunk)
                done += len(chunk)
                text = carry + decoder.decode(chunk)
                carry = "\r" if text.endswith("\r") else ""
                yield normalize_newlines(text[: len(text) - len(carry)]), done
            yield normalize_newlines(carry + decoder.decode(b"", final=True)), done
    except UnicodeDecodeError as exc:
        raise _changed(path) from exc
    if digest.hexdigest() != scanned.sha256:
        raise _changed(path)


def _changed(path: str) -> ImportFormatError:
    return ImportFormatError(
        "the file changed while it was being imported; nothing was imported",
        path=path,
        hint="import it again once it is complete",
    )


def _open(path: str) -> BinaryIO:
    try:
        return open(path, "rb")  # noqa: SIM115 (the callers close it)
    except IsADirectoryError as exc:
        raise ImportFormatError("is a folder, not a file", path=path) from exc
    except OSError as exc:
        raise ImportFormatError(f"cannot read the file: {exc.strerror}", path=path) from exc


def _read_start(path: str) -> bytes:
    with _open(path) as fh:
        try:
            return fh.read(4096)
        except OSError as exc:
            raise ImportFormatError(f"cannot read the file: {exc.strerror}", path=path) from exc


def _scan_strict(path: str, codec: str, name: str, chunk_bytes: int, *, bom: bool) -> ScannedText:
    try:
        return _scan(path, codec, name, chunk_bytes)
    except _Undecodable as exc:
        raise _undecodable(path, name, exc.offset, bom=bom) from None


def _scan(path: str, codec: str, name: str, chunk_bytes: int) -> ScannedText:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    digest = hashlib.sha256()
    state = _ScanState(path)
    done = 0
    with _open(path) as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
            state.feed(_decode_piece(decoder, chunk, done))
            done += len(chunk)
        state.feed(_decode_piece(decoder, b"", done, final=True))
    return ScannedText(digest.hexdigest(), done, name, codec, state.finish())


def _decode_piece(
    decoder: codecs.IncrementalDecoder, chunk: bytes, done: int, *, final: bool = False
) -> str:
    pending = len(decoder.getstate()[0])
    try:
        return decoder.decode(chunk, final=final)
    except UnicodeDecodeError as exc:
        raise _Undecodable(done - pending + exc.start) from None


class _ScanState:
    """The checks ``decode_bytes`` makes on the whole text, made piece by piece."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sample = ""  # the first characters, before newline normalisation
        self.head_raw = ""
        self.head = ""
        self.has_text = False

    def feed(self, piece: str) -> None:
        if "\x00" in piece:
            _reject_binary_text(piece, self.path)
        if len(self.sample) < _CONTROL_SAMPLE:
            self.sample += piece[: _CONTROL_SAMPLE - len(self.sample)]
            _reject_binary_text(self.sample, self.path)
        if not self.has_text:
            self.has_text = _NOT_BLANK.search(piece) is not None
        if len(self.head_raw) < _HEAD_MAX_CHARS and self.head.count("\n") < _HEAD_LINES:
            self.head_raw += piece
            self.head = normalize_newlines(self.head_raw)

    def finish(self) -> str:
        if not self.has_text:
            raise ImportFormatError("the file is empty: no records", path=self.path)
        return self.head
