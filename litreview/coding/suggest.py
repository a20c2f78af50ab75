"""Suggested codes for a study's choice dimensions, each with a confidence.

Two sources: the protocol's per-value ``keywords`` (always), and once enough
studies are coded (``MIN_CODED`` studies with ``MIN_PER_VALUE`` per value), a
classifier trained on the coded studies' text. The text of a study is the title,
abstract and keywords of its reports, its full-text notes and its free-text codes.
Suggestions are only shown: nothing is coded until the reviewer says so.

scikit-learn is imported only when a classifier is trained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litreview.coding.codes import CodeValue, current_codes
from litreview.fulltext.reports import current_notes, get_included_study, list_included_studies
from litreview.models import RecordFields
from litreview.protocol import Dimension, compile_terms
from litreview.storage.review import Review
from litreview.storage.views import work_fields

MIN_CODED = 10  # coded studies needed before the classifier is trained
MIN_PER_VALUE = 2  # a value needs this many coded studies to be learnt


@dataclass(frozen=True)
class Suggestion:
    dimension: str
    value: str  # the value's name
    label: str
    confidence: float  # 0..1: keyword share of hits, or the classifier's probability
    source: str  # "keywords" | "classifier"
    evidence: tuple[str, ...] = ()  # the keywords found (keyword suggestions)


def compose_text(
    fields: Sequence[RecordFields],
    notes: Mapping[str, str] | None = None,
    codes: Mapping[str, CodeValue] | None = None,
) -> str:
    """The text suggestions read: reports' title, abstract and keywords, the notes and
    the free-text codes."""
    parts: list[str] = []
    for f in fields:
        parts += [f.title or "", f.abstract or "", "; ".join(f.keywords)]
    parts += list((notes or {}).values())
    parts += [c.text for c in (codes or {}).values() if c.text]
    return "\n".join(p for p in parts if p)


def suggest_by_keywords(dimension: Dimension, text: str) -> list[Suggestion]:
    """Values whose keywords occur in ``text``, by their share of all keyword hits
    (damped when there are few hits: confidence = hits / (all hits + 1))."""
    found: dict[str, list[str]] = {}
    for value in dimension.values:
        pattern = compile_terms(value.keywords)
        if pattern is not None:
            hits = [m.group().lower() for m in pattern.finditer(text)]
            if hits:
                found[value.name] = hits
    total = sum(len(h) for h in found.values())
    suggestions = [
        Suggestion(
            dimension.name,
            v.name,
            v.label,
            len(found[v.name]) / (total + 1),
            "keywords",
            tuple(dict.fromkeys(found[v.name])),
        )
        for v in dimension.values
        if v.name in found
    ]
    return sorted(suggestions, key=lambda s: -s.confidence)


def list_learnable_values(labels: Sequence[Sequence[str]]) -> list[str]:
    """Values coded on at least ``MIN_PER_VALUE`` of the studies, if there are at least
    ``MIN_CODED`` coded studies and two such values; else none."""
    if len(labels) < MIN_CODED:
        return []
    counts: dict[str, int] = {}
    for values in labels:
        for value in set(values):
            counts[value] = counts.get(value, 0) + 1
    kept = sorted(v for v, n in counts.items() if n >= MIN_PER_VALUE)
    return kept if len(kept) >= 2 else []


def make_classifier(*, random_state: int = 0) -> Any:
    """TF-IDF words and word pairs -> balanced logistic regression."""
    from sklearn.feature_extraction.text import (  # heavy: sklearn, loaded only to suggest codes
        TfidfVectorizer,
    )
    from sklearn.linear_model import (  # heavy: sklearn, loaded only to suggest codes
        LogisticRegression,
    )
    from sklearn.pipeline import Pipeline  # heavy: sklearn, loaded only to suggest codes

    return Pipeline(
        [
            (
                "features",
                TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), strip_accents="unicode"),
            ),
            (
                "clf",
                LogisticRegression(
                    C=10.0, class_weight="balanced", max_iter=2000, random_state=random_state
                ),
            ),
        ]
    )


def train_classifier(
    texts: Sequence[str], labels: Sequence[Sequence[str]], *, random_state: int = 0
) -> Any | None:
    """A classifier over the learnable values, or None when there is too little to learn.

    A study with several values (multi dimensions) is one training row per value,
    so the predicted probabilities rank the values against each other."""
    kept = set(list_learnable_values(labels))
    if not kept:
        return None
    rows = [
        (t, v)
        for t, values in zip(texts, labels, strict=True)
        for v in dict.fromkeys(values)
        if v in kept
    ]
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # with sklearn

    model = make_classifier(random_state=random_state)
    # tiny problems: BLAS threads only add overhead (50x slower on a busy machine)
    with threadpool_limits(limits=1):
        model.fit([t for t, _ in rows], [v for _, v in rows])
    return model


def suggest_by_classifier(model: Any, dimension: Dimension, text: str) -> list[Suggestion]:
    from threadpoolctl import threadpool_limits  # comes with sklearn: loaded only while fitting

    with threadpool_limits(limits=1):
        probabilities = model.predict_proba([text])[0]
    labels = {v.name: v.label for v in dimension.values}
    ranked = sorted(zip(model.classes_, probabilities, strict=True), key=lambda p: -p[1])
    return [
        Suggestion(dimension.name, str(v), labels.get(str(v), str(v)), float(p), "classifier")
        for v, p in ranked
    ]


def collect_texts(review: Review) -> dict[int, str]:
    """study id -> the text suggestions read, for every included study."""
    notes = current_notes(review)
    codes = current_codes(review)
    return {
        s.study_id: compose_text(
            [work_fields(review.db, r) for r in s.report_ids],
            notes.get(s.study_id, {}),
            {d: c for d, c in codes.get(s.study_id, {}).items() if c.text},
        )
        for s in list_included_studies(review)
    }


def suggest_codes(
    review: Review, record_id: int, *, top: int = 3, random_state: int = 0
) -> list[Suggestion]:
    """Keyword and classifier suggestions for every choice dimension of the study
    holding ``record_id`` (at most ``top`` per dimension and source)."""
    study = get_included_study(review, record_id).study_id
    texts = collect_texts(review)
    codes = current_codes(review)
    found: list[Suggestion] = []
    for dim in review.protocol.codebook:
        if not dim.is_choice:
            continue
        found += suggest_by_keywords(dim, texts[study])[:top]
        coded = [
            (texts[s], c[dim.name].values)
            for s, c in codes.items()
            if s != study and dim.name in c and s in texts
        ]
        model = train_classifier(
            [t for t, _ in coded], [v for _, v in coded], random_state=random_state
        )
        if model is not None:
            found += suggest_by_classifier(model, dim, texts[study])[:top]
    return found
