"""Retrain and rerank in a helper process, so the UI process never waits for the GIL.

Building TF-IDF features for a large review takes seconds of pure-Python work
and every retrain after it holds the GIL for a while: run in a thread of the UI
process, that makes key presses lag. :class:`RankerProcess` starts
``python -m litreview.screening.ranker_process`` once, keeps it (and its feature cache) for the
session, and sends it one request at a time over a pipe. The screening screen's
``ranking`` thread worker waits on the answer, so the UI thread only renders.

Both ends are this module; the helper imports no Textual. Pickle travels only
between this process and the child it started.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Collection
from pathlib import Path
from typing import IO, Any

from litreview.errors import SYSTEM_ERRORS, LitreviewError, describe_environment_error
from litreview.screening.session import RecordView, next_records, refresh_ranking
from litreview.storage.review import open_review

__all__ = ["RankerProcess", "rerank_and_fetch"]

HELPER_NICENESS = 10  # added to the helper's niceness: the UI process goes first
_THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def rerank_and_fetch(
    path: str, stage: str, n: int, skip: Collection[int], reviewer: str | None
) -> list[RecordView]:
    """Retrain and rerank ``stage``, store the run, and return ``reviewer``'s next ``n``."""
    with open_review(path) as review:
        refresh_ranking(review, stage, reviewer=reviewer)
        return list(next_records(review, stage, n=n, skip=skip, reviewer=reviewer))


class RankerProcess:
    """The parent's handle on the helper process (started on first use)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def rerank(
        self, path: str | Path, stage: str, *, n: int, skip: Collection[int], reviewer: str | None
    ) -> list[RecordView] | None:
        """Like :func:`rerank_and_fetch`; ``None`` once the app is closing."""
        with self._lock:
            if self._closed:
                return None
            process = self._start()
            assert process.stdin is not None and process.stdout is not None
            try:
                request = ("rerank", str(path), stage, n, frozenset(skip), reviewer)
                pickle.dump(request, process.stdin)
                process.stdin.flush()
                answer = pickle.load(process.stdout)
            except (EOFError, BrokenPipeError, OSError) as exc:
                if self._closed:
                    return None
                raise RuntimeError(f"the ranking helper stopped:\n{self._errors()}") from exc
        kind, *payload = answer
        if kind == "error":
            raise LitreviewError(payload[0], hint=payload[1])
        if kind == "crash":
            raise RuntimeError(f"the ranking helper failed:\n{payload[0]}")
        return list(payload[0])

    def close(self) -> None:
        """Stop the helper now (a retrain in progress is abandoned; nothing half-written
        survives: the run is stored in one transaction)."""
        self._closed = True
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, self._stderr):
            if stream is not None:
                stream.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the helper)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        # one BLAS/OpenMP thread: a retrain must leave a core to the UI on small machines
        env.update(dict.fromkeys(_THREAD_LIMITS, "1"))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "litreview.screening.ranker_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            start_new_session=True,  # the terminal's signals are the UI's, not the helper's
        )
        return self._process

    def _errors(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-4000:]


def main() -> None:
    """The helper: answer pickled requests from stdin on stdout until stdin closes.

    It runs at a lower priority than the UI, so a retrain never takes the CPU the
    next record needs to appear."""
    if hasattr(os, "nice"):
        os.nice(HELPER_NICENESS)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        kind, *arguments = request
        assert kind == "rerank", kind
        answer: tuple[Any, ...]
        try:
            answer = ("ok", rerank_and_fetch(*arguments))
        except LitreviewError as exc:
            answer = ("error", exc.message, exc.hint)
        except SYSTEM_ERRORS as exc:  # the system refused (disk full, locked): not a bug
            failure = describe_environment_error(exc)
            answer = ("error", failure.message, failure.hint)
        except Exception:  # a bug: the UI re-raises it with this traceback and crashes loudly
            answer = ("crash", traceback.format_exc())
        pickle.dump(answer, answers)
        answers.flush()


if __name__ == "__main__":
    main()
