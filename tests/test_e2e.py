"""Real end-to-end runs of the installed command: a real kernel, real TensorFlow, small epochs."""

import json
import zipfile

import pytest
from conftest import ASSETS, ROOT
from test_cli import grader

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command


def check_json(path, *args, mnist_dir):
    result = grader("check", str(path), "--json", "--data-dir", str(mnist_dir), *args)
    assert result.returncode in (0, 1, 2), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture(scope="module")
def course_report(tmp_path_factory, mnist_dir):
    """The lecture notebook of 002_*.txt (small epochs), zipped the way students hand it in."""
    path = tmp_path_factory.mktemp("course") / "submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(ASSETS / "course_small.ipynb", "Mnist_DNN_TF2.ipynb")
    return check_json(path, mnist_dir=mnist_dir)


def test_course_notebook_is_graded_as_written(course_report):
    code, doc = course_report
    assert doc["status"] == "graded" and doc["assignment"] == "lab10-mnist"
    # every model built into the same variable `model` counts, the XOR one included
    archs = [r["architecture"] for r in doc["models"]]
    assert len(archs) == 6, archs
    assert archs[-1] == "Dense(512,relu)×8 > Dense(10,softmax)"
    assert all(r["test_accuracy"] is not None and r["measured_by"] == "grader" for r in doc["models"])
    # each model names the notebook cell (nbformat's index, markdown included) whose fit trained it
    cells = json.loads((ASSETS / "course_small.ipynb").read_text(encoding="utf-8"))["cells"]
    fits = [i for i, cell in enumerate(cells) if ".fit(" in "".join(cell["source"])]
    assert [r["cell"] for r in doc["models"]] == fits == [4, 14, 15, 16, 19, 21]
    quiz = {c["id"]: c["status"] for c in doc["checks"] if c["id"].startswith("quiz")}
    assert set(quiz.values()) == {"passed"}


def test_raising_cell_is_reported_and_later_cells_still_run(course_report):
    _, doc = course_report
    failing = doc["cells"]
    assert [c["status"] for c in failing] == ["error"]
    assert failing[0]["error"].startswith("ModuleNotFoundError") and "google.colab" in failing[0]["error"]
    assert "Colab" in failing[0]["hint"]
    # later cells still ran: models trained after the failing cell were traced
    assert failing[0]["index"] < min(r["cell"] for r in doc["models"] if r["dataset"] == "mnist")


def test_measured_accuracy_matches_what_evaluate_printed(course_report):
    _, doc = course_report
    dropout_runs = [r for r in doc["models"] if "Dropout" in r["architecture"]]
    assert dropout_runs
    for run in dropout_runs:
        assert abs(run["test_accuracy"] - run["reported_accuracy"]) <= 0.005


@pytest.fixture(scope="module")
def module_report(mnist_dir):
    """The Lab 10 module of 004_*.txt (a `tf.model` global, raw pixels, one epoch)."""
    return check_json(ASSETS / "lab10_module.py", "-a", "lab10-mnist", mnist_dir=mnist_dir)


def test_module_with_tf_model_is_traced(module_report):
    code, doc = module_report
    (run,) = doc["models"]
    assert run["model"] == "tf.model" and run["epochs"] == 1 and run["test_accuracy"] > 0.85
    assert run["layers"][0]["initializer"] == "GlorotNormal"
    # 004 feeds raw 0-255 pixels: the grader measures with the same scaling
    assert run["test_accuracy"] == pytest.approx(run["reported_accuracy"], abs=0.005)
    he_dropout = next(c for c in doc["checks"] if c["id"] == "he-dropout")
    # the architecture is the part's; only the 1-epoch accuracy falls short
    assert "hidden layer" not in he_dropout["message"] and "measured test accuracy" in he_dropout["message"]


def test_printing_an_accuracy_is_worth_nothing(mnist_dir):
    code, doc = check_json(ASSETS / "liar.py", mnist_dir=mnist_dir)
    assert code == 1 and doc["models"] == []
    assert all(c["score"] == 0 for c in doc["checks"] if not c["id"].startswith("quiz"))


def test_adam_lr_module_fails_with_a_learning_rate_hint(mnist_dir):
    code, doc = check_json(ASSETS / "lab10_adam_lr.py", mnist_dir=mnist_dir)
    assert code == 1
    (cell,) = doc["cells"]
    assert "lr" in cell["error"] and "learning_rate" in cell["hint"]
    _, ko = check_json(ASSETS / "lab10_adam_lr.py", "--lang", "ko", mnist_dir=mnist_dir)
    assert "learning_rate" in ko["cells"][0]["hint"] and ko["cells"][0]["hint"] != cell["hint"]


def test_xor_notebook_passes_lab09(mnist_dir):
    code, doc = check_json(ASSETS / "xor_small.ipynb", mnist_dir=mnist_dir)
    assert doc["assignment"] == "lab09-xor"
    checks = {c["id"]: c for c in doc["checks"]}
    assert checks["xor-net"]["status"] == "passed"
    assert doc["models"][0]["test_accuracy"] == 1.0
    # the course's notebook has no sigmoid twin and no tf.Variable version: those are bonus parts,
    # which say why they earned nothing but cost nothing: the notebook gets full marks
    assert checks["sigmoid-vs-relu"]["bonus"] and "no run found for 'sigmoid'" in checks["sigmoid-vs-relu"]["message"]
    assert checks["low-level"]["bonus"] and "no function named" in checks["low-level"]["message"]
    assert code == 0 and doc["score"] == doc["max_score"] == 4 and doc["bonus_score"] == 0


def test_training_on_the_test_set_is_flagged_and_earns_no_accuracy_points(mnist_dir):
    code, doc = check_json(ASSETS / "trains_on_testset.py", "-a", "lab10-mnist", mnist_dir=mnist_dir)
    (run,) = doc["models"]
    assert run["trained_on_test"] is True
    he_dropout = next(c for c in doc["checks"] if c["id"] == "he-dropout")
    assert "test set" in he_dropout["message"] and he_dropout["score"] <= he_dropout["max_score"] / 2


def test_same_submission_twice_gives_the_same_grade(module_report, mnist_dir):
    first = module_report[1]
    second = check_json(ASSETS / "lab10_module.py", "-a", "lab10-mnist", mnist_dir=mnist_dir)[1]
    assert first["score"] == second["score"]
    assert [r["test_accuracy"] for r in first["models"]] == [r["test_accuracy"] for r in second["models"]]


def test_subclassed_model_with_gradient_tape_loop_is_measured(mnist_dir):
    code, doc = check_json(ASSETS / "subclassed_loop.ipynb", "-a", "lab10-relu", mnist_dir=mnist_dir)
    (run,) = doc["models"]
    assert run["method"] == "custom_loop" and run["model"] == "network" and run["steps"] == 100
    assert run["measured_by"] == "student-process" and run["test_accuracy"] > 0.85
    assert run["architecture"] == "Flatten > [Dense(256,linear) > Activation(relu)]×2 > Dense(10,linear)"
    relu = next(c for c in doc["checks"] if c["id"] == "relu")
    assert "hidden layer" not in relu["message"]  # the shape is the part's; only the accuracy is judged


def test_quick_mode_caps_training_and_says_what_it_did_not_judge(mnist_dir):
    code, doc = check_json(ASSETS / "lab10_module.py", "-a", "lab10-mnist", "--quick", mnist_dir=mnist_dir)
    assert doc["quick"] is True
    (run,) = doc["models"]
    assert run["capped"] == {"samples": 60000}
    he_dropout = next(c for c in doc["checks"] if c["id"] == "he-dropout")
    assert he_dropout["status"] == "skipped" and "--quick" in he_dropout["message"]


@pytest.mark.slow
def test_full_course_notebook_passes_reference_quality_parts(mnist_dir, tmp_path):
    html = tmp_path / "report.html"
    code, doc = check_json(ROOT / "submissions/lab10-course-notebook/submit.zip", "--html", str(html),
                           mnist_dir=mnist_dir)
    assert code == 0, doc["checks"]
    assert doc["score"] == doc["max_score"]
    # full length, the notebook's nets are the reference's: same layers, curves overlaid in the page
    compared = {r["reference"]["name"]: r["reference"] for r in doc["models"] if r.get("reference")}
    assert compared["he-dropout"]["differences"] == 0 and compared["deep-8x512"]["differences"] == 0
    text = html.read_text()
    assert text.count('<table class="arch">') == len([r for r in doc["models"] if r.get("reference")])
    assert 'alt="curves"' in text and 'alt="confusion matrix"' in text and 'alt="misclassified digits"' in text


@pytest.mark.slow
def test_the_course_xor_notebook_as_written_gets_full_marks_on_its_lab(mnist_dir):
    # transcribed from 002 of the course notes: a 7x10 ReLU net, 10,000 epochs, and nothing else
    code, doc = check_json(ASSETS / "course" / "XOR_DNN_TF2.ipynb", mnist_dir=mnist_dir)
    assert doc["assignment"] == "lab09-xor" and code == 0, doc["checks"]
    assert doc["score"] == doc["max_score"] == 4  # the sigmoid twin and the tf.Variable version are bonus parts
    assert {c["id"] for c in doc["checks"] if c["bonus"]} == {"sigmoid-vs-relu", "low-level"}
