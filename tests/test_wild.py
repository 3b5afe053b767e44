"""Code nobody here wrote: 32 files in the ways students really write them (tests/assets/wild/).

tf.keras and standalone keras, `tf.model = ...` (the course repository's TF2 files), season 2's
notebooks (helper functions, a GradientTape loop, tf.summary and checkpoints, Lab 10 renumbered), TF1 graphs,
scaled and unscaled inputs, one-hot and sparse labels, cells run out of order, XOR tables across
lines, an nbformat 3 notebook, Korean and lab-less file names, and two files not from the course.
Every one is recognised as its lab (unit tier) and graded with the parts it does passing
(kernel tier, `--quick`: capped training, so architecture is judged and accuracy is not).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ASSETS

WILD = ASSETS / "wild"

# file -> (lab or None for "not from this course", parts whose architecture it has, hint words)
EXPECTED: dict[str, tuple[str | None, set[str], str | None]] = {
    "lab-10-1-mnist_softmax.py": ("lab10-softmax", {"softmax"}, None),
    "lab-10-2-mnist_nn.py": ("lab10-relu", {"relu"}, None),
    "004_mnist_nn_lr.py": ("lab10-relu", set(), "learning_rate"),  # Adam(lr=...) as the course's blog has it
    "lab-10-3-mnist_nn_xavier.py": ("lab10-init", {"xavier"}, None),
    "lab-10-4-mnist_nn_deep.py": ("lab10-deep", {"deep"}, None),
    "lab-10-5-mnist_nn_dropout.py": ("lab10-deep", {"deep-dropout"}, None),
    "lab-10-6-mnist_nn_batchnorm.py": ("lab10-batchnorm", {"batchnorm"}, None),
    # season 2 numbers Lab 10 otherwise: its 10-4 is batch norm (season 1's is the deep net), its 10-2-1 Xavier
    "lab-10-4-mnist_nn_batchnorm.ipynb": ("lab10-batchnorm", {"batchnorm"}, None),
    "lab 10-2-1-mnist_nn_xavier.ipynb": ("lab10-init", {"xavier"}, None),  # a space in the name, as in the repository
    "hw.py": ("lab10-batchnorm", {"batchnorm"}, None),  # a file name that says nothing
    "keras_mnist_nn.py": ("lab10-relu", {"relu"}, None),  # standalone keras, one-hot labels
    "keras_softmax.py": ("lab10-softmax", {"softmax"}, None),  # standalone keras 3, sparse labels
    "mnist_sigmoid_vs_relu.py": ("lab10-relu", {"sigmoid", "relu", "relu-beats-sigmoid"}, None),
    "lab-10-1-mnist_softmax_tf1.py": ("lab10-softmax", set(), "load_data()"),  # TF1: input_data, placeholders
    "lab-09-2-xor-nn_tf1.py": ("lab09-xor", set(), "tf.random.set_seed"),
    "xor_keras_multiline.py": ("lab09-xor", {"xor-net"}, None),  # the truth table across lines, floats
    "lab-09-1-xor_variables.py": ("lab09-xor", {"low-level"}, None),  # tf.Variable + GradientTape, measured by calling it
    "untitled.py": ("lab09-xor", {"xor-net"}, None),  # no lab in its name, ints on one line
    "xor_10000_epochs.py": ("lab09-xor", {"xor-net"}, None),
    "XOR_sigmoid_vs_relu.ipynb": ("lab09-xor", {"xor-net", "sigmoid-vs-relu"}, None),
    "XOR_out_of_order.ipynb": ("lab09-xor", {"xor-net"}, "in order"),  # a cell uses `model` before it exists
    "xor_ipython2.ipynb": ("lab09-xor", {"xor-net"}, None),  # nbformat 3
    "mnist_unscaled_dropout.py": ("lab10-mnist", {"he-dropout"}, None),  # inputs never divided by 255
    "제출_최종(2).ipynb": ("lab10-relu", {"relu"}, None),
    "Mnist_DNN_TF2.ipynb": ("lab10-mnist", {"relu-mlp", "deep-8x512"}, None),
    "Copy_of_Mnist_DNN_TF2.ipynb": ("lab10-mnist", {"adam-he"}, "google.colab"),
    "lab10_he_functional.py": ("lab10-init", {"he"}, None),  # functional API
    "flatten_uint8.py": ("lab10-relu", {"relu"}, None),  # Flatten over unscaled uint8 images
    "random_normal_init.py": ("lab10-init", {"random-normal", "xavier", "he", "xavier-vs-random"}, None),
    "predict_classes.py": ("lab10-relu", {"relu"}, "np.argmax(model.predict(x), axis=1)"),
    "sales_report.py": (None, set(), None),
    "hello_web.py": (None, set(), None),
}


def test_the_corpus_is_large_and_every_file_has_an_expectation():
    assert len(EXPECTED) >= 25
    assert {p.name for p in WILD.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_is_recognised_as_its_lab_or_refused(name, tmp_path):
    from grader.errors import AssignmentNotFound
    from grader.grading.assignment import load_all
    from grader.intake.locate import locate
    from grader.intake.unpack import unpack

    lab = EXPECTED[name][0]
    submission = unpack(WILD / name, tmp_path / "s")
    if lab is None:
        with pytest.raises(AssignmentNotFound, match="neither MNIST nor the XOR truth table"):
            locate(submission, load_all())
        return
    found = locate(submission, load_all())
    assert found.assignment.id == lab, str(found.messages[0])
    assert f"assignment {lab} picked: " in str(found.messages[0])


@pytest.fixture(scope="module")
def reports(mnist_dir):
    """`grader check --quick --json` on every course file, two at a time, as a script would."""
    from test_cli import grader

    def run(name):
        result = grader("check", str(WILD / name), "--quick", "--json", "--timeout", "120", "--data-dir", str(mnist_dir))
        return name, result.returncode, json.loads(result.stdout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {name: (code, doc) for name, code, doc in pool.map(run, sorted(EXPECTED))}


@pytest.mark.kernel
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_is_graded_with_the_parts_it_does(name, reports):
    lab, parts, hint = EXPECTED[name]
    code, doc = reports[name]
    if lab is None:
        assert code == 2 and doc["status"] == "rejected" and doc["error"] == "no_assignment"
        return
    assert doc["status"] == "graded" and doc["assignment"] == lab, doc["messages"]
    judged = {c["id"] for c in doc["checks"] if c["status"] in ("passed", "skipped")}
    assert parts <= judged, {c["id"]: c["message"] for c in doc["checks"] if c["id"] in parts - judged}
    if hint is not None:
        assert any(hint in (c.get("hint") or "") for c in doc["cells"]), doc["cells"]
