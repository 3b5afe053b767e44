"""The one builder of a graded report: a run and its answers, scored and compared, as a `Report`.

`grader check` and `grader grade` (pipeline.check_submission) and the self-check of a live session
(notebook/selfcheck.py) build their reports here, so the same run gives the same document whoever
graded it; a refused submission is `Report.from_rejection`.
"""

from __future__ import annotations

import time
from typing import Iterable, Mapping

from grader._version import __version__
from grader.grading.checks import Evidence
from grader.grading.compare import compare_models
from grader.grading.score import score
from grader.message import Phrase
from grader.models import Assignment, Lang, Report, Run


def graded_report(run: Run, assignment: Assignment, answers: Mapping[str, str], *, submission: str,
                  sha256: str | None, entry: str | None, messages: Iterable[Phrase], started: float, lang: Lang,
                  quick: bool = False) -> Report:
    """Score `run` (and the quiz `answers`) against `assignment`; `started` is the monotonic time the
    grading began, for the report's duration."""
    checks = score(Evidence(run, answers, quick=quick), assignment)
    return Report(grader_version=__version__, submission=submission, sha256=sha256, assignment=assignment.id,
                  status="graded", entry=entry, score=round(sum(c.score for c in checks), 2),
                  max_score=assignment.max_score, checks=checks, models=run.models, cells=run.cells,
                  messages=tuple(messages), duration_s=round(time.monotonic() - started, 2), lang=lang, quick=quick,
                  comparisons=compare_models(run.models, assignment))
