"""Coding against the codebook: validation, events, undo, CSV round trip, the demo."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from coding_helpers import SE_PROTOCOL, include_studies, make_review, pass_screening

from litreview.coding import codes as coding
from litreview.coding.codes import CodeValue
from litreview.errors import ImportFormatError, InvalidTransition, InvalidValue
from litreview.fulltext.reports import link_report
from litreview.storage.events import count_events, iter_events

V = CodeValue


@pytest.fixture
def review(tmp_path: Path):
    r = make_review(tmp_path / "review.db", template="safeguarding")
    include_studies(r, [1, 2, 3, 4])
    yield r
    r.close()


def test_single_multi_and_text_dimensions(review) -> None:
    coding.set_codes(
        review,
        1,
        {
            "success_concept": V(("safety",)),
            "safeguarding_context": V(
                ("Decision making", "outcomes"), "Decision making / outcomes"
            ),
            "nature_of_study": V((), text="  Cohort study of referrals  "),
        },
        reviewer="ann",
    )
    assert coding.current_codes(review) == {
        1: {
            "success_concept": V(("safety",)),
            "safeguarding_context": V(
                ("decision_making", "outcomes"), "Decision making / outcomes"
            ),
            "nature_of_study": V((), None, "Cohort study of referrals"),
        }
    }
    (event,) = [e for e in iter_events(review.db, kind="code")]
    assert (event.record_id, event.reviewer) == (1, "ann")
    assert event.payload["codes"]["success_concept"] == {
        "values": ["safety"],
        "detail": None,
        "text": None,
    }


@pytest.mark.parametrize(
    ("dimension", "code", "message"),
    [
        ("success_concept", V(("safety", "wellbeing")), "takes one value"),
        ("safeguarding_context", V(("prevention", "outcomes", "treatment")), "at most 2"),
        ("collaboration_domain", V(("service_user",), "detail"), "takes no detail"),
        ("nature_of_study", V(("x",)), "free-text dimension"),
        ("success_concept", V((), text="safety"), "takes values, not free text"),
        ("success_concept", V(("safty",)), "not a value of success_concept"),
        ("data_sources", V((), "interviews (parents)"), "needs at least one value"),
        ("nonsense", V(("x",)), "no dimension 'nonsense'"),
    ],
)
def test_invalid_codes_are_refused(review, dimension, code, message) -> None:
    with pytest.raises(InvalidValue, match=message):
        coding.set_codes(review, 1, {dimension: code})
    assert count_events(review.db, "code") == 0


def test_later_codes_replace_earlier_ones_and_can_be_cleared(review) -> None:
    coding.set_codes(
        review, 2, {"success_concept": V(("safety",)), "data_sources": V(("records",))}
    )
    coding.set_codes(review, 2, {"success_concept": V(("wellbeing",))})
    assert coding.get_codes(review, 2) == {
        "success_concept": V(("wellbeing",)),
        "data_sources": V(("records",)),
    }
    coding.set_codes(review, 2, {"data_sources": None})
    assert coding.get_codes(review, 2) == {"success_concept": V(("wellbeing",))}


def test_undo_reverts_one_coding_action(review) -> None:
    coding.set_codes(review, 1, {"success_concept": V(("safety",))}, reviewer="ann")
    second = coding.set_codes(review, 1, {"success_concept": V(("inclusion",))}, reviewer="ann")
    undone = coding.undo_coding(review, reviewer="ann", record_id=1)
    assert undone is not None and [undone.event_id] == second
    assert coding.get_codes(review, 1)["success_concept"].values == ("safety",)
    history = coding.list_coding_history(review, 1)
    assert [u is not None for _, u in history] == [False, True]
    assert coding.undo_coding(review, reviewer="bob") is None


def test_only_included_studies_are_coded(review) -> None:
    pass_screening(review, [5])
    with pytest.raises(InvalidTransition, match="not an included study"):
        coding.set_codes(review, 5, {"success_concept": V(("safety",))})


def test_codes_follow_a_report_into_its_study(review) -> None:
    coding.set_codes(review, 2, {"success_concept": V(("safety",))})
    link_report(review, 2, 1)
    assert coding.current_codes(review) == {1: {"success_concept": V(("safety",))}}


def test_command_line_assignments(review) -> None:
    parsed = coding.parse_assignments(
        review.protocol,
        [
            "data_sources=records; interviews",
            "data_sources=Focus groups",
            "nature_of_study=Survey; then interviews",
        ],
        ["data_sources=records, interviews (parents)"],
        ["success_concept"],
    )
    assert parsed == {
        "success_concept": None,
        "nature_of_study": V((), None, "Survey; then interviews"),
        "data_sources": V(
            ("records", "interviews", "Focus groups"), "records, interviews (parents)"
        ),
    }
    coding.set_codes(review, 3, parsed)
    assert coding.get_codes(review, 3)["data_sources"].values == (
        "records",
        "interviews",
        "focus_groups",
    )
    with pytest.raises(InvalidValue, match="DIMENSION=VALUE"):
        coding.parse_assignments(review.protocol, ["data_sources"])


def test_two_coders_can_be_compared(review) -> None:
    coding.set_codes(review, 1, {"success_concept": V(("safety",))}, reviewer="ann")
    coding.set_codes(review, 1, {"success_concept": V(("wellbeing",))}, reviewer="bob")
    coding.set_codes(review, 2, {"success_concept": V(("safety",))}, reviewer="ann")
    assert coding.list_code_disagreements(review, "ann", "bob") == [
        (1, "success_concept", V(("safety",)), V(("wellbeing",)))
    ]


def _code_everything(review) -> None:
    coding.set_codes(
        review,
        1,
        {
            "collaboration_domain": V(("service_user", "multi_professional")),
            "success_concept": V(("multiple",)),
            "safeguarding_context": V(
                ("parental_perspectives", "children_perspectives"),
                "Parental perspectives; Children and Young People's perspectives",
            ),
            "nature_of_study": V((), text='Study of "parents", commas, and\na new line'),
            "data_sources": V(("interviews",), "Interviews (young people and parents)"),
        },
    )
    coding.set_codes(
        review,
        2,
        {
            "nature_of_study": V((), text='=HYPERLINK("http://x","y")'),
            "success_conceptualised": V((), text="- relief; @home"),
        },
    )


def test_export_import_round_trip_changes_nothing(review, tmp_path: Path) -> None:
    _code_everything(review)
    before, events = coding.current_codes(review), count_events(review.db)
    path = tmp_path / "codes.csv"
    assert coding.export_codes(review, path) == 4
    result = coding.import_codes(review, path, reviewer="ann")
    assert (result.rows, result.studies_changed, result.events) == (4, 0, 0)
    assert coding.current_codes(review) == before and count_events(review.db) == events
    again = tmp_path / "again.csv"
    coding.export_codes(review, again)
    assert again.read_bytes() == path.read_bytes()


def test_export_columns_and_formula_protection(review, tmp_path: Path) -> None:
    _code_everything(review)
    path = tmp_path / "codes.csv"
    coding.export_codes(review, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == [
        "study_id",
        "citation",
        "collaboration_domain",
        "success_concept",
        "safeguarding_context",
        "safeguarding_context.detail",
        "nature_of_study",
        "study_design",
        "data_sources",
        "data_sources.detail",
        "success_conceptualised",
    ]
    assert rows[0]["study_id"] == "1" and rows[0]["citation"] == "Lee, 2012"
    assert rows[0]["collaboration_domain"] == "service_user; multi_professional"
    assert rows[1]["nature_of_study"] == '\'=HYPERLINK("http://x","y")'
    assert rows[1]["success_conceptualised"] == "'- relief; @home"
    assert rows[2]["success_concept"] == "" and rows[3]["citation"] == "Ortiz, 2011"


def test_import_applies_edits_and_leaves_missing_columns_alone(review, tmp_path: Path) -> None:
    _code_everything(review)
    path = tmp_path / "edited.csv"
    path.write_text(
        "study_id,success_concept,data_sources\n"
        "1,multiple,Interviews\n"  # labels work; same values keep the detail
        "3,Safety as success,records; questionnaires\n"
        "4,,\n",
        encoding="utf-8",
    )
    result = coding.import_codes(review, path, reviewer="bob")
    assert (result.rows, result.studies_changed) == (3, 1)
    codes = coding.current_codes(review)
    assert codes[1]["data_sources"] == V(("interviews",), "Interviews (young people and parents)")
    assert codes[3] == {
        "success_concept": V(("safety",)),
        "data_sources": V(("records", "questionnaires")),
    }
    assert "nature_of_study" in codes[1] and 4 not in codes
    (event,) = [e for e in iter_events(review.db, kind="code") if e.reviewer == "bob"]
    assert event.payload["origin"] == "import-codes"


def test_import_checks_every_cell_and_stores_nothing_if_one_is_bad(review, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "study_id,citation,success_concept,safeguarding_context\n"
        "1,A,safety,prevention\n"
        "2,B,safety; wellbeing,prevention\n"
        "3,C,wellbeing,prevention; outcomes; treatment\n"
        "9,D,safety,\n",
        encoding="utf-8",
    )
    events = count_events(review.db)
    with pytest.raises(ImportFormatError) as exc:
        coding.import_codes(review, path)
    message = str(exc.value)
    assert "3 problem(s), nothing imported" in message
    assert "row 2 (line 3), column 'success_concept': success_concept takes one value" in message
    assert "row 3 (line 4), column 'safeguarding_context'" in message
    assert "row 4 (line 5), column 'study_id': '9' is not an included study" in message
    assert count_events(review.db) == events


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("citation,success_concept\nA,safety\n", "no study_id column"),
        ("study_id,succes_concept\n1,safety\n", "unknown column 'succes_concept'"),
        ("study_id,success_concept\n1,safety\n1,safety\n", "listed twice"),
    ],
)
def test_import_file_problems(review, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=message):
        coding.import_codes(review, path)


def test_import_refuses_non_utf8(review, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("study_id,nature_of_study\n1,Étude\n".encode("latin-1"))
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        coding.import_codes(review, path)


def test_a_generic_protocol_with_its_own_dimensions(tmp_path: Path) -> None:
    review = make_review(tmp_path / "se.db", protocol=SE_PROTOCOL)
    include_studies(review, [12, 1])
    coding.set_codes(
        review,
        12,
        {"method": V(("mining",)), "venue": V(("Journal",)), "tools": V(("junit", "other"))},
    )
    coding.set_codes(review, 1, {"method": V(("experiment",)), "venue": V(("conference",))})
    with pytest.raises(InvalidValue, match="venue takes one value"):
        coding.set_codes(review, 1, {"venue": V(("journal", "conference"))})
    path = tmp_path / "se.csv"
    coding.export_codes(review, path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "study_id,citation,method,venue,tools",
        '12,"Wong, 2020",mining,journal,junit; other',
        '1,"Lee, 2012",experiment,conference,',
    ]
    assert coding.import_codes(review, path).studies_changed == 0
    review.close()


def test_report_level_dimensions_are_kept_per_report(tmp_path: Path) -> None:
    text = SE_PROTOCOL.read_text(encoding="utf-8").replace(
        'name = "tools"\n', 'name = "tools"\napplies_to = "report"\n'
    )
    protocol = tmp_path / "se_report.toml"
    protocol.write_text(text, encoding="utf-8")
    review = make_review(tmp_path / "se.db", protocol=protocol)
    include_studies(review, [1, 2])
    link_report(review, 2, 1)
    coding.set_codes(review, 1, {"tools": V(("junit",)), "venue": V(("journal",))})
    coding.set_codes(review, 2, {"tools": V(("pytest",))})
    assert coding.current_codes(review) == {
        1: {"venue": V(("journal",)), "tools": V(("junit", "pytest"))}
    }
    review.close()


# --- the demo review, coded as the worked example ------------------------------------


def _thesis_dir() -> Path:
    from shared_paths import shared_data_dir

    return shared_data_dir() / "thesis"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo coded with the thesis's own table wording (needs ../shared/data)."""
    from litreview.demo.build import build_demo
    from litreview.demo.coding import code_demo

    if not (_thesis_dir() / "table14.csv").exists():
        pytest.skip("../shared/data/thesis is not here")
    review = build_demo(tmp_path_factory.mktemp("demo"), _thesis_dir())
    summary = code_demo(review, _thesis_dir())
    yield review, summary
    review.close()


@pytest.fixture(scope="module")
def shipped_demo(tmp_path_factory):
    """The demo as the package builds it: codes from the shipped codes.csv only."""
    from litreview.demo.build import build_demo
    from litreview.demo.coding import code_demo

    review = build_demo(tmp_path_factory.mktemp("shipped"))
    summary = code_demo(review)
    yield review, summary
    review.close()


def _demo_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((_thesis_dir() / name).read_text(encoding="utf-8"))))


def _table_cell(review, column, code: CodeValue | None) -> str:
    """What a studies-table column shows for a code: the detail, else the labels."""
    if code is None:
        return ""
    if code.text is not None:
        return code.text
    dimension = review.protocol.dimension(column.name)
    return code.detail or column.separator.join(dimension.value(v).label for v in code.values)


def test_demo_codes_reproduce_table14_cell_for_cell(demo) -> None:
    from litreview.demo.coding import map_bib_ids
    from litreview.fulltext.reports import find_study_id

    review, _ = demo
    works = map_bib_ids(review)
    codes = coding.current_codes(review)
    columns = [c for c in review.protocol.report.studies_columns if c.kind == "dimension"]
    checked = 0
    for row in _demo_rows("table14.csv"):
        study = find_study_id(review, works[row["bib_id"].split(";")[0]])
        if study not in codes:
            continue  # see test_demo_holds_every_study_of_both_tables
        for column in columns:
            assert (
                _table_cell(review, column, codes[study].get(column.name))
                == row[column.header].strip()
            ), (row["bib_id"], column.header)
        checked += 1
    assert checked >= 50


def test_demo_findings_sit_in_their_matrix_cells(demo) -> None:
    from litreview.demo.coding import map_bib_ids
    from litreview.fulltext.reports import current_notes, find_study_id

    review, _ = demo
    works = map_bib_ids(review)
    codes, notes = coding.current_codes(review), current_notes(review)
    protocol = review.protocol
    concept, domain = (
        protocol.dimension(protocol.report.matrix_rows or ""),
        protocol.dimension(protocol.report.matrix_cols or ""),
    )
    for row in _demo_rows("table8.csv"):
        study = find_study_id(review, works[row["bib_id"]])
        if study not in codes:
            continue
        assert [concept.value(v).label for v in codes[study][concept.name].values] == [
            row["concept"]
        ]
        assert row["domain"] in [domain.value(v).label for v in codes[study][domain.name].values]
        assert notes[study]["findings"] == row["finding_text"]


def test_demo_links_the_reports_of_one_study(shipped_demo) -> None:
    from litreview.demo.coding import map_bib_ids
    from litreview.fulltext.reports import list_included_studies

    review, _ = shipped_demo
    works = map_bib_ids(review)
    reports = {s.study_id: s.report_ids for s in list_included_studies(review)}
    for first, second in (("brandon2005", "brandon2008-thoburn"), ("deboer2003", "deboer2007")):
        assert reports[works[first]] == (works[first], works[second])


def test_demo_holds_every_study_of_both_tables(demo) -> None:
    """60 studies of Table 14 plus 11 only in Table 8, 73 reports. Six of them were
    published before 2000 (found by other methods): the demo keeps them with an
    eligibility override, which deduplication honours."""
    from litreview.fulltext.reports import fulltext_counts

    review, summary = demo
    assert summary.skipped == ()
    counts = fulltext_counts(review)
    assert (counts["included_studies"], counts["included_reports"]) == (71, 73)
    coded = coding.current_codes(review)
    assert sum("success_conceptualised" in c for c in coded.values()) == 60


def test_code_demo_again_changes_nothing(demo) -> None:
    from litreview.demo.coding import code_demo

    review, _ = demo
    events = count_events(review.db)
    code_demo(review, _thesis_dir())
    assert count_events(review.db) == events


def test_shipped_demo_holds_the_studies_and_their_codebook_values(shipped_demo) -> None:
    """Without the thesis data: the same 71 studies and 73 reports, each study coded with
    exactly the values codes.csv lists, and re-coding changes nothing."""
    from litreview.demo.coding import code_demo, load_shipped_plans, map_bib_ids
    from litreview.fulltext.reports import find_study_id, fulltext_counts

    review, summary = shipped_demo
    assert summary.skipped == ()
    counts = fulltext_counts(review)
    assert (counts["included_studies"], counts["included_reports"]) == (71, 73)
    works, codes = map_bib_ids(review), coding.current_codes(review)
    plans = load_shipped_plans(review.protocol)
    assert len(plans) == 71
    for plan in plans:
        study = find_study_id(review, works[plan.bib_ids[0]])
        assert {d: c.values for d, c in codes[study].items()} == {
            d: c.values for d, c in plan.codes.items()
        }, plan.bib_ids
    events = count_events(review.db)
    code_demo(review)
    assert count_events(review.db) == events


def test_shipped_codes_are_the_thesis_tables_classification(shipped_demo) -> None:
    """codes.csv is what make_exports derives from the thesis tables (when they are here)."""
    from litreview.demo.coding import load_shipped_plans, load_thesis_plans

    if not (_thesis_dir() / "table14.csv").exists():
        pytest.skip("../shared/data/thesis is not here")
    review, _ = shipped_demo
    thesis = load_thesis_plans(review.protocol, _thesis_dir())
    shipped = load_shipped_plans(review.protocol)
    assert [p.bib_ids for p in shipped] == [p.bib_ids for p in thesis]
    for ours, theirs in zip(shipped, thesis, strict=True):
        assert {d: c.values for d, c in ours.codes.items() if c.values} == {
            d: c.values for d, c in theirs.codes.items() if c.values
        }
