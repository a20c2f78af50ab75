"""The litreview exception tree.

Every failure the user or the environment caused is a ``LitreviewError``; the
CLI and the TUI are the only places that catch it. Bugs propagate.

    LitreviewError(message, hint=None)
    ├── ReviewNotFound          the review file does not exist
    ├── ReviewExists            ``init`` without ``--force`` on an existing review
    ├── SchemaTooNew            the file was written by a newer litreview
    ├── ReviewBusy              another process held the write lock for too long
    ├── ReviewReadOnly          the review file, its folder or its disk is read-only
    ├── ProtocolError(path, line, key)   the protocol TOML is invalid
    ├── ImportFormatError(path, line)    a file cannot be imported
    ├── RecordNotFound          an unknown record id
    ├── InvalidValue            a bad option value (stage, decision, reason, ...)
    ├── InvalidTransition       e.g. appraising an excluded record
    ├── OutputFileError         an output file cannot be written (missing folder, ...)
    ├── EnvironmentFailure      the system refused: disk full, read-only, permission, ...
    ├── PrismaInconsistent(violations)  the flow numbers break a PRISMA identity
    └── SourceError             a search API failed
        ├── RateLimited
        └── SourceUnavailable
"""

from __future__ import annotations

import errno
import sqlite3


class LitreviewError(Exception):
    """Root of every error the user can act on."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ReviewNotFound(LitreviewError):
    pass


class ReviewExists(LitreviewError):
    pass


class SchemaTooNew(LitreviewError):
    pass


class ReviewBusy(LitreviewError):
    pass


class ReviewReadOnly(LitreviewError):
    pass


class ProtocolError(LitreviewError):
    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = path or "protocol"
        if line is not None:
            where = f"{where}:{line}"
        prefix = f"{where}: " + (f"{key}: " if key else "")
        super().__init__(prefix + message, hint=hint)
        self.path = path
        self.line = line
        self.key = key


class ImportFormatError(LitreviewError):
    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line
        self.detail = message


class RecordNotFound(LitreviewError):
    pass


class InvalidValue(LitreviewError):
    pass


class InvalidTransition(LitreviewError):
    pass


class OutputFileError(LitreviewError):
    pass


class EnvironmentFailure(LitreviewError):
    """An ``OSError``, SQLite error or overflow turned into a message and a hint at
    the error boundary (``litreview.cli.main``)."""


class PrismaInconsistent(LitreviewError):
    """The flow numbers break a PRISMA identity; ``violations`` names each one."""

    def __init__(self, violations: list[str]) -> None:
        super().__init__(
            "the PRISMA numbers do not add up:\n  " + "\n  ".join(violations),
            hint="finish screening and the full-text stage (litreview status), or record "
            "that screening stopped; without --check, litreview prisma prints the numbers "
            "so far",
        )
        self.violations = violations


class SourceError(LitreviewError):
    pass


class RateLimited(SourceError):
    pass


class SourceUnavailable(SourceError):
    pass


_OS_HINTS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (
        "the disk is full",
        "free some space (or choose another disk) and run "
        "the command again; the review was not changed by the failed step",
    ),
    errno.EDQUOT: ("the disk quota is used up", "free some space and run the command again"),
    errno.EROFS: (
        "the file system is read-only",
        "copy the review to a writable folder (litreview backup) or write the output elsewhere",
    ),
    errno.EACCES: (
        "permission denied",
        "check the file's and its folder's permissions (ls -l), or write somewhere you may write",
    ),
    errno.EPERM: ("operation not permitted", "check the file's and its folder's permissions"),
    errno.ENOENT: (
        "no such file or folder",
        "check the path; folders are never created for you: create it first (mkdir -p)",
    ),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.EIO: (
        "an input/output error (a failing disk or a lost network drive)",
        "check the disk or the network drive, then run the command again",
    ),
    errno.ENAMETOOLONG: ("the file name is too long", "choose a shorter file name"),
    errno.EMFILE: ("too many open files", "close other programs and run the command again"),
}

_SQLITE_HINTS: tuple[tuple[str, str, str], ...] = (
    (
        "readonly",
        "the review file is read-only",
        "make the file and its folder writable (chmod u+w), or work on a copy "
        "(cp review.db copy.db); nothing was changed",
    ),
    (
        "disk is full",
        "the disk is full",
        "free some space and run the command again; the transaction was rolled back, "
        "nothing was changed",
    ),
    (
        "disk i/o error",
        "a disk input/output error",
        "check the disk (is it full, removed, or a network drive that went away?), then "
        "run the command again; SQLite rolled the transaction back",
    ),
    (
        "unable to open",
        "the review file cannot be opened",
        "check that the file and its folder exist and that you may read and write them",
    ),
    ("not a database", "the file is not a SQLite review file", "pass --db with the review"),
    (
        "malformed",
        "the review file is damaged",
        "restore the latest backup (litreview backup makes one; migrations keep "
        "review.<time>.before-*.db next to the file)",
    ),
    (
        "locked",
        "the review is locked by another process",
        "wait for the other litreview command to finish, then run this again",
    ),
)


#: What the system raises when it refuses (disk full, read-only file, a locked or damaged
#: database, no memory, a number too large): every front end shows these as an
#: ``EnvironmentFailure`` through :func:`describe_environment_error`, never a traceback.
SYSTEM_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    sqlite3.Error,
    OverflowError,
    MemoryError,
)


def describe_environment_error(exc: BaseException) -> EnvironmentFailure:
    """An error the system raised (``OSError``, SQLite error, integer overflow) as a
    message that says what failed and a hint that says what to do."""
    if isinstance(exc, MemoryError):
        return EnvironmentFailure(
            "not enough memory for this command",
            hint="close other programs, or split the input (e.g. export smaller files)",
        )
    if isinstance(exc, OverflowError):
        return EnvironmentFailure(
            f"a number is too large ({exc})",
            hint="ids and counts are whole numbers below 2**63 (9223372036854775808)",
        )
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        for needle, what, hint in _SQLITE_HINTS:
            if needle in text.lower():
                return EnvironmentFailure(f"{what} ({text})", hint=hint)
        return EnvironmentFailure(
            f"the review database reported an error: {text}",
            hint="run the command again; if it keeps failing, check the disk and "
            "restore the latest backup",
        )
    if isinstance(exc, OSError):
        what, hint = _OS_HINTS.get(
            exc.errno or -1,
            (
                exc.strerror or type(exc).__name__,
                "check the path, the disk and the permissions, then run the command again",
            ),
        )
        where = exc.filename
        target = f"{where}: " if where is not None else ""
        also = f" -> {exc.filename2}" if exc.filename2 is not None else ""
        return EnvironmentFailure(f"{target}{what}{also}", hint=hint)
    return EnvironmentFailure(str(exc) or type(exc).__name__)
