from dataclasses import replace
from pathlib import Path

import pytest
from conftest import dense, traced

from grader.grading import quiz
from grader.grading.checks import Evidence, quiz_check, run_check, spec_of, threshold_of
from grader.grading.schema import CompareCheck, FunctionCheck, QuizCheck, RunCheck, SaveLoadCheck
from grader.models import Assignment, Entry, Layer, Run, RunLimits


def assignment(checks=(), reference=None, quiz_key=None):
    return Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.ipynb",), match_any=(),
                      match_all=(), dataset="mnist", limits=RunLimits(), checks=tuple(checks),
                      quiz=quiz_key or {},
                      reference={"dropout": {"accuracy": 0.98}} if reference is None else reference)


def run_of(*models, markdown=()):
    return Run(entry=Entry(Path("x.ipynb"), "notebook", "x.ipynb"), cells=(), models=tuple(models), markdown=markdown)


DROPOUT_PART = spec_of(RunCheck(id="drop", title="Dropout", points=4, kind="run",
                                min_hidden=2, initializer=["he", "glorot"], dropout="after_every_hidden",
                                min_accuracy="dropout", tolerance=0.01))
GOOD = [dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
        Layer("Dropout", rate=0.3), dense(10, "softmax")]


def test_threshold_derives_from_reference_figure():
    assert threshold_of(DROPOUT_PART, assignment()) == 0.97
    with pytest.raises(KeyError):
        threshold_of(DROPOUT_PART, assignment(reference={}))


def test_best_matching_model_is_chosen_even_if_overwritten_earlier():
    plain = traced([dense(256), dense(256), dense(10, "softmax")], index=0, acc=0.99)
    drop = traced(GOOD, index=1, acc=0.981)
    later = traced([dense(512), dense(10, "softmax")], index=2, acc=0.95)
    outcome = run_check(Evidence(run_of(plain, drop, later), {}), DROPOUT_PART, assignment())
    assert outcome.fraction == 1.0
    assert "model #2" in str(outcome.message) and "0.9810" in str(outcome.message)


def test_right_architecture_low_accuracy_gets_partial_credit():
    outcome = run_check(Evidence(run_of(traced(GOOD, acc=0.945)), {}), DROPOUT_PART, assignment())
    assert 0.5 < outcome.fraction < 0.8
    assert "0.9450 < 0.9700" in str(outcome.message)


def test_no_trained_model_scores_nothing():
    outcome = run_check(Evidence(run_of(), {}), DROPOUT_PART, assignment())
    assert outcome.fraction == 0.0 and "no trained model" in str(outcome.message)


def test_trained_on_test_set_earns_no_accuracy_points():
    outcome = run_check(Evidence(run_of(traced(GOOD, acc=0.999, trained_on_test=True)), {}), DROPOUT_PART, assignment())
    assert outcome.fraction == 0.5 and "test set" in str(outcome.message)


def test_quiz_check_uses_hashed_key_and_never_reveals_it():
    key = quiz.make_key({"3": (1.0, ["1200"])}, salt="s")
    spec = spec_of(QuizCheck(id="q3", title="Q3", points=1, kind="quiz", question="3"))
    lab = assignment(quiz_key=key)
    right = quiz_check(Evidence(run_of(), {"3": "60000 / 50 = 1,200"}), spec, lab)
    wrong = quiz_check(Evidence(run_of(), {"3": "600"}), spec, lab)
    missing = quiz_check(Evidence(run_of(), {}), spec, lab)
    assert right.fraction == 1.0
    assert wrong.fraction == 0.0 and "1200" not in str(wrong.message)
    assert missing.fraction == 0.0 and "no answer" in str(missing.message)


SIG_VS_RELU = spec_of(CompareCheck.model_validate({
    "id": "cmp", "title": "sigmoid vs relu", "points": 2, "kind": "compare",
    "a": {"hidden_activation": "sigmoid", "min_hidden": 1}, "b": {"hidden_activation": "relu", "min_hidden": 1},
    "a_label": "sigmoid", "b_label": "ReLU", "same_shape": True, "expect": "b_better_accuracy"}))


def test_compare_passes_when_relu_beats_sigmoid_of_the_same_shape():
    from grader.grading.checks import compare_check

    sig = traced([dense(256, "sigmoid"), dense(256, "sigmoid"), dense(10, "softmax")], index=0, acc=0.9247)
    relu = traced([dense(256), dense(256), dense(10, "softmax")], index=1, acc=0.9356)
    outcome = compare_check(Evidence(run_of(sig, relu), {}), SIG_VS_RELU, assignment())
    assert outcome.fraction == 1.0 and "0.9247 vs 0.9356" in str(outcome.message)


def test_compare_fails_the_other_way_round_and_explains_missing_sides():
    from grader.grading.checks import compare_check

    sig = traced([dense(256, "sigmoid"), dense(10, "softmax")], index=0, acc=0.95)
    relu = traced([dense(256), dense(10, "softmax")], index=1, acc=0.93)
    worse = compare_check(Evidence(run_of(sig, relu), {}), SIG_VS_RELU, assignment())
    assert worse.fraction == 0.5
    missing = compare_check(Evidence(run_of(relu), {}), SIG_VS_RELU, assignment())
    assert missing.fraction == 0 and "no run found for 'sigmoid'" in str(missing.message)
    other_shape = traced([dense(128, "sigmoid"), dense(10, "softmax")], index=2, acc=0.90)
    shape = compare_check(Evidence(run_of(other_shape, relu), {}), SIG_VS_RELU, assignment())
    assert shape.fraction < 0.5 and "same shape" in str(shape.message)


def test_compare_by_training_loss():
    from grader.grading.checks import compare_check

    spec = spec_of(SIG_VS_RELU.rules.model_copy(update={"expect": "b_lower_loss"}))
    sig = replace(traced([dense(10, "sigmoid"), dense(10, "sigmoid"), dense(1, "sigmoid")], index=0, dataset="xor"),
                  history={"loss": (0.69, 0.69)})
    relu = replace(traced([dense(10), dense(10), dense(1, "sigmoid")], index=1, dataset="xor"),
                   history={"loss": (0.69, 0.01)})
    lab = replace(assignment(), dataset="xor")
    assert compare_check(Evidence(run_of(sig, relu), {}), spec, lab).fraction == 1.0
    assert compare_check(Evidence(run_of(replace(sig, history={"loss": (0.001,)}), relu), {}), spec, lab).fraction == 0.5


def test_save_load_needs_both_halves():
    from grader.grading.checks import save_load_check

    spec = spec_of(SaveLoadCheck(id="sl", title="save/load", points=1, kind="save_load"))
    both = replace(run_of(), saves=("test.h5",), loads=("test.h5",))
    only_saved = replace(run_of(), saves=("test.h5",))
    assert save_load_check(Evidence(both, {}), spec, assignment()).fraction == 1.0
    assert save_load_check(Evidence(only_saved, {}), spec, assignment()).fraction == 0.5
    assert save_load_check(Evidence(run_of(), {}), spec, assignment()).fraction == 0.0


def test_function_check_on_raw_variable_code():
    from grader.grading.checks import function_check

    spec = spec_of(FunctionCheck(id="raw", title="raw", points=2, kind="function", functions=["neural_net"],
                                 min_accuracy=1.0))
    fn = replace(traced([], dataset="xor", acc=1.0), function="neural_net", steps=1000, method="custom_loop")
    assert function_check(Evidence(run_of(fn), {}), spec, assignment()).fraction == 1.0
    untrained = replace(fn, steps=0)
    assert function_check(Evidence(run_of(untrained), {}), spec, assignment()).fraction == 0.0
    half = replace(fn, test_accuracy=0.75)
    assert function_check(Evidence(run_of(half), {}), spec, assignment()).fraction < 1.0
    assert "no function named" in str(function_check(Evidence(run_of(), {}), spec, assignment()).message)


def test_quick_mode_skips_accuracy_but_still_judges_architecture():
    good = run_check(Evidence(run_of(traced(GOOD, acc=0.5)), {}, quick=True), DROPOUT_PART, assignment())
    assert good.status == "skipped" and "--quick" in str(good.message)
    half_dropout = [dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
                    dense(10, "softmax")]
    bad = run_check(Evidence(run_of(traced(half_dropout, acc=0.5)), {}, quick=True), DROPOUT_PART, assignment())
    assert bad.status is None and bad.fraction < 1 and "hidden" in str(bad.message)


def test_messages_are_worded_in_the_readers_language_when_shown():
    from grader.feedback.i18n import render

    low = Evidence(run_of(traced(GOOD, acc=0.945)), {})
    outcome = run_check(low, DROPOUT_PART, assignment())
    assert render(outcome.message, "ko") == "가장 가까운 모델은 모델 #1 `model`: 측정한 테스트 정확도 0.9450 < 0.9700"
    assert render(outcome.message, "en") == "closest is model #1 `model`: measured test accuracy 0.9450 < 0.9700"
    one_dropout = traced([dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
                          dense(256, init="HeNormal"), dense(10, "softmax")], acc=0.98)
    outcome = run_check(Evidence(run_of(one_dropout), {}), DROPOUT_PART, assignment())
    assert "2, 3번째 은닉층 뒤에 Dropout이 없습니다" in render(outcome.message, "ko")
    no_dropout = traced([dense(256, init="HeNormal"), dense(256, init="HeNormal"), dense(10, "softmax")], acc=0.98)
    outcome = run_check(Evidence(run_of(no_dropout), {}), DROPOUT_PART, assignment())
    assert outcome.status == "not_attempted"
    assert render(outcome.message, "ko") == ("아직 시도하지 않음: 이 항목에 해당하는 종류(은닉층 2개 이상, 은닉층 뒤의 Dropout, "
                                             "He or Glorot 초기화)의 학습된 모델이 없습니다")
