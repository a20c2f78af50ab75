from __future__ import annotations

import litreview


def test_all_is_sorted_and_resolves() -> None:
    assert litreview.__all__ == sorted(litreview.__all__)
    for name in litreview.__all__:
        assert getattr(litreview, name) is not None
    public_classes = {n for n in vars(litreview) if n[:1].isupper()}
    assert public_classes <= set(litreview.__all__)
