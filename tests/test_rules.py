from conftest import dense, traced

from grader.feedback.i18n import render
from grader.models import Layer
from grader.grading.rules import accuracy_criterion, architecture_criteria, blocks_of
from grader.grading.schema import ArchitectureRules as Rules


def dropout(rate=0.3):
    return Layer("Dropout", rate=rate)


def test_blocks_group_layers_after_each_dense():
    layers = [Layer("Flatten"), dense(256, None), Layer("BatchNormalization"), Layer("ReLU"), dropout(0.5),
              dense(10, "softmax")]
    hidden, output = blocks_of(layers)
    assert (hidden.units, hidden.activation, hidden.batchnorm, hidden.dropout) == (256, "relu", "before_activation", 0.5)
    assert output.activation == "softmax"


def test_hidden_units_message_names_the_layer():
    model = traced([dense(256), dense(128), dense(10, "softmax")])
    (crit,) = architecture_criteria(model, Rules(hidden_units=[256, 256]))
    assert not crit.ok
    assert render(crit.message, "en") == "hidden layer 2: 128 units, expected 256"


def test_batchnorm_after_relu_is_explained():
    model = traced([dense(512), Layer("BatchNormalization"), dense(10, "softmax")])
    (crit,) = architecture_criteria(model, Rules(batchnorm="before_activation"))
    assert not crit.ok
    assert "BatchNormalization after relu; the lab puts it between Dense and ReLU" in render(crit.message, "en")


def test_batchnorm_between_dense_and_relu_passes():
    model = traced([dense(512, None), Layer("BatchNormalization"), Layer("Activation", activation="relu"),
                    dense(10, "softmax")])
    (crit,) = architecture_criteria(model, Rules(batchnorm="before_activation"))
    assert crit.ok


def test_initializer_family_and_message():
    bad = traced([dense(256, init="RandomNormal"), dense(10, "softmax")])
    good = traced([dense(256, init="HeNormal"), dense(10, "softmax")])
    (crit,) = architecture_criteria(bad, Rules(initializer=["he", "glorot"]))
    assert not crit.ok and "kernel_initializer RandomNormal, the part asks for He or Glorot" in render(crit.message, "en")
    assert architecture_criteria(good, Rules(initializer=["he"]))[0].ok


def test_dropout_after_every_hidden_layer():
    partial = traced([dense(256), dropout(), dense(256), dense(10, "softmax")])
    full = traced([dense(256), dropout(), dense(256), dropout(), dense(10, "softmax")])
    (crit,) = architecture_criteria(partial, Rules(dropout="after_every_hidden"))
    assert not crit.ok and render(crit.message, "en") == "no Dropout after hidden layer 2"
    assert architecture_criteria(full, Rules(dropout="after_every_hidden", dropout_rate=[0.1, 0.7]))[0].ok
    (rate,) = architecture_criteria(full, Rules(dropout="after_every_hidden", dropout_rate=[0.4, 0.6]))
    assert not rate.ok and "dropout rate 0.3" in render(rate.message, "en")


def test_optimizer_and_hidden_count():
    model = traced([dense(256), dense(10, "softmax")], optimizer="SGD")
    crits = {c.name: c for c in architecture_criteria(model, Rules(optimizer=["adam"], min_hidden=2))}
    assert not crits["optimizer"].ok and "optimizer SGD, expected adam" == render(crits["optimizer"].message, "en")
    assert not crits["hidden_count"].ok


def test_accuracy_partial_credit_and_test_set_flag():
    assert accuracy_criterion(traced([], acc=0.98), 0.97).ok
    below = accuracy_criterion(traced([], acc=0.945), 0.97)
    assert not below.ok and 0.49 < below.credit < 0.51
    assert accuracy_criterion(traced([], acc=0.80), 0.97).credit == 0.0
    cheat = accuracy_criterion(traced([], acc=0.999, trained_on_test=True), 0.97)
    assert not cheat.ok and cheat.credit == 0.0 and "test set" in render(cheat.message, "en")
    unmeasured = accuracy_criterion(traced([], acc=None), 0.97)
    assert not unmeasured.ok and unmeasured.credit == 0.0
