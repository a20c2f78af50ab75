"""The import graph stays honest: no circles between modules, and an import inside a
function says why it is there (start-up time, a heavy library only one function needs).

The layers themselves are import-linter's job (pyproject.toml, tests/test_lint.py)."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator, Mapping, Set
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "litreview"

# Files whose function-local imports have not been audited yet (issue 16: their owners
# move them to the top or give the reason). Remove a file once it is clean.


# --- circles ---------------------------------------------------------------------------------


def strongly_connected(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one member (iterative, so a
    long chain of imports cannot hit the recursion limit), each sorted, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def import_circles(package: str) -> list[list[str]]:
    """The package's import circles as grimp sees them: every import statement counts,
    including those inside functions and ``if TYPE_CHECKING:`` blocks."""
    graph = grimp.build_graph(package, cache_dir=None)
    return strongly_connected(
        {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    )


def test_no_import_circles() -> None:
    circles = import_circles("litreview")
    assert circles == [], "import circles (break them by moving code, not the import):\n" + (
        "\n".join(" <-> ".join(c) for c in circles)
    )


def test_strongly_connected_finds_every_circle_and_only_those() -> None:
    graph = {
        "a": {"b"},
        "b": {"c", "x"},
        "c": {"a"},  # a -> b -> c -> a
        "d": {"e"},
        "e": {"d", "outside"},  # d <-> e; "outside" is not in the package
        "f": {"a"},  # imports into a circle without being part of it
        "x": set(),
    }
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []
    chain = {f"m{i}": {f"m{i + 1}"} for i in range(5000)} | {"m5000": {"m0"}}
    assert len(strongly_connected(chain)[0]) == 5001


def test_a_circle_hidden_in_a_function_or_type_checking_block_is_found(tmp_path: Path) -> None:
    """The guard can fail: a package whose circle is hidden the two usual ways."""
    pkg = tmp_path / "circled"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "app.py").write_text("from circled.screen import Screen\n")
    (pkg / "screen.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from circled.app import App\n"
        "class Screen: ...\n"
    )
    (pkg / "rules.py").write_text("def f():\n    from circled import stopping\n")
    (pkg / "stopping.py").write_text("from circled.rules import f\n")
    sys.path.insert(0, str(tmp_path))
    try:
        circles = import_circles("circled")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "circled" or m.startswith("circled.")]:
            del sys.modules[name]
    assert circles == [["circled.app", "circled.screen"], ["circled.rules", "circled.stopping"]]


# --- function-local imports -----------------------------------------------------------------

_NOT_A_REASON = re.compile(r"type:\s*ignore(\[[^\]]*\])?|noqa(:\s*[\w, ]+)?|fmt:\s*\w+")


def _reasons(source: str) -> dict[int, str]:
    """The comment text on each line, without type-ignores, noqa and fmt pragmas."""
    out: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = _NOT_A_REASON.sub("", token.string.lstrip("#"))
            text = text.replace("#", " ").strip()
            if text:
                out[token.start[0]] = text
    return out


def unexplained_local_imports(source: str) -> list[tuple[int, str]]:
    """(line, statement) of each import inside a function or class body whose first or last
    line carries no comment giving a reason."""
    tree = ast.parse(source)
    reasons = _reasons(source)
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def walk(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and nested:
                end = child.end_lineno or child.lineno
                if child.lineno not in reasons and end not in reasons:
                    found.append((child.lineno, lines[child.lineno - 1].strip()))
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            walk(child, nested or inner)

    walk(tree, False)
    return found


def test_every_function_local_import_gives_its_reason() -> None:
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        unexplained += [
            f"litreview/{name}:{line}: {text}"
            for line, text in unexplained_local_imports(path.read_text(encoding="utf-8"))
        ]
    assert unexplained == [], (
        "imports inside functions without a reason: move them to the top of the module, or "
        "say on the import why it must wait (e.g. '# lazy: start-up' in a command module, "
        "'# heavy: scipy, ...'):\n" + "\n".join(unexplained)
    )


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("import os\n", []),
        ("def f():\n    import os\n", [2]),
        ("def f():\n    import os  # type: ignore[import-untyped]\n", [2]),
        ("def f():\n    import os  # noqa: F401\n", [2]),
        ("def f():\n    import os  # heavy: only here\n", []),
        ("def f():\n    import os  # type: ignore[x]  # heavy: only here\n", []),
        ("def f():\n    from os import (  # lazy: start-up\n        path,\n    )\n", []),
        ("def f():\n    from os import (\n        path,\n    )  # lazy: start-up\n", []),
        ("def f():\n    from os import (\n        path,  # a name\n    )\n", [2]),
        ("class C:\n    def m(self):\n        import os\n", [3]),
        ("def f():\n    s = '# not a comment'\n    import os\n", [3]),
        ("if True:\n    import os\n", []),
    ],
)
def test_unexplained_local_imports(source: str, lines: list[int]) -> None:
    assert [line for line, _ in unexplained_local_imports(source)] == lines
