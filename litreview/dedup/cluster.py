"""Groups from confident pairs, never mixing two works.

Union-find over the ``duplicate`` pairs, strongest first. Two groups join only
when every cross pair of members is compatible (no pair the rules call
``not_duplicate``, no manual ``different``). A link that would join
incompatible groups is not made; it goes to the review queue instead. Manual
``same`` links are made first and unconditionally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from litreview.errors import InvalidValue

Compatible = Callable[[int, int], bool]


class Groups:
    """Union-find over indices ``0..n-1`` that keeps each group's members."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))
        self._members: dict[int, list[int]] = {i: [i] for i in range(size)}

    def find(self, item: int) -> int:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def members(self, item: int) -> list[int]:
        return self._members[self.find(item)]

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))

    def roots(self) -> dict[int, int]:
        """Index -> smallest index of its group."""
        smallest = {root: min(items) for root, items in self._members.items()}
        return {i: smallest[self.find(i)] for i in range(len(self._parent))}


def build_groups(
    size: int,
    links: Iterable[tuple[int, int]],
    compatible: Compatible,
    *,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
    describe: Callable[[int], str] = str,
) -> tuple[Groups, list[tuple[int, int]]]:
    """Join ``links`` (strongest first) into groups; return the groups and the links refused.

    ``compatible(i, j)`` says whether records ``i`` and ``j`` may share a group.
    Raises ``InvalidValue`` when manual ``same`` links join a ``different`` pair.
    """
    groups = Groups(size)
    apart = {(min(i, j), max(i, j)) for i, j in different if i != j}
    together = {(min(i, j), max(i, j)) for i, j in same if i != j}
    for i, j in sorted(together):
        groups.union(i, j)
    for i, j in sorted(apart):
        if groups.find(i) == groups.find(j):
            raise InvalidValue(
                f"manual decisions contradict each other: records {describe(i)} and "
                f"{describe(j)} are marked not-duplicate but merges join them",
                hint="undo one of the merges or the not-duplicate decision",
            )

    def may_join(x: int, y: int) -> bool:
        pair = (min(x, y), max(x, y))
        if pair in apart:
            return False
        return pair in together or compatible(x, y)

    refused: list[tuple[int, int]] = []
    for i, j in links:
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj:
            continue
        left, right = groups.members(ri), groups.members(rj)
        if all(may_join(x, y) for x in left for y in right):
            groups.union(ri, rj)
        else:
            refused.append((i, j))
    return groups, refused
