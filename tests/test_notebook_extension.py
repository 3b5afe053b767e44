"""The self-check in real notebooks, run by nbclient in a real kernel with real TensorFlow:
`%load_ext grader` in the first cell (or only in the last), two MNIST models at one epoch, the
quiz in markdown, and `%grader check lab10-mnist --json` at the bottom, against `grader check`
of the very same notebook file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.kernel

QUIZ = """# Quiz

1. dropout 설명에서 나온 축구선수가 아닌 것은?
 * 안정환
2. SGD에서 S는 무엇의 약자인가?
 * Stochastic (확률적)

3. 미니배치에서 6만개의 mnist 이미지를 배치크기 50개로 하면 미지수 갱신 회수는 몇회인가?
 * 1200 (60000/50)

4. mnist 데이터에서 이미지 크기는?
 * 784
"""

DATA = ("import tensorflow as tf\nimport numpy as np\nfrom tensorflow.keras import layers\n"
        "from tensorflow.keras.utils import to_categorical\ntf.keras.utils.set_random_seed(7)\n"
        "(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()\n"
        "train_x = train_x.reshape(-1, 784) / 255\ntest_x = test_x.reshape(-1, 784) / 255\n"
        "train_y_onehot = to_categorical(train_y)\ntest_y_onehot = to_categorical(test_y)")
RELU = ("model = tf.keras.Sequential()\nmodel.add(layers.Dense(256, activation='relu', input_dim=784))\n"
        "model.add(layers.Dense(256, activation='relu'))\nmodel.add(layers.Dense(10, activation='softmax'))\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
        "model.fit(train_x, train_y_onehot, batch_size=100, epochs=1, verbose=0)")
HE_DROPOUT = ("model = tf.keras.Sequential()\n"
              "model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal', input_dim=784))\n"
              "model.add(layers.Dropout(0.3))\n"
              "model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal'))\n"
              "model.add(layers.Dropout(0.3))\nmodel.add(layers.Dense(10, activation='softmax'))\n"
              "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
              "model.fit(train_x, train_y_onehot, batch_size=100, epochs=1, verbose=0)\n"
              "model.evaluate(test_x, test_y_onehot, verbose=0)")
SAVE = "model.save('test.h5')\nrestored = tf.keras.models.load_model('test.h5')"


def from_file(data: str) -> str:
    """The data cell reading the npz file itself: before `%load_ext grader` nothing serves
    `load_data()` offline, and this machine cannot download it (a student in Colab can)."""
    from grader.data import find_mnist

    return data.replace("tf.keras.datasets.mnist.load_data()",
                        f"(lambda f: ((f['x_train'], f['y_train']), (f['x_test'], f['y_test'])))(np.load({str(find_mnist())!r}))")


def lab_notebook(path: Path, *, load_first: bool) -> Path:
    v4 = nbformat.v4
    check = f"%grader check lab10-mnist --json --lang en --notebook {path.name}"
    cells = ([v4.new_code_cell("%load_ext grader")] if load_first else []) + [
        v4.new_markdown_cell("# MNIST 실습\n\nReLU와 드롭아웃을 쓴 다층 퍼셉트론"),
        v4.new_code_cell(DATA if load_first else from_file(DATA)), v4.new_code_cell(RELU), v4.new_code_cell(HE_DROPOUT), v4.new_code_cell(SAVE),
        v4.new_markdown_cell(QUIZ),
        v4.new_code_cell(check if load_first else "%load_ext grader\n" + check)]
    nb = v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
    nbformat.write(nb, path)
    return path


def client_for(path: Path) -> tuple[NotebookClient, nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    return NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                          resources={"metadata": {"path": str(path.parent)}}), nb


def stdout_of(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def grader_check(path: Path) -> dict:
    out = path.with_suffix(".grader.json")
    with out.open("w") as f:  # as a script would: stdout to a file
        subprocess.run([sys.executable, "-m", "grader", "check", str(path), "--json", "--lang", "en"], stdout=f,
                       stderr=subprocess.DEVNULL, timeout=900, cwd=path.parent)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def loaded_first(tmp_path_factory) -> tuple[Path, dict]:
    """The lab notebook with `%load_ext grader` first, run once: its path and the bottom cell's document."""
    path = lab_notebook(tmp_path_factory.mktemp("loaded-first") / "mnist_lab.ipynb", load_first=True)
    client, nb = client_for(path)
    client.execute()
    return path, json.loads(stdout_of(nb.cells[-1]))  # the cell printed one JSON document and nothing else


def test_loaded_first_it_traces_every_model_the_session_trains(loaded_first):
    """The live tracing alone, on whatever TensorFlow and Keras the kernel has (CI runs it on Colab's
    stack and every Keras 3 minor, where the grader's own pinned pair is not installed)."""
    _, mine = loaded_first
    assert mine["status"] == "graded" and mine["assignment"] == "lab10-mnist"
    assert [(r["cell"], r["architecture"]) for r in mine["models"]] == [
        (3, "Dense(256,relu)×2 > Dense(10,softmax)"), (4, "[Dense(256,relu) > Dropout(0.3)]×2 > Dense(10,softmax)")]
    for run in mine["models"]:  # traced by the fit hook as it trained, measured in the session
        assert run["measured_by"] == "grader" and run["test_accuracy"] > 0.9 and run["epochs"] == 1
        assert len(run["history"]["loss"]) == 1 and run["optimizer"] == "Adam" and run["batch_size"] == 100
    assert abs(mine["models"][1]["reported_accuracy"] - mine["models"][1]["test_accuracy"]) <= 0.005  # its evaluate()
    by_id = {c["id"]: c for c in mine["checks"]}  # each model found its part (one epoch is too short to pass)
    assert by_id["relu-mlp"]["status"] != "not_attempted" and by_id["he-dropout"]["status"] != "not_attempted"
    assert by_id["save-load"]["status"] == "passed"
    assert {by_id[i]["status"] for i in by_id if i.startswith("quiz")} == {"passed"}
    assert mine["messages"][0].startswith("a self-check of this live session")
    assert not any(m.startswith("grader was loaded after") for m in mine["messages"]), mine["messages"]


def test_the_bottom_cell_measures_the_sessions_models_as_grader_check_does(loaded_first):
    path, mine = loaded_first
    graded = grader_check(path)

    assert set(mine) == set(graded)
    assert [set(c) for c in mine["checks"]] == [set(c) for c in graded["checks"]]
    assert [set(r) for r in mine["models"]] == [set(r) for r in graded["models"]]
    assert mine["status"] == graded["status"] == "graded" and mine["assignment"] == "lab10-mnist"
    assert len(mine["models"]) == len(graded["models"]) == 2
    for live, sandboxed in zip(mine["models"], graded["models"]):
        assert live["measured_by"] == sandboxed["measured_by"] == "grader"
        assert live["architecture"] == sandboxed["architecture"] and live["cell"] == sandboxed["cell"]
        assert abs(live["test_accuracy"] - sandboxed["test_accuracy"]) <= 0.005
    quiz = {c["id"]: (c["status"], c["score"]) for c in mine["checks"] if c["id"].startswith("quiz")}
    assert quiz == {c["id"]: (c["status"], c["score"]) for c in graded["checks"] if c["id"].startswith("quiz")}
    assert set(quiz.values()) == {("passed", 1.0)}
    by_id = {c["id"]: c for c in mine["checks"]}
    assert by_id["save-load"]["status"] == "passed"  # the measuring's own load_model is not the student's
    assert by_id["deep-8x512"]["status"] == "not_attempted" and by_id["adam-he"]["status"] == "not_attempted"
    assert mine["messages"][0].startswith("a self-check of this live session")
    assert graded["messages"] and not any("self-check" in m for m in graded["messages"])
    # graded, the notebook's own %load_ext grader and %grader check cells run and do nothing
    assert graded["cells"] == [], graded["cells"]


def test_loaded_only_in_the_last_cell_it_finds_the_live_model_and_says_what_it_missed(tmp_path):
    path = lab_notebook(tmp_path / "late.ipynb", load_first=False)
    client, nb = client_for(path)
    client.execute()
    doc = json.loads(stdout_of(nb.cells[-1]))
    assert len(doc["models"]) == 1, [(r["model"], r["architecture"]) for r in doc["models"]]
    (run,) = doc["models"]  # `model` holds the dropout net; the first net was overwritten unseen
    assert run["architecture"] == "[Dense(256,relu) > Dropout(0.3)]×2 > Dense(10,softmax)"
    assert run["measured_by"] == "grader" and run["test_accuracy"] > 0.9 and run["epochs"] == 1
    assert run["history"]["loss"] and run["model"] == "model"
    assert any(m.startswith("grader was loaded after 4 cell(s) had run") for m in doc["messages"]), doc["messages"]
    assert {c["id"]: c["status"] for c in doc["checks"]}["relu-mlp"] == "not_attempted"


def test_cells_run_out_of_order_get_the_restart_and_run_all_advice(tmp_path):
    v4 = nbformat.v4
    path = tmp_path / "xor.ipynb"
    nb = v4.new_notebook(cells=[v4.new_code_cell("%load_ext grader"), v4.new_code_cell("import numpy as np"),
                                v4.new_code_cell("x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])"),
                                v4.new_code_cell("y = np.array([0, 1, 1, 0])")],
                         metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for index in (0, 1, 3, 2):  # y's cell before x's
            client.execute_cell(nb.cells[index], index)
        nbformat.write(nb, path)  # as saved by the frontend, execution counts and all
        # the Python API this time, the same check as the magic
        check = v4.new_code_cell(f"import grader.notebook\n"
                                 f"report = grader.notebook.check('lab09-xor', json=True, lang='en', notebook={path.name!r})")
        nb.cells.append(check)
        client.execute_cell(check, len(nb.cells) - 1)
    doc = json.loads(stdout_of(check))
    assert "cells ran out of order: cell 3 ran as In [3], before cell 2 above it (In [4])" in doc["messages"]
    assert doc["messages"][-1].startswith("Runtime → Restart and run all")
