"""Every labelled set, shared and self-labelled: no mixed group, and recall at least
bib-dedupe 0.11.0's on the same records (measured with bench/bibdedupe_compare.py;
bib-dedupe itself is never installed for the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dedup_helpers import FIXTURES, shared_dedup_dir

from litreview.dedup import find_duplicates
from litreview.dedup.evaluate import load_labelled_csv, score_groups
from litreview.dedup.ris_sets import load_ris_set, read_labels
from litreview.errors import ImportFormatError

RIS_SETS = FIXTURES / "ris_sets"
EXPORTS = shared_dedup_dir().parent / "ris"

# bib-dedupe 0.11.0's pair recall per set (bench/bibdedupe_compare.py, 2026-12-04)
BIBDEDUPE_RECALL = {
    "diabetes_asysd": 1.000,
    "stroke": 0.996,
    "special_cases": 0.333,
    "asreview_baseline": 0.964,
    "citesource": 0.828,
    "gambling": 0.600,
    "wos_tiab": 0.958,
}


def _score(name: str) -> dict[str, float]:
    if name in ("diabetes_asysd", "stroke", "special_cases"):
        path = shared_dedup_dir() / f"{name}.csv"
        if not path.exists():
            pytest.skip("shared dedup data not available")
        data = load_labelled_csv(path)
        records, truth = data.records, data.truth
    else:
        if not EXPORTS.is_dir():
            pytest.skip("shared RIS exports not available")
        ris = load_ris_set(RIS_SETS / f"{name}.csv", EXPORTS)
        records, truth = ris.records, ris.truth
    return score_groups(find_duplicates(records).groups, truth)


@pytest.mark.parametrize("name", sorted(BIBDEDUPE_RECALL))
def test_no_mixed_group_and_recall_at_least_bibdedupes(name: str) -> None:
    scores = _score(name)
    assert scores["mixed_clusters"] == 0
    assert scores["lost_works"] == 0
    assert scores["pair_recall"] >= BIBDEDUPE_RECALL[name] - 0.0005  # rounded to 3 places


def test_self_labelled_sets_name_only_files_positions_and_verdicts() -> None:
    """Licences of the exports vary: the label files hold ids and verdicts, no record text."""
    paths = sorted(RIS_SETS.glob("*.csv"))
    assert len(paths) >= 4
    for path in paths:
        rows = read_labels(path)
        assert rows and all(p >= 1 and name.endswith(".ris") for name, p, _ in rows)
        assert all(group.startswith("w") and group[1:].isdigit() for _, _, group in rows)


def test_label_file_with_wrong_columns_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("file,record,group\nx.ris,1,w1\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        read_labels(bad)
    assert "bad.csv" in str(info.value) and info.value.hint


def test_label_file_with_a_bad_position_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("file,position,group\nx.ris,1,w1\nx.ris,first,w2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        read_labels(bad)
    assert "3" in str(info.value)


def test_unlabelled_records_of_a_named_export_are_an_error(tmp_path: Path) -> None:
    if not EXPORTS.is_dir():
        pytest.skip("shared RIS exports not available")
    partial = tmp_path / "partial.csv"
    partial.write_text("file,position,group\nscopus__asysd-scopus.ris,1,w1\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="no label"):
        load_ris_set(partial, EXPORTS)
