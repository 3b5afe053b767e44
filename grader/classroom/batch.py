"""The class's engine: discover the submissions, key them for the cache, grade them in parallel.

Each submission is graded by `grade_one` in a worker process (a local process pool, or a Dask
cluster's workers); results come back as `Report` values (pickled) and only the coordinating
process (`classroom.grade.grade_class`) writes the gradebook, one transaction per student, so the
run can be killed and resumed. A grader failure on one submission is that student's rejected
report (`refusal`), never a crash of the class.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from grader import __version__
from grader.errors import GraderError, NoEntryPoint, UsageError
from grader.models import Assignment, Lang, Report

DEFAULT_PATTERN = r"^(?P<id>[0-9A-Za-z]+)_(?P<name>[^_]+)_.*\.zip$"


@dataclass(frozen=True)
class Candidate:
    student_id: str
    name: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class Outcome:
    """One student's result from this run: a fresh `Report`, or None when the stored one was reused."""

    candidate: Candidate
    report: Report | None  # None: cached, not re-run

    @property
    def cached(self) -> bool:
        return self.report is None

    @property
    def exit_code(self) -> int:
        return 0 if self.report is None else self.report.exit_code

    @property
    def verdict(self) -> str:
        """"cached", or how the report ended: "passed" (exit 0), "failed" (1) or "rejected" (2)."""
        if self.report is None:
            return "cached"
        return {0: "passed", 1: "failed"}.get(self.report.exit_code, "rejected")


def refusal(exc: BaseException, submission: str, lang: Lang = "en") -> Report:
    """The rejected report of a submission the grader failed on: a `GraderError` keeps its message
    and its stable code (`error`), anything else (a bug, a dead worker) is `error="internal"`."""
    if isinstance(exc, GraderError):
        return Report.from_rejection(submission, exc.phrase, lang=lang, error=exc.code)
    return Report.from_rejection(submission, f"the grading worker failed: {type(exc).__name__}: {exc}",
                                 lang=lang, error="internal")


def discover(source: Path, pattern: str = DEFAULT_PATTERN, scratch: Path | None = None) -> list[Candidate]:
    """One candidate per student: a folder of zips, or one archive holding them (newest file wins)."""
    from grader.intake.unpack import UnpackLimits, unpack

    source = Path(source)
    if source.is_file():
        folder = Path(scratch or tempfile.mkdtemp(prefix="grader-class-"))
        limits = UnpackLimits(max_total_bytes=8 * 2**30, max_entry_bytes=2**30, max_nesting=0)
        try:
            unpack(source, folder, limits)
        except NoEntryPoint:  # expected: an archive of zips has no notebook at its top level
            pass
        source = folder
    if not source.is_dir():
        raise UsageError(f"{source}: not a folder of submissions or an archive of them")
    regex = re.compile(pattern)
    found: dict[str, Candidate] = {}
    files = sorted((p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in (".zip", ".ipynb", ".py")
                    and "__MACOSX" not in p.parts), key=lambda p: (p.stat().st_mtime, p.name))
    for path in files:
        match = regex.match(path.name)
        student_id = match.group("id") if match and "id" in regex.groupindex else path.stem
        name = match.group("name") if match and "name" in regex.groupindex else ""
        found[student_id] = Candidate(student_id, name, path, _sha256(path))
    return sorted(found.values(), key=lambda c: c.student_id)


REPORT_OPTIONS = ("lang", "timeout_s", "sandbox", "faithful")  # the grading options a stored report depends on


def cache_key(candidate: Candidate, assignment: Assignment, options: Mapping[str, Any] | None = None) -> str:
    """Changes when the submission, the assignment's files, the grader or an option the report depends on do."""
    chosen = {name: (options or {}).get(name) for name in REPORT_OPTIONS}
    digest = hashlib.sha256(f"{candidate.sha256}|{__version__}|{assignment.id}|{sorted(chosen.items())}".encode())
    for path in sorted(assignment.root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def grade_one(filename: str, content: bytes, assignment_id: str, assignment_dir: str,
              options: dict[str, Any]) -> Report:
    """Grade one submission in a worker (possibly another machine): the file travels as bytes,
    the assignment is the worker's own installed copy when the coordinator's folder is not there.
    The report names `filename` (the coordinator's path), not the worker's scratch copy."""
    from grader.grading import assignment as assignments
    from grader.pipeline import Options, check_submission

    with tempfile.TemporaryDirectory(prefix="grader-job-") as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(content)
        try:
            folder = Path(assignment_dir)
            chosen = assignments.load(folder) if (folder / "assignment.toml").is_file() else assignments.find(assignment_id)
            report = check_submission(path, Options(assignment=chosen, **options))
        except GraderError as exc:  # the grader could not run this one: a row with the reason, not a crash
            report = refusal(exc, filename, options.get("lang", "en"))
    return replace(report, submission=filename)


def default_jobs() -> int:
    """What fits: one job per CPU, at most one per 3 GB of memory (TensorFlow's working set)."""
    from grader.execution.config import available_cpus

    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gb = 8
    return max(1, min(available_cpus(), int(memory_gb // 3)))


def run(candidates: Iterable[Candidate], assignment: Assignment, options: dict[str, Any], *,
        jobs: int, scheduler: str | None, is_cached: Callable[[Candidate], bool],
        on_result: Callable[[Outcome], None]) -> None:
    """Grade every candidate not cached, `jobs` at a time (or on a Dask cluster), reporting each result."""
    todo = []
    for candidate in candidates:
        if is_cached(candidate):
            on_result(Outcome(candidate, None))
        else:
            todo.append(candidate)
    if not todo:
        return
    from grader.execution.config import available_cpus

    # each student process gets its share of the threads, so parallel jobs do not fight
    options = {**options, "threads": options.get("threads") or max(1, available_cpus() // max(1, jobs))}
    args = [(str(c.path), c.path.read_bytes(), assignment.id, str(assignment.root), options) for c in todo]
    lang = options.get("lang", "en")
    if scheduler:
        _run_dask(todo, args, scheduler, lang, on_result)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures: dict[Future, Candidate] = {pool.submit(grade_one, *a): c for a, c in zip(args, todo)}
        for future in as_completed(futures):
            on_result(_outcome(futures[future], future, lang))


def _run_dask(todo: list[Candidate], args: list[tuple], scheduler: str, lang: Lang,
              on_result: Callable[[Outcome], None]) -> None:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise UsageError("--scheduler needs dask.distributed: pip install 'keras-course-grader[cluster]'") from None
    with Client(scheduler) as client:
        futures = {client.submit(grade_one, *a, pure=False, key=f"grade-{c.student_id}-{c.sha256[:12]}"): c
                   for a, c in zip(args, todo)}
        for future in dask_completed(list(futures)):
            on_result(_outcome(futures[future], future, lang))


def _outcome(candidate: Candidate, future, lang: Lang) -> Outcome:
    try:
        report = future.result()
    except Exception as exc:  # a worker died (killed, out of memory) or the grader broke: the student still gets a row
        report = refusal(exc, str(candidate.path), lang)
    return Outcome(candidate, report)


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
