"""Suggestion quality on the demo review's coded studies (issue 6's closing figure).

Builds the demo review, codes it as the worked example with the thesis's table wording
from ../shared/data/thesis (``code_demo``), takes the
studies coded on the dimension (the appendix table's 60 studies for
``safeguarding_context``) and scores leave-one-out top-1 accuracy: for each study,
suggest from everything except its own codes and count a hit when the first
suggestion is one of its values. Keyword rules use the protocol's keywords; the
classifier is trained on the other studies. A study with no keyword hit gets no
keyword suggestion and counts as a miss (coverage is printed).

Two feature sets: what the records and notes hold (title, abstract, keywords,
notes; the demo has no abstracts), and that plus the study's free-text codes
(nature of study, how success is conceptualised), as ``suggest_codes`` uses.

    .venv/bin/python bench/coding_suggest_bench.py [--dimension safeguarding_context] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from litreview.coding.codes import current_codes
from litreview.coding.suggest import (
    compose_text,
    suggest_by_classifier,
    suggest_by_keywords,
    train_classifier,
)
from litreview.demo.build import build_demo
from litreview.demo.coding import code_demo
from litreview.fulltext.reports import current_notes, list_included_studies
from litreview.storage.views import work_fields

REPO = Path(__file__).resolve().parent.parent


def leave_one_out(dimension, texts: list[str], labels: list[tuple[str, ...]]) -> dict[str, float]:
    n = len(texts)
    keyword_hits = keyword_covered = model_hits = 0
    for i in range(n):
        truth = set(labels[i])
        keyword = suggest_by_keywords(dimension, texts[i])
        keyword_covered += bool(keyword)
        keyword_hits += bool(keyword) and keyword[0].value in truth
        rest_texts = texts[:i] + texts[i + 1 :]
        rest_labels = labels[:i] + labels[i + 1 :]
        model = train_classifier(rest_texts, rest_labels)
        if model is not None:
            model_hits += suggest_by_classifier(model, dimension, texts[i])[0].value in truth
    return {
        "studies": n,
        "keywords_top1": keyword_hits / n,
        "keywords_coverage": keyword_covered / n,
        "classifier_top1": model_hits / n,
        # always suggesting the most frequent value (not left-one-out: under LOO it
        # scores 0 here, as two values tie for the most frequent)
        "most_frequent_value": _most_frequent_share(labels),
    }


def _most_frequent_share(labels: list[tuple[str, ...]]) -> float:
    top = Counter(v for ls in labels for v in ls).most_common(1)[0][0]
    return sum(top in ls for ls in labels) / len(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dimension", default="safeguarding_context")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    thesis = Path(os.environ.get("LITREVIEW_SHARED_DATA", REPO.parent / "shared" / "data"))
    thesis /= "thesis"
    if not (thesis / "table14.csv").exists():
        raise SystemExit(f"needs the thesis data (its tables' wording) at {thesis}")
    with tempfile.TemporaryDirectory() as tmp:
        review = build_demo(Path(tmp), thesis)
        code_demo(review, thesis)
        dimension = review.protocol.dimension(args.dimension)
        codes = current_codes(review)
        notes = current_notes(review)
        rows = []
        for study in list_included_studies(review):
            code = codes.get(study.study_id, {}).get(dimension.name)
            if code is None:
                continue
            fields = [work_fields(review.db, r) for r in study.report_ids]
            text_codes = {d: c for d, c in codes[study.study_id].items() if c.text}
            rows.append(
                (
                    compose_text(fields, notes.get(study.study_id, {})),
                    compose_text(fields, notes.get(study.study_id, {}), text_codes),
                    code.values,
                )
            )
        review.close()
    labels = [r[2] for r in rows]
    result = {
        "dimension": dimension.name,
        "records_and_notes": leave_one_out(dimension, [r[0] for r in rows], labels),
        "with_text_codes": leave_one_out(dimension, [r[1] for r in rows], labels),
        "seconds": round(time.perf_counter() - started, 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{dimension.name}: leave-one-out top-1 accuracy on "
        f"{result['records_and_notes']['studies']} coded studies"
    )
    for key in ("records_and_notes", "with_text_codes"):
        r = result[key]
        print(
            f"  {key:18} keywords {r['keywords_top1']:.3f} "
            f"(suggests for {r['keywords_coverage']:.0%})  classifier {r['classifier_top1']:.3f}"
            f"  most frequent value {r['most_frequent_value']:.3f}"
        )
    print(f"  {result['seconds']} s")


if __name__ == "__main__":
    main()
