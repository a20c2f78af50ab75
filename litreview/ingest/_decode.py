"""Bytes -> text, without ever consulting the locale.

Order: byte-order mark (UTF-8, UTF-16, UTF-32), then strict UTF-8, then
UTF-16 without a mark (recognised by its NUL pattern), then cp1252 (with an
``ImportIssue`` warning). Newlines come back as ``\\n`` only. Files that are
really something else (PDF, ZIP/Office, images, binary junk) raise
``ImportFormatError`` naming what the file looks like.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from litreview.errors import ImportFormatError
from litreview.models import ImportIssue

__all__ = ["DecodedText", "decode_bytes"]

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
            return DecodedText(_strict(data, codec, name, path), name)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        return DecodedText(_strict(data, utf16, utf16, path), utf16)
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


def _strict(data: bytes, codec: str, name: str, path: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"the file starts with a {name} byte-order mark but byte {exc.start} is not valid "
            f"{name}",
            path=path,
            hint="re-save the file as UTF-8",
        ) from exc


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
