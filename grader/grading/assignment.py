"""Read declarative assignment folders: `assignment.toml`, optional `quiz.json`,
`reference.json` and `checks.py` (extra check kinds, see `grader.checks.check`).

Where assignments are found: `--assignments DIR`, `$GRADER_ASSIGNMENTS`, then the ones
shipped with the grader (inside the installed package, or `assignments/` in a checkout).
"""

from __future__ import annotations

import importlib.util
import json
import os
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from grader.grading.checks import REGISTRY
from grader.grading.schema import BUILTIN_CHECKS, validate_assignment
from grader.errors import AssignmentError, AssignmentNotFound
from grader.models import LANGS, Assignment, CheckSpec, Limits, ResourceLimits

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
    if (folder / "checks.py").is_file():
        _import_checks(folder / "checks.py")
    quiz = _read_json(folder / "quiz.json")
    reference = _read_json(folder / "reference.json")
    top, validated = validate_assignment(folder / "assignment.toml", data, set(REGISTRY) - set(BUILTIN_CHECKS))
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
        limits=Limits(cell_timeout_s=limits.cell_timeout_s, run_timeout_s=limits.run_timeout_s,
                      resources=ResourceLimits(**resources)),
        checks=checks,
        accelerate=top.accelerate,
        quiz=quiz,
        reference=reference,
    )


_RESOURCE_FIELDS = {f.name for f in fields(ResourceLimits)}
_CHECK_FIELDS = {"id", "title", "points", "kind", "bonus"} | {f"title_{lang}" for lang in LANGS}


def _check_spec(folder: Path, check, quiz: dict[str, Any]) -> CheckSpec:
    params = check.model_dump(exclude_none=True, exclude=_CHECK_FIELDS)
    titles = {lang: getattr(check, f"title_{lang}") for lang in LANGS
              if lang != "en" and getattr(check, f"title_{lang}", None)}
    if check.kind == "quiz" and str(params.get("question")) not in quiz.get("questions", {}):
        raise AssignmentError(f"{folder}/assignment.toml: check {check.id!r} asks question "
                              f"{params.get('question')!r}, which quiz.json has no key for")
    return CheckSpec(id=check.id, title=check.title, points=float(check.points), kind=check.kind,
                     params=params, titles=titles, bonus=check.bonus)


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


def _import_checks(path: Path) -> None:
    """Import an assignment's own check kinds (trusted code shipped by the instructor)."""
    name = f"grader_assignment_checks_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise AssignmentError(f"{path}: {type(exc).__name__}: {exc}") from None
