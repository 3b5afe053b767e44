"""The live notebook's own text, and what it says about how the session was run.

The quiz answers are markdown cells of the notebook the student is looking at, which the kernel
cannot see by itself. `find_notebook` asks, in order: a path given with `--notebook`; Colab's
frontend (the `get_ipynb` request Otter-Grader also uses); Jupyter Server's `JPY_SESSION_NAME`;
VS Code's `__vsc_ipynb_file__`. `session_warnings` compares the notebook with the kernel's input
history: cells run out of order, edited after they ran, or variables left by deleted cells.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Sequence

from grader.message import Phrase, msg

Origin = Literal["path", "colab", "jupyter", "vscode"]
COLAB_TIMEOUT_S = 30


@dataclass(frozen=True)
class Cell:
    index: int  # position in the notebook, 0-based
    kind: str  # "code" | "markdown" | "raw"
    source: str
    execution_count: int | None = None


@dataclass(frozen=True)
class LiveNotebook:
    origin: Origin
    name: str  # shown in the report
    cells: tuple[Cell, ...]

    @property
    def markdown(self) -> tuple[str, ...]:
        return tuple(c.source for c in self.cells if c.kind == "markdown")

    @property
    def code(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.kind == "code")


def find_notebook(path: str | os.PathLike | None, namespace: dict[str, Any]) -> LiveNotebook | None:
    """The notebook being checked, or None when no source knows it (say `--notebook PATH`)."""
    if path is not None:
        return read_notebook_file(Path(path), "path")
    colab = from_colab()
    if colab is not None:
        return colab
    session_name = os.environ.get("JPY_SESSION_NAME")
    if session_name:
        for candidate in (Path(session_name), Path.cwd() / Path(session_name).name):
            if candidate.suffix == ".ipynb" and candidate.is_file():
                return read_notebook_file(candidate, "jupyter")
    vscode = namespace.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and Path(vscode).is_file():
        return read_notebook_file(Path(vscode), "vscode")
    return None


def read_notebook_file(path: Path, origin: Origin) -> LiveNotebook:
    """A notebook file as saved (a missing or unreadable file is the user's to fix: ValueError)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable notebook ({type(exc).__name__})") from None
    return from_json(document, origin, path.name)


def from_colab() -> LiveNotebook | None:
    """The notebook open in Colab, as its frontend holds it now (unsaved edits included)."""
    try:
        from google.colab import _message  # only inside Colab
    except ImportError:
        return None
    try:
        reply = _message.blocking_request("get_ipynb", timeout_sec=COLAB_TIMEOUT_S)
    except Exception:  # the frontend did not answer: fall back to the other sources
        return None
    document = reply.get("ipynb") if isinstance(reply, dict) else None
    if not isinstance(document, dict):
        return None
    return from_json(document, "colab", "Colab notebook")


def from_json(document: dict[str, Any], origin: Origin, name: str) -> LiveNotebook:
    """Cells of an nbformat 4 document (v3's worksheets read too), read defensively."""
    raw_cells = document.get("cells")
    if raw_cells is None and isinstance(document.get("worksheets"), list) and document["worksheets"]:
        raw_cells = document["worksheets"][0].get("cells")
    cells = []
    for index, raw in enumerate(raw_cells if isinstance(raw_cells, list) else []):
        if not isinstance(raw, dict):
            continue
        source = raw.get("source", raw.get("input", ""))
        source = "".join(source) if isinstance(source, list) else str(source or "")
        count = raw.get("execution_count", raw.get("prompt_number"))
        kind = {"heading": "markdown"}.get(raw.get("cell_type"), raw.get("cell_type") or "raw")
        cells.append(Cell(index, str(kind), source, count if isinstance(count, int) else None))
    return LiveNotebook(origin, name, tuple(cells))


RESTART = msg("Runtime → Restart and run all (Jupyter: Kernel → Restart Kernel and Run All Cells), then check again")


def session_warnings(notebook: LiveNotebook, history: Sequence[str], namespace: dict[str, Any],
                     to_python=lambda source: source) -> tuple[Phrase, ...]:
    """What makes this session differ from a run from the top: cells run out of order, cells
    edited after they ran, variables defined only by cells no longer in the notebook.
    `history` is the kernel's raw input history (`history[n]` is In [n]); `to_python` turns a
    cell's IPython source into Python (magics) for parsing."""
    found: list[Phrase] = []
    ran = [c for c in notebook.code if c.execution_count is not None]
    for earlier, later in zip(ran, ran[1:]):
        if later.execution_count <= earlier.execution_count:
            found.append(msg("cells ran out of order: cell {later} ran as In [{n}], before cell {earlier} above it "
                             "(In [{m}])", later=later.index, n=later.execution_count, earlier=earlier.index,
                             m=earlier.execution_count))
            break
    edited = [c for c in ran if 0 < c.execution_count < len(history)
              and same_code(history[c.execution_count]) != same_code(c.source)]
    if len(edited) > max(1, len(ran) // 2):  # the file is older than the session, not edited cell by cell
        return (msg("the notebook file is older than the session (save it, then check again): its cells could "
                    "not be compared with what ran"),)
    if edited:
        found.append(msg("cell {cells} changed after it ran: the session holds what the old code did",
                         cells=", ".join(str(c.index) for c in edited[:5])))
    current = [same_code(c.source) for c in notebook.code]
    gone = [h for h in history[1:] if h.strip() and same_code(h) not in current]
    if gone:
        defined_now = _assigned(c.source for c in notebook.code)
        used_now = _used(c.source for c in notebook.code)
        orphans = sorted((_assigned(gone, to_python) - defined_now) & used_now & set(namespace))
        if orphans:
            found.append(msg("{names} is defined by no cell of the notebook (a deleted or rewritten cell left it "
                             "in the session)", names=", ".join(f"`{n}`" for n in orphans[:5])))
    return tuple(found) + ((RESTART,) if found else ())


def same_code(source: str) -> str:
    """A cell's code compared without trailing blanks or blank lines."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _parse(source: str, to_python=lambda s: s):
    try:
        return ast.parse(to_python(source))
    except (SyntaxError, ValueError, TypeError):
        try:  # IPython syntax (magics, `!cmd`) the transform could not handle: the Python lines
            return ast.parse("\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except (SyntaxError, ValueError):
            return None


def _assigned(sources, to_python=lambda s: s) -> set[str]:
    names: set[str] = set()
    for source in sources:
        tree = _parse(source, to_python)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used(sources) -> set[str]:
    names: set[str] = set()
    for source in sources:
        tree = _parse(source)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                names.add(node.id)
    return names
