"""Loading a protocol: from TOML text, a file, or a template shipped in ``litreview/templates``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from litreview.errors import ProtocolError
from litreview.protocol.lines import Document, read_toml_text, suggest
from litreview.protocol.model import Protocol
from litreview.protocol.read import read_protocol


def load_protocol(text: str, path: str | None = None) -> Protocol:
    """Parse and validate protocol TOML; ``path`` only labels error messages."""
    doc = Document(text, path)
    return read_protocol(doc, doc.parse())


def load_protocol_file(path: str | Path) -> Protocol:
    return load_protocol(read_toml_text(path, "protocol"), str(path))


def list_templates() -> list[str]:
    """Names of the protocol templates shipped in ``litreview/templates``."""
    folder = resources.files("litreview").joinpath("templates")
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_template(name: str) -> tuple[str, Protocol]:
    """The TOML text of a shipped template and the protocol it defines."""
    names = list_templates()
    if name not in names:
        raise ProtocolError(
            f"unknown template '{name}'",
            key="template",
            hint=suggest(name, names, "available templates"),
        )
    resource = resources.files("litreview").joinpath("templates").joinpath(f"{name}.toml")
    text = resource.read_text(encoding="utf-8")
    return text, load_protocol(text, f"{name}.toml")
