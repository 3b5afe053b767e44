"""Exports of the gradebook: CSV (one row per student, a column per check), JSON, Gradescope.

Every export gives the final score (the TA's overrides applied, classroom/overrides.py) beside the
automatic one, and names each override with its comment; a row whose automatic result changed
under an override says `review`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from dataclasses import replace
from pathlib import Path

from grader.classroom.gradebook import Gradebook
from grader.classroom.overrides import Final, final_of
from grader.errors import UsageError
from grader.feedback.i18n import relang


def export(outdir: Path, fmt: str, assignment: str | None = None, lang: str | None = None,
           roster: Path | None = None, column: str | None = None) -> list[Path]:
    """Write the export files into `outdir`; return their paths. With `lang`, every stored report is
    worded again in that language (a class graded in Korean exports in English). Raises `UsageError`
    when `outdir` holds no gradebook (opening one would create an empty one)."""
    if not (Path(outdir) / "gradebook.sqlite").is_file():
        raise UsageError(f"{outdir} holds no gradebook.sqlite (run `grader grade` first)")
    book = Gradebook(Path(outdir) / "gradebook.sqlite")
    try:
        # a named assignment must be there; a page or an LMS column is of one assignment
        if assignment is not None or fmt in ("html", "canvas"):
            assignment = book.pick_assignment(assignment)
        rows = list(book.current(assignment))
    finally:
        book.close()
    if not rows:
        raise UsageError(f"{outdir}: the gradebook holds no results to export")
    if lang is not None:
        rows = [replace(row, report=relang(row.report, lang)) for row in rows]
    if fmt == "csv":
        return [_write(Path(outdir) / "grades.csv", to_csv(rows))]
    if fmt == "json":
        data = [{"student_id": r.student_id, "name": r.name, "file": r.file, "sha256": r.sha256, "status": r.status,
                 "score": r.score_due, "auto_score": r.score, "max_score": r.max_score, **_late_fields(r),
                 "overrides": [{"check": o.check_id or "total", "points": o.points, "auto_points": o.auto_points,
                                "comment": o.comment, "by": o.by, "set_at": o.set_at} for o in r.overrides],
                 "review": list(r.final.review), "graded_at": r.graded_at, "report": r.report} for r in rows]
        return [_write(Path(outdir) / "grades.json", json.dumps(data, ensure_ascii=False, indent=2))]
    if fmt == "gradescope":
        return [_write(Path(outdir) / "gradescope" / r.student_id / "results.json",
                       json.dumps(gradescope(r.report, r.final, r), ensure_ascii=False, indent=2)) for r in rows]
    if fmt == "html":
        return [_write(Path(outdir) / "class.html", overview_html(rows, lang or "en", assignment))]
    if fmt == "canvas":
        return [_write(Path(outdir) / "canvas.csv", to_canvas(rows, read_roster(roster) if roster else {}, column))]
    raise ValueError(f"unknown export format {fmt!r}")


# Canvas's gradebook import: these five columns, then one column per assignment ("Title (id)" as Canvas
# exports it), and a second row "Points Possible". Canvas matches a row by ID, or by SIS User ID or
# SIS Login ID when ID is empty; a roster (Canvas's own gradebook export) fills them in.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A Canvas gradebook export's students, by SIS User ID and by SIS Login ID."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: the roster cannot be read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not set(CANVAS_COLUMNS) <= set(reader.fieldnames or ()):
        raise UsageError(f"{path}: not a Canvas gradebook export (it needs the columns {', '.join(CANVAS_COLUMNS)})")
    found: dict[str, dict[str, str]] = {}
    for row in reader:
        if row["Student"].strip().lower() in ("points possible", "") or not (row["ID"] or "").strip():
            continue  # Canvas's "Points Possible" row and its test student have no real student behind
        for key in (row["SIS User ID"], row["SIS Login ID"]):
            if key and key.strip():
                found.setdefault(key.strip(), {c: (row[c] or "").strip() for c in CANVAS_COLUMNS})
    return found


def to_canvas(rows, roster: dict[str, dict[str, str]], column: str | None = None) -> str:
    """The gradebook as Canvas imports it: the final score (overrides applied) of each student."""
    assignments = sorted({r.assignment for r in rows if r.assignment}) or ["grader"]
    if len(assignments) > 1:  # one Canvas column holds one assignment's scores
        raise UsageError(f"the gradebook holds {len(assignments)} assignments: export one (-a) for Canvas")
    column = column or assignments[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CANVAS_COLUMNS, column])
    top = max((r.max_score for r in rows), default=0.0)
    writer.writerow(["Points Possible", "", "", "", "", f"{top:g}"])
    for row in rows:
        known = roster.get(row.student_id, {})
        writer.writerow([known.get("Student") or row.name, known.get("ID", ""),
                         known.get("SIS User ID") or row.student_id, known.get("SIS Login ID", ""),
                         known.get("Section", ""), f"{row.score_due:g}"])
    return buffer.getvalue()


def to_csv(rows) -> str:
    check_ids: list[str] = []
    for row in rows:
        for c in row.report.get("checks", []):
            if c["id"] not in check_ids:
                check_ids.append(c["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    late_columns = ["submitted_at", "time_source", "late_by_h", "penalty"]
    writer.writerow(["student_id", "name", "status", "score", "auto_score", "max_score", *check_ids, "overrides",
                     "review", *late_columns, "file", "sha256", "graded_at"])
    for row in rows:
        final, late = row.final, _late_fields(row)
        writer.writerow([row.student_id, row.name, row.status, row.score_due, row.score, row.max_score,
                         *[final.checks.get(i, "") for i in check_ids], final.describe(),
                         "review" if final.review else "", *[late[c] if late[c] is not None else "" for c in late_columns],
                         row.file, row.sha256, row.graded_at])
    return buffer.getvalue()


def gradescope(report: dict, final: Final | None = None, row=None) -> dict:
    """Gradescope's autograder results.json for one submission (with `final`: the TA's overrides applied,
    each named in its test's output; with its gradebook `row`: the late penalty taken off)."""
    final = final or final_of(report)
    said = {o.check_id: o for o in final.overrides}
    tests = [{"name": c["title"], "score": final.checks.get(c["id"], c["score"]), "max_score": c["max_score"],
              "status": "passed" if c["status"] == "passed" else "failed",
              "output": c["message"] + (f"\n[TA] {said[c['id']].comment or 'points set by the TA'}"
                                        if c["id"] in said else "")}
             for c in report.get("checks", [])]
    out = {"score": final.score, "execution_time": int(report.get("duration_s", 0)), "tests": tests,
           "output": "\n".join(report.get("messages", []))}
    if "" in said:
        out["output"] += f"\n[TA] total set to {final.score:g}: {said[''].comment or 'by the TA'}"
    if row is not None and row.lateness is not None and row.lateness.penalty:
        out["score"] = row.score_due
        out["output"] += (f"\nlate by {_hours(row.lateness.late_by)} h: {row.lateness.penalty:.0%} off "
                          f"({final.score:g} -> {row.score_due:g})")
    if report["status"] != "graded":
        out["output"] = "The submission could not be graded: " + out["output"]
    return out


def overview_html(rows, lang: str, assignment: str | None = None, ranking=None) -> str:
    """The TA's page of the whole class (`overview.class_page`); without a `ranking`, the similarity is
    ranked again from the submitted files still where they were graded."""
    from grader.classroom.batch import Candidate
    from grader.classroom.overview import class_page, class_view
    from grader.classroom.similarity import rank_class

    if ranking is None:
        present = [Candidate(r.student_id, r.name, Path(r.file), r.sha256) for r in rows if Path(r.file).is_file()]
        if len(present) > 1:
            from grader.errors import AssignmentNotFound
            from grader.grading.assignment import find

            lab = assignment or next((r.assignment for r in rows if r.assignment), None)
            try:
                ranking = rank_class(present, find(lab) if lab else None)
            except AssignmentNotFound:
                ranking = rank_class(present)
    return class_page(class_view(rows, lang, ranking), lang)


def _late_fields(row) -> dict:
    """When the submission arrived (and by which source), how late, and the share of the score lost."""
    late = row.lateness
    return {"submitted_at": row.submitted.isoformat(timespec="minutes") if row.submitted else None,
            "time_source": row.time_source, "late_by_h": _hours(late.late_by) if late is not None else None,
            "penalty": late.penalty if late is not None else None}


def _hours(delta) -> float:
    return round(delta / timedelta(hours=1), 2)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
