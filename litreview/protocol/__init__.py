"""The review protocol: the TOML file a reviewer writes, read into frozen dataclasses.

``model`` holds the dataclasses, ``read`` checks every rule while turning parsed TOML into them,
``lines`` maps each key to its line for error messages, ``load`` reads text, files and templates.
"""

from __future__ import annotations

from litreview.protocol.load import list_templates, load_protocol, load_protocol_file, load_template
from litreview.protocol.model import (
    Criteria,
    Dimension,
    DimValue,
    Eligibility,
    GradeRule,
    Highlight,
    NoteField,
    Protocol,
    Quality,
    QualityCriterion,
    Reason,
    ReportSettings,
    ScaleLevel,
    ScreeningSettings,
    Stage,
    TableColumn,
    compile_terms,
    split_source,
)

__all__ = [
    "Criteria",
    "DimValue",
    "Dimension",
    "Eligibility",
    "GradeRule",
    "Highlight",
    "NoteField",
    "Protocol",
    "Quality",
    "QualityCriterion",
    "Reason",
    "ReportSettings",
    "ScaleLevel",
    "ScreeningSettings",
    "Stage",
    "TableColumn",
    "compile_terms",
    "list_templates",
    "load_protocol",
    "load_protocol_file",
    "load_template",
    "split_source",
]
