"""Offline: every API fails fast with a clear error, stores nothing and never shows a key."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from litreview.cli import main
from litreview.storage.review import Review

STRATEGY = """
format = 1
title = "Offline"
fields = ["title", "abstract"]
[[blocks]]
name = "a"
terms = ["child protection"]
"""
SECRET = "s3cr3t-offline-key"


def closed_port() -> int:
    """A local port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("source", ["openalex", "pubmed", "crossref", "europepmc"])
def test_an_unreachable_api_is_a_clear_error_with_nothing_stored(
    review: Review,
    tmp_path: Path,
    source: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("OPENALEX", "PUBMED", "CROSSREF", "EUROPEPMC"):
        monkeypatch.setenv(f"LITREVIEW_{name}_API_KEY", SECRET)
    strategy = tmp_path / "strategy.toml"
    strategy.write_text(STRATEGY, encoding="utf-8")
    base_url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "--db",
                str(review.path),
                "-v",
                "-v",
                "search",
                str(strategy),
                "--source",
                source,
                "--base-url",
                base_url,
            ]
        )
    assert time.monotonic() - started < 15  # connection retries only, no hang
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert out == "" and "Error: cannot reach" in err and "Hint: " in err
    assert SECRET not in err
    count = review.db.execute("SELECT count(*) FROM records").fetchone()[0]
    assert count == 0


def test_no_http_is_made_outside_the_one_client_factory() -> None:
    """Timeouts, retries and redaction live in sources/_http.py: nothing else opens sockets."""
    package = Path(__file__).resolve().parents[3] / "litreview"
    direct = re.compile(
        r"httpx\.(?:Client|AsyncClient|get|post|put|request|stream)\(|urllib\.request|urlopen\("
        r"|^\s*import requests|socket\.(?:socket|create_connection)\(|http\.client",
        re.MULTILINE,
    )
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "_http.py" and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
