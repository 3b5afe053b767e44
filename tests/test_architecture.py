"""The shape of the house: stage folders, a self-contained inside folder, no import cycles, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "grader"
STAGES = ("intake", "execution", "inside", "grading", "feedback", "classroom", "cli")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts}


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """Every grader module `path` imports anywhere: top level, inside functions, under TYPE_CHECKING."""
    here = next(name for name, known_path in known.items() if known_path == path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != here)
    return found


def test_every_stage_is_a_folder_of_the_package():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
        assert (PACKAGE / stage / "__init__.py").read_text().startswith('"""'), f"{stage} says what it is"


def test_the_inside_folder_imports_nothing_else_of_the_grader():
    known = modules()
    for path in (PACKAGE / "inside").glob("*.py"):
        outside = {m for m in imported(path, known) if not m.startswith("grader.inside")}
        assert not outside, f"{path.name} imports {sorted(outside)}: the inside folder must stand alone"
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("grader"):
                raise AssertionError(f"{path.name}: use relative imports inside the boundary ({node.module})")


def test_there_are_no_import_cycles():
    known = modules()
    graph = {name: imported(path, known) for name, path in known.items()}
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


def test_the_import_graph_sees_type_only_and_local_imports(tmp_path):
    # the checker itself must not be blind: imports under TYPE_CHECKING and inside functions count
    folder = tmp_path / "grader"
    folder.mkdir()
    (folder / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from grader.b import X\n")
    (folder / "b.py").write_text("def f():\n    from grader import a\n")
    known = {"grader.a": folder / "a.py", "grader.b": folder / "b.py"}
    assert imported(folder / "a.py", known) == {"grader.b"}
    assert imported(folder / "b.py", known) == {"grader.a"}
