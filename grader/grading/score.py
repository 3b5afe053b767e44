"""Score a measured run against an assignment: one `CheckResult` per declared check."""

from __future__ import annotations

from grader.grading.checks import Evidence, kinds_for
from grader.message import msg
from grader.models import Assignment, CheckResult


def score(evidence: Evidence, assignment: Assignment) -> tuple[CheckResult, ...]:
    """One result per check, judged by the function of its kind among the assignment's kinds
    (`checks.kinds_for`); its message is rendered in the reader's language when shown."""
    kinds = kinds_for(assignment)
    results = []
    for spec in assignment.checks:
        try:
            outcome = kinds[spec.kind].fn(evidence, spec, assignment)
        except Exception as exc:  # a broken check is reported on its line, the others still count
            results.append(CheckResult(spec.id, spec.title, "error", 0.0, spec.points,
                                       msg("the check itself failed: {error}",
                                           error=f"{type(exc).__name__}: {exc}"), spec.titles, spec.bonus))
            continue
        fraction = min(1.0, max(0.0, outcome.fraction))
        status = outcome.status or ("passed" if fraction >= 1.0 else "failed")
        results.append(CheckResult(spec.id, spec.title, status, round(spec.points * fraction, 2),
                                   spec.points, outcome.message, spec.titles, spec.bonus,
                                   outcome.hint if status != "passed" else None))
    return tuple(results)
