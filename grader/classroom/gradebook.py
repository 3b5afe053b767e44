"""The gradebook: one SQLite file in the output folder.

Students, submissions (content sha256, received time), results (one *current* result per
student and assignment), check results and traced runs. Every result is written in one
transaction, so killing the grader at any moment (SIGKILL included) leaves either the old
result or the new one, never half of either. A result is reused (cached) when its cache key
(`batch.cache_key`: the submission's content, the assignment's files, the grader version and the
report options) is unchanged. Reports arrive as their JSON documents (`feedback.report.to_dict`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator, Mapping

from grader.classroom.lateness import TIME_SOURCES, Lateness, Policy, TimeSource, lateness
from grader.classroom.overrides import TOTAL, Final, Override, Requested, automatic_points, final_of
from grader.errors import UsageError
from grader.feedback.i18n import upgrade_document

SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students(id),
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    received TEXT NOT NULL,
    UNIQUE (student_id, sha256)
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    student_id TEXT NOT NULL REFERENCES students(id),
    assignment TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    exit_code INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    graded_at TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    report TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_current_result ON results (student_id, assignment) WHERE current = 1;
CREATE TABLE IF NOT EXISTS check_results (
    result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS overrides (
    student_id TEXT NOT NULL REFERENCES students(id),
    assignment TEXT NOT NULL,
    check_id TEXT NOT NULL,
    points REAL NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL DEFAULT '',
    set_at TEXT NOT NULL,
    auto_points REAL,
    PRIMARY KEY (student_id, assignment, check_id)
);
CREATE TABLE IF NOT EXISTS policies (
    assignment TEXT PRIMARY KEY,
    due TEXT NOT NULL,
    tz TEXT NOT NULL,
    grace_s REAL NOT NULL,
    rate REAL NOT NULL,
    per TEXT NOT NULL,
    cap REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS extensions (
    student_id TEXT NOT NULL,
    assignment TEXT NOT NULL,
    due TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student_id, assignment)
);
CREATE TABLE IF NOT EXISTS submitted (
    student_id TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (student_id, assignment, sha256, source)
);
CREATE TABLE IF NOT EXISTS runs (
    result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    model TEXT,
    architecture TEXT,
    params INTEGER,
    epochs INTEGER,
    test_accuracy REAL,
    measured_by TEXT
);
"""


@dataclass(frozen=True)
class Row:
    """A student's current result, as exports read it."""

    student_id: str
    name: str
    file: str
    sha256: str
    status: str
    score: float
    max_score: float
    graded_at: str
    report: Mapping[str, Any]
    assignment: str = ""
    overrides: tuple[Override, ...] = ()  # the TA's, beside the automatic result (classroom/overrides.py)
    submitted: datetime | None = None  # when it arrived, from the best source there is (`time_source`)
    time_source: TimeSource | None = None
    lateness: Lateness | None = None  # under the assignment's current policy; None without one

    @property
    def final(self) -> Final:
        return final_of(self.report, self.overrides)

    @property
    def score_due(self) -> float:
        """The final score less the late penalty: what the student gets."""
        penalty = self.lateness.penalty if self.lateness is not None else 0.0
        return round(self.final.score * (1 - penalty), 4)


class Gradebook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a result the TA saw reported survives a power cut
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(f"BEGIN;\n{SCHEMA}COMMIT;")  # one transaction: a reader sees the whole schema or none

    def close(self) -> None:
        self.db.close()

    def cached(self, student_id: str, assignment: str, cache_key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM results WHERE student_id=? AND assignment=? AND current=1 AND cache_key=?",
                              (student_id, assignment, cache_key)).fetchone()
        return row is not None

    def record(self, student_id: str, name: str, file: str, sha256: str, assignment: str, cache_key: str,
               report: Mapping[str, Any], exit_code: int, file_time: datetime | None = None) -> None:
        """Replace the student's current result with `report`, atomically; `file_time` is when the
        submitted file says it arrived (its modification time)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S")
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT INTO students (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name=excluded.name",
                       (student_id, name))
            db.execute("INSERT OR IGNORE INTO submissions (student_id, file, sha256, received) VALUES (?, ?, ?, ?)",
                       (student_id, file, sha256, now))
            (submission_id,) = db.execute("SELECT id FROM submissions WHERE student_id=? AND sha256=?",
                                          (student_id, sha256)).fetchone()
            db.execute("UPDATE results SET current=0 WHERE student_id=? AND assignment=? AND current=1",
                       (student_id, assignment))
            cursor = db.execute(
                "INSERT INTO results (submission_id, student_id, assignment, cache_key, status, score, max_score,"
                " exit_code, duration_s, graded_at, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, student_id, assignment, cache_key, report["status"], report["score"],
                 report["max_score"], exit_code, report.get("duration_s", 0.0), now,
                 json.dumps(report, ensure_ascii=False)))
            result_id = cursor.lastrowid
            if file_time is not None:
                # the first time seen: a regrade of the same file must not move it later
                db.execute("INSERT OR IGNORE INTO submitted VALUES (?, ?, ?, 'file', ?)",
                           (student_id, assignment, sha256, file_time.isoformat()))
            db.executemany("INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(result_id, c["id"], c["title"], c["status"], c["score"], c["max_score"], c["message"])
                            for c in report.get("checks", [])])
            db.executemany("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(result_id, r["index"], r["model"], r.get("architecture"), r.get("params"),
                             r.get("epochs"), r.get("test_accuracy"), r.get("measured_by"))
                            for r in report.get("models", [])])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def current(self, assignment: str | None = None) -> Iterator[Row]:
        query = ("SELECT r.student_id, s.name, sub.file, sub.sha256, r.status, r.score, r.max_score, r.graded_at,"
                 " r.report, r.assignment FROM results r JOIN students s ON s.id = r.student_id"
                 " JOIN submissions sub ON sub.id = r.submission_id WHERE r.current = 1")
        params: tuple = ()
        if assignment:
            query += " AND r.assignment = ?"
            params = (assignment,)
        overrides = self.overrides(assignment)
        policies, extensions, times = self._policies(), self._extensions(), self._times()
        for row in self.db.execute(query + " ORDER BY r.student_id", params).fetchall():
            student, lab, sha = row[0], row[9], row[3]
            when, source = next(((times[(student, lab, sha, s)], s) for s in TIME_SOURCES
                                 if (student, lab, sha, s) in times), (None, None))
            policy = policies.get(lab)
            late = (lateness(policy, when, extensions.get((student, lab))) if policy is not None and when is not None
                    else None)
            yield Row(*row[:8], report=upgrade_document(json.loads(row[8])),  # grader 0.3 wrote old keys
                      assignment=lab, overrides=overrides.get((student, lab), ()), submitted=when,
                      time_source=source, lateness=late)

    # --- deadlines, extensions and submission times (classroom/lateness.py) ----------------------------

    def set_policy(self, assignment: str, policy: Policy, tz: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO policies VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (assignment, policy.due.isoformat(), tz, policy.grace.total_seconds(), policy.rate,
                         policy.per, policy.cap))

    def policy(self, assignment: str) -> Policy | None:
        return self._policies().get(assignment)

    def _policies(self) -> dict[str, Policy]:
        return {row[0]: Policy(datetime.fromisoformat(row[1]), timedelta(seconds=row[3]), row[4], row[5], row[6])
                for row in self.db.execute("SELECT assignment, due, tz, grace_s, rate, per, cap FROM policies")}

    def set_extension(self, student_id: str, assignment: str, due: datetime, comment: str = "") -> None:
        self.db.execute("INSERT OR REPLACE INTO extensions VALUES (?, ?, ?, ?)",
                        (student_id, assignment, due.isoformat(), comment))

    def _extensions(self) -> dict[tuple[str, str], datetime]:
        return {(row[0], row[1]): datetime.fromisoformat(row[2])
                for row in self.db.execute("SELECT student_id, assignment, due FROM extensions")}

    def set_submitted(self, assignment: str, times: Mapping[str, datetime], source: TimeSource = "lms") -> list[str]:
        """Submission times a TA passes (an LMS export's column), by student, for each student's current
        submission (a later resubmission falls back to its file time until they are passed again); they
        outrank file times. All in one transaction; returns the students matched."""
        current = {row.student_id: row.sha256 for row in self.current(assignment)}
        matched = [sid for sid in times if sid in current]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO submitted VALUES (?, ?, ?, ?, ?)",
                                [(sid, assignment, current[sid], source, times[sid].isoformat()) for sid in matched])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return matched

    def _times(self) -> dict[tuple[str, str, str, str], datetime]:
        return {(row[0], row[1], row[2], row[3]): datetime.fromisoformat(row[4])
                for row in self.db.execute("SELECT student_id, assignment, sha256, source, at FROM submitted")}

    # --- the TA's overrides ---------------------------------------------------------------------------

    def overrides(self, assignment: str | None = None) -> dict[tuple[str, str], tuple[Override, ...]]:
        """Every override, by (student, assignment)."""
        query = "SELECT student_id, assignment, check_id, points, comment, by, set_at, auto_points FROM overrides"
        rows = self.db.execute(query + (" WHERE assignment = ?" if assignment else ""),
                               (assignment,) if assignment else ()).fetchall()
        out: dict[tuple[str, str], list[Override]] = {}
        for row in rows:
            out.setdefault((row[0], row[1]), []).append(Override(*row))
        return {key: tuple(value) for key, value in out.items()}

    def assignments(self) -> list[str]:
        return [a for (a,) in self.db.execute("SELECT DISTINCT assignment FROM results WHERE current = 1 ORDER BY 1")]

    def pick_assignment(self, asked: str | None = None) -> str:
        """`asked`, if the gradebook has results for it, else its only assignment; a `UsageError` otherwise."""
        labs = self.assignments()
        if asked is not None:
            if asked not in labs:
                raise UsageError(f"the gradebook has no results for {asked} (it has: {', '.join(labs) or 'none'})")
            return asked
        if len(labs) != 1:
            raise UsageError(f"the gradebook holds {len(labs)} assignments ({', '.join(labs)}): name one with -a")
        return labs[0]

    def set_overrides(self, assignment: str, requested: list[Requested]) -> list[Override]:
        """Record the overrides, all or none (one transaction): each must name a student with a current
        result for `assignment`, a check of that result (or the total), and points from 0 to what the
        check (or the assignment, bonus included) can give. Raises `UsageError` naming the first bad one."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S")
        reports = {row.student_id: row.report for row in self.current(assignment)}
        # full marks, bonus included, from any graded result (a rejected one has a max_score of 0)
        full = max((float(r.get("max_score", 0.0)) + sum(c["max_score"] for c in r.get("checks", []) if c.get("bonus"))
                    for r in reports.values()), default=0.0)
        made = []
        for want in requested:
            report = reports.get(want.student_id)
            if report is None:
                raise UsageError(f"student {want.student_id} has no result for {assignment} in this gradebook")
            auto = automatic_points(report, want.check_id)
            if auto is None:
                ids = ", ".join(c["id"] for c in report.get("checks", []))
                raise UsageError(f"{assignment} has no check {want.check_id!r} (its checks: {ids}; or the total)")
            top = (full if want.check_id == TOTAL else
                   next(float(c["max_score"]) for c in report["checks"] if c["id"] == want.check_id))
            if not 0 <= want.points <= top:
                raise UsageError(f"student {want.student_id}, {want.check_id or 'total'}: {want.points:g} points "
                                 f"is outside 0 to {top:g}")
            made.append(Override(want.student_id, assignment, want.check_id, want.points, want.comment, want.by,
                                 now, auto))
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO overrides VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (student_id, assignment,"
                           " check_id) DO UPDATE SET points=excluded.points, comment=excluded.comment, by=excluded.by,"
                           " set_at=excluded.set_at, auto_points=excluded.auto_points",
                           [(o.student_id, o.assignment, o.check_id, o.points, o.comment, o.by, o.set_at,
                             o.auto_points) for o in made])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return made

    def remove_override(self, student_id: str, assignment: str, check_id: str) -> bool:
        cursor = self.db.execute("DELETE FROM overrides WHERE student_id=? AND assignment=? AND check_id=?",
                                 (student_id, assignment, check_id))
        return cursor.rowcount > 0

    def count_results(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
