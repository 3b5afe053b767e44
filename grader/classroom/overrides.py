"""A TA's own grades beside the automatic ones: overrides that survive every regrade.

An override sets the points of one check, or the total, for one student of one assignment, with a
comment and the TA's name (`grader override`, or a CSV of them). It is stored in the gradebook's
own table, beside the automatic result and never in its place: a regrade replaces the automatic
result and leaves the override as it was. The override remembers the automatic points it replaced;
when the automatic result under it changes (the student resubmitted, a threshold moved), the row is
flagged for the TA to look at again (`Final.review`). Exports show both: the automatic score, the
final one, and each override with its comment.

This module is pure: `final_of` applies overrides to a stored report document.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

TOTAL = ""  # the check id of an override of the total


@dataclass(frozen=True)
class Override:
    student_id: str
    assignment: str
    check_id: str  # TOTAL ("") for the total
    points: float
    comment: str = ""
    by: str = ""  # the TA who set it
    set_at: str = ""
    auto_points: float | None = None  # the automatic points it replaced, when it was set

    @property
    def target(self) -> str:
        return self.check_id or "total"


@dataclass(frozen=True)
class Final:
    """A student's result with the TA's overrides applied."""

    auto_score: float
    score: float
    checks: Mapping[str, float]  # check id -> final points
    overrides: tuple[Override, ...] = ()
    review: tuple[str, ...] = ()  # the targets whose automatic points changed since they were overridden

    def describe(self) -> str:
        """"xor-net 0 -> 2 (the loop was right, by 김조교); total ..." for a CSV cell."""
        return "; ".join(f"{o.target} {_points(o.auto_points)} -> {_points(o.points)}"
                         + (f" ({o.comment}" + (f", by {o.by})" if o.by else ")") if o.comment or o.by else "")
                         + (" [automatic result changed since: review]" if o.target in self.review else "")
                         for o in self.overrides)


def automatic_points(report: Mapping[str, Any], check_id: str) -> float | None:
    """What the automatic grading gave `check_id` (TOTAL: the score) in a stored report document."""
    if check_id == TOTAL:
        return float(report.get("score", 0.0))
    for check in report.get("checks", []):
        if check.get("id") == check_id:
            return float(check.get("score", 0.0))
    return None


def final_of(report: Mapping[str, Any], overrides: Iterable[Override] = ()) -> Final:
    """The final points of a stored report document under `overrides` (of its student and assignment)."""
    overrides = tuple(sorted(overrides, key=lambda o: (o.check_id != TOTAL, o.check_id)))
    auto = float(report.get("score", 0.0))
    checks = {c["id"]: float(c.get("score", 0.0)) for c in report.get("checks", [])}
    final_checks = dict(checks)
    score = auto
    total = None
    for o in overrides:
        if o.check_id == TOTAL:
            total = o.points
        elif o.check_id in final_checks:
            score += o.points - final_checks[o.check_id]
            final_checks[o.check_id] = o.points
    review = tuple(o.target for o in overrides if o.auto_points is not None
                   and automatic_points(report, o.check_id) != o.auto_points)
    return Final(auto_score=auto, score=round(total if total is not None else score, 4), checks=final_checks,
                 overrides=overrides, review=review)


@dataclass(frozen=True)
class Requested:
    """One override a TA asked for (a command line, or a row of a CSV)."""

    student_id: str
    check_id: str
    points: float
    comment: str = ""
    by: str = ""


CSV_COLUMNS = ("student_id", "check", "points", "comment", "by")


def read_csv(text: str) -> list[Requested]:
    """Overrides from a spreadsheet's CSV: the columns student_id, check (empty or "total": the total),
    points, and optionally comment and by. Raises ValueError naming the line of a bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    header = {(name or "").strip().lower() for name in reader.fieldnames or ()}
    missing = [c for c in ("student_id", "points") if c not in header]
    if missing:
        raise ValueError(f"the CSV lacks the column(s) {', '.join(missing)} (expected {', '.join(CSV_COLUMNS)})")
    out = []
    for line, row in enumerate(reader, start=2):
        if None in row:  # more fields than the header (an unquoted comma in a comment)
            raise ValueError(f"line {line}: more fields than the header has (quote a comment holding a comma)")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        if not row.get("student_id"):
            raise ValueError(f"line {line}: no student_id")
        try:
            points = float(row["points"].replace(",", "."))
        except ValueError:
            raise ValueError(f"line {line}: points {row['points']!r} is not a number") from None
        check = row.get("check", "")
        out.append(Requested(row["student_id"], TOTAL if check.lower() in ("", "total") else check, points,
                             row.get("comment", ""), row.get("by", "")))
    return out


def _points(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"
