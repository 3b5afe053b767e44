"""Read declarative assignment folders: `assignment.toml`, optional `quiz.json`,
`reference.json` and `checks.py` (the assignment's own check kinds, see `grader.grading.kinds`).

Where assignments are found: `--assignments DIR`, `$GRADER_ASSIGNMENTS`, then the ones
shipped with the grader (inside the installed package, or `assignments/` in a checkout).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any, Mapping

from grader.grading.kinds import CheckSpec, assignment_module, forget, kinds_of, spec_of
from grader.grading.schema import Check, QuizCheck, validate_assignment
from grader.errors import AssignmentError, AssignmentNotFound
from grader.models import Assignment, ResourceLimits, RunLimits

def shipped_dirs() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    return [d for d in (package / "assignments", package.parent / "assignments") if d.is_dir()]


def search_dirs(extra: Path | None = None) -> list[Path]:
    dirs = [Path(extra)] if extra else []
    if os.environ.get("GRADER_ASSIGNMENTS"):
        dirs.append(Path(os.environ["GRADER_ASSIGNMENTS"]))
    return dirs + shipped_dirs()


def load_all(extra: Path | None = None) -> tuple[Assignment, ...]:
    """Every assignment found, first occurrence of an id winning."""
    found: dict[str, Assignment] = {}
    for base in search_dirs(extra):
        if (base / "assignment.toml").is_file():
            folders = [base]
        else:
            folders = sorted(p for p in base.iterdir() if (p / "assignment.toml").is_file()) if base.is_dir() else []
        for folder in folders:
            assignment = load(folder)
            found.setdefault(assignment.id, assignment)
    return tuple(found.values())


def find(name: str, extra: Path | None = None) -> Assignment:
    path = Path(name)
    if (path / "assignment.toml").is_file():
        return load(path)
    assignments = load_all(extra)
    for assignment in assignments:
        if assignment.id == name:
            return assignment
    names = tuple(a.id for a in assignments)
    raise AssignmentNotFound(f"no assignment named {name!r}; available: {', '.join(names) or 'none'}", names)


def load(folder: Path) -> Assignment:
    """Parse and validate one assignment folder (AssignmentError on any mistake)."""
    folder = Path(folder)
    try:
        data = tomllib.loads((folder / "assignment.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AssignmentError(f"{folder}/assignment.toml: {exc}") from None
    custom = _import_checks(folder / "checks.py")
    quiz = _read_json(folder / "quiz.json")
    reference = _read_json(folder / "reference.json")
    top, validated = validate_assignment(folder / "assignment.toml", data, custom)
    checks = tuple(_check_spec(folder, check, quiz) for check in validated)
    ids = [c.id for c in checks]
    if len(set(ids)) != len(ids):
        raise AssignmentError(f"{folder}/assignment.toml: duplicate check ids "
                              f"{', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    limits = top.limits
    resources = {k: v for k, v in limits.model_dump(exclude_none=True).items() if k in _RESOURCE_FIELDS}
    return Assignment(
        id=top.id,
        title=top.title or top.id,
        root=folder.resolve(),
        entry_patterns=tuple(top.entry),
        match_any=tuple(s.lower() for s in top.match_any),
        match_all=tuple(s.lower() for s in top.match_all) + tuple("!" + s.lower() for s in top.match_none),
        dataset=top.dataset,
        recognize=top.recognize.model_dump(),
        limits=RunLimits(cell_timeout_s=limits.cell_timeout_s, run_timeout_s=limits.run_timeout_s,
                         resources=ResourceLimits(**resources)),
        checks=checks,
        accelerate=top.accelerate,
        quiz=quiz,
        reference=reference,
    )


_RESOURCE_FIELDS = {f.name for f in fields(ResourceLimits)}


def _check_spec(folder: Path, check: Check, quiz: dict[str, Any]) -> CheckSpec:
    if isinstance(check, QuizCheck) and str(check.question) not in quiz.get("questions", {}):
        raise AssignmentError(f"{folder}/assignment.toml: check {check.id!r} asks question "
                              f"{check.question!r}, which quiz.json has no key for")
    return spec_of(check)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AssignmentError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise AssignmentError(f"{path}: expected a JSON object")
    return data


def _import_checks(path: Path) -> Mapping[str, type[Check]]:
    """Import an assignment's own check kinds (trusted code shipped by the instructor), afresh on every
    load, under the folder's own module name so they are this assignment's alone; their rules models."""
    name = assignment_module(path.parent)
    forget(name)  # the previous load's kinds: registering them again is not a duplicate, nor kept without a file
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as `import` does: pydantic and dataclasses resolve annotations through it
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # an AssignmentError is a kind registered twice, or a built-in one replaced
        forget(name)
        sys.modules.pop(name, None)
        said = str(exc) if isinstance(exc, AssignmentError) else f"{type(exc).__name__}: {exc}"
        raise AssignmentError(f"{path}: {said}") from None
    return {kind: registered.rules for kind, registered in kinds_of(name).items()}
