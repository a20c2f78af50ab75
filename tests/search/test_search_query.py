"""Query files: expansion into searches, and errors that name the file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litreview.errors import ProtocolError
from litreview.search.query import iter_searches, load_query_file, load_query_text

QUERIES = Path(__file__).resolve().parents[2] / "queries"

BASE = """format = 1
title = "t"
[[blocks]]
name = "a"
terms = ["child abuse", "safeguarding"]
"""


def _error(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as err:
        load_query_text(text, "q.toml")
    return err.value


def test_the_worked_example_strategy() -> None:
    strategy = load_query_file(QUERIES / "safeguarding.toml")
    assert [s.name for s in strategy.sets] == ["collaboration", "success"]
    assert [len(b.terms) for b in strategy.sets[0].blocks] == [5, 6]
    assert strategy.limits.describe() == "English; 2000-"
    assert [d.platform for d in strategy.databases] == [
        "proquest",
        "proquest",
        "proquest",
        "wos",
        "other",
        "other",
    ]
    searches = iter_searches(strategy)
    assert len(searches) == 40
    assert searches[0].groups[0].terms == ("child abuse",)
    assert searches[0].groups[0].fields == ("title", "abstract", "keywords")


def test_the_worked_example_matches_the_thesis_table(shared_data: Path) -> None:
    table = json.loads((shared_data / "thesis" / "search_strategy.json").read_text())
    strategy = load_query_file(QUERIES / "safeguarding.toml")
    expected = [
        (p["term_a"].lower(), p["term_b"].lower())
        for p in table["derived_pairwise_searches"]["pairs"]
    ]
    got = [
        (s.groups[0].terms[0].lower(), s.groups[1].terms[0].lower())
        for s in iter_searches(strategy)
    ]
    assert got == expected
    assert strategy.limits.year_from == table["limits"]["published_from_year"]
    assert len(strategy.databases) == len(table["search_sets"][0]["databases"])


def test_the_second_example_is_one_and_search() -> None:
    strategy = load_query_file(QUERIES / "software_testing.toml")
    [search] = iter_searches(strategy)
    assert [g.fields for g in search.groups] == [
        ("title", "abstract", "keywords"),
        ("title",),
        ("title", "abstract"),
    ]
    assert strategy.limits.document_types == ("article", "conference-paper")


def test_without_sets_all_blocks_are_anded() -> None:
    text = BASE + '[[blocks]]\nname = "b"\nterms = ["x"]\n'
    [search] = iter_searches(load_query_text(text))
    assert search.label == "(child abuse OR safeguarding) AND x"


@pytest.mark.parametrize(
    ("snippet", "line", "message"),
    [
        ('colour = "red"\n', 6, "q.toml:6: blocks[0].colour: unknown key 'colour'"),
        (
            '[[blocks]]\nname = "b"\nterms = ["a (b)"]\n',
            8,
            "q.toml:8: blocks[1].terms[0]: 'a (b)' cannot be rendered safely",
        ),
        ('[[blocks]]\nname = "b"\nterms = ["te*st"]\n', 8, "'te*st' cannot be rendered"),
        ('[[blocks]]\nname = "b"\nterms = ["x", "X"]\n', 8, "'X' is listed twice"),
        ('[[blocks]]\nname = "b"\nterms = []\n', 8, "needs at least one term"),
        ('[[blocks]]\nname = "a"\nterms = ["x"]\n', 7, "duplicate block 'a'"),
        ('[[blocks]]\nname = "b"\nterms = ["x"]\nfields = ["titel"]\n', 9, "unknown field 'titel'"),
        (
            '[[blocks]]\nname = "b"\nterms = ["x"]\nfields = ["all", "title"]\n',
            9,
            "'all' already covers every field",
        ),
        ('[[sets]]\nname = "s"\nblocks = ["a", "c"]\n', 8, "unknown block 'c'"),
        (
            '[[sets]]\nname = "s"\nblocks = ["a"]\ncombine = "or"\n',
            9,
            "'or' is not one of: and, pairwise",
        ),
        ('[limits]\nlanguages = ["English"]\n', 7, "unknown language code 'English'"),
        ("[limits]\nyear_from = 2015\nyear_to = 2000\n", 8, "year_to: is earlier than year_from"),
        ('[limits]\ndocument_types = ["articles"]\n', 7, "unknown document type 'articles'"),
        ('[[databases]]\nname = "Zetoc"\nplatform = "zetoc"\n', 8, "'zetoc' is not one of"),
    ],
)
def test_errors_name_line_and_key(snippet: str, line: int, message: str) -> None:
    err = _error(BASE + snippet)
    assert err.line == line
    assert message in err.message


def test_hints_point_at_the_fix() -> None:
    assert _error(BASE + '[limits]\nlanguages = ["English"]\n').hint == (
        "use the ISO 639-1 code 'en'"
    )
    assert _error(BASE.replace("terms", "term")).hint == "did you mean 'terms'?"


def test_syntax_errors_and_missing_parts() -> None:
    assert "invalid TOML" in _error('title = "t\n').message
    assert "missing required key 'title'" in _error(BASE.replace('title = "t"\n', "")).message
    assert "missing required key 'blocks'" in _error('format = 1\ntitle = "t"\n').message
    assert "needs at least one entry" in _error('title = "t"\nblocks = []\n').message
    assert "format 2 is not supported" in _error(BASE.replace("format = 1", "format = 2")).message


def test_a_pairwise_explosion_is_refused() -> None:
    many = ", ".join(f'"t{i}"' for i in range(50))
    text = (
        f'format = 1\ntitle = "t"\ncombine = "pairwise"\n[[blocks]]\nname = "a"\n'
        f'terms = [{many}]\n[[blocks]]\nname = "b"\nterms = [{many}]\n'
    )
    assert "expand to 2500 searches" in _error(text).message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="cannot read the query file"):
        load_query_file(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(ProtocolError, match="not UTF-8"):
        load_query_file(bad)


# ---- litreview query render -------------------------------------------------------------------


def _render(*args: str) -> str:
    from litreview.cli.search_cmds import query

    result = CliRunner().invoke(query, ["render", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_render_lists_each_platform_of_the_file() -> None:
    out = _render(str(QUERIES / "safeguarding.toml"))
    lines = out.splitlines()
    assert lines[0] == "# Success and collaboration in safeguarding children"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## ProQuest: Applied Social Sciences Index and Abstracts (ASSIA); Social Services "
        "Abstracts; Sociological Abstracts",
        "## Web of Science: ISI Web of Knowledge",
        "## any other platform: Zetoc; Academic OneFile",
    ]
    pasted = [line for line in lines if line and not line.startswith("#")]
    assert len(pasted) == 3 * 40
    assert pasted[0] == (
        'TI,AB,SU("child abuse") AND TI,AB,SU(collaboration) AND LA(English) AND PD(>19991231)'
    )


def test_render_one_platform_as_json() -> None:
    data = json.loads(
        _render(str(QUERIES / "software_testing.toml"), "--platform", "openalex", "--json")
    )
    [platform] = data["platforms"]
    assert platform["platform"] == "openalex" and platform["databases"] == ["OpenAlex"]
    assert platform["searches"][0]["key"] == "main/1"
    assert platform["searches"][0]["query"].startswith("title_and_abstract.search:")
    assert "OpenAlex types conference papers as 'article'" in platform["notes"]


def test_render_needs_a_platform_when_the_file_lists_none(tmp_path: Path) -> None:
    from litreview.cli.search_cmds import query

    path = tmp_path / "q.toml"
    path.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(query, ["render", str(path)])
    assert result.exit_code == 2 and "pass --platform" in result.output
