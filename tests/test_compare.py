"""Student models beside the recorded reference models (pure logic, recorded facts)."""

from pathlib import Path

from conftest import dense, traced

from grader.compare import compare_models, comparison_dict, diff_blocks, reference_runs, summarize
from grader.models import Assignment, CheckSpec, Layer, Limits
from grader.rules import blocks_of


def layer_dicts(layers):
    return [{k: v for k, v in vars(layer).items() if v is not None} for layer in layers]


PLAIN = [Layer("Flatten"), dense(256, init="HeNormal"), dense(256, init="HeNormal"), dense(10, "softmax")]
DROPOUT = [Layer("Flatten"), dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
           Layer("Dropout", rate=0.3), dense(10, "softmax")]
PARTS = (
    CheckSpec("adam-he", "Adam with He", 2, "run", {"min_hidden": 2, "initializer": ["he"], "dropout": "none",
                                                     "min_accuracy": "adam-he"}),
    CheckSpec("he-dropout", "He with Dropout", 3, "run", {"min_hidden": 2, "dropout": "after_every_hidden",
                                                          "min_accuracy": "he-dropout"}),
    CheckSpec("save-load", "save and load", 1, "save_load", {}),
)
RECORDED = {  # as `grader reference` writes reference.json
    "adam-he": {"accuracy": 0.9756, "epochs": 5, "layers": layer_dicts(PLAIN),
                "history": {"loss": [0.25, 0.1, 0.07, 0.05, 0.04], "accuracy": [0.93, 0.97, 0.98, 0.985, 0.99]}},
    "he-dropout": {"accuracy": 0.9803, "epochs": 10, "layers": layer_dicts(DROPOUT), "history": {"loss": [0.3]}},
}


def lab(reference=RECORDED):
    return Assignment(id="lab", title="Lab", root=Path("."), entry_patterns=("*.ipynb",), match_any=(),
                      match_all=(), dataset="mnist", limits=Limits(), checks=PARTS, reference=reference)


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
    assert summarize(first) == "same layers as the reference of 'Adam with He'"


def test_differences_are_found_field_by_field():
    sigmoid_glorot = [dense(256, "sigmoid"), dense(256, "relu", init="GlorotUniform"), dense(10, "softmax")]
    (comparison,) = compare_models([traced(sigmoid_glorot)], lab())
    assert comparison.reference.name == "adam-he"
    first, second, output = comparison.rows
    assert first.status == "changed" and set(first.differs) == {"activation", "initializer"}
    assert second.status == "changed" and second.differs == ("initializer",)
    assert output.status == "same"
    text = summarize(comparison)
    assert "layer 1: activation sigmoid ≠ relu, initializer GlorotUniform ≠ HeNormal" in text
    assert "layer 2: initializer GlorotUniform ≠ HeNormal" in text


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
    doc = comparison_dict(comparison, "ko")
    assert doc["name"] == "he-dropout" and doc["accuracy"] == 0.9803
    assert doc["architecture"] == "Flatten > [Dense(256,relu) > Dropout(0.3)]×2 > Dense(10,softmax)"
    assert doc["rows"][1]["differs"] == ["dropout"]
    assert doc["rows"][1]["yours"]["dropout"] == 0.5 and doc["rows"][1]["reference"]["dropout"] == 0.3
    assert doc["summary"] == "'He with Dropout' 기준 모델과 비교: 2번째 층: dropout 0.5 ≠ 0.3"


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
