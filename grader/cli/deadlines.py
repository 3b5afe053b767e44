"""`grader deadline`, `grader extend` and `grader times`: an assignment's due time and late policy, a
student's extension, and submission times from an LMS export (`grader.classroom.lateness`). They
parse and print; the penalty itself is computed by every export from what is set now."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.cli.common import fail, open_gradebook
from grader.errors import UsageError


def deadline(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    due: Optional[str] = typer.Option(None, "--due", help="the due time, e.g. '2026-12-10 23:59' (without: show it)"),
    tz: str = typer.Option("Asia/Seoul", "--tz", help="the due time's zone (an IANA name)"),
    grace: str = typer.Option("0", "--grace", help="late by less than this is on time, e.g. 15m"),
    penalty: str = typer.Option("0", "--penalty", help="per started hour or day late, e.g. 10%/day or 2%/hour"),
    cap: str = typer.Option("100%", "--cap", help="the most a late submission loses, e.g. 50%"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment",
                                             help="the assignment (default: the gradebook's only one)"),
) -> None:
    """Set (or show) an assignment's due time and late policy; exports take the penalty off from it."""
    from grader.classroom.lateness import Policy, parse_duration, parse_fraction, parse_penalty, parse_time

    with open_gradebook(outdir) as book:
        lab = book.pick_assignment(assignment)
        if due is None:
            policy = book.policy(lab)
            Console().print(f"{lab}: " + (policy.describe() if policy else "no deadline set"), highlight=False)
            return
        try:
            rate, per = parse_penalty(penalty)
            policy = Policy(parse_time(due, tz), parse_duration(grace), rate, per, parse_fraction(cap))
        except ValueError as exc:
            fail(UsageError(str(exc)))
        book.set_policy(lab, policy, tz)
        Console().print(f"{lab}: {policy.describe()}", highlight=False)


def extend(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    student: Optional[str] = typer.Argument(None, help="the student's id (not with --csv)"),
    until: Optional[str] = typer.Option(None, "--until", help="the student's own due time, e.g. '2026-12-13 23:59'"),
    tz: str = typer.Option("Asia/Seoul", "--tz", help="the zone of a time without an offset"),
    comment: str = typer.Option("", "--comment", "-m"),
    from_csv: Optional[Path] = typer.Option(None, "--csv", help="a CSV of extensions: student_id, until, comment"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment"),
) -> None:
    """Give a student (or a CSV of students) a later due time for an assignment."""
    from grader.classroom.lateness import parse_time

    with open_gradebook(outdir) as book:
        lab = book.pick_assignment(assignment)
        try:
            if from_csv is not None:
                rows = [(r["student_id"], parse_time(r["until"], tz), r.get("comment", ""))
                        for r in _csv_rows(from_csv, ("student_id", "until"))]
            elif student is not None and until is not None:
                rows = [(student, parse_time(until, tz), comment)]
            else:
                raise UsageError("give the student's id and --until (or --csv FILE)")
        except ValueError as exc:
            fail(UsageError(str(exc)))
        for sid, when, why in rows:
            book.set_extension(sid, lab, when, why)
            Console().print(f"{sid}: due {when.isoformat(timespec='minutes')} ({lab})", highlight=False)


def times(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    from_csv: Path = typer.Argument(..., help="an LMS export or a CSV with the columns student_id and submitted_at"),
    id_column: str = typer.Option("student_id", "--id-column", help="the column holding the student's id"),
    time_column: str = typer.Option("submitted_at", "--time-column", help="the column holding the submission time"),
    tz: str = typer.Option("Asia/Seoul", "--tz", help="the zone of a time without an offset"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment"),
) -> None:
    """Take submission times from an LMS export: they outrank the files' own times in every export."""
    from grader.classroom.lateness import parse_time

    with open_gradebook(outdir) as book:
        lab = book.pick_assignment(assignment)
        found: dict[str, datetime] = {}
        try:  # an LMS export may hold a row per attempt: the latest counts
            for row in _csv_rows(from_csv, (id_column, time_column)):
                if row[id_column] and row[time_column]:
                    when = parse_time(row[time_column], tz)
                    found[row[id_column]] = max(when, found.get(row[id_column], when))
        except ValueError as exc:
            fail(UsageError(f"{from_csv}: {exc}"))
        matched = book.set_submitted(lab, found)
        unknown = sorted(set(found) - set(matched))
        Console().print(f"{len(matched)} submission times for {lab} from {from_csv.name}"
                        + (f"; {len(unknown)} ids match no student of the gradebook ({', '.join(unknown[:5])}"
                           + (", ..." if len(unknown) > 5 else "") + ")" if unknown else ""), highlight=False)


def _csv_rows(path: Path, needed: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in needed if c not in (reader.fieldnames or ())]
    if missing:
        raise UsageError(f"{path}: no column {', '.join(missing)} (it has: {', '.join(reader.fieldnames or ())})")
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
