"""Check kinds: each receives its own typed rules (defaults only in the schema), one function per kind,
and an assignment's own kinds (its checks.py) are that assignment's alone."""

from __future__ import annotations

import ast
import textwrap
import uuid
from pathlib import Path

import pytest
from conftest import dense, traced

from grader.errors import AssignmentError
from grader.grading import schema
from grader.grading.assignment import load
from grader.grading.checks import (REGISTRY, Evidence, compare_check, function_check, kinds_for, run_check,
                                   spec_of, threshold_of)
from grader.grading.kinds import check
from grader.grading.rules import accuracy_criterion
from grader.grading.schema import CompareCheck, CustomCheck, FunctionCheck, RunCheck
from grader.grading.score import score
from grader.models import Assignment, Entry, Layer, Run, RunLimits

GRADING = Path(__file__).resolve().parents[1] / "grader" / "grading"
GOOD = [dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
        Layer("Dropout", rate=0.3), dense(10, "softmax")]


def lab(reference=None, dataset="mnist"):
    return Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.ipynb",), match_any=(),
                      match_all=(), dataset=dataset, limits=RunLimits(), checks=(), reference=reference or {})


def evidence(*models):
    return Evidence(Run(entry=Entry(Path("x.ipynb"), "notebook", "x.ipynb"), cells=(), models=tuple(models)), {})


def part(model=RunCheck, **rules):
    return spec_of(model(id="p", title="P", points=1, kind=rules.pop("kind", "run"), **rules))


# -- the typed rules reach the checks -----------------------------------------------------------

def test_the_checks_read_their_rules_typed_never_a_mapping():
    source = {path.name: path.read_text(encoding="utf-8") for path in GRADING.glob("*.py")}
    reads = [f"{name}:{node.lineno}" for name, text in source.items() for node in ast.walk(ast.parse(text))
             if isinstance(node, ast.Attribute) and node.attr == "params"]
    assert not reads, f"grading reads CheckSpec.params (read spec.rules): {reads}"


def test_the_schema_holds_the_defaults_the_readme_states():
    assert RunCheck.model_fields["tolerance"].default == 0.01
    assert RunCheck.model_fields["accuracy_weight"].default == 0.5
    assert FunctionCheck.model_fields["min_accuracy"].default == 1.0
    assert (CompareCheck.model_fields["expect"].default, CompareCheck.model_fields["margin"].default) == \
        ("b_better_accuracy", 0.0)


def test_a_run_check_weighs_accuracy_by_the_schemas_default():
    class Heavier(RunCheck):  # as if schema.py said 0.9
        accuracy_weight: float = 0.9

    model = traced(GOOD, acc=0.945)
    credit = accuracy_criterion(model, 0.97).credit
    for rules, weight in ((RunCheck, 0.5), (Heavier, 0.9)):
        spec = part(rules, min_hidden=2, dropout="after_every_hidden", min_accuracy=0.97)
        assert spec.rules.accuracy_weight == weight
        outcome = run_check(evidence(model), spec, lab())
        assert outcome.fraction == pytest.approx((1 - weight) + weight * credit), rules


def test_a_named_threshold_takes_the_schemas_tolerance():
    class Looser(RunCheck):
        tolerance: float = 0.03

    figure = lab({"dropout": {"accuracy": 0.98}})
    assert threshold_of(part(min_accuracy="dropout"), figure) == 0.97
    assert threshold_of(part(Looser, min_accuracy="dropout"), figure) == 0.95
    assert threshold_of(part(Looser, min_accuracy="dropout", tolerance=0.0), figure) == 0.98
    assert threshold_of(part(Looser, min_accuracy=0.9), figure) == 0.9  # a number is the threshold itself


def test_a_function_check_takes_the_schemas_threshold():
    class Lenient(FunctionCheck):
        min_accuracy: float = 0.7

    from dataclasses import replace

    three_of_four = replace(traced([], dataset="xor", acc=0.75), function="nn", steps=100, method="custom_loop")
    assert function_check(evidence(three_of_four), part(FunctionCheck, kind="function", functions=["nn"]),
                          lab()).fraction < 1
    assert function_check(evidence(three_of_four), part(Lenient, kind="function", functions=["nn"]),
                          lab()).fraction == 1


def test_a_compare_check_takes_the_schemas_margin_and_labels():
    class Forgiving(CompareCheck):
        margin: float = -0.05
        b_label: str = "second"

    sides = {"kind": "compare", "a": {"hidden_activation": "sigmoid"}, "b": {"hidden_activation": "relu"}}
    sig = traced([dense(64, "sigmoid"), dense(10, "softmax")], index=0, acc=0.95)
    relu = traced([dense(64), dense(10, "softmax")], index=1, acc=0.93)
    strict = compare_check(evidence(sig, relu), spec_of(CompareCheck.model_validate(
        {"id": "c", "title": "C", "points": 1, **sides})), lab())
    forgiving = compare_check(evidence(sig, relu), spec_of(Forgiving.model_validate(
        {"id": "c", "title": "C", "points": 1, **sides})), lab())
    assert strict.fraction == 0.5 and "a #1 vs b #2" in str(strict.message)
    assert forgiving.fraction == 1.0 and "a #1 vs second #2" in str(forgiving.message)


def test_a_default_changed_in_the_schema_reaches_the_check_through_the_assignment_file(tmp_path, monkeypatch):
    class Heavier(RunCheck):
        accuracy_weight: float = 0.9

    (tmp_path / "assignment.toml").write_text(textwrap.dedent('''\
        id = "weights"
        [[checks]]
        id = "drop"
        title = "Dropout"
        points = 10
        kind = "run"
        min_hidden = 2
        dropout = "after_every_hidden"
        min_accuracy = 0.97
    '''), encoding="utf-8")
    model = traced(GOOD, acc=0.945)
    credit = accuracy_criterion(model, 0.97).credit
    (before,) = score(evidence(model), load(tmp_path))
    monkeypatch.setitem(schema.BUILTIN_CHECKS, "run", Heavier)
    (after,) = score(evidence(model), load(tmp_path))
    assert before.score == round(10 * (0.5 + 0.5 * credit), 2)
    assert after.score == round(10 * (0.1 + 0.9 * credit), 2)


def test_a_spec_is_built_from_its_rules_and_its_rules_are_frozen():
    spec = part(min_hidden=2, title_ko="파트")
    assert (spec.id, spec.title, spec.points, spec.kind, spec.titles) == ("p", "P", 1.0, "run", {"ko": "파트"})
    assert spec.rules.min_hidden == 2 and spec.rules.accuracy_weight == 0.5
    with pytest.raises(Exception):
        spec.rules.min_hidden = 3  # frozen: a check cannot change a rule for the checks after it


def test_the_runtime_is_asked_to_call_the_function_parts_functions():
    both = spec_of(FunctionCheck(id="f", title="F", points=1, kind="function", functions=["nn", "predict"]))
    assignment = Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.py",), match_any=(),
                            match_all=(), dataset="xor", limits=RunLimits(), checks=(part(), both))
    assert assignment.predict_functions == ("nn", "predict")


# -- one function per kind, and an assignment's kinds are its own --------------------------------

ASSIGNMENT = 'id = "{id}"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 2\nkind = "{kind}"\n{extra}'


def folder(tmp_path: Path, name: str, kind: str, checks: str | None = None, extra: str = "") -> Path:
    where = tmp_path / name
    where.mkdir()
    (where / "assignment.toml").write_text(ASSIGNMENT.format(id=name, kind=kind, extra=extra), encoding="utf-8")
    if checks is not None:
        (where / "checks.py").write_text("from __future__ import annotations\n\n"
                                         "from grader.grading.checks import Outcome, check\n"
                                         "from grader.grading.schema import Check\n\n" + textwrap.dedent(checks),
                                         encoding="utf-8")
    return where


SHOUT = '''
    @check("shout")
    def shout(evidence, spec, assignment):
        return Outcome({fraction}, "{said}")
'''


def test_two_assignments_may_each_define_a_kind_of_the_same_name_and_see_only_their_own(tmp_path):
    first = load(folder(tmp_path, "first", "shout", SHOUT.format(fraction=1.0, said="first's")))
    second = load(folder(tmp_path, "second", "shout", SHOUT.format(fraction=0.5, said="second's")))
    (one,) = score(evidence(), first)
    (two,) = score(evidence(), second)
    assert (one.score, str(one.message)) == (2.0, "first's")
    assert (two.score, str(two.message)) == (1.0, "second's")
    assert "shout" not in REGISTRY and "shout" not in kinds_for(lab())
    with pytest.raises(AssignmentError, match="unknown kind 'shout'"):
        load(folder(tmp_path, "third", "shout"))  # no checks.py: another's kind is not its own


def test_loading_an_assignment_again_registers_its_kinds_afresh(tmp_path):
    where = folder(tmp_path, "again", "shout", SHOUT.format(fraction=1.0, said="once"))
    load(where)
    (where / "checks.py").write_text((where / "checks.py").read_text().replace('"once"', '"twice"'))
    (result,) = score(evidence(), load(where))
    assert str(result.message) == "twice"
    (where / "checks.py").unlink()
    with pytest.raises(AssignmentError, match="unknown kind 'shout'"):
        load(where)  # a removed checks.py leaves no kind behind


def test_a_kind_registered_twice_is_refused_naming_both_functions(tmp_path):
    twice = SHOUT.format(fraction=1.0, said="one") + SHOUT.format(fraction=0.0, said="two").replace("def shout",
                                                                                                      "def shout_again")
    with pytest.raises(AssignmentError) as info:
        load(folder(tmp_path, "twice", "shout", twice))
    said = str(info.value)
    assert "checks.py" in said and "check kind 'shout' is registered twice" in said
    assert "by shout and by shout_again" in said


def test_an_assignment_cannot_replace_a_built_in_kind(tmp_path):
    replace_run = '''
        @check("run")
        def everyone_passes(evidence, spec, assignment):
            return Outcome(1.0, "free points")
    '''
    with pytest.raises(AssignmentError, match="check kind 'run' is built in: everyone_passes cannot replace it"):
        load(folder(tmp_path, "cheat", "run", replace_run))
    assert REGISTRY["run"].fn is run_check
    with pytest.raises(AssignmentError, match="is built in"):
        check("no_errors")(lambda evidence, spec, assignment: None)


def test_the_decorator_returns_the_function_unchanged():
    def mine(evidence, spec, assignment):
        return None

    assert check(f"mine-{uuid.uuid4().hex}")(mine) is mine  # this test module's kind: no assignment sees it


def test_a_custom_kind_declares_its_typed_rules_and_a_typo_in_them_is_an_authoring_error(tmp_path):
    typed = '''
        class Share(Check):
            share: float = 0.25

        @check("share", rules=Share)
        def share(evidence, spec, assignment):
            return Outcome(spec.rules.share, f"{type(spec.rules).__name__} {spec.rules.share!r}")
    '''
    (default,) = score(evidence(), load(folder(tmp_path, "typed", "share", typed)))
    assert (default.score, str(default.message)) == (0.5, "Share 0.25")
    (given,) = score(evidence(), load(folder(tmp_path, "given", "share", typed, extra='share = "0.75"\n')))
    assert (given.score, str(given.message)) == (1.5, "Share 0.75")  # validated: the string became a float
    with pytest.raises(AssignmentError, match="unknown key 'shar' \\(did you mean 'share'\\?\\)"):
        load(folder(tmp_path, "typo", "share", typed, extra="shar = 0.5\n"))


def test_a_custom_kind_without_a_model_keeps_its_extra_keys(tmp_path):
    loose = '''
        @check("loose")
        def loose(evidence, spec, assignment):
            return Outcome(spec.rules.cutoff, repr(sorted(spec.rules.model_extra.items())))
    '''
    assignment = load(folder(tmp_path, "loose", "loose", loose, extra="cutoff = 0.5\nnote = 'x'\n"))
    assert type(assignment.checks[0].rules) is CustomCheck
    (result,) = score(evidence(), assignment)
    assert (result.score, str(result.message)) == (1.0, "[('cutoff', 0.5), ('note', 'x')]")


def test_rules_that_are_not_a_check_model_are_refused(tmp_path):
    wrong = '''
        @check("wrong", rules=dict)
        def wrong(evidence, spec, assignment):
            return Outcome(1.0, "")
    '''
    with pytest.raises(AssignmentError, match="rules must be a subclass of grader.grading.schema.Check"):
        load(folder(tmp_path, "wrong", "wrong", wrong))


def test_a_crashing_custom_check_is_an_error_line_and_the_others_still_count(tmp_path):
    broken = '''
        @check("broken")
        def broken(evidence, spec, assignment):
            raise RuntimeError("bug in check")
    '''
    assignment = load(folder(tmp_path, "broken", "broken", broken,
                             extra='[[checks]]\nid = "b"\ntitle = "B"\npoints = 1\nkind = "no_errors"\n'))
    crashed, fine = score(evidence(), assignment)
    assert crashed.status == "error" and "bug in check" in str(crashed.message) and crashed.score == 0
    assert (fine.status, fine.score) == ("passed", 1.0)


def test_grader_reference_reads_the_typed_rules_of_the_run_parts():
    from grader.grading.reference import figures

    parts = (part(min_hidden=2, dropout="after_every_hidden", min_accuracy="dropout", published=0.98),
             spec_of(RunCheck(id="plain", title="Plain", points=1, kind="run", dropout="none", min_accuracy=0.9)),
             spec_of(RunCheck(id="free", title="Free", points=1, kind="run")),  # no threshold: no figure
             spec_of(FunctionCheck(id="fn", title="Fn", points=1, kind="function", functions=["nn"])))
    assignment = Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.ipynb",), match_any=(),
                            match_all=(), dataset="mnist", limits=RunLimits(), checks=parts)
    plain = traced([dense(256), dense(10, "softmax")], index=0, acc=0.95)
    drop = traced(GOOD, index=1, acc=0.97)
    found = figures(evidence(plain, drop).run, assignment)
    assert [(f.name, f.accuracy, f.published) for f in found] == [("dropout", 0.97, 0.98), ("plain", 0.95, None)]
