"""The one way litreview writes an output file (exports, tables, SVG, CSV, backups, traces).

A regular file is written to a temporary file in the target's folder, flushed to disk
(``fsync``) and moved over the target with ``os.replace``: a reader (or a kill at any
moment) sees either the old file or the whole new one, never a half-written one. The
folder must exist; it is never created silently. A target that is not a regular file
(``/dev/stdout``, ``/dev/full``, a FIFO, a terminal) is written directly and never
replaced. Symbolic links are followed: the file they point to is the one replaced.

No SQL and no Textual here; every command that writes a file comes through this module.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from litreview.errors import OutputFileError, describe_environment_error

__all__ = [
    "atomic_target",
    "check_output_folder",
    "is_special",
    "open_output",
    "open_output_bytes",
    "write_bytes",
    "write_text",
    "write_with",
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output_folder(path: str | Path) -> Path:
    """``path`` with symbolic links resolved, after checking that its folder exists and
    that it is not itself a folder (the check every writer makes before writing).

    A target that exists and is not a regular file (``/dev/stdout``, a FIFO) is
    returned as given: resolving ``/dev/stdout`` on a pipe gives no usable path."""
    given = Path(path).expanduser()
    if is_special(given):
        return given
    target = Path(os.path.realpath(given))
    if target.is_dir():
        raise OutputFileError(f"{path} is a folder", hint="give a file name")
    if not target.parent.is_dir():
        raise OutputFileError(
            f"cannot write {path}: the folder {target.parent} does not exist",
            hint="create the folder first (mkdir -p), or choose another output path",
        )
    return target


def is_special(target: Path) -> bool:
    """Whether ``target`` exists and is neither a regular file nor a folder."""
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. a platform without folder handles: the rename still happened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """A temporary path in ``path``'s folder for a writer that needs a file name (SQLite's
    backup); after the block it is fsynced and moved over ``path``. If the block fails,
    the temporary file is removed and ``path`` is untouched."""
    target = check_output_folder(path)
    if is_special(target):
        raise OutputFileError(
            f"cannot write {path}: it is not a regular file",
            hint="give the name of a regular file",
        )
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not mode & 0o222:
        raise OutputFileError(
            f"cannot write {path}: the file is read-only",
            hint="make it writable (chmod u+w) if it may be replaced, or choose another name",
        )
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        failure = describe_environment_error(exc)
        raise OutputFileError(
            f"cannot write {path}: {exc.strerror or failure.message} (in {target.parent})",
            hint=failure.hint,
        ) from exc
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        _finish(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _finish(temp: Path, target: Path) -> None:
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(temp, mode)
    os.replace(temp, target)
    _fsync_folder(target.parent)


@contextlib.contextmanager
def open_output(path: str | Path, *, newline: str | None = "") -> Iterator[IO[str]]:
    """A UTF-8 text stream to write ``path`` through.

    The file appears, whole, when the block ends without an error; an error or a kill
    inside the block leaves the old file as it was.
    """
    with _open(path, binary=False, newline=newline) as stream:
        yield cast(IO[str], stream)


@contextlib.contextmanager
def open_output_bytes(path: str | Path) -> Iterator[IO[bytes]]:
    """Like ``open_output``, for bytes."""
    with _open(path, binary=True, newline=None) as stream:
        yield cast(IO[bytes], stream)


@contextlib.contextmanager
def _open(path: str | Path, *, binary: bool, newline: str | None) -> Iterator[IO[Any]]:
    target = check_output_folder(path)

    def opener(file: Path) -> IO[Any]:
        if binary:
            return open(file, "wb")  # noqa: SIM115 (closed by the caller's with)
        return open(file, "w", encoding="utf-8", newline=newline)  # noqa: SIM115

    try:
        if is_special(target):
            with opener(target) as stream:
                yield stream
            return
        with atomic_target(target) as temp, opener(temp) as stream:
            yield stream
    except OSError as exc:
        failure = describe_environment_error(exc)
        raise OutputFileError(
            f"cannot write {path}: {exc.strerror or failure.message}", hint=failure.hint
        ) from exc


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically."""
    with open_output(path) as stream:
        stream.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with open_output_bytes(path) as stream:
        stream.write(data)


def write_with(path: str | Path, save: Callable[[IO[bytes]], object]) -> None:
    """Let a library's ``save(stream)`` (python-docx, openpyxl) write ``path`` atomically."""
    buffer = io.BytesIO()  # ZIP writers seek: build the file in memory, then write it whole
    save(buffer)
    write_bytes(path, buffer.getvalue())
