"""What `grader reference` records for the report (pure logic; the reference runs themselves are in validate/e2e)."""

from conftest import dense

from grader.models import Layer
from grader.grading.reference import _layer_dict, thin_history


def test_long_histories_are_thinned_but_keep_their_epoch_numbers_and_the_last_epoch():
    loss = tuple(1.0 / (e + 1) for e in range(10_000))
    thinned = thin_history({"loss": loss, "accuracy": loss})
    assert len(thinned["epoch"]) <= 201 and thinned["epoch"][:3] == [1, 51, 101]
    assert thinned["epoch"][-1] == 10_000 and thinned["loss"][-1] == round(loss[-1], 5)
    assert len(thinned["loss"]) == len(thinned["accuracy"]) == len(thinned["epoch"])


def test_short_histories_are_kept_whole():
    assert thin_history({"loss": (0.3, 0.2, 0.1)}) == {"epoch": [1, 2, 3], "loss": [0.3, 0.2, 0.1]}
    assert thin_history({}) == {}


def test_recorded_layers_hold_what_the_comparison_reads():
    assert _layer_dict(Layer("Dense", 256, "relu", "HeNormal", output_shape=(None, 256))) == {
        "kind": "Dense", "units": 256, "activation": "relu", "initializer": "HeNormal"}
    assert Layer.from_dict(_layer_dict(dense(10, "softmax"))) == dense(10, "softmax")
