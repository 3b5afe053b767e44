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
from pathlib import Path
from typing import Any, Iterator, Mapping

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
               report: Mapping[str, Any], exit_code: int) -> None:
        """Replace the student's current result with `report`, atomically."""
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
                 " r.report FROM results r JOIN students s ON s.id = r.student_id"
                 " JOIN submissions sub ON sub.id = r.submission_id WHERE r.current = 1")
        params: tuple = ()
        if assignment:
            query += " AND r.assignment = ?"
            params = (assignment,)
        for row in self.db.execute(query + " ORDER BY r.student_id", params):
            yield Row(*row[:8], report=upgrade_document(json.loads(row[8])))  # grader 0.3 wrote old keys

    def count_results(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
