from __future__ import annotations

from litreview.tui.highlight import EXCLUDE_STYLE, INCLUDE_STYLE, find_terms, highlight


def spans(text: str, include: list[str], exclude: list[str]) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.kind) for m in find_terms(text, include, exclude)]


def test_whole_words_case_insensitive() -> None:
    text = "Child welfare; children and CHILD care; grandchild."
    assert spans(text, ["child"], []) == [("Child", "include"), ("CHILD", "include")]


def test_longest_phrase_wins_and_phrases_cross_line_breaks() -> None:
    text = "Child\n  protection services protect a child."
    got = spans(text, ["child", "child protection"], [])
    assert got == [("Child\n  protection", "include"), ("child", "include")]


def test_include_and_exclude_are_distinguished() -> None:
    text = "Adults and a child; adult services."
    assert spans(text, ["child"], ["adult*"]) == [
        ("Adults", "exclude"),
        ("child", "include"),
        ("adult", "exclude"),
    ]


def test_regex_characters_are_escaped() -> None:
    text = "Using C++ and (a.b) not cxx or aab"
    assert spans(text, ["c++", "(a.b)"], []) == [("C++", "include"), ("(a.b)", "include")]
    assert find_terms("anything", [".*"], []) == []


def test_term_in_both_lists_counts_as_include() -> None:
    assert spans("foster care", ["foster care"], ["Foster  Care"]) == [("foster care", "include")]


def test_no_terms_or_no_text() -> None:
    assert find_terms("text", [], []) == []
    assert find_terms("", ["a"], []) == []
    assert highlight(None, ["a"]).plain == ""


def test_highlight_styles_not_by_colour_alone() -> None:
    content = highlight("a child, an adult", ["child"], ["adult"])
    assert content.plain == "a child, an adult"
    assert [(s.start, s.end, s.style) for s in content.spans] == [
        (2, 7, INCLUDE_STYLE),
        (12, 17, EXCLUDE_STYLE),
    ]
    assert {"bold", "underline"} <= set(INCLUDE_STYLE.split())
    assert "reverse" in EXCLUDE_STYLE.split()


def test_highlight_keeps_markup_literal_and_sanitises() -> None:
    content = highlight("[bold red]x[/] \x1b[31mchild", ["child"])
    assert content.plain == "[bold red]x[/] child"
    assert [(s.start, s.end) for s in content.spans] == [(15, 20)]


def test_hyphens_and_spaces_are_interchangeable_like_the_protocol() -> None:
    text = "Interagency work, inter-agency work and inter agency work; collaborative"
    got = spans(text, ["inter-agency", "collaborat*"], [])
    assert [s for s, _ in got] == ["Interagency", "inter-agency", "inter agency", "collaborative"]
