"""The whole check of one submission: unpack -> locate -> execute -> measure -> score -> compare -> report.

Every step is a plain function over frozen values; this module only wires them.
A rejected submission becomes a `Report` with status "rejected"; other grader errors propagate.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from grader.grading import quiz
from grader.grading.assignment import load_all
from grader.grading.graded import graded_report
from grader.data import find_mnist
from grader.errors import SubmissionRejected
from grader.execution.execute import Executor, RunConfig, execute
from grader.feedback.hints import hint_for
from grader.message import Phrase, msg
from grader.intake.locate import locate
from grader.execution.measure import measure, start_worker
from grader.execution.replay import RECORDING_FILE, ReplayExecutor, record_run
from grader.models import Assignment, Lang, Report, Run
from grader.execution.sandbox import SandboxMode, choose
from grader.intake.unpack import unpack



_WEIGHT_FILES = (".h5", ".keras", ".hdf5", ".ckpt", ".pb", ".weights", ".pt", ".pth")


@dataclass(frozen=True)
class Options:
    assignment: Assignment | None = None  # None: pick by matching
    assignments_dir: Path | None = None
    data_dir: Path | None = None
    timeout_s: float | None = None  # overrides the assignment's per-cell and whole-run limits
    lang: Lang = "en"
    keep_dir: Path | None = None  # keep scratch and outputs here (for debugging, batch feedback)
    threads: int = 0
    seed: int = 0
    quick: bool = False  # cap training so a student sees structural problems in well under a minute
    faithful: bool = False  # no training fast path: Keras's own loop for every fit
    sandbox: SandboxMode = "auto"
    progress: Callable[[str], None] | None = None  # hears "cell 3/20  00:41  epoch 2/5  loss 0.1234"


QUICK_CAPS = {"max_epochs": 1, "max_samples": 6000}


def check_submission(source: Path, options: Options, executor: Executor | None = None) -> Report:
    started = time.monotonic()
    # a replayed run was measured when it was recorded: it reads no data and starts no measuring process
    replaying = isinstance(executor, ReplayExecutor)
    # before any work: a missing dataset is the user's to fix
    data_path = Path(os.devnull) if replaying else find_mnist(options.data_dir)
    sandbox = choose(options.sandbox)  # strict without bubblewrap stops here, before running anything
    workdir = Path(tempfile.mkdtemp(prefix="grader-")) if options.keep_dir is None else Path(options.keep_dir)
    try:
        try:
            submission = unpack(Path(source), workdir / "submission")
            assignments = load_all(options.assignments_dir) if options.assignment is None else ()
            located = locate(submission, assignments, options.assignment)
        except SubmissionRejected as exc:
            return rejected(Path(source), exc.phrase, time.monotonic() - started, options.lang, error=exc.code)
        assignment = located.assignment
        if replaying:
            executor.check_submission(submission.sha256)
        config = RunConfig.from_assignment(
            assignment, data_path=data_path, out_dir=workdir / "out", scratch=submission.root, sandbox=sandbox,
            timeout_s=options.timeout_s, seed=options.seed, threads=options.threads,
            quick=QUICK_CAPS if options.quick else None, faithful=options.faithful)
        # the clean measuring process imports TensorFlow while the student's code runs
        worker = None if replaying else start_worker(config.out_dir, data_path)
        try:
            run = execute(located.entry, config, executor, options.progress)
        except BaseException as exc:
            if worker is not None:
                worker.close()
            if isinstance(exc, SubmissionRejected):
                return rejected(Path(source), exc.phrase, time.monotonic() - started, options.lang, submission.sha256,
                                error=exc.code)
            raise
        run = add_hints(measure(with_student_paths(run, submission.root), data_path, worker))
        if options.keep_dir is not None:  # `--replay` grades it again, with no kernel, TensorFlow or data
            record_run(run, workdir / RECORDING_FILE, submission.sha256)
        weights = [f for f in submission.files if f.endswith(_WEIGHT_FILES)]
        if weights:  # a model trained elsewhere could be loaded instead of trained: say it, grade only what ran
            run = replace(run, messages=run.messages + (
                msg("the submission contains saved weights ({files}); only models trained during the run "
                    "are graded", files=", ".join(weights[:3])),))
        answers = quiz.extract_answers(run.markdown, answer_files(submission.root, submission.files))
        return graded_report(
            run, assignment, answers, submission=str(source), sha256=submission.sha256, entry=located.entry.relpath,
            messages=((sandbox.note,) if sandbox.note else ()) + submission.messages + located.messages + run.messages,
            started=started, lang=options.lang, quick=options.quick)
    finally:
        if options.keep_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def rejected(source: Path, why: Phrase, duration: float, lang: Lang, sha256: str | None = None,
             error: str = "rejected") -> Report:
    """The report of a submission that could not be graded (`Report.from_rejection`)."""
    return Report.from_rejection(str(source), why, duration_s=duration, lang=lang, sha256=sha256, error=error)


def with_student_paths(run: Run, root: Path) -> Run:
    """Tracebacks and output name the student's own files (`lab10.py`, line 27), never the grader's
    scratch folder they ran from."""
    prefixes = sorted({str(root) + os.sep, str(root.resolve()) + os.sep}, key=len, reverse=True)

    def clean(text):
        if not isinstance(text, str):
            return text
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    cells = tuple(replace(c, traceback=clean(c.traceback), error=clean(c.error)) for c in run.cells)
    return replace(run, cells=cells, process_output=clean(run.process_output))


def add_hints(run: Run) -> Run:
    cells = tuple(replace(c, hint=hint_for(c.source, c.error, c.traceback)) if c.status != "ok" else c
                  for c in run.cells)
    return replace(run, cells=cells)


def answer_files(root: Path, files: tuple[str, ...]) -> dict[str, str]:
    """Texts of the quiz answer files in the submission, keyed by relative path."""
    texts = {}
    for rel in files:
        if os.path.basename(rel).casefold() in quiz.ANSWER_FILES:
            try:
                texts[rel] = (root / rel).read_text(encoding="utf-8", errors="replace")[:100_000]
            except OSError:
                continue
    return texts
