"""Renderings of both example strategies, compared with hand-checked strings per platform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from litreview.errors import InvalidValue
from litreview.search.query import Limits, iter_searches, load_query_file, load_query_text
from litreview.search.render import PLATFORM_NAMES, Rendered, render_search, render_strategy

QUERIES = Path(__file__).resolve().parents[2] / "queries"
TODAY = date(2025, 6, 1)  # closes open year ranges where a platform needs both ends


def _safeguarding(platform: str) -> list[Rendered]:
    return render_strategy(load_query_file(QUERIES / "safeguarding.toml"), platform, today=TODAY)


def _software(platform: str) -> Rendered:
    [only] = render_strategy(
        load_query_file(QUERIES / "software_testing.toml"), platform, today=TODAY
    )
    return only


# "child abuse" x "inter-agency": a phrase and a hyphenated term, English, since 2000
SAFEGUARDING_4 = {
    "proquest": 'TI,AB,SU("child abuse") AND TI,AB,SU("inter-agency") AND LA(English) '
    "AND PD(>19991231)",
    "wos": 'TS=("child abuse") AND TS=("inter-agency") AND LA=(English) AND PY=(2000-2025)',
    "ebsco": '(TI ("child abuse") OR AB ("child abuse") OR SU ("child abuse")) AND '
    '(TI ("inter-agency") OR AB ("inter-agency") OR SU ("inter-agency")) AND '
    "LA English AND DT 20000101-20251231",
    "ovid": "child abuse.ti,ab,kw. and inter-agency.ti,ab,kw. and english.lg.\n"
    'limit 1 to yr="2000 -Current"',
    "pubmed": '("child abuse"[tiab] OR "child abuse"[ot]) AND ("inter-agency"[tiab] OR '
    '"inter-agency"[ot]) AND english[la] AND 2000:3000[dp]',
    "scopus": 'TITLE-ABS-KEY("child abuse") AND TITLE-ABS-KEY("inter-agency") AND '
    "PUBYEAR > 1999 AND LANGUAGE(english)",
    "openalex": 'title_and_abstract.search:("child abuse" AND "inter-agency"),language:en,'
    "from_publication_date:2000-01-01",
    "europepmc": '(TITLE_ABS:"child abuse" OR KW:"child abuse") AND (TITLE_ABS:"inter-agency" '
    'OR KW:"inter-agency") AND LANG:eng AND PUB_YEAR:[2000 TO 2025]',
    "crossref": "query=child abuse inter-agency&filter=from-pub-date:2000-01-01",
    "other": '"child abuse" AND "inter-agency"',
}

# the last pair of the success set: a single word and a phrase
SAFEGUARDING_LAST = {
    "proquest": 'TI,AB,SU(safeguarding) AND TI,AB,SU("good outcomes") AND LA(English) AND '
    "PD(>19991231)",
    "wos": 'TS=(safeguarding) AND TS=("good outcomes") AND LA=(English) AND PY=(2000-2025)',
    "scopus": 'TITLE-ABS-KEY(safeguarding) AND TITLE-ABS-KEY("good outcomes") AND '
    "PUBYEAR > 1999 AND LANGUAGE(english)",
    "ovid": "safeguarding.ti,ab,kw. and good outcomes.ti,ab,kw. and english.lg.\n"
    'limit 1 to yr="2000 -Current"',
}

SOFTWARE = {
    "proquest": 'TI,AB,SU("software test*" OR "regression test*" OR "unit test*" OR '
    '"test suite*") AND TI(flaky OR flakiness OR "non-deterministic" OR '
    '"intermittent fail*") AND TI,AB("continuous integration" OR "build fail*" OR '
    "pipeline*) AND LA(English) AND PD(20100101-20241231) AND "
    'DTYPE("Journal Article" OR "Conference Paper")',
    "wos": 'TS=("software test*" OR "regression test*" OR "unit test*" OR "test suite*") AND '
    'TI=(flaky OR flakiness OR "non-deterministic" OR "intermittent fail*") AND '
    '(TI=("continuous integration" OR "build fail*" OR pipeline*) OR '
    'AB=("continuous integration" OR "build fail*" OR pipeline*)) AND LA=(English) AND '
    'PY=(2010-2024) AND DT=(Article OR "Proceedings Paper")',
    "ebsco": '(TI ("software test*" OR "regression test*" OR "unit test*" OR "test suite*") OR '
    'AB ("software test*" OR "regression test*" OR "unit test*" OR "test suite*") OR '
    'SU ("software test*" OR "regression test*" OR "unit test*" OR "test suite*")) AND '
    'TI (flaky OR flakiness OR "non-deterministic" OR "intermittent fail*") AND '
    '(TI ("continuous integration" OR "build fail*" OR pipeline*) OR '
    'AB ("continuous integration" OR "build fail*" OR pipeline*)) AND LA English AND '
    'DT 20100101-20241231 AND (PT Article OR PT "Conference Paper")',
    "ovid": "(software test* or regression test* or unit test* or test suite*).ti,ab,kw. and "
    "(flaky or flakiness or non-deterministic or intermittent fail*).ti. and "
    "(continuous integration or build fail* or pipeline*).ti,ab. and english.lg. and "
    "(journal article or conference paper).pt.\n"
    'limit 1 to yr="2010 - 2024"',
    "pubmed": '("software test*"[tiab] OR "regression test*"[tiab] OR "unit test*"[tiab] OR '
    '"test suite*"[tiab] OR "software test*"[ot] OR "regression test*"[ot] OR '
    '"unit test*"[ot] OR "test suite*"[ot]) AND (flaky[ti] OR flakiness[ti] OR '
    '"non-deterministic"[ti] OR "intermittent fail*"[ti]) AND '
    '("continuous integration"[tiab] OR "build fail*"[tiab] OR pipeline*[tiab]) AND '
    "english[la] AND 2010:2024[dp] AND (journal article[pt] OR congress[pt])",
    "scopus": 'TITLE-ABS-KEY("software test*" OR "regression test*" OR "unit test*" OR '
    '"test suite*") AND TITLE(flaky OR flakiness OR "non-deterministic" OR '
    '"intermittent fail*") AND TITLE-ABS("continuous integration" OR "build fail*" OR '
    "pipeline*) AND PUBYEAR > 2009 AND PUBYEAR < 2025 AND LANGUAGE(english) AND "
    "(DOCTYPE(ar) OR DOCTYPE(cp))",
    "openalex": 'title_and_abstract.search:(("software test" OR "regression test" OR '
    '"unit test" OR "test suite") AND ("continuous integration" OR "build fail" OR '
    'pipeline)),title.search:(flaky OR flakiness OR "non-deterministic" OR '
    '"intermittent fail"),language:en,from_publication_date:2010-01-01,'
    "to_publication_date:2024-12-31,type:article",
    "europepmc": '(TITLE_ABS:"software test*" OR TITLE_ABS:"regression test*" OR '
    'TITLE_ABS:"unit test*" OR TITLE_ABS:"test suite*" OR KW:"software test*" OR '
    'KW:"regression test*" OR KW:"unit test*" OR KW:"test suite*") AND '
    '(TITLE:flaky OR TITLE:flakiness OR TITLE:"non-deterministic" OR '
    'TITLE:"intermittent fail*") AND (TITLE_ABS:"continuous integration" OR '
    'TITLE_ABS:"build fail*" OR TITLE_ABS:pipeline*) AND LANG:eng AND '
    'PUB_YEAR:[2010 TO 2024] AND (PUB_TYPE:"journal article" OR PUB_TYPE:congress)',
    "crossref": "query=software test regression test unit test test suite flaky flakiness "
    "non-deterministic intermittent fail continuous integration build fail pipeline"
    "&filter=from-pub-date:2010-01-01,until-pub-date:2024-12-31,"
    "type:journal-article,type:proceedings-article",
    "other": '("software test*" OR "regression test*" OR "unit test*" OR "test suite*") AND '
    '(flaky OR flakiness OR "non-deterministic" OR "intermittent fail*") AND '
    '("continuous integration" OR "build fail*" OR pipeline*)',
}


def test_every_platform_is_covered() -> None:
    assert set(SAFEGUARDING_4) == set(PLATFORM_NAMES) == set(SOFTWARE)


@pytest.mark.parametrize("platform", sorted(SAFEGUARDING_4))
def test_safeguarding_pair(platform: str) -> None:
    searches = _safeguarding(platform)
    assert len(searches) == 40  # 5 x 6 + 5 x 2 pairs, each its own search
    assert searches[3].search.key == "collaboration/4"
    assert searches[3].text == SAFEGUARDING_4[platform]


@pytest.mark.parametrize("platform", sorted(SAFEGUARDING_LAST))
def test_safeguarding_last_pair(platform: str) -> None:
    last = _safeguarding(platform)[-1]
    assert (last.search.key, last.search.label) == ("success/10", "safeguarding AND good outcomes")
    assert last.text == SAFEGUARDING_LAST[platform]


@pytest.mark.parametrize("platform", sorted(SOFTWARE))
def test_software_testing(platform: str) -> None:
    assert _software(platform).text == SOFTWARE[platform]


def test_pairs_come_in_block_order() -> None:
    labels = [r.search.label for r in _safeguarding("other")]
    assert labels[:2] == ["child abuse AND collaboration", "child abuse AND coordination"]
    assert labels[29:31] == ["safeguarding AND inter-disciplinary", "child abuse AND success"]


def test_notes_say_what_a_platform_cannot_do() -> None:
    openalex = _software("openalex").notes
    assert (
        "OpenAlex API has no truncation: 'software test*' is searched as 'software test'; "
        "list the word forms you need as separate terms" in openalex
    )
    assert "OpenAlex types conference papers as 'article'" in openalex
    assert any("cannot filter by language" in n for n in _software("crossref").notes)
    assert any("limit 1" in n for n in _software("ovid").notes)
    generic = _safeguarding("other")[0].notes
    assert generic == (
        "search in: abstract, keywords, title (choose these fields in the search form)",
        "set the limits in the search form: English; 2000-",
    )


def test_api_platforms_carry_request_parameters() -> None:
    assert dict(_safeguarding("pubmed")[0].params) == {"term": _safeguarding("pubmed")[0].text}
    assert set(dict(_software("crossref").params)) == {"query", "filter"}
    assert dict(_safeguarding("openalex")[0].params)["filter"].startswith("title_and_abstract")
    assert _safeguarding("proquest")[0].params == ()


LIMITS_CASES = {
    "proquest": "PD(<20160101)",
    "wos": "PY=(1900-2015)",
    "scopus": "PUBYEAR < 2016",
    "pubmed": "1800:2015[dp]",
    "openalex": "to_publication_date:2015-12-31",
}


@pytest.mark.parametrize("platform", sorted(LIMITS_CASES))
def test_only_an_upper_year(platform: str) -> None:
    strategy = load_query_text('format = 1\ntitle = "t"\n[[blocks]]\nname = "a"\nterms = ["x"]\n')
    rendered = render_search(
        iter_searches(strategy)[0], Limits(year_to=2015), platform, today=TODAY
    )
    assert rendered.text.endswith(LIMITS_CASES[platform])


def test_field_variants_and_operator_words() -> None:
    text = (
        'format = 1\ntitle = "t"\n[[blocks]]\nname = "a"\nterms = ["search and rescue"]\n'
        'fields = ["all"]\n[[blocks]]\nname = "b"\nterms = ["drone*"]\nfields = ["abstract"]\n'
    )
    search = iter_searches(load_query_text(text))[0]
    render = {p: render_search(search, Limits(), p, today=TODAY) for p in PLATFORM_NAMES}
    assert render["proquest"].text == 'NOFT("search and rescue") AND AB(drone*)'
    assert render["wos"].text == 'ALL=("search and rescue") AND AB=(drone*)'
    assert render["ovid"].text == '"search and rescue".mp. and drone*.ab.'
    assert render["scopus"].text == 'ALL("search and rescue") AND ABS(drone*)'
    assert render["pubmed"].text == '"search and rescue"[all] AND drone*[tiab]'
    assert render["europepmc"].text == '"search and rescue" AND ABSTRACT:drone*'
    assert render["openalex"].text == ('default.search:"search and rescue",abstract.search:drone')
    assert render["ebsco"].text == '("search and rescue") AND AB (drone*)'
    assert any("abstract alone" in n for n in render["pubmed"].notes)


def test_unknown_platform() -> None:
    strategy = load_query_text('format = 1\ntitle = "t"\n[[blocks]]\nname = "a"\nterms = ["x"]\n')
    with pytest.raises(InvalidValue, match="unknown platform 'zetoc'"):
        render_search(iter_searches(strategy)[0], Limits(), "zetoc")
