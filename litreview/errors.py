"""The litreview exception tree.

Every failure the user or the environment caused is a ``LitreviewError``; the
CLI and the TUI are the only places that catch it. Bugs propagate.

    LitreviewError(message, hint=None)
    ├── ReviewNotFound          the review file does not exist
    ├── ReviewExists            ``init`` without ``--force`` on an existing review
    ├── SchemaTooNew            the file was written by a newer litreview
    ├── ReviewBusy              another process held the write lock for too long
    ├── ProtocolError(path, line, key)   the protocol TOML is invalid
    ├── ImportFormatError(path, line)    a file cannot be imported
    ├── RecordNotFound          an unknown record id
    ├── InvalidValue            a bad option value (stage, decision, reason, ...)
    ├── InvalidTransition       e.g. appraising an excluded record
    ├── ModelNotReady           too few labels to rank
    ├── PrismaInconsistent(violations)  the flow numbers break a PRISMA identity
    └── SourceError             a search API failed
        ├── RateLimited
        └── SourceUnavailable
"""

from __future__ import annotations


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


class ModelNotReady(LitreviewError):
    pass


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
