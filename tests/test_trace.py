import json

from grader.execution.trace import read_facts
from grader.inside.facts import FACTS_VERSION

RECORD = {
    "index": 0, "method": "fit", "name": "tf.model", "cell": 5, "epochs": 2, "batch_size": 100,
    "history": {"loss": [0.5, 0.3], "accuracy": [0.9, 0.95]},
    "layers": [{"kind": "Dense", "units": 256, "activation": "relu", "initializer": "HeNormal"},
               {"kind": "Dropout", "rate": 0.3}, {"kind": "Dense", "units": 10, "activation": "softmax"}],
    "params": 203530, "optimizer": "Adam", "learning_rate": 0.001, "dataset": "mnist", "trained_on": "train",
    "input_shape": [None, 784], "output_shape": [None, 10], "artifact": "model0.keras",
    "transform": {"scale": 1 / 255, "offset": 0.0, "input_shape": [784]}, "student_evaluate": [0.07, 0.978],
}


def write(tmp_path, facts):
    (tmp_path / "facts.json").write_text(json.dumps({"version": FACTS_VERSION, **facts}))
    return tmp_path


def test_a_document_of_another_version_is_ignored_with_a_note(tmp_path):
    (tmp_path / "facts.json").write_text(json.dumps({"version": FACTS_VERSION + 1, "models": [RECORD]}))
    facts = read_facts(tmp_path, {})
    assert facts.models == () and "version" in str(facts.notes[0])


def test_recorded_fit_becomes_a_traced_model_with_its_cell(tmp_path):
    facts = read_facts(write(tmp_path, {"models": [RECORD], "saves": [{"file": "test.h5", "model": 0}],
                                        "loads": [{"file": "test.h5"}, "junk"]}), {5: 12})
    (model,) = facts.models
    assert facts.saves == ("test.h5",) and facts.loads == ("test.h5",)
    assert model.name == "tf.model" and model.cell == 12 and model.epochs == 2
    assert model.architecture() == "Dense(256,relu) > Dropout(0.3) > Dense(10,softmax)"
    assert model.reported_accuracy == 0.978
    assert model.test_accuracy is None and model.measured_by == "none"  # the grader measures later
    assert model.history["accuracy"] == (0.9, 0.95)


def test_student_supplied_artifact_paths_are_refused(tmp_path):
    bad = dict(RECORD, artifact="../../etc/passwd")
    (model,) = read_facts(write(tmp_path, {"models": [bad]}), {}).models
    assert model.artifact is None


def test_malformed_records_are_dropped_with_a_note(tmp_path):
    facts = read_facts(write(tmp_path, {"models": ["junk", {"layers": "x"}]}), {})
    assert facts.models == () and len(facts.notes) == 2


def test_unreadable_or_missing_facts_do_not_crash(tmp_path):
    assert read_facts(tmp_path, {}).models == ()
    (tmp_path / "facts.json").write_text("{not json")
    facts = read_facts(tmp_path, {})
    assert facts.models == () and "unreadable" in str(facts.notes[0])


def test_how_each_model_trained_is_read_and_worded_in_either_language(tmp_path):
    from grader.feedback.i18n import render
    from grader.feedback.report import training_path

    declined = {"id": "a callback is given ({name})", "values": {"name": "EarlyStopping"}}
    records = [{**RECORD, "accelerated": True}, {**RECORD, "index": 1, "accelerated": False, "not_accelerated": declined},
               {**RECORD, "index": 2}, {**RECORD, "index": 3, "accelerated": False,
                                        "not_accelerated": {"id": "{broken", "values": {}}}]
    fast, slow, unknown, broken = read_facts(write(tmp_path, {"models": records}), {}).models
    assert fast.accelerated is True and unknown.accelerated is None and training_path(unknown) is None
    assert render(training_path(slow), "en") == "trained by Keras's own loop: a callback is given (EarlyStopping)"
    assert render(training_path(slow), "ko") == "Keras 자체 루프로 학습했습니다: 콜백이 주어졌습니다 (EarlyStopping)"
    assert "빠른 학습 경로" in render(training_path(fast), "ko")
    assert render(training_path(broken), "en") == "trained by Keras's own loop: {broken"  # kept literal, no crash
