"""Grade a whole class: find -> (cached? skip) -> grade in parallel -> feedback files -> gradebook row.

`grade_class` owns a class's grading; the command line only parses its arguments and prints what
`grade_class` reports through its `on_progress` callback and returns. The contract:

- one candidate per student (`batch.discover`: the newest file per student counts);
- a student whose current result has the same cache key (`batch.cache_key`: the submission's
  content, the assignment's files, the grader version and the report options) is not re-run;
- every fresh result is a `Report`: a failure of the grader on one submission is that student's
  rejected report naming the error's code (`batch.refusal`), and the class goes on;
- each fresh result gets its feedback files (Markdown and HTML), then its gradebook row in one
  transaction, in that order: a result in the gradebook always has its feedback, and a kill at any
  moment (even `kill -9`) loses at most the results not yet recorded, which the next run re-grades.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from grader.classroom import batch
from grader.classroom.batch import Candidate, Outcome
from grader.classroom.gradebook import Gradebook, Row
from grader.errors import UsageError
from grader.models import Assignment, Lang

VERDICTS = ("passed", "failed", "rejected", "cached")  # the tally's order, as the summary prints it


@dataclass(frozen=True)
class Tally:
    """How many students of this run passed, failed, were rejected, or were reused from the gradebook."""

    passed: int = 0
    failed: int = 0
    rejected: int = 0
    cached: int = 0

    def add(self, outcome: Outcome) -> "Tally":
        return replace(self, **{outcome.verdict: getattr(self, outcome.verdict) + 1})

    @classmethod
    def of(cls, outcomes) -> "Tally":
        tally = cls()
        for outcome in outcomes:
            tally = tally.add(outcome)
        return tally

    def items(self) -> tuple[tuple[str, int], ...]:
        return tuple((name, getattr(self, name)) for name in VERDICTS)

    def text(self, sep: str = ", ") -> str:
        """"passed 3, failed 1, rejected 2, cached 0" (scripts read this line)."""
        return sep.join(f"{name} {count}" for name, count in self.items())


@dataclass(frozen=True)
class Progress:
    """What `on_progress` hears: once before grading (`outcome` None, `done` 0), then once per student."""

    done: int
    total: int
    tally: Tally
    outcome: Outcome | None = None


@dataclass(frozen=True)
class ClassResult:
    assignment: str
    candidates: tuple[Candidate, ...]
    outcomes: tuple[Outcome, ...]  # this run's, in the order they finished, cached ones included
    rows: tuple[Row, ...]  # every student's current result in the gradebook after the run

    @property
    def tally(self) -> Tally:
        return Tally.of(self.outcomes)

    def slowest(self, n: int = 3) -> tuple[Outcome, ...]:
        """The `n` longest fresh results of this run (cached ones took no time)."""
        fresh = [o for o in self.outcomes if o.report is not None]
        return tuple(sorted(fresh, key=lambda o: -o.report.duration_s)[:n])


def grade_class(source: Path, assignment: Assignment, outdir: Path, *, lang: Lang = "en",
                timeout_s: float | None = None, sandbox: str = "auto", faithful: bool = False,
                data_dir: Path | None = None, jobs: int | None = None, scheduler: str | None = None,
                pattern: str | None = None,
                on_progress: Callable[[Progress], None] | None = None) -> ClassResult:
    """Grade every student of `source` (a folder of submissions or one archive of them) into `outdir`
    (`gradebook.sqlite`, `feedback/ID.md` and `feedback/ID.html`), on `jobs` local processes or the
    Dask `scheduler`. Raises `GraderError` only before any student is graded (no dataset, no
    submissions, an unreadable source); after that every failure is a student's rejected report."""
    from grader.data import find_mnist

    data_path = find_mnist(data_dir)
    outdir = Path(outdir)
    candidates = batch.discover(source, pattern or batch.DEFAULT_PATTERN, outdir / ".incoming")
    if not candidates:
        raise UsageError(f"no submissions (.zip, .ipynb, .py) found in {source}")
    # the worker's pipeline options; a report depends on batch.REPORT_OPTIONS of them, not on where the data is
    options = {"data_dir": str(data_path.parent), "timeout_s": timeout_s, "lang": lang, "sandbox": sandbox,
               "faithful": faithful}
    keys = {c.student_id: batch.cache_key(c, assignment, options) for c in candidates}
    feedback = outdir / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    tally = Tally()
    book = Gradebook(outdir / "gradebook.sqlite")
    try:
        def on_result(outcome: Outcome) -> None:
            nonlocal tally
            if outcome.report is not None:
                record(book, feedback, data_path, assignment.id, keys[outcome.candidate.student_id], outcome,
                       timed=not _unpacked_here(outcome.candidate.path, outdir))
            outcomes.append(outcome)
            tally = tally.add(outcome)
            if on_progress is not None:
                on_progress(Progress(len(outcomes), len(candidates), tally, outcome))

        if on_progress is not None:
            on_progress(Progress(0, len(candidates), tally))
        batch.run(candidates, assignment, options, jobs=jobs or batch.default_jobs(), scheduler=scheduler,
                  is_cached=lambda c: book.cached(c.student_id, assignment.id, keys[c.student_id]),
                  on_result=on_result)
        rows = tuple(book.current(assignment.id))
    finally:
        book.close()
    return ClassResult(assignment.id, tuple(candidates), tuple(outcomes), rows)


def _unpacked_here(path: Path, outdir: Path) -> bool:
    """A submission unpacked from one archive of the class: its file time is when it was unpacked."""
    try:
        return Path(path).resolve().is_relative_to((outdir / ".incoming").resolve())
    except OSError:
        return False


def record(book: Gradebook, feedback: Path, data_path: Path | None, assignment_id: str, key: str,
           outcome: Outcome, timed: bool = True) -> None:
    """Write one fresh result: its feedback files first, then its gradebook row (one transaction),
    so a recorded result always has its feedback and a kill in between only costs a re-grade."""
    from grader.feedback.html import render_html
    from grader.feedback.report import to_dict, to_markdown

    report, c = outcome.report, outcome.candidate
    if report is None:
        raise ValueError(f"{c.student_id}: a cached outcome has nothing to record")
    document = to_dict(report)
    _write(feedback / f"{c.student_id}.md", to_markdown(document, report.lang))
    _write(feedback / f"{c.student_id}.html", render_html(document, data_path, report.lang))
    try:  # when the file says it arrived: its modification time, as the LMS download or the copy set it
        arrived = datetime.fromtimestamp(c.path.stat().st_mtime, tz=timezone.utc) if timed else None
    except OSError:
        arrived = None
    book.record(c.student_id, c.name, str(c.path), c.sha256, assignment_id, key, document, report.exit_code,
                file_time=arrived)


def _write(path: Path, text: str) -> None:
    # written aside then renamed: a kill mid-write never leaves half a feedback file
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
