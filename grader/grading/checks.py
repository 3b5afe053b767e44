"""The built-in check kinds, registered with `@check("kind", rules=Model)` (see `kinds.py`).

An assignment's `[[checks]]` entries name a kind; the built-in kinds live here, for every assignment,
and an assignment folder may add its own, for itself, in a `checks.py` using the same decorator.
A check function gets the `Evidence`, its `CheckSpec` (its typed rules in `spec.rules`, whose defaults
are the schema's) and the `Assignment`, and returns an `Outcome`: the fraction of the points earned
and a message for the student.
"""

from __future__ import annotations

from typing import Mapping

from grader.grading import quiz
from grader.grading.kinds import (BUILTIN_MODULE, CheckKind, CheckSpec, Evidence, Outcome, assignment_module, check,
                                  kinds_of, spec_of)
from grader.grading.part_hints import NOT_ATTEMPTED, hint_for_criteria
from grader.grading.schema import CompareCheck, FunctionCheck, NoErrorsCheck, QuizCheck, RunCheck, SaveLoadCheck
from grader.message import Phrase, join, msg
from grader.models import Assignment, TracedModel
from grader.grading.rules import (Criterion, accuracy_criterion, architecture_criteria, blocks_of, missing_traits,
                                  part_traits, trait_words)

# the names an assignment's checks.py imports (`from grader.grading.checks import check, Outcome`)
__all__ = ["REGISTRY", "CheckKind", "CheckSpec", "Evidence", "Outcome", "check", "kinds_for", "spec_of", "threshold_of"]


def threshold_of(spec: CheckSpec[RunCheck], assignment: Assignment) -> float | None:
    """The accuracy a part asks for: a number, or a recorded reference figure minus the part's tolerance."""
    value = spec.rules.min_accuracy
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    facts = assignment.reference.get(value)
    if not isinstance(facts, Mapping) or "accuracy" not in facts:
        raise KeyError(f"no recorded reference accuracy for {value!r} (run `grader reference {assignment.id}`)")
    return round(float(facts["accuracy"]) - spec.rules.tolerance, 4)


@check("run", rules=RunCheck)
def run_check(evidence: Evidence, spec: CheckSpec[RunCheck], assignment: Assignment) -> Outcome:
    """The best traced model against the part's architecture rules and accuracy threshold."""
    rules = spec.rules
    dataset = rules.dataset or assignment.dataset
    models = [m for m in evidence.run.models if m.dataset in (dataset, "unknown") and m.layers]
    if not models:
        return Outcome(0.0, msg("no trained model was found: the grader only counts models that model.fit "
                                      "(or a training loop with a Keras optimizer) actually trained"),
                       status="not_attempted")
    # a model counts toward the part it is for: one of another kind (with Dropout for a part without,
    # 2 hidden layers for the 8-layer part) earns this part nothing, however close it is otherwise
    models = [m for m in models if not missing_traits(m, rules)]
    if not models:
        return Outcome(0.0, msg("not attempted yet: no trained model is of this part's kind ({traits})",
                                traits=trait_words(rules, part_traits(rules))),
                       status="not_attempted", hint=NOT_ATTEMPTED)
    # capped training says nothing about the accuracy the full run reaches: judge it later
    judged_later = evidence.quick and rules.min_accuracy is not None
    threshold = None if judged_later else threshold_of(spec, assignment)
    weight = rules.accuracy_weight if threshold is not None else 0.0
    best: tuple[float, float, TracedModel, list[Criterion]] | None = None
    for model in models:
        arch = architecture_criteria(model, rules)
        acc = [accuracy_criterion(model, threshold)] if threshold is not None else []
        fraction = _blend(arch, acc, weight)
        key = (round(fraction, 6), model.test_accuracy or 0.0)
        if best is None or key >= (best[0], best[1]):  # ties go to the later model
            best = (key[0], key[1], model, arch + acc)
    fraction, _, model, criteria = best
    where = (msg("model #{n} `{name}` (cell {cell})", n=model.index + 1, name=model.name, cell=model.cell)
             if model.cell is not None else msg("model #{n} `{name}`", n=model.index + 1, name=model.name))
    failed = [c.message for c in criteria if not c.ok]
    if not failed:
        if judged_later:
            return Outcome(0.0, msg("{where}: architecture matches; accuracy not judged in --quick mode "
                                          "(training was capped): run the full check", where=where), status="skipped")
        passed = [c.message for c in criteria if c.name == "accuracy"]
        return Outcome(1.0, msg("{where}: {details}", where=where,
                                details=join(passed) if passed else msg("matches")))
    return Outcome(min(1.0, fraction), msg("closest is {where}: {failed}", where=where, failed=join(failed)),
                   hint=hint_for_criteria([c.name for c in criteria if not c.ok], model.trained_on_test))


def _blend(arch: list[Criterion], acc: list[Criterion], weight: float) -> float:
    """Architecture rules share (1 - weight) equally; the accuracy criterion carries `weight`, scaled
    by how far the model is the part's model (another model's accuracy is no evidence for this part)."""
    arch_part = sum(c.ok for c in arch) / len(arch) if arch else None
    acc_part = acc[0].credit if acc else None
    if arch_part is None:
        return 1.0 if acc_part is None else acc_part
    if acc_part is None:
        return arch_part
    return (1.0 - weight) * arch_part + weight * acc_part * arch_part


@check("compare", rules=CompareCheck)
def compare_check(evidence: Evidence, spec: CheckSpec[CompareCheck], assignment: Assignment) -> Outcome:
    """Two runs the way the notes compare them: `a` (baseline) and `b`, e.g. sigmoid vs ReLU.

    `expect`: "b_better_accuracy" (b's measured accuracy > a's + margin) or "b_lower_loss"
    (b's last training loss < a's - margin). `same_shape` asks for equal hidden layer widths.
    """
    rules = spec.rules
    a_label, b_label = rules.a_label, rules.b_label
    dataset = rules.dataset or assignment.dataset
    models = [m for m in evidence.run.models if m.dataset in (dataset, "unknown") and m.layers]
    a_side = [m for m in models if all(c.ok for c in architecture_criteria(m, rules.a))]
    b_side = [m for m in models if all(c.ok for c in architecture_criteria(m, rules.b))]
    missing = [label for label, side in ((a_label, a_side), (b_label, b_side)) if not side]
    if missing:
        return Outcome(0.0, msg("nothing to compare: no run found for {missing}",
                                missing=", ".join(f"'{m}'" for m in missing)), status="not_attempted")
    pairs = [(a, b) for a in a_side for b in b_side if a is not b
             and (not rules.same_shape or _widths(a) == _widths(b))]
    if not pairs:
        return Outcome(0.25, msg("the {a} and {b} runs differ in shape; the notes compare nets of the same shape",
                                 a=a_label, b=b_label))
    if evidence.quick and any(m.capped for pair in pairs for m in pair):
        return Outcome(0.0, msg("{a} and {b} runs found; their comparison is not judged in --quick mode",
                                a=a_label, b=b_label), status="skipped")
    judged = [(a, b, _compare(a, b, rules.expect, rules.margin)) for a, b in pairs]
    a, b, (ok, detail) = max(judged, key=lambda j: (j[2][0], j[1].index))
    text = msg("{a} #{i} vs {b} #{j}: {detail}", a=a_label, i=a.index + 1, b=b_label, j=b.index + 1, detail=detail)
    return Outcome(1.0 if ok else 0.5, text)


def _widths(model: TracedModel) -> tuple:
    return tuple(b.units for b in blocks_of(model.layers)[:-1])


def _compare(a: TracedModel, b: TracedModel, expect: str, margin: float) -> tuple[bool, Phrase]:
    if expect == "b_lower_loss":
        la, lb = (m.history.get("loss", (None,))[-1] for m in (a, b))
        if la is None or lb is None:
            return False, msg("no training loss recorded to compare")
        return lb < la - margin, msg("last training loss {a:.4f} vs {b:.4f}", a=la, b=lb)
    if a.test_accuracy is None or b.test_accuracy is None:
        return False, msg("accuracy could not be measured for both")
    return b.test_accuracy > a.test_accuracy + margin, msg("measured test accuracy {a:.4f} vs {b:.4f}",
                                                           a=a.test_accuracy, b=b.test_accuracy)


@check("save_load", rules=SaveLoadCheck)
def save_load_check(evidence: Evidence, spec: CheckSpec[SaveLoadCheck], assignment: Assignment) -> Outcome:
    """A trained model saved with model.save(...) and read back with load_model(...)."""
    run = evidence.run
    both = sorted(set(run.saves) & set(run.loads))
    if both:
        return Outcome(1.0, msg("saved and loaded back: {files}", files=", ".join(both)))
    if run.saves:
        return Outcome(0.5, msg("saved {files} but never loaded it back with load_model",
                                files=", ".join(sorted(set(run.saves)))))
    return Outcome(0.0, msg("no model.save(...) call ran"), status="not_attempted")


@check("function", rules=FunctionCheck)
def function_check(evidence: Evidence, spec: CheckSpec[FunctionCheck], assignment: Assignment) -> Outcome:
    """Raw tf.Variable code: the named prediction function, called by the grader on the truth table."""
    names = spec.rules.functions
    found = [m for m in evidence.run.models if m.function in names]
    if not found:
        return Outcome(0.0, msg("no function named {names} was found after the run", names=" or ".join(names)),
                       status="not_attempted")
    threshold = spec.rules.min_accuracy
    best = max(found, key=lambda m: m.test_accuracy or 0.0)
    if best.test_accuracy is None:
        return Outcome(0.0, best.measure_note or msg("{fn}() could not be called", fn=best.function))
    ok = best.test_accuracy >= threshold
    detail = msg("{fn}() on the XOR truth table: accuracy {acc:.2f}", fn=best.function, acc=best.test_accuracy)
    if not best.steps:
        return Outcome(0.0, detail + msg(", but no optimizer step updated its variables"))
    return Outcome(1.0 if ok else 0.3, detail + ("" if ok else msg(" < {threshold:.2f}", threshold=threshold)))


@check("quiz", rules=QuizCheck)
def quiz_check(evidence: Evidence, spec: CheckSpec[QuizCheck], assignment: Assignment) -> Outcome:
    qid = str(spec.rules.question)
    key = {"salt": assignment.quiz.get("salt", ""), "questions": {qid: assignment.quiz["questions"][qid]}}
    (result,) = quiz.grade({qid: evidence.answers[qid]} if qid in evidence.answers else {}, key)
    if not result.answered:
        return Outcome(0.0, msg("no answer found for question {q} (write it under a '# Quiz' heading)",
                                q=qid), status="not_attempted")
    answer = " ".join(evidence.answers[qid].split())[:60]
    if result.correct:
        return Outcome(1.0, msg("'{answer}' is correct", answer=answer))
    return Outcome(0.0, msg("'{answer}' is not correct", answer=answer))


@check("no_errors", rules=NoErrorsCheck)
def no_errors_check(evidence: Evidence, spec: CheckSpec[NoErrorsCheck], assignment: Assignment) -> Outcome:
    failing = evidence.run.failing_cells
    if not failing:
        return Outcome(1.0, msg("every cell ran without an error"))
    listed = ", ".join(str(c.index) for c in failing[:8])
    return Outcome(0.0, msg("{n} cell(s) failed: {cells}", n=len(failing), cells=listed))


REGISTRY: Mapping[str, CheckKind] = kinds_of(BUILTIN_MODULE)  # the built-in kinds, read-only


def kinds_for(assignment: Assignment) -> Mapping[str, CheckKind]:
    """The kinds an assignment's checks may name: the built-in ones and its own `checks.py`'s, no other's."""
    return {**REGISTRY, **kinds_of(assignment_module(assignment.root))}
