"""The protocol loader: templates, other fields' protocols, and errors that name key and line."""

from __future__ import annotations

import csv
import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from litreview.errors import InvalidValue, ProtocolError
from litreview.protocol import (
    compile_terms,
    list_templates,
    load_protocol,
    load_protocol_file,
    load_template,
    split_source,
)
from litreview.protocol.lines import format_key, locate_keys
from litreview.protocol.read import KEYS

DATA = Path(__file__).parents[1] / "data" / "protocol"
DOCS = Path(__file__).parents[2] / "docs" / "protocol.md"
THESIS = Path(__file__).parents[3] / "shared" / "data" / "thesis"
TABLE14_HEADER = [
    "Report",
    "Safeguarding context",
    "Nature of study",
    "Data source(s)",
    "How success is conceptualised",
]
MINIMAL = (DATA / "minimal.toml").read_text(encoding="utf-8")


def error_of(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        load_protocol(text, "p.toml")
    return info.value


# --- templates -----------------------------------------------------------------


def test_templates_are_listed_and_load():
    assert list_templates() == ["default", "safeguarding"]
    for name in list_templates():
        text, protocol = load_template(name)
        assert protocol.text == text
        assert protocol.sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert [s.name for s in protocol.stages] == ["title", "abstract", "fulltext"]
        json.dumps(protocol.to_dict())  # JSON-ready


def test_unknown_template_lists_the_names():
    with pytest.raises(ProtocolError, match="unknown template 'safeguard'") as info:
        load_template("safeguard")
    assert info.value.hint == "did you mean 'safeguarding'?"
    with pytest.raises(ProtocolError) as info:
        load_template("zzz")
    assert info.value.hint == "available templates: default, safeguarding"


def test_docs_example_loads_and_every_key_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    assert load_protocol(example).dimension("method").kind == "single"
    for table, keys in KEYS.items():
        for key in keys:
            spellings = (f"`{key}`", f"`[{key}]`", f"`[[{key}]]`")
            assert any(x in docs for x in spellings), f"{table}.{key} is not documented"


@pytest.fixture(scope="module")
def safeguarding():
    return load_template("safeguarding")[1]


def test_safeguarding_screening_and_eligibility(safeguarding):
    p = safeguarding
    assert (p.eligibility.year_from, p.eligibility.languages) == (2000, ("en",))
    assert [s.kind for s in p.stages] == ["screening", "screening", "fulltext"]
    abstract = p.stage("abstract")
    assert abstract.reason_required and not p.stage("title").reason_required
    assert abstract.reason("not-main-subject").label == (
        "Main subject does not involve success or collaboration"
    )
    assert p.stage("title").reason("unrelated").label == "Unrelated topic or field of research"
    assert {r.limit for r in abstract.exclusion_reasons} == {None, "language", "year"}
    assert "child protection" in p.highlight.include and p.highlight.exclude
    assert [n.label for n in p.fulltext_notes][-1] == "How success or collaboration is understood"
    assert len(p.fulltext_notes) == 6


def test_safeguarding_codebook(safeguarding):
    p = safeguarding
    domain, concept, context = (
        p.dimension(n) for n in ("collaboration_domain", "success_concept", "safeguarding_context")
    )
    assert domain.kind == "multi" and len(domain.values) == 6
    assert concept.kind == "single"
    assert [v.name for v in concept.values] == [
        "safety",
        "developmental",
        "wellbeing",
        "satisfaction",
        "inclusion",
        "effectiveness",
        "multiple",
    ]
    assert (context.kind, context.max_values, len(context.values)) == ("multi", 2, 10)
    assert p.dimension("nature_of_study").kind == "text"
    assert len(p.dimension("data_sources").values) == 7
    assert all(v.description for d in p.codebook for v in d.values)
    assert "satisf*" in concept.value("satisfaction").keywords


def test_safeguarding_tables_reproduce_table14_header(safeguarding):
    report = safeguarding.report
    assert [c.header for c in report.studies_columns] == TABLE14_HEADER
    assert (report.matrix_rows, report.matrix_cols) == ("success_concept", "collaboration_domain")
    assert [c.kind for c in report.studies_columns] == ["citation"] + ["dimension"] * 4
    if (THESIS / "table14.csv").exists():
        with open(THESIS / "table14.csv", encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert [c.header for c in report.studies_columns] == header[:5]


@pytest.mark.parametrize(
    ("ratings", "grade"),
    [
        (("met", "met", "met", "met"), "strong"),
        (("met", "met", "met", "partly"), "strong"),
        (("met", "met", "met", "not-met"), "partial"),  # 6, and one criterion missed
        (("partly", "partly", "partly", "partly"), "partial"),
        (("met", "not-met", "not-met", "partly"), "doubtful"),
        (("not-met",) * 4, "doubtful"),
    ],
)
def test_safeguarding_grading(safeguarding, ratings, grade):
    names = [c.name for c in safeguarding.quality.criteria]
    assert safeguarding.grade_for(dict(zip(names, ratings, strict=True))) == grade


def test_grade_for_rejects_incomplete_or_unknown_ratings(safeguarding):
    with pytest.raises(InvalidValue, match="not rated yet: data, contribution"):
        safeguarding.grade_for({"purpose": "met", "coherence": "met"})
    with pytest.raises(ProtocolError, match="unknown quality criterion 'purpse'"):
        safeguarding.grade_for({"purpse": "met"})
    ratings = {c.name: "met" for c in safeguarding.quality.criteria} | {"data": "good"}
    with pytest.raises(ProtocolError, match="unknown rating 'good'"):
        safeguarding.grade_for(ratings)


def test_lookups_name_the_valid_choices(safeguarding):
    with pytest.raises(ProtocolError, match="unknown stage 'abstrct'") as info:
        safeguarding.stage("abstrct")
    assert info.value.hint == "did you mean 'abstract'?"
    with pytest.raises(ProtocolError) as info:
        safeguarding.dimension("zzz")
    assert "success_concept" in (info.value.hint or "")


# --- other reviews ---------------------------------------------------------------


def test_software_engineering_protocol_needs_no_code_change():
    p = load_protocol_file(DATA / "software_engineering.toml")
    assert [d.name for d in p.codebook] == ["method", "venue", "tools"]
    assert p.dimension("venue").value("journal").label == "Journal"
    assert (p.report.matrix_rows, p.report.matrix_cols) == ("method", "venue")
    assert p.report.studies_filter == ("dimension:venue=journal",)
    assert p.screening.mode == "dual-sample" and p.screening.sample_share == 0.25
    assert p.version == 3 and p.stage("full").reason_required  # fulltext default
    grade = p.grade_for
    assert grade({"replication": "yes", "threats": "yes"}) == "good"
    assert grade({"replication": "yes", "threats": "no"}) == "fair"
    assert grade({"replication": "no", "threats": "yes"}) == "weak"
    assert grade({"replication": "no", "threats": "no"}) == "weak"  # fallback


def test_minimal_protocol_gets_defaults():
    p = load_protocol(MINIMAL)
    assert p.screening.mode == "single" and p.screening.stages == ("screen",)
    assert p.report.studies_columns[0].source == "citation"
    assert p.quality.grades == () and p.codebook == ()
    with pytest.raises(InvalidValue, match="no quality criteria"):
        p.grade_for({})


def test_split_source_and_terms():
    assert split_source("dimension:ctx=prevention") == ("dimension", "ctx", "prevention")
    assert split_source("-field:year") == ("field", "year", None)
    assert split_source("citation") == ("citation", None, None)
    pattern = compile_terms(["inter-agency", "collaborat*", "child protection"])
    assert pattern is not None
    text = "Interagency collaboration in child-protection; coll; protections"
    assert [m.group() for m in pattern.finditer(text)] == [
        "Interagency",
        "collaboration",
        "child-protection",
    ]
    assert compile_terms([]) is None


# --- errors name the key and the line -------------------------------------------


def test_syntax_error_keeps_line_and_column():
    err = error_of('title = "x"\n\n[[stages]]\nname = "screen\nkind = "screening"\n')
    assert err.line == 4 and err.key == "stages[0].name"
    assert "column" in str(err) and str(err).startswith("p.toml:4: stages[0].name: invalid TOML")


def test_duplicate_table_syntax_error_names_the_table():
    err = error_of(MINIMAL + "[report]\n[report]\n")
    assert (err.key, err.line) == ("report", 7)


@pytest.mark.parametrize(
    ("extra", "key", "line", "hint"),
    [
        ('titel = "x"\n', "titel", 1, "did you mean 'title'?"),
        ('lable = "x"\n', "stages[0].lable", 6, "did you mean 'label'?"),
    ],
)
def test_unknown_keys_suggest_the_right_one(extra, key, line, hint):
    text = extra + MINIMAL if key == "titel" else MINIMAL + extra
    err = error_of(text)
    assert (err.key, err.line, err.hint) == (key, line, hint)
    assert "unknown key" in err.message


CASES = {
    "wrong type": (
        MINIMAL + '\n[eligibility]\nyear_from = "2000"\n',
        "eligibility.year_from",
        8,
        "expected an integer, got a string",
    ),
    "bool is not an int": (
        "version = true\n" + MINIMAL,
        "version",
        1,
        "expected an integer, got true or false",
    ),
    "missing title": ('[[stages]]\nname = "s"\nkind = "screening"\n', "title", None, "missing"),
    "stages as a table": ('title = "x"\n[stages]\nname = "s"\n', "stages", 2, "array of tables"),
    "unknown stage": (
        MINIMAL + '[screening]\nmode = "dual"\nstages = [\n  "screen",\n  "abstrct",\n]\n',
        "screening.stages[1]",
        10,
        "unknown stage 'abstrct'",
    ),
    "duplicate value names": (
        MINIMAL + '[[codebook]]\nname = "design"\nkind = "single"\n'
        '[[codebook.values]]\nname = "rct"\nlabel = "RCT"\n'
        '[[codebook.values]]\nname = "rct"\nlabel = "Trial"\n',
        "codebook[0].values[1].name",
        13,
        "duplicate value name 'rct'",
    ),
    "duplicate stage names": (
        MINIMAL + '[[stages]]\nname = "screen"\nkind = "fulltext"\n',
        "stages[1].name",
        7,
        "duplicate stage name 'screen'",
    ),
    "duplicate reason code inline": (
        'title = "x"\n[[stages]]\nname = "s"\nkind = "screening"\nexclusion_reasons = [\n'
        '  { code = "a", label = "A" },\n  { code = "a", label = "B" },\n]\n',
        "stages[0].exclusion_reasons[1].code",
        7,
        "duplicate reason code 'a'",
    ),
    "grade rule names an unknown grade": (
        MINIMAL + '[quality]\nfallback = "weak"\nscale = [{ name = "y", score = 1 }]\n'
        'criteria = [{ name = "c" }]\ngrades = [{ name = "good", min_score = 1 }]\n',
        "quality.fallback",
        7,
        "unknown grade 'weak'",
    ),
    "grade rule names an unknown level": (
        MINIMAL + '[quality]\nscale = [{ name = "y", score = 1 }, { name = "n", score = 0 }]\n'
        'criteria = [{ name = "c" }]\n\n[[quality.grades]]\nname = "good"\nmin_score = 0\n'
        'min_each = "yes"\n',
        "quality.grades[0].min_each",
        13,
        "unknown scale level 'yes'",
    ),
    "grade requires an unknown criterion": (
        MINIMAL + '[quality]\nscale = [{ name = "y", score = 1 }, { name = "n", score = 0 }]\n'
        'criteria = [{ name = "clarity" }]\n[[quality.grades]]\nname = "good"\nmin_score = 0\n'
        'required = { clarty = "y" }\n',
        "quality.grades[0].required.clarty",
        12,
        "unknown key 'clarty'",
    ),
    "grade that can never be given": (
        MINIMAL + '[quality]\nscale = [{ name = "y", score = 1 }, { name = "n", score = 0 }]\n'
        'criteria = [{ name = "c" }]\ngrades = [\n  { name = "ok", min_score = 0 },\n'
        '  { name = "good", min_score = 1 },\n]\n',
        "quality.grades[1].min_score",
        11,
        "can never be given",
    ),
    "ratings left without a grade": (
        MINIMAL + '[quality]\nscale = [{ name = "y", score = 1 }, { name = "n", score = 0 }]\n'
        'criteria = [{ name = "c" }]\ngrades = [{ name = "good", min_score = 1 }]\n',
        "quality.grades[0].min_score",
        9,
        "get no grade",
    ),
    "appendix column names an unknown dimension": (
        MINIMAL + '[[codebook]]\nname = "design"\nkind = "text"\n\n[report]\n'
        'studies_columns = [\n  { header = "Study", source = "citation" },\n'
        '  { header = "Design", source = "dimension:desing" },\n]\n',
        "report.studies_columns[1].source",
        13,
        "unknown dimension 'desing'",
    ),
    "matrix on free text": (
        MINIMAL + '[[codebook]]\nname = "design"\nkind = "text"\n'
        '[report]\nmatrix_rows = "design"\n',
        "report.matrix_rows",
        10,
        "needs a single or multi dimension",
    ),
    "limit without eligibility": (
        'title = "x"\n[[stages]]\nname = "s"\nkind = "screening"\n[[stages.exclusion_reasons]]\n'
        'code = "old"\nlabel = "Too old"\nlimit = "year"\n',
        "stages[0].exclusion_reasons[0].limit",
        8,
        "does not set",
    ),
    "language name instead of code": (
        MINIMAL + '[eligibility]\nlanguages = ["en", "English"]\n',
        "eligibility.languages[1]",
        7,
        "not an ISO 639-1 code",
    ),
    "bad choice": (
        'title = "x"\n[[stages]]\nname = "s"\nkind = "screen"\n',
        "stages[0].kind",
        4,
        "'screen' is not one of: screening, fulltext",
    ),
    "dual-sample without share": (
        MINIMAL + '[screening]\nmode = "dual-sample"\n',
        "screening.mode",
        7,
        "sample_share",
    ),
    "screening after full text": (
        'title = "x"\n[[stages]]\nname = "f"\nkind = "fulltext"\nreason_required = false\n'
        '[[stages]]\nname = "s"\nkind = "screening"\n',
        "stages[1].kind",
        8,
        "comes after a full-text stage",
    ),
    "wildcard inside a word": (
        MINIMAL + '[highlight]\ninclude = ["col*ab"]\n',
        "highlight.include[0]",
        7,
        "may only end",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_schema_errors_name_key_and_line(case):
    text, key, line, message = CASES[case]
    err = error_of(text)
    assert err.key == key
    assert err.line == line
    assert message in err.message
    last = key.rsplit(".", 1)[-1]
    if line and not last.endswith("]"):
        assert last in text.splitlines()[line - 1]  # the line really holds the key
    where = f"p.toml:{line}" if line else "p.toml"
    assert str(err).startswith(f"{where}: {key}: ")


def test_errors_in_a_template_point_into_the_template():
    text, _ = load_template("safeguarding")
    broken = text.replace('name = "prevention"', 'name = "referral_reporting"')
    err = error_of(broken)
    assert err.key is not None and err.key.endswith(".values[1].name")
    assert broken.splitlines()[err.line - 1] == 'name = "referral_reporting"'


def test_file_errors(tmp_path):
    with pytest.raises(ProtocolError, match="cannot read"):
        load_protocol_file(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'title = "x"\n# caf\xe9\n')
    with pytest.raises(ProtocolError) as info:
        load_protocol_file(bad)
    assert info.value.line == 2
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_protocol_file(bom).title == "Minimal"


# --- the line locator ---------------------------------------------------------------

TRICKY = '''\
# [not] = "a table"
title = "a = b # [c]"
"quoted key" = 'lit [x]'
text = """
[fake]
fake = 1
"""
a.b = 1
[t]
arr = [
  1, # comment ]
  "two]",
  { k = "v", j = [3,
    4] },
]
[[aot]]
x = 1
[[aot.sub]]
y = 2
[[aot]]
[[aot.sub]]
[[aot.sub]]
y = 3
'''


def test_locate_keys_on_tricky_toml():
    tomllib.loads(TRICKY)  # valid
    lines = locate_keys(TRICKY)
    expect = {
        ("title",): 2,
        ("quoted key",): 3,
        ("text",): 4,
        ("a", "b"): 8,
        ("t",): 9,
        ("t", "arr"): 10,
        ("t", "arr", 1): 12,
        ("t", "arr", 2, "j"): 13,
        ("t", "arr", 2, "j", 1): 14,
        ("aot", 0, "x"): 17,
        ("aot", 0, "sub", 0, "y"): 19,
        ("aot", 1): 20,
        ("aot", 1, "sub", 1, "y"): 23,
    }
    assert {k: lines.get(k) for k in expect} == expect
    assert ("fake",) not in lines


def test_format_key():
    assert format_key(("stages", 1, "exclusion_reasons", 0, "code")) == (
        "stages[1].exclusion_reasons[0].code"
    )
    assert format_key(("a b", "c")) == '"a b".c'


# --- property tests -------------------------------------------------------------------

_keys = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
_scalars = st.one_of(
    st.integers(-1000, 1000),
    st.booleans(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.text(alphabet="ab\"'#[]{}=\n\\ ", max_size=12),
)


def _render(value, depth=0):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\n" in value and '"""' not in value and not value.endswith('"') and "\\" not in value:
            return '"""' + value + '"""'
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(_render(v, depth + 1) for v in value) + "]"


@st.composite
def _documents(draw):
    """Valid TOML built from tables, arrays of tables and arrays; returns (text, lines)."""
    out, lines = [], {}

    def emit(text, path=None):
        if path is not None:
            lines.setdefault(path, sum(x.count("\n") for x in out) + 1)
        out.append(text + "\n")

    def pairs(prefix):
        for key in draw(st.lists(_keys, max_size=3, unique=True)):
            value = draw(st.one_of(_scalars, st.lists(_scalars, max_size=3)))
            emit(f"{key} = {_render(value)}", prefix + (key,))

    pairs(())
    for name in draw(st.lists(_keys, max_size=3, unique=True)):
        if draw(st.booleans()):
            emit(f"[{name}]", (name,))
            pairs((name,))
        else:
            for i in range(draw(st.integers(1, 2))):
                emit(f"[[{name}]]", (name, i))
                pairs((name, i))
    return "".join(out), lines


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_locate_keys_finds_every_written_key(document):
    text, expected = document
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)  # duplicate names across levels; not our concern here
    found = locate_keys(text)
    assert {k: found.get(k) for k in expected} == expected


_TEMPLATE = load_template("safeguarding")[0]


@st.composite
def _mutated_template(draw):
    text = _TEMPLATE
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + draw(st.text(max_size=8)) + text[end:]
    return text


_VALUES = ["1", '"x"', "true", "[]", '["a", "a"]', "{}", '"dimension:zz"', "-1", "0.5", '""']
_INSERTS = ["[report]", "[[codebook]]", "[[stages]]", "[quality]", 'name = "x"', "a.b = 1"]


@st.composite
def _edited_template(draw):
    """Valid TOML, mostly: change values, rename keys, drop or add lines of the template."""
    lines = _TEMPLATE.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        key, eq, _ = lines[i].partition(" = ")
        action = draw(st.sampled_from(["value", "rename", "drop", "insert"]))
        if action == "value" and eq:
            lines[i] = f"{key} = {draw(st.sampled_from(_VALUES))}"
        elif action == "rename" and eq:
            lines[i] = lines[i].replace(key, key + draw(st.sampled_from(["s", "_x"])), 1)
        elif action == "drop":
            del lines[i]
        else:
            lines.insert(i, draw(st.sampled_from(_INSERTS)))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _mutated_template(), _edited_template()))
def test_arbitrary_text_raises_only_protocol_error(text):
    try:
        load_protocol(text)
    except ProtocolError as err:
        assert err.message
        if err.line is not None:
            assert 1 <= err.line <= text.count("\n") + 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab=[]{}\"'#.,\n \\", max_size=80))
def test_locate_keys_never_fails_on_broken_toml(text):
    assert all(line >= 1 for line in locate_keys(text).values())


@pytest.mark.parametrize("depth", [300, 20_000])
def test_deep_nesting_is_a_protocol_error(depth):
    err = error_of(MINIMAL + "deep = " + "[" * depth + "]" * depth + "\n")
    assert err.line == 6 or "nested too deeply" in err.message


@pytest.mark.parametrize("term", ["*", "child *", "**", "a**"])
def test_bare_wildcards_are_rejected(term):
    err = error_of(MINIMAL + f'[highlight]\ninclude = ["ok", "{term}"]\n')
    assert (err.key, err.line) == ("highlight.include[1]", 7)


def test_compile_terms_ignores_empty_terms():
    assert compile_terms(["-", " ", "*"]) is None
