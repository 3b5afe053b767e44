"""Exports of the gradebook: CSV (one row per student, a column per check), JSON, Gradescope."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

from grader.classroom.gradebook import Gradebook
from grader.errors import UsageError
from grader.feedback.i18n import relang


def export(outdir: Path, fmt: str, assignment: str | None = None, lang: str | None = None) -> list[Path]:
    """Write the export files into `outdir`; return their paths. With `lang`, every stored report is
    worded again in that language (a class graded in Korean exports in English). Raises `UsageError`
    when `outdir` holds no gradebook (opening one would create an empty one)."""
    if not (Path(outdir) / "gradebook.sqlite").is_file():
        raise UsageError(f"{outdir} holds no gradebook.sqlite (run `grader grade` first)")
    book = Gradebook(Path(outdir) / "gradebook.sqlite")
    try:
        rows = list(book.current(assignment))
    finally:
        book.close()
    if lang is not None:
        rows = [replace(row, report=relang(row.report, lang)) for row in rows]
    if fmt == "csv":
        return [_write(Path(outdir) / "grades.csv", to_csv(rows))]
    if fmt == "json":
        data = [{"student_id": r.student_id, "name": r.name, "file": r.file, "sha256": r.sha256, "status": r.status,
                 "score": r.score, "max_score": r.max_score, "graded_at": r.graded_at, "report": r.report} for r in rows]
        return [_write(Path(outdir) / "grades.json", json.dumps(data, ensure_ascii=False, indent=2))]
    if fmt == "gradescope":
        return [_write(Path(outdir) / "gradescope" / r.student_id / "results.json",
                       json.dumps(gradescope(r.report), ensure_ascii=False, indent=2)) for r in rows]
    raise ValueError(f"unknown export format {fmt!r}")


def to_csv(rows) -> str:
    check_ids: list[str] = []
    for row in rows:
        for c in row.report.get("checks", []):
            if c["id"] not in check_ids:
                check_ids.append(c["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student_id", "name", "status", "score", "max_score", *check_ids, "file", "sha256", "graded_at"])
    for row in rows:
        by_id = {c["id"]: c["score"] for c in row.report.get("checks", [])}
        writer.writerow([row.student_id, row.name, row.status, row.score, row.max_score,
                         *[by_id.get(i, "") for i in check_ids], row.file, row.sha256, row.graded_at])
    return buffer.getvalue()


def gradescope(report: dict) -> dict:
    """Gradescope's autograder results.json for one submission."""
    tests = [{"name": c["title"], "score": c["score"], "max_score": c["max_score"],
              "status": "passed" if c["status"] == "passed" else "failed", "output": c["message"]}
             for c in report.get("checks", [])]
    out = {"score": report["score"], "execution_time": int(report.get("duration_s", 0)), "tests": tests,
           "output": "\n".join(report.get("messages", []))}
    if report["status"] != "graded":
        out["output"] = "The submission could not be graded: " + out["output"]
    return out


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
