"""Study tables from the protocol's [report] settings; citations; log tables."""

from __future__ import annotations

import pytest

from litreview.errors import InvalidValue
from litreview.models import RecordFields
from litreview.report.citations import cite_reports, cite_studies, format_names, join_citations
from litreview.report.tables import build_matrix, build_table, sort_studies


def _f(authors: list[str], year: int | None, title: str = "T") -> RecordFields:
    return RecordFields(authors=authors, year=year, title=title)


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (["Gray, B."], "Gray"),
        (["Richter, K.P.", "Bammer, G."], "Richter and Bammer"),
        (["Keen, J.", "Oliver, P.", "Rowse, G."], "Keen et al."),
        (["Department for Education"], "Department for Education"),
        (["de Boer, C.", "Coady, N."], "de Boer and Coady"),
    ],
)
def test_names_follow_author_year_rules(authors: list[str], expected: str) -> None:
    assert format_names(_f(authors, 2000)) == expected


def test_no_authors_uses_editors_then_the_title() -> None:
    assert format_names(RecordFields(editors=["Smith, A."], title="Book")) == "Smith"
    long_title = "Working Together to Safeguard Children in England"
    assert format_names(RecordFields(title=long_title)) == "Working Together to Safeguard Children…"


def test_repeated_author_year_gets_suffixes_in_title_order() -> None:
    cited = cite_reports(
        {
            1: _f(["Abbott, D.", "Watson, D.", "Townsley, R."], 2005, "Show me"),
            2: _f(["Abbott, D.", "Townsley, R.", "Watson, D."], 2005, "Better together"),
            3: _f(["Abbott, D."], 2005, "Alone"),
            4: _f(["de Boer, C."], None),
        }
    )
    assert (cited[2].names, cited[2].year) == ("Abbott et al.", "2005a")
    assert (cited[1].names, cited[1].year) == ("Abbott et al.", "2005b")
    assert (cited[3].names, cited[3].year) == ("Abbott", "2005")
    assert (cited[4].names, cited[4].year) == ("De Boer", "n.d.")


def test_a_study_cites_all_its_reports_oldest_first() -> None:
    fields = {
        1: _f(["de Boer, C.", "Coady, N."], 2007),
        2: _f(["de Boer, C.", "Coady, N."], 2003),
        3: _f(["Brandon, M.", "Thoburn, J.", "Rose, S."], 2005),
        4: _f(["Brandon, M.", "Thoburn, J."], 2008),
    }
    studies = cite_studies({1: (1, 2), 3: (4, 3)}, fields)
    assert studies == {
        1: "De Boer and Coady, 2003, 2007",
        3: "Brandon et al., 2005; Brandon and Thoburn, 2008",
    }
    assert join_citations([]) == ""


def test_studies_table_uses_the_protocol_columns_filter_and_sort(small) -> None:
    table = build_table(small.review, "studies")
    assert table.headers == ("Study", "Method", "Venue", "Outcome", "Grade", "Year")
    assert table.rows == (
        (
            "Smith and Jones, 2010a, 2010b",
            "Experiment",
            "Journal article (IEEE)",
            "Fewer defects",
            "high",
            "2010",
        ),
        (
            "De Vries, 2012",
            "Case study",
            "Conference / Journal",
            "=SUM(A1:A9) & 50% <faster>",
            "low",
            "2012",
        ),
    )  # Kim 2018 has no outcome: the filter drops it
    assert table.notes == (
        "2 of 3 included studies.",
        "1 left out by the protocol's report.studies_filter 'dimension:summary' "
        "(no value recorded).",
    )


def test_sort_descending_and_missing_values_last(small) -> None:
    from litreview.report.tables import load_study_data

    review, ids = small.review, small.ids
    data = load_study_data(review)
    order = list(data.order)
    by_year = sort_studies(review.protocol, data, order, ("-field:year",))
    assert by_year == [ids["O2"], ids["A5"], ids["A1"]]
    by_outcome = sort_studies(review.protocol, data, order, ("dimension:summary",))
    assert by_outcome[-1] == ids["O2"]  # no outcome: last, whatever the direction
    assert sort_studies(review.protocol, data, order, ("-dimension:summary",))[-1] == ids["O2"]
    by_grade = sort_studies(review.protocol, data, order, ("grade", "citation"))
    assert by_grade == [ids["A1"], ids["A5"], ids["O2"]]


def test_matrix_cells_cite_studies_with_their_finding(small) -> None:
    matrix = build_matrix(small.review)
    cell = matrix.cells[("experiment", "journal")]
    assert [e.render() for e in cell] == ["Defects fell by a third (Smith and Jones, 2010a, 2010b)"]
    assert [e.render() for e in matrix.cells[("experiment", "conference")]] == [
        "No change (Kim, 2018)"
    ]
    table = build_table(small.review, "matrix")
    assert table.headers == ("Method", "Journal", "Conference")
    assert table.rows[1] == ("Case study", "De Vries, 2012", "De Vries, 2012")
    assert table.rows[2] == ("Survey", "-", "-")


def test_matrix_dimensions_can_be_chosen_and_are_checked(small) -> None:
    table = build_table(small.review, "matrix", rows="venue", cols="method")
    assert table.headers == ("Venue", "Experiment", "Case study", "Survey")
    with pytest.raises(InvalidValue, match="free-text"):
        build_table(small.review, "matrix", rows="summary")
    with pytest.raises(InvalidValue, match="not a codebook dimension") as caught:
        build_table(small.review, "matrix", cols="metod")
    assert caught.value.hint == "did you mean 'method'?"
    with pytest.raises(InvalidValue, match="only apply to the matrix"):
        build_table(small.review, "studies", rows="method")
    with pytest.raises(InvalidValue, match="unknown table"):
        build_table(small.review, "studys")


def test_grades_table(small) -> None:
    table = build_table(small.review, "grades")
    assert table.headers == ("Study", "Design", "Data", "Score", "Grade")
    assert table.rows == (
        ("Smith and Jones, 2010a, 2010b", "yes", "partly", "3", "high"),
        ("De Vries, 2012", "yes", "yes", "4", "low (override: conflict of interest)"),
    )
    assert table.notes == ("2 of 3 included studies appraised: high 1, low 1.",)


def test_sources_table_reports_yield_unique_and_overlap(small) -> None:
    table = build_table(small.review, "sources")
    assert table.headers[:6] == (
        "Source",
        "Arm",
        "Records",
        "Works",
        "Unique works",
        "Included reports",
    )
    rows = {row[0]: row for row in table.rows}
    assert rows["Alpha DB"][2:] == ("6", "6", "3", "3", "-", "2", "1")
    assert rows["Beta DB"][2:] == ("3", "3", "1", "1", "2", "-", "0")
    assert rows["citation searching"][1:] == ("other", "3", "3", "2", "2", "1", "0", "-")
    assert rows["All sources"][2:4] == ("12", "9")


def test_exclusions_table_lists_full_text_exclusions_with_reasons(small) -> None:
    table = build_table(small.review, "exclusions")
    assert table.rows == (
        (
            str(small.ids["A4"]),
            "Brown et al., 2015",
            '=HYPERLINK("http://x","y")',
            "Full text",
            "No defect data, no <numbers>",
            "=1+1",
        ),
    )
    assert table.notes == ("No defect data, no <numbers>: 1",)


def test_searches_table_is_the_prisma_s_log(small) -> None:
    table = build_table(small.review, "searches")
    assert table.headers == (
        "Source",
        "Database",
        "Platform",
        "Arm",
        "Date searched",
        "Query",
        "Limits",
        "Hits reported",
        "Records imported",
        "File",
    )
    assert table.rows[0] == (
        "1",
        "Alpha DB",
        "Alpha",
        "database",
        "2024-01-02",
        "code AND review",
        "2000-",
        "6",
        "6",
        "alpha.ris",
    )
    assert table.rows[2][3] == "other: citation searching"
