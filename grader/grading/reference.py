"""Retrain an assignment's reference solution and record the facts thresholds derive from.

`record(assignment)` runs `reference/<assignment id>.ipynb` (or `.py`) like a submission,
then for every `run` check whose `min_accuracy` names a reference figure, stores the
best measured accuracy among the reference's models that satisfy the check's
architecture rules, in the assignment's `reference.json`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping

from grader.data import find_mnist
from grader.errors import AssignmentError
from grader.execution.execute import RunConfig, execute
from grader.intake.locate import pick_entry
from grader.execution.measure import measure, start_worker
from grader.models import Assignment, Run
from grader.grading.rules import architecture_criteria
from grader.grading.schema import RunCheck
from grader.execution.sandbox import choose
from grader.intake.unpack import unpack


HISTORY_POINTS = 200  # a 10,000-epoch XOR run keeps every 50th epoch


@dataclass(frozen=True)
class Figure:
    name: str  # the name checks use in `min_accuracy`
    accuracy: float | None
    model: str  # the reference model it came from
    epochs: int
    published: float | None = None  # what the course materials print for this part
    layers: tuple[dict, ...] = ()  # the reference model's layers, for the report's side-by-side view
    history: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # its per-epoch curves

    @property
    def gap(self) -> float | None:
        """Points (percent) below the published figure; positive means the reference is worse."""
        if self.accuracy is None or self.published is None:
            return None
        return round((self.published - self.accuracy) * 100, 2)


def reference_solution(assignment: Assignment) -> Path:
    """reference/<id>.ipynb or .py, next to the assignments (checkout) or inside the package."""
    for base in (assignment.root.parent.parent / "reference", assignment.root.parent.parent / "grader" / "reference"):
        for suffix in (".ipynb", ".py"):
            path = base / f"{assignment.id}{suffix}"
            if path.is_file():
                return path
    raise AssignmentError(f"no reference solution for {assignment.id} (expected reference/{assignment.id}.ipynb)")


def run_reference(assignment: Assignment, data_dir: Path | None = None, timeout_s: float | None = None,
                  accelerate: bool = True) -> Run:
    data_path = find_mnist(data_dir)
    work = Path(tempfile.mkdtemp(prefix="grader-reference-"))
    try:
        submission = unpack(reference_solution(assignment), work / "submission")
        entry, _ = pick_entry(submission, assignment)
        config = RunConfig.from_assignment(assignment, data_path=data_path, out_dir=work / "out",
                                           scratch=submission.root, sandbox=choose("auto"), timeout_s=timeout_s,
                                           faithful=not accelerate)
        worker = start_worker(config.out_dir, data_path)  # its TensorFlow import overlaps the reference's run
        try:
            run = execute(entry, config)
        except BaseException:
            worker.close()
            raise
        return measure(run, data_path, worker)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def figures(run: Run, assignment: Assignment) -> tuple[Figure, ...]:
    """The reference figure behind each named threshold, from the models that fit the check."""
    found = []
    for spec in assignment.checks:
        rules = spec.rules
        if not isinstance(rules, RunCheck) or rules.min_accuracy is None:
            continue
        name = rules.min_accuracy if isinstance(rules.min_accuracy, str) else spec.id
        fitting = [m for m in run.models
                   if m.test_accuracy is not None and all(c.ok for c in architecture_criteria(m, rules))]
        best = max(fitting, key=lambda m: m.test_accuracy, default=None)
        found.append(Figure(name, best.test_accuracy if best else None,
                            f"#{best.index + 1} {best.architecture()}" if best else "none", best.epochs if best else 0,
                            rules.published,
                            tuple(_layer_dict(layer) for layer in best.layers) if best else (),
                            dict(best.history) if best else {}))
    return tuple(found)


def write_figures(assignment: Assignment, found: tuple[Figure, ...]) -> Path | None:
    path = assignment.root / "reference.json"
    data = {f.name: {"accuracy": round(f.accuracy, 4), "model": f.model, "epochs": f.epochs,
                     "published": f.published, "recorded": time.strftime("%Y-%m-%d"),
                     "layers": list(f.layers), "history": thin_history(f.history)}
            for f in found if f.accuracy is not None}
    if not data:
        return None
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def thin_history(history: Mapping[str, tuple[float, ...]], points: int = HISTORY_POINTS) -> dict[str, list]:
    """Per-epoch curves with at most `points` epochs kept (evenly, the last one always), numbered in "epoch"."""
    length = max((len(v) for v in history.values()), default=0)
    if not length:
        return {}
    step = max(1, -(-length // points))
    epochs = sorted(set(range(0, length, step)) | {length - 1})
    thinned: dict[str, list] = {"epoch": [e + 1 for e in epochs]}
    for key, values in history.items():
        if len(values) == length:
            thinned[key] = [round(float(values[e]), 5) for e in epochs]
    return thinned


def _layer_dict(layer) -> dict:
    """A layer as reference.json keeps it: what the report compares (kind, units, activation, initializer, rate)."""
    return {k: v for k, v in asdict(layer).items() if v is not None and k != "output_shape"}
