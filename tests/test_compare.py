"""Student models beside the recorded reference models (pure logic, recorded facts)."""

from pathlib import Path

import pytest

from conftest import dense, traced

from grader.feedback.i18n import render
from grader.grading.compare import (Comparison, alignment_cost, compare_models, comparison_dict, diff_blocks, layer_numbers, mark_free,
                            reference_runs, summarize)
from grader.grading.kinds import spec_of
from grader.grading.rules import blocks_of
from grader.grading.schema import ArchitectureRules, RunCheck, SaveLoadCheck
from grader.models import Assignment, Layer, RunLimits


def layer_dicts(layers):
    return [{k: v for k, v in vars(layer).items() if v is not None} for layer in layers]


PLAIN = [Layer("Flatten"), dense(256, init="HeNormal"), dense(256, init="HeNormal"), dense(10, "softmax")]
DROPOUT = [Layer("Flatten"), dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
           Layer("Dropout", rate=0.3), dense(10, "softmax")]
PARTS = (
    spec_of(RunCheck(id="adam-he", title="Adam with He", points=2, kind="run", min_hidden=2, initializer=["he"],
                     dropout="none", output_units=10, min_accuracy="adam-he")),
    spec_of(RunCheck(id="he-dropout", title="He with Dropout", points=3, kind="run", min_hidden=2,
                     dropout="after_every_hidden", min_accuracy="he-dropout")),
    spec_of(SaveLoadCheck(id="save-load", title="save and load", points=1, kind="save_load")),
)
RECORDED = {  # as `grader reference` writes reference.json
    "adam-he": {"accuracy": 0.9756, "epochs": 5, "layers": layer_dicts(PLAIN),
                "history": {"loss": [0.25, 0.1, 0.07, 0.05, 0.04], "accuracy": [0.93, 0.97, 0.98, 0.985, 0.99]}},
    "he-dropout": {"accuracy": 0.9803, "epochs": 10, "layers": layer_dicts(DROPOUT), "history": {"loss": [0.3]}},
}


def lab(reference=RECORDED):
    return Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.ipynb",), match_any=(),
                      match_all=(), dataset="mnist", limits=RunLimits(), checks=PARTS, reference=reference)


def test_reference_runs_read_layers_and_history_from_reference_json():
    adam, dropout = reference_runs(lab())
    assert (adam.name, adam.check_title, adam.accuracy, adam.epochs) == ("adam-he", "Adam with He", 0.9756, 5)
    assert adam.layers[1] == dense(256, init="HeNormal")
    assert adam.history["loss"][-1] == 0.04
    assert dropout.layers[2] == Layer("Dropout", rate=0.3)


def test_old_reference_json_without_layers_gives_no_comparison():
    old = lab({"adam-he": {"accuracy": 0.9756}, "he-dropout": {"accuracy": 0.98}})
    assert reference_runs(old) == ()
    assert compare_models([traced(PLAIN)], old) == ()


def test_each_model_is_paired_with_the_part_it_fits():
    plain, dropout = traced(PLAIN, index=0), traced(DROPOUT, index=1)
    first, second = compare_models([plain, dropout], lab())
    assert (first.model, first.reference.name, first.differences) == (0, "adam-he", 0)
    assert (second.model, second.reference.name, second.differences) == (1, "he-dropout", 0)
    assert str(summarize(first)) == "same layers as the reference of 'Adam with He'"


def test_differences_are_found_field_by_field():
    sigmoid_glorot = [dense(256, "sigmoid"), dense(256, "relu", init="GlorotUniform"), dense(10, "softmax")]
    (comparison,) = compare_models([traced(sigmoid_glorot)], lab())
    assert comparison.reference.name == "adam-he"
    first, second, output = comparison.rows
    assert first.status == "changed" and set(first.differs) == {"activation", "initializer"}
    assert second.status == "changed" and second.differs == ("initializer",)
    assert output.status == "same"
    # the part asks for He initialisation but leaves the activation open
    assert first.free == ("activation",) and second.free == ()
    text = str(summarize(comparison))
    assert "hidden layer 1: activation sigmoid ≠ relu (your choice), initializer GlorotUniform ≠ HeNormal" in text
    assert "hidden layer 2: initializer GlorotUniform ≠ HeNormal" in text
    assert "1번째 은닉층: activation sigmoid ≠ relu (자유 선택)" in render(summarize(comparison), "ko")


def test_he_uniform_counts_as_the_same_choice_as_he_normal():
    uniform = [dense(256, init="HeUniform"), dense(256, init="HeUniform"), dense(10, "softmax")]
    (comparison,) = compare_models([traced(uniform)], lab())
    assert comparison.differences == 0


def test_extra_and_missing_layers_are_aligned_not_shifted():
    deeper = blocks_of([dense(256), dense(128), dense(256), dense(10, "softmax")])
    reference = blocks_of([dense(256), dense(256), dense(10, "softmax")])
    rows = diff_blocks(deeper, reference)
    assert [r.status for r in rows] == ["same", "extra", "same", "same"]
    assert rows[1].yours.units == 128 and rows[1].reference is None
    rows = diff_blocks(reference, deeper)
    assert [r.status for r in rows] == ["same", "missing", "same", "same"]


def test_comparison_dict_is_what_the_html_page_renders():
    other_rate = [dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
                  Layer("Dropout", rate=0.5), dense(10, "softmax")]
    (comparison,) = compare_models([traced(other_rate)], lab())
    doc = comparison_dict(comparison)
    assert doc["name"] == "he-dropout" and doc["accuracy"] == 0.9803
    assert doc["architecture"] == "Flatten > [Dense(256,relu) > Dropout(0.3)]×2 > Dense(10,softmax)"
    assert doc["rows"][1]["differs"] == ["dropout"]
    assert doc["rows"][1]["yours"]["dropout"] == 0.5 and doc["rows"][1]["reference"]["dropout"] == 0.3
    from grader.feedback.i18n import render
    from grader.message import from_json

    assert render(from_json(doc["summary_phrase"]), "ko") == "'He with Dropout' 기준 모델과 비교: 2번째 은닉층: dropout 0.5 ≠ 0.3"


def test_an_equally_good_alignment_keeps_layers_paired_by_position():
    # sigmoid first layer and one layer too many: read as "layer 1 differs, layer 3 is extra",
    # not as "layer 1 is extra" (both cost the same)
    yours = blocks_of([dense(256, "sigmoid"), dense(256), dense(128), dense(10, "softmax")])
    reference = blocks_of([dense(256), dense(256), dense(10, "softmax")])
    rows = diff_blocks(yours, reference)
    assert [r.status for r in rows] == ["changed", "same", "extra", "same"]
    assert rows[0].differs == ("activation",)
    assert [r.status for r in diff_blocks(yours, ())] == ["extra"] * 4
    assert diff_blocks((), ()) == ()


def test_a_model_of_another_dataset_gets_no_reference():
    xor = traced([dense(10)] * 7 + [dense(1, "sigmoid")], dataset="xor")
    assert compare_models([xor], lab()) == ()


def test_summary_and_table_number_layers_alike():
    # one layer missing before a changed one: "hidden layer 2" is the student's second layer in both
    yours = [dense(256, init="HeNormal"), dense(128, init="HeNormal"), dense(5, "softmax")]
    reference = [dense(256, init="HeNormal"), dense(256, init="HeNormal"), dense(128, init="HeNormal"),
                 dense(10, "softmax")]
    rows = diff_blocks(blocks_of(yours), blocks_of(reference))
    assert [r.status for r in rows] == ["same", "missing", "same", "changed"]
    assert layer_numbers(rows) == [(1, 1), (None, 2), (2, 3), (0, 0)]
    recorded = {"adam-he": {**RECORDED["adam-he"], "layers": layer_dicts(reference)}}
    (comparison,) = compare_models([traced(yours)], lab(recorded))
    assert str(summarize(comparison)) == ("vs the reference of 'Adam with He': reference hidden layer 2 is missing; "
                                     "output layer: units 5 ≠ 10")
    doc = comparison_dict(comparison)
    assert [(r["layer"], r["reference_layer"]) for r in doc["rows"]] == [(1, 1), (None, 2), (2, 3), (0, 0)]
    assert "기준 모델의 2번째 은닉층이 없습니다; 출력층: units 5 ≠ 10" in render(summarize(comparison), "ko")


def test_a_missing_layer_costs_the_same_in_pairing_as_in_alignment():
    rows = diff_blocks(blocks_of([dense(256), dense(10, "softmax")]),
                       blocks_of([dense(256), dense(256), dense(10, "softmax")]))
    assert alignment_cost(rows) == 3
    changed = diff_blocks(blocks_of([dense(256, "sigmoid"), dense(10, "softmax")]),
                          blocks_of([dense(256), dense(10, "softmax")]))
    assert alignment_cost(changed) == 1


@pytest.mark.parametrize("damaged", [
    {"layers": "Dense"}, {"layers": 7}, {"layers": [{"units": 3}]}, {"layers": []},
    {"layers": None, "history": {"loss": [0.1]}},
])
def test_a_damaged_reference_entry_is_left_out(damaged):
    broken = lab({"adam-he": damaged, "he-dropout": RECORDED["he-dropout"]})
    assert [r.name for r in reference_runs(broken)] == ["he-dropout"]


def test_a_damaged_history_or_epoch_count_keeps_the_layers():
    entry = {**RECORDED["adam-he"], "history": {"loss": [0.3, None], "accuracy": [0.9, 0.95], "oops": 3},
             "epochs": "five", "accuracy": "high"}
    (adam, _) = reference_runs(lab({"adam-he": entry, "he-dropout": RECORDED["he-dropout"]}))
    assert adam.history == {"accuracy": (0.9, 0.95)} and adam.epochs == 0 and adam.accuracy is None
    assert reference_runs(lab({"adam-he": {**entry, "history": [1, 2]}}))[0].history == {}


def test_a_difference_in_a_field_the_part_has_no_rule_for_is_marked_free():
    # the lecture's ReLU MLP (default Glorot) beside a reference that happens to use He
    rules = ArchitectureRules(hidden_units=[256, 256], hidden_activation="relu", output_units=10)
    glorot = blocks_of([dense(256, init="GlorotUniform"), dense(256, init="GlorotUniform"), dense(10, "softmax")])
    he = blocks_of([dense(256, init="HeNormal"), dense(256, "sigmoid", init="HeNormal"),
                    dense(10, "sigmoid", init="HeNormal")])
    rows = mark_free(diff_blocks(glorot, he), rules)
    assert [(r.differs, r.free) for r in rows] == [
        (("initializer",), ("initializer",)),
        (("activation", "initializer"), ("initializer",)),
        (("activation", "initializer"), ("activation", "initializer")),  # output_activation has no rule here
    ]
    assert mark_free(diff_blocks(glorot, he), rules.model_copy(update={"initializer": ["he"]}))[0].free == ()
    only_free = Comparison(0, reference_runs(lab())[0], mark_free(diff_blocks(glorot, glorot[:1] + he[1:2] + glorot[2:]),
                                                                  ArchitectureRules(hidden_activation="relu")))
    assert (only_free.differences, only_free.faults) == (1, 1)  # the activation has a rule here
    assert Comparison(0, only_free.reference, mark_free(only_free.rows, ArchitectureRules())).faults == 0
