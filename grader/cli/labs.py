"""The commands about the assignments themselves: `assignments` (list), `reference` and `validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.cli.common import FAITHFUL_HELP, emit_json, fail
from grader.errors import GraderError


def list_assignments(assignments_dir: Optional[Path] = typer.Option(None, "--assignments")) -> None:
    """List the assignments the grader knows."""
    from rich.table import Table

    from grader.grading.assignment import load_all

    try:
        found = load_all(assignments_dir)
    except GraderError as exc:
        fail(exc)
    table = Table("id", "title", "checks", "points")
    for a in found:
        table.add_row(a.id, a.title, str(len(a.checks)), f"{a.max_score:g}")
    Console().print(table)


def reference(
    lab: Optional[str] = typer.Argument(None, help="assignment id (default: all)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    write: bool = typer.Option(True, "--write/--no-write", help="record the figures in the assignment's reference.json"),
    faithful: bool = typer.Option(False, "--faithful", help=FAITHFUL_HELP),
) -> None:
    """Retrain the reference solutions; print each measured accuracy beside the published one."""
    from rich.table import Table
    from rich.text import Text

    from grader.grading import reference as ref
    from grader.grading.assignment import find, load_all

    table = Table("assignment", "part", "model", "epochs", "measured", "published", "gap (points)",
                  title="Reference runs (fixed seeds) vs the figures the course materials publish")
    try:
        labs = [find(lab)] if lab else list(load_all())
        for assignment in labs:
            found = ref.figures(ref.run_reference(assignment, data_dir, accelerate=not faithful), assignment)
            for f in found:
                gap = f.gap
                gap_text = Text("—" if gap is None else f"{gap:+.2f}", style="red" if gap is not None and gap > 1 else "")
                table.add_row(assignment.id, f.name, f.model.split(" ")[0], str(f.epochs),
                              "—" if f.accuracy is None else f"{f.accuracy:.4f}",
                              "—" if f.published is None else f"{f.published:.4f}", gap_text)
            if write:
                ref.write_figures(assignment, found)
    except GraderError as exc:
        fail(exc)
    Console().print(table)


def validate(
    lab: str = typer.Argument(..., help="assignment id or folder"),
    quick: bool = typer.Option(False, "--quick", help="cap training; accuracy parts are then not judged"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    json_out: bool = typer.Option(False, "--json"),
    faithful: bool = typer.Option(False, "--faithful", help=FAITHFUL_HELP),
) -> None:
    """Check an assignment's files and grade its reference solution, which must score full marks."""
    from grader.feedback.report import render, to_json
    from grader.grading import assignment as assignments
    from grader.grading.reference import reference_solution
    from grader.pipeline import Options, check_submission

    try:
        chosen = assignments.find(lab)
        report = check_submission(reference_solution(chosen), Options(assignment=chosen, data_dir=data_dir,
                                                                      quick=quick, lang="en", faithful=faithful))
    except GraderError as exc:
        fail(exc, Path(lab) if json_out else None)
    # the reference must show every part, bonus parts included
    valid = report.status == "graded" and all(c.status in ("passed", "skipped") for c in report.checks)
    if json_out:
        emit_json(to_json(report))
    else:
        render(report, Console())
        verdict = "valid: the reference solution passes every check" if valid else \
            "INVALID: the reference solution does not pass every check"
        Console().print(verdict, style="bold green" if valid else "bold red")
    raise typer.Exit(0 if valid else 1)
