"""The representative of a duplicate group: the best of each field across its members.

Longest clean abstract, a DOI if any member has one, the fullest page range, the
most complete author list, the untruncated title, the full journal name. Ties
are broken by value, so the result does not depend on the order of members
(except the order inside merged lists such as keywords and URLs).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from litreview.dedup.keys import normalize_dois, volume_key
from litreview.dedup.records import expand_end_page
from litreview.dedup.text import clean_title, words_of
from litreview.models import RecordFields

T = TypeVar("T")
_TAG = re.compile(r"<[^>]{1,40}>")
_NO_ABSTRACT = re.compile(
    r"^\W*(no abstract|abstract not available|not available|n/?a|none)\b", re.IGNORECASE
)


def merge_fields(members: Sequence[RecordFields]) -> RecordFields:
    """Best-of fields of a duplicate group (the members themselves are not changed)."""
    if not members:
        raise ValueError("a duplicate group has at least one member")
    start, end = _best_pages(members)
    return RecordFields(
        type=_most_common(m.type for m in members),
        title=_best(
            (m.title for m in members),
            lambda t: (
                not t.isupper(),
                len(words_of(clean_title(t))),
                not _TAG.search(t) and not t.startswith("["),
                -len(t),
            ),
        ),
        authors=_best_list(m.authors for m in members),
        editors=_best_list(m.editors for m in members),
        year=_most_common(m.year for m in members),
        date=_best((m.date for m in members), len),
        journal=_best((m.journal for m in members), _journal_fullness),
        journal_abbrev=_best((m.journal_abbrev for m in members), lambda j: -len(j)),
        volume=_most_common(m.volume for m in members if volume_key(m.volume)),
        issue=_most_common(m.issue for m in members),
        start_page=start,
        end_page=end,
        doi=_most_common(d for m in members for d in normalize_dois(m.doi)[:1]),
        abstract=_best((_clean_abstract(m.abstract) for m in members), len),
        keywords=_union(m.keywords for m in members),
        language=_most_common(m.language for m in members),
        database="; ".join(sorted({m.database for m in members if m.database})) or None,
        accession=_most_common(m.accession for m in members),
        urls=_union(m.urls for m in members),
        issn=_union(m.issn for m in members),
        isbn=_union(m.isbn for m in members),
        publisher=_most_common(m.publisher for m in members),
        place=_most_common(m.place for m in members),
        pmid=_most_common(m.pmid for m in members),
        notes=_union(m.notes for m in members),
    )


def _best(values: Iterable[str | None], quality: Callable[[str], object]) -> str | None:
    """The value of highest quality, then the most common, then the smallest."""
    found = [v for v in values if v]
    if not found:
        return None
    counts = Counter(found)
    return max(sorted(counts), key=lambda v: (quality(v), counts[v]))


def _most_common(values: Iterable[T | None]) -> T | None:
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)  # type: ignore[type-var]


def _best_list(lists: Iterable[list[str]]) -> list[str]:
    """The longest list, then the one with the fullest names."""
    found = [list(x) for x in lists if x]
    if not found:
        return []
    return max(sorted(found), key=lambda names: (len(names), sum(len(n) for n in names)))


def _union(lists: Iterable[list[str]]) -> list[str]:
    seen: dict[str, str] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _journal_fullness(name: str) -> tuple[int, int]:
    """A full name beats an abbreviation; a "X. Conference: ..." appendix does not count."""
    main = re.split(r"\.\s+[Cc]onference:", name, maxsplit=1)[0]
    return (int(main == name), len(main))


def _clean_abstract(abstract: str | None) -> str | None:
    if not abstract:
        return None
    text = " ".join(_TAG.sub("", abstract).split())
    if len(text) < 20 or _NO_ABSTRACT.match(text):
        return None
    return text


def _best_pages(members: Sequence[RecordFields]) -> tuple[str | None, str | None]:
    """A full range with end >= start first, then a start page alone."""
    ranges = []
    for m in members:
        if not m.start_page:
            continue
        end = expand_end_page(m.start_page, m.end_page)
        ordered = bool(
            end
            and (not (m.start_page.isdigit() and end.isdigit()) or int(end) >= int(m.start_page))
        )
        ranges.append((ordered, len(end or ""), m.start_page, end))
    if not ranges:
        return None, None
    _, _, start, end = max(sorted(ranges, key=lambda r: (r[2], r[3] or "")), key=lambda r: r[:2])
    return start, end
