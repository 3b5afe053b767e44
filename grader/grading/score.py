"""Score a measured run against an assignment: one `CheckResult` per declared check."""

from __future__ import annotations

from grader.grading.checks import REGISTRY, Evidence
from grader.feedback.i18n import say
from grader.models import Assignment, CheckResult


def score(evidence: Evidence, assignment: Assignment) -> tuple[CheckResult, ...]:
    """One result per check, titled and worded in the evidence's language."""
    results = []
    for spec in assignment.checks:
        title = spec.title_for(evidence.lang)
        try:
            outcome = REGISTRY[spec.kind](evidence, spec, assignment)
        except Exception as exc:  # a broken check is reported on its line, the others still count
            results.append(CheckResult(spec.id, title, "error", 0.0, spec.points,
                                       say(evidence.lang, "the check itself failed: {error}",
                                           error=f"{type(exc).__name__}: {exc}")))
            continue
        fraction = min(1.0, max(0.0, outcome.fraction))
        status = outcome.status or ("passed" if fraction >= 1.0 else "failed")
        results.append(CheckResult(spec.id, title, status, round(spec.points * fraction, 2),
                                   spec.points, outcome.message))
    return tuple(results)
