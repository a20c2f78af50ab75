"""Field-by-field comparison of two records and the rules that turn it into a verdict.

The rules, in order:

1. **Vetoes.** Two records are different works when their DOIs (or PMIDs)
   differ, their years are more than one apart, their start pages or volumes
   differ, their first authors differ, the numbers in their titles differ
   ("Part 1" / "Part 2"), one is a correction/comment/reply and the other is
   not, or their titles are not alike. A few vetoes only send a pair to review:
   the same DOI and title with a clashing page, volume or author (export errors),
   and the same title, authors and year under two DOIs (a chapter and an
   article, a co-published guideline).
2. **Identifiers need title agreement.** A shared DOI merges only when the
   titles agree too. A DOI carried by records with unlike titles or different
   start pages (conference abstracts of one journal supplement) counts as a
   journal, not as a work; see ``engine.shared_dois``.
3. **Title matches need corroboration.** An agreeing title merges with the same
   first author, the same year and the same venue (journal, volume or start
   page); one year apart (online first, then print) needs the same page or
   volume. Journals that conflict need the same volume and page; abstracts or
   author lists that differ, or different record types, need the same place in
   the same journal. Generic titles ("Editorial", "Reply to ...") and titles
   that are only close need journal, volume, page and year all to agree.
4. Everything in between is ``needs_review``: it never merges on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from litreview.dedup.keys import RecordKeys, is_acronym, journal_names_match
from litreview.dedup.records import Verdict

TITLE_AGREE = 0.93
TITLE_CLOSE = 0.85
TITLE_FLOOR = 0.60
# with the same DOI and title these conflicts are more likely export errors: review, don't veto
_YEARS_APART = "years more than one apart"  # with the same DOI: online first, then print
_SOFT_FOR_IDENTIFIERS = {
    "different first author",
    "different start page",
    "different volume",
    _YEARS_APART,
}
_SOFT_VETOES = _SOFT_FOR_IDENTIFIERS | {"different DOIs/PMIDs"}  # the only ones a rule may lift
_VENUE_WORDS = frozenset({"proceedings", "proc", "conference", "conf", "annual"})
_NUMBER = re.compile(r"\d+|\b(?:i{1,3}|iv|vi{0,3}|ix|x)\b")


# Rules added for issue 15, each a name so that bench/bibdedupe_compare.py --ablate can
# switch one off and show what it does on every labelled set (docs/dedup.md).
RULES_ADDED = frozenset(
    {
        "doi_despite_doubts",
        "doi_years_apart",
        "mistyped_doi",
        "same_page_range",
        "abstract_listed_twice",
        "reprint",
        "ocr_page",
    }
)
RULES = RULES_ADDED  # the rules in force; only a benchmark changes this


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    score: float
    reasons: tuple[str, ...]
    conflict: bool = False  # a veto fired: the two may not share a group through others either


# --- field comparisons: each gives "same", "differ" or None (unknown) -------------------


def title_similarity(a: RecordKeys, b: RecordKeys) -> float | None:
    """0..1 on compact titles; a truncated or subtitle-less title still scores high."""
    if not a.compact or not b.compact:
        return None
    if a.compact == b.compact:
        return 1.0
    score = fuzz.ratio(a.compact, b.compact) / 100
    short, long = sorted((a.compact, b.compact), key=len)
    if len(short) >= 30:
        score = max(score, 0.98 * fuzz.ratio(short, long[: len(short)]) / 100)
    if (a.main_title and a.main_title in (b.compact, b.main_title)) or (
        b.main_title and b.main_title == a.compact
    ):
        score = max(score, TITLE_AGREE)
    return score


def title_numbers_differ(a: RecordKeys, b: RecordKeys) -> bool:
    """ "Part 1" vs "Part 2", "type 1" vs "type 2"; a truncated title is not compared."""
    short, long = sorted((a.title, b.title), key=len)
    if long.startswith(short):
        return False
    return sorted(_NUMBER.findall(a.title)) != sorted(_NUMBER.findall(b.title))


def identifier_match(a: RecordKeys, b: RecordKeys, shared: frozenset[str]) -> str | None:
    """DOI/PMID: "same", "differ", "shared" (a DOI of several works) or None."""
    if a.pmid and b.pmid:
        if a.pmid == b.pmid:
            return "same"
        return "differ"
    if not a.dois or not b.dois:
        return None
    common = set(a.dois) & set(b.dois)
    if common:
        return "shared" if common <= shared else "same"
    if any(d in shared for d in a.dois + b.dois):
        return None
    return "differ"


def _surnames_match(x: str, y: str) -> bool:
    if x == y:
        return True
    if min(len(x), len(y)) < 4:
        return False
    return x.startswith(y) or y.startswith(x) or fuzz.ratio(x, y) >= 85


def first_author_match(a: RecordKeys, b: RecordKeys) -> str | None:
    if not a.surnames or not b.surnames:
        return None
    if _surnames_match(a.surnames[0], b.surnames[0]):
        return "same"
    x, y = a.first_author_words, b.first_author_words
    if x == y or (  # "Wu, Ching-yi" / "Ching-yi, Wu" / "Wu, C. Y.": given name and surname swapped
        sorted(w[0] for w in x) == sorted(w[0] for w in y)
        and any(len(w) >= 2 for w in set(x) & set(y))
        and (a.surnames[0] in y or b.surnames[0] in x)  # not "Hegel, Mark" / "Hsueh, Mark"
    ):
        return "same"
    return "differ"


def author_overlap(a: RecordKeys, b: RecordKeys) -> float | None:
    """Share of the shorter author list (first ten) found in the other."""
    if not a.surnames or not b.surnames:
        return None
    xs, ys = a.surnames, b.surnames
    if len(xs) > len(ys):
        xs, ys = ys, xs
    exact = set(xs) & set(ys)
    rest = [y for y in ys if y not in exact]
    found = sum(1 for x in xs if x in exact or any(_surnames_match(x, y) for y in rest))
    return found / len(xs)


def journal_match(a: RecordKeys, b: RecordKeys) -> str | None:
    if a.issns and b.issns and set(a.issns).intersection(b.issns):
        return "same"
    if not a.journals or not b.journals:
        return None
    for x in a.journals:
        for y in b.journals:
            if journal_names_match(x, y) or fuzz.ratio(" ".join(x), " ".join(y)) >= 90:
                return "same"
            if _acronym_of(x, y) or _acronym_of(y, x):
                return "same"
    return "differ"


def _acronym_of(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``Amcis 2017 Proceedings`` vs ``Americas Conference on Information Systems``."""
    core = [t for t in short if not t.isdigit() and t not in _VENUE_WORDS]
    return len(core) == 1 and is_acronym(core[0], tuple(t for t in full if not t.isdigit()))


def volume_match(a: RecordKeys, b: RecordKeys) -> str | None:
    if not a.volume or not b.volume:
        return None
    if a.volume == b.volume:
        return "same"
    if (
        a.volume in b.issue
        or b.volume in a.issue
        or str(a.year) == b.volume
        or str(b.year) == a.volume
    ):
        return None  # volume and issue/supplement number (or year) swapped by one exporter
    return "differ"


_OCR_ONE = re.compile(r"^[il](?=\d)")


def page_match(a: RecordKeys, b: RecordKeys) -> str | None:
    if not a.page or not b.page:
        return None
    if a.page == b.page or a.page.lstrip("abcdefghijklmnopqrstuvwxyz") == b.page.lstrip(
        "abcdefghijklmnopqrstuvwxyz"
    ):
        return "same"
    if "ocr_page" in RULES and _OCR_ONE.sub("1", a.page) == _OCR_ONE.sub("1", b.page):
        return "same"  # "i428" / "1428": a letter i or l read for the digit 1
    return "differ"


def names_article(notice: RecordKeys, article: RecordKeys) -> bool:
    """Whether a correction, comment or reply names ``article`` by its title."""
    about, title = notice.about, article.compact
    if len(about) < 20 or not title:
        return False
    if about == title:
        return True
    if len(about) >= 30 and (title.startswith(about) or about.startswith(title)):
        return True  # one of the two titles truncated
    return fuzz.ratio(about, title) / 100 >= TITLE_AGREE


def abstract_match(a: RecordKeys, b: RecordKeys) -> str | None:
    if len(a.abstract) < 100 or len(b.abstract) < 100:
        return None
    score = fuzz.ratio(a.abstract, b.abstract)
    if score >= 90:
        return "same"
    return "differ" if score < 50 else None


# --- the verdict ----------------------------------------------------------------------


def judge(a: RecordKeys, b: RecordKeys, shared_dois: frozenset[str] = frozenset()) -> Judgement:
    """Compare two records field by field and apply the rules in the module docstring."""
    if bool(a.notice) != bool(b.notice):
        return _judge_notice(a, b) if a.notice else _judge_notice(b, a)
    ident = identifier_match(a, b, shared_dois)
    title = title_similarity(a, b)
    if title is not None and title < TITLE_FLOOR:  # whatever the identifiers say
        why = ("titles differ", "same DOI/PMID") if ident == "same" else ("titles differ",)
        return Judgement("not_duplicate", round(title * 0.3, 3), why, True)
    year_gap = abs(a.year - b.year) if a.year is not None and b.year is not None else None
    first = first_author_match(a, b)
    volume, page = volume_match(a, b), page_match(a, b)
    vetoes = _vetoes(a, b, title, ident, year_gap, first, volume, page)
    if set(vetoes) - _SOFT_VETOES:  # no rule can lift these: skip the costlier fields
        return Judgement("not_duplicate", _score(title, ident, [], vetoes), tuple(vetoes), True)
    overlap = author_overlap(a, b) if min(len(a.surnames), len(b.surnames)) >= 2 else None
    fields = {
        "volume": volume,
        "start page": page,
        "journal": journal_match(a, b),
        "abstract": abstract_match(a, b),
    }
    support = (
        ["same title" if title >= TITLE_AGREE else f"similar title ({title:.2f})"]
        if (title is not None)
        else []
    )
    support += {"same": ["same DOI/PMID"], "shared": ["DOI shared by several works"]}.get(
        ident or "", []
    )
    support += ["same year"] if year_gap == 0 else []
    support += ["same first author"] if first == "same" else []
    support += [f"same {name}" for name, value in fields.items() if value == "same"]
    evidence = Evidence(
        title=title,
        ident=ident,
        year_gap=year_gap,
        first=first,
        overlap=overlap,
        journal=fields["journal"],
        volume=volume,
        page=page,
        abstract=fields["abstract"],
        kinds_differ=a.kind is not None and b.kind is not None and a.kind != b.kind,
        generic=a.generic or b.generic,
        same_range=page == "same"
        and a.end_page is not None
        and a.end_page == b.end_page
        and a.end_page != a.page,
        same_issue=bool(a.issue) and a.issue == b.issue,
        authors=min(len(a.surnames), len(b.surnames)),
        abstract_pages=bool(a.page and b.page and a.page[0].isalpha() and b.page[0].isalpha()),
    )
    verdict = decide(evidence, vetoes)
    score = _score(title, ident, support, vetoes)
    if verdict == "not_duplicate":
        return Judgement(verdict, score, tuple(vetoes) or ("too little in common",), True)
    return Judgement(verdict, score, tuple(support + vetoes + evidence.doubts()), bool(vetoes))


def _judge_notice(notice: RecordKeys, article: RecordKeys) -> Judgement:
    """A correction, comment, reply or reprint and a record that is not one.

    A reprint whose title names the article and whose first author is the
    article's joins the article's group. A correction, comment or reply that
    names the article goes to the review queue: labelled sets disagree on
    whether it is part of the article's work (bib-dedupe's stroke set keeps a
    corrigendum apart from its article), so a reviewer decides, and a merge
    keeps each record's provenance. Anything else is a different work.
    """
    kind = {"reprint": "a reprint"}.get(notice.notice, f"a {notice.notice} notice")
    if not names_article(notice, article) or title_numbers_differ(notice, article):
        return Judgement("not_duplicate", 0.1, ("one is a correction, comment or reply",), True)
    reasons = (f"{kind} naming this article",)
    too_early = (
        notice.year is not None
        and article.year is not None
        and (notice.year < article.year or notice.year - article.year > 5)
    )
    journal = journal_match(notice, article)
    first = first_author_match(notice, article)
    if too_early:
        return Judgement("not_duplicate", 0.2, (*reasons, "published before it"), True)
    if notice.notice == "reprint" and first == "same" and "reprint" in RULES:
        return Judgement("duplicate", 0.8, (*reasons, "same first author"))
    if notice.notice != "reprint" and journal == "same":
        return Judgement("needs_review", 0.8, (*reasons, "same journal"))
    return Judgement("needs_review", 0.5, reasons)


def _vetoes(
    a: RecordKeys,
    b: RecordKeys,
    title: float | None,
    ident: str | None,
    year_gap: int | None,
    first: str | None,
    volume: str | None,
    page: str | None,
) -> list[str]:
    vetoes = []
    if ident == "differ":
        vetoes.append("different DOIs/PMIDs")
    if year_gap is not None and year_gap > 1:
        vetoes.append(_YEARS_APART if ident == "same" else f"years {a.year} and {b.year}")
    if first == "differ":
        vetoes.append("different first author")
    if volume == "differ":
        vetoes.append("different volume")
    if page == "differ":
        vetoes.append("different start page")
    if title is not None and title < TITLE_CLOSE and ident != "same":
        vetoes.append("titles differ")
    elif title is not None and title_numbers_differ(a, b):
        vetoes.append("numbers in the titles differ")
    return vetoes


@dataclass(frozen=True, slots=True)
class Evidence:
    """The field comparisons of one pair that the rules look at."""

    title: float | None
    ident: str | None
    year_gap: int | None
    first: str | None
    overlap: float | None  # only when both records list two or more authors
    journal: str | None
    volume: str | None
    page: str | None
    abstract: str | None
    kinds_differ: bool
    generic: bool
    same_range: bool = False  # the same page range of two pages or more
    same_issue: bool = False
    authors: int = 0  # authors on the shorter list
    abstract_pages: bool = False  # both start pages lettered ("e3", "S42"): meeting abstracts

    @property
    def agree(self) -> bool:
        return self.title is not None and self.title >= TITLE_AGREE

    @property
    def authors_differ(self) -> bool:
        return self.overlap is not None and self.overlap < 0.5

    @property
    def placed(self) -> bool:
        """Same start page, or same volume in a journal that does not conflict."""
        return self.page == "same" or (self.volume == "same" and self.journal != "differ")

    def doubts(self) -> list[str]:
        """What keeps a pair in review (or needs more corroboration), in words."""
        out = []
        if self.year_gap == 1:
            out.append("years one apart")
        if self.journal == "differ":
            out.append("different journals")
        if self.abstract == "differ":
            out.append("abstracts differ")
        if self.authors_differ:
            out.append("author lists differ")
        if self.kinds_differ:
            out.append("record types differ")
        return out


def decide(e: Evidence, vetoes: list[str]) -> Verdict:
    """Rules 1-4 of the module docstring."""
    if vetoes:
        return _vetoed(e, set(vetoes))
    doubtful = e.abstract == "differ" or e.kinds_differ or e.authors_differ
    if e.ident == "same":
        if e.agree and (not doubtful or e.placed):
            return "duplicate"
        if (
            e.agree
            and not e.generic
            and e.first == "same"
            and e.year_gap == 0
            and (e.journal == "same" and "doi_despite_doubts" in RULES)
        ):
            return "duplicate"  # one DOI, title, first author, year and journal: abstracts or
            # author lists that differ are an exporter's (a truncated abstract, split surnames)
        if e.title is None and e.first == "same" and e.year_gap == 0 and e.placed:
            return "duplicate"
        return "needs_review"
    if e.title is None:
        return (
            "needs_review"
            if e.first == "same" and e.year_gap == 0 and e.placed
            else "not_duplicate"
        )
    if (
        "same_page_range" in RULES
        and e.agree
        and not e.generic
        and e.first == "same"
        and e.year_gap == 0
        and e.same_range
        and e.volume != "differ"
        and not e.authors_differ
        and e.abstract != "differ"
    ):
        return "duplicate"  # a chapter exported as an article, a series named as the journal
    every_field = e.journal == e.volume == e.page == "same" and e.year_gap == 0 and not doubtful
    if e.generic:
        if e.agree and every_field and e.first != "differ":
            return "duplicate"
        agreeable = e.agree and e.first == "same" and e.journal == "same"
        return "needs_review" if agreeable else "not_duplicate"
    if not e.agree:
        return "duplicate" if every_field and e.first == "same" else "needs_review"
    if doubtful and not (e.placed and e.journal == "same"):
        return "needs_review"
    if e.journal == "differ" and not e.volume == e.page == "same":
        return "needs_review"  # a guideline co-published in several journals looks like this
    venue = e.journal == "same" or e.placed or e.ident == "shared"
    if e.first == "same" and e.year_gap == 0 and venue:
        return "duplicate"
    if e.first == "same" and e.year_gap == 0 and e.overlap is not None and e.overlap >= 0.8:
        return "duplicate"  # books and reports have no venue: the whole author list must agree
    if e.first == "same" and e.year_gap == 1 and (e.page == "same" or e.volume == "same"):
        return "duplicate"  # online-first and print years
    if e.first == "same" and e.year_gap is None and e.placed and e.journal == "same":
        return "duplicate"
    if e.first is None and e.year_gap == 0 and e.placed:
        return "duplicate"
    return "needs_review"


def _vetoed(e: Evidence, vetoes: set[str]) -> Verdict:
    if e.ident == "same" and e.agree and not e.generic and vetoes <= _SOFT_FOR_IDENTIFIERS:
        confirmed = e.page == "same" or e.volume == "same"
        if vetoes == {"different first author"} and confirmed and e.year_gap == 0:
            return "duplicate"  # names exported surname-last or garbled
        if (
            vetoes == {_YEARS_APART}
            and e.first == "same"
            and e.journal == "same"
            and (e.year_gap is not None and e.year_gap <= 3 and "doi_years_apart" in RULES)
        ):
            return "duplicate"  # online first, in print two or three years later
        return "needs_review"
    if (
        "mistyped_doi" in RULES
        and vetoes == {"different DOIs/PMIDs"}
        and e.agree
        and not e.generic
        and e.first == "same"
        and e.year_gap == 0
        and e.journal == "same"
        and e.page == "same"
        and e.volume != "differ"
        and not e.authors_differ
        and e.abstract != "differ"
        and not e.kinds_differ
    ):
        return "duplicate"  # every field agrees, to the page in the journal: a DOI mistyped
    if (
        "abstract_listed_twice" in RULES
        and vetoes == {"different start page"}
        and e.agree
        and not e.generic
        and e.first == "same"
        and e.year_gap == 0
        and e.journal == "same"
        and e.volume == "same"
        and e.same_issue
        and e.abstract_pages
        and e.overlap is not None
        and e.overlap >= 0.8
        and e.authors >= 3
        and e.abstract != "differ"
    ):
        return "duplicate"  # one meeting abstract listed twice in an issue (pages e3, e8)
    if vetoes == {"different first author"} and e.agree and (e.overlap or 0) >= 0.6:
        return "needs_review"  # same team, names in another order
    if (
        "different DOIs/PMIDs" in vetoes
        and vetoes <= _SOFT_VETOES - {"different first author"}
        and e.agree
        and e.first == "same"
        and e.year_gap == 0
        and (e.overlap is None or e.overlap >= 0.8)
    ):
        return "needs_review"  # one work with two DOIs (chapter and article)? co-published?
    return "not_duplicate"


def _score(title: float | None, ident: str | None, support: list[str], vetoes: list[str]) -> float:
    base = title if title is not None else 0.5
    bonus = 0.08 * len(support) + (0.2 if ident == "same" else 0.0)
    score = min(1.0, base * (0.55 + bonus))
    if vetoes:
        score = min(score, 0.3) * (1 - 0.1 * min(len(vetoes), 3))
    return round(score, 3)
