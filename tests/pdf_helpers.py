"""PDFs generated for the tests (reportlab draws them; pypdf encrypts one)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def write_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    title: str | None = None,
    subject: str | None = None,
    columns: int = 1,
) -> Path:
    """A PDF whose pages hold ``pages`` (lines split on newlines; two columns if asked)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        pdf.setTitle(title)
    if subject:
        pdf.setSubject(subject)
    width, height = A4
    for text in pages:
        lines = text.split("\n")
        per_column = -(-len(lines) // columns)
        for col in range(columns):
            y = height - 72
            x = 56 + col * (width - 112) / columns
            for line in lines[col * per_column : (col + 1) * per_column]:
                pdf.drawString(x, y, line)
                y -= 14
        pdf.showPage()
    pdf.save()
    return path


def write_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A 'scan': pages with drawn shapes and no text layer."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(pages):
        for row in range(30):
            pdf.rect(60, 780 - row * 22, 300 + (row * 37 + n) % 170, 9, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def write_encrypted_pdf(path: Path, text: str, password: str = "secret") -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(path.with_suffix(".plain.pdf"), [text])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with path.open("wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def write_broken_pdf(path: Path, text: str) -> Path:
    """A PDF cut off half-way (a failed download)."""
    whole = write_pdf(path.with_suffix(".whole.pdf"), [text])
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: len(data) // 3])
    return path
