"""Code written the ways Colab tutorials and the course's season-2 notebooks write it scores what it earns.

Each file in tests/assets/colab/ is graded through the installed command, stdout sent to a file as a
script would, and must earn full marks on Lab 10-1 (sigmoid vs ReLU, one epoch each), with every
model measured and nothing failing: TensorFlow's own activation functions (`tf.nn.relu`), the
TensorBoard and ModelCheckpoint callbacks, a GradientTape loop over tf.data with `tf.summary` and
a `tf.train.CheckpointManager`, the same loop compiled by `@tf.function`, a subclassed model; and one model fit twice (`initial_epoch`,
`validation_split`, `verbose=2`) gets the same measured accuracy by both training paths.
(Kernel tier: real runs, full MNIST, one epoch.)
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ASSETS

pytestmark = pytest.mark.kernel

COLAB = ASSETS / "colab"
# file -> how its models are measured
FULL_MARKS = {
    "quickstart_tf_nn.py": "grader",  # tf.nn.sigmoid / relu / softmax: rebuilt as their Keras twins, safely
    "tensorboard_callback.py": "grader",
    "tape_summary_checkpoint.py": "grader",
    "tf_function_step.py": "grader",  # a @tf.function step: its inputs taken from the namespace's arrays
    "subclassed_fit.py": "student-process",  # the student's own class is run nowhere else
}


@pytest.fixture(scope="module")
def graded(mnist_dir, tmp_path_factory):
    """(exit code, report, kept run folder) for each file, two at a time, stdout redirected to a file."""
    from test_cli import grader

    def run(job):
        name, extra = job
        keep = tmp_path_factory.mktemp(name.replace(".", "_"))
        out = keep / "report.json"
        result = grader("check", str(COLAB / name), "-a", "lab10-relu", "--json", "--data-dir", str(mnist_dir),
                        "--keep", str(keep / "run"), *extra)
        out.write_text(result.stdout)
        return (name, *extra), (result.returncode, json.loads(out.read_text()), keep / "run")

    jobs = [(name, ()) for name in FULL_MARKS] + [("two_fits.py", ()), ("two_fits.py", ("--faithful",))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, jobs))


@pytest.mark.parametrize("name", FULL_MARKS)
def test_colab_style_code_earns_full_marks_with_every_model_measured(name, graded):
    code, doc, _ = graded[(name,)]
    assert code == 0 and doc["status"] == "graded", doc["messages"]
    assert doc["score"] == doc["max_score"] == 6, {c["id"]: c["message"] for c in doc["checks"]}
    assert [c for c in doc["cells"] if c["status"] != "ok"] == []
    assert len(doc["models"]) == 2
    for run in doc["models"]:
        assert run["test_accuracy"] is not None and run["test_accuracy"] > 0.9, run
        assert run["measured_by"] == FULL_MARKS[name], run["measure_note"]
    assert not [m for m in doc["messages"] if "hook failed" in m], doc["messages"]
    assert any(m.startswith("TensorFlow 2.21") and "Keras 3.15" in m and "Colab runs TensorFlow 2.20" in m
               for m in doc["messages"]), doc["messages"]


def test_the_tf_nn_functions_read_as_the_activations_they_are(graded):
    _, doc, _ = graded[("quickstart_tf_nn.py",)]
    assert [r["architecture"] for r in doc["models"]] == ["Flatten > Dense(256,sigmoid)×2 > Dense(10,softmax)",
                                                        "Flatten > Dense(256,relu)×2 > Dense(10,softmax)"]


def test_a_tf_function_loop_counts_its_real_steps_and_names_its_models(graded):
    _, doc, _ = graded[("tf_function_step.py",)]
    assert [r["steps"] for r in doc["models"]] == [600, 600]  # 60,000 images in batches of 100, not the traces
    assert [r["method"] for r in doc["models"]] == ["custom_loop", "custom_loop"]


def test_a_model_measured_where_it_ran_says_why_in_one_sentence(graded):
    _, doc, _ = graded[("subclassed_fit.py",)]
    for run in doc["models"]:
        assert run["measure_note"].startswith("measured inside the student process: the model uses the student's "
                                              "own classes (MyModel)")


@pytest.mark.parametrize("name, written", [
    ("tape_summary_checkpoint.py", ["logs/nn_relu", "logs/nn_sigmoid", "checkpoints/nn_relu/checkpoint"]),
    ("tensorboard_callback.py", ["logs/fit", "relu_best.keras"]),
])
def test_summaries_and_checkpoints_are_written_in_the_runs_scratch_folder(name, written, graded):
    _, _, run = graded[(name,)]
    for path in written:
        assert (run / "submission" / path).exists(), sorted(p.name for p in (run / "submission").rglob("*"))
    if name.startswith("tape"):
        assert list((run / "submission" / "logs" / "nn_relu").glob("events.out.tfevents.*"))


def test_two_consecutive_fits_measure_the_same_by_both_training_paths(graded):
    (_, fast, _), (_, faithful, _) = graded[("two_fits.py",)], graded[("two_fits.py", "--faithful")]
    for doc in (fast, faithful):
        assert [c for c in doc["cells"] if c["status"] != "ok"] == [], doc["cells"]
        assert len(doc["models"]) == 1 and doc["models"][0]["epochs"] == 2
    assert fast["models"][0]["accelerated"] is True and faithful["models"][0]["accelerated"] is False
    assert fast["models"][0]["test_accuracy"] == faithful["models"][0]["test_accuracy"]
    assert fast["models"][0]["history"] == faithful["models"][0]["history"]
    assert fast["score"] == faithful["score"]  # a ReLU net only: the ReLU part passes, the sigmoid ones do not
