"""`grader override`: a TA's own points for a check or the total, kept beside the automatic result
(`grader.classroom.overrides`); it parses and prints, the gradebook does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.cli.common import open_gradebook
from grader.errors import UsageError


def override(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    student: Optional[str] = typer.Argument(None, help="the student's id (not with --csv)"),
    points: Optional[float] = typer.Option(None, "--points", help="the points to give"),
    check: Optional[str] = typer.Option(None, "--check", "-c", help="the check's id (default: the total)"),
    comment: str = typer.Option("", "--comment", "-m", help="why, for the student and the other TAs"),
    by: str = typer.Option("", "--by", help="who sets it (the TA's name)"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment",
                                             help="the assignment (default: the gradebook's only one)"),
    from_csv: Optional[Path] = typer.Option(None, "--csv", help="a CSV of overrides: student_id, check, points, "
                                                                "comment, by (check empty or 'total': the total)"),
    remove: bool = typer.Option(False, "--remove", help="remove the student's override of the check (or total)"),
    show: bool = typer.Option(False, "--list", help="list the overrides and the rows to review"),
) -> None:
    """Set a TA's points for a student's check or total: kept beside the automatic result, never overwritten
    by a regrade, and flagged for review when the automatic result under it changes."""
    from grader.classroom.overrides import TOTAL, Requested, read_csv

    target = TOTAL if (check or "").strip().lower() in ("", "total") else check
    with open_gradebook(outdir) as book:
        lab = book.pick_assignment(assignment)
        if show:
            _list(book, lab)
            return
        if remove:
            if student is None:
                raise UsageError("--remove needs the student's id")
            if not book.remove_override(student, lab, target):
                raise UsageError(f"student {student} has no override of {target or 'the total'} for {lab}")
            Console().print(f"removed: {student} {target or 'total'} ({lab})", highlight=False)
            return
        if from_csv is not None:
            if student is not None or points is not None:
                raise UsageError("--csv takes the overrides from the file: give no student or --points")
            try:
                requested = read_csv(from_csv.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{from_csv}: cannot be read ({exc})") from None
            except ValueError as exc:
                raise UsageError(f"{from_csv}: {exc}") from None
        else:
            if student is None or points is None:
                raise UsageError("give the student's id and --points (or --csv FILE)")
            requested = [Requested(student, target, points, comment, by)]
        made = book.set_overrides(lab, requested)
    for o in made:
        Console().print(f"{o.student_id} {o.target}: {o.auto_points:g} (automatic) -> {o.points:g}"
                        + (f"  ({o.comment})" if o.comment else ""), highlight=False)


def _list(book, lab: str) -> None:
    from rich.table import Table

    table = Table("student", "override", "automatic", "final score", "review", title=f"Overrides ({lab})",
                  title_justify="left")
    for row in book.current(lab):
        if row.overrides:
            final = row.final
            table.add_row(f"{row.student_id} {row.name}", final.describe(), f"{final.auto_score:g}",
                          f"{final.score:g}", "review" if final.review else "")
    Console().print(table)
