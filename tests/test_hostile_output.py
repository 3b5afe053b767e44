"""Hostile output: only the grader writes the grader's stdout, and a wedged kernel ends the run.

Each case trains the same weak XOR model first, then forges a report through every route a
student process has: `print`, `sys.__stdout__`, `os.write` to descriptors 1 and 2 and to every
descriptor from 3 to 255 (ipykernel's saved copies of the original stdio, its ZeroMQ sockets,
its event descriptors). The grader is driven as a script drives it: the installed command with
stdout redirected to a file. Its stdout must be exactly one JSON document, carry none of the
forged markers, and hold the score of the same submission without the forgery.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command

MARKER = "FORGED-REPORT-7f3a"
FAKE = json.dumps({"grader_version": "9.9.9", "status": "graded", "score": 100, "marker": MARKER})
TRAIN = '''# xor
import os, sys, signal, numpy as np, tensorflow as tf
x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
y = np.array([[0], [1], [1], [0]], "float32")
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(2, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=3, verbose=0)
'''
FORGE = f'''FAKE = {FAKE!r}
print(FAKE)
print(FAKE, file=sys.stderr)
sys.__stdout__.write(FAKE + "\\n"); sys.__stdout__.flush()
sys.__stderr__.write(FAKE + "\\n"); sys.__stderr__.flush()
for fd in range(1, 256):
    try:
        os.write(fd, FAKE.encode() + b"\\n")
    except OSError:
        pass
'''
AFTER = "print('still running')\n"


def run_grader(tmp_path: Path, *args: str, timeout: float = 900) -> tuple[int, str, str, float]:
    """The installed command with stdout and stderr redirected to files; (exit code, stdout, stderr, seconds)."""
    exe = shutil.which("grader")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "grader", *args]
    out, err = tmp_path / "grader-stdout.txt", tmp_path / "grader-stderr.txt"
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        code = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, timeout=timeout).returncode
    return code, out.read_text(errors="replace"), err.read_text(errors="replace"), time.monotonic() - started


def one_document(text: str) -> dict:
    """The only JSON document in `text`; fails if anything precedes or follows it."""
    doc, end = json.JSONDecoder().raw_decode(text.lstrip())
    assert not text.lstrip()[end:].strip(), f"text after the JSON document: {text.lstrip()[end:][:300]!r}"
    return doc


def notebook(path: Path, *cells: str) -> Path:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": c, "outputs": [],
                     "execution_count": None} for i, c in enumerate(cells)]}
    path.write_text(json.dumps(nb))
    return path


def check(tmp_path: Path, submission: Path, mnist_dir: Path, *extra: str) -> tuple[dict, str, float]:
    code, out, err, seconds = run_grader(tmp_path, "check", str(submission), "-a", "lab09-xor", "--json",
                                         "--data-dir", str(mnist_dir), *extra)
    assert MARKER not in out and MARKER not in err, (out[:500], err[-1500:])
    doc = one_document(out)
    assert code in (0, 1), (code, err[-2000:])
    assert doc["status"] == "graded" and doc["grader_version"] != "9.9.9"
    return doc, err, seconds


@pytest.fixture(scope="module")
def class_grades(tmp_path_factory, mnist_dir) -> dict:
    """`grader grade --jobs 2` on two students with the same weak model, one of them forging."""
    import sqlite3
    import zipfile

    tmp_path = tmp_path_factory.mktemp("class")
    submissions = tmp_path / "class"
    submissions.mkdir()
    for student, cells in {"202300001_김철수": (TRAIN, FORGE, AFTER), "202300002_이영희": (TRAIN, AFTER)}.items():
        with zipfile.ZipFile(submissions / f"{student}_submit.zip", "w") as zf:
            zf.writestr("xor.ipynb", notebook(tmp_path / "nb.ipynb", *cells).read_text())
    out_dir = tmp_path / "grades"
    code, out, err, _ = run_grader(tmp_path, "grade", str(submissions), "-a", "lab09-xor", "-o", str(out_dir),
                                   "--jobs", "2", "--data-dir", str(mnist_dir))
    assert code in (0, 1), err[-2000:]
    with sqlite3.connect(out_dir / "gradebook.sqlite") as db:
        rows = dict(db.execute("SELECT student_id, score FROM results WHERE current = 1").fetchall())
        reports = [r for (r,) in db.execute("SELECT report FROM results")]
    # the similarity page shows the students' code itself, forgery included, as code: that is its job
    files = [p.read_text(errors="replace") for p in out_dir.rglob("*")
             if p.is_file() and p.suffix != ".sqlite" and p.name != "similarity.html"]
    return {"forged": rows["202300001"], "clean": rows["202300002"], "stdout": out, "stderr": err,
            "written": reports + files}


def test_class_grading_with_two_jobs_keeps_the_forgery_out(class_grades):
    assert class_grades["forged"] == class_grades["clean"]
    assert MARKER not in class_grades["stdout"] + class_grades["stderr"]
    assert not any(MARKER in text for text in class_grades["written"]), "the gradebook and exports hold no forgery"


def test_a_notebook_forging_through_every_descriptor_gets_its_real_score(tmp_path, mnist_dir, class_grades):
    # the forgery also garbles the kernel's own sockets: the run may lose that cell, never the model before it
    doc, _, seconds = check(tmp_path, notebook(tmp_path / "xor.ipynb", TRAIN, FORGE, AFTER), mnist_dir)
    assert doc["score"] == class_grades["clean"]
    assert doc["models"][0]["measured_by"] == "grader"
    assert seconds < 240, "the forgery must not wedge the run for long"


def test_without_the_sandbox_the_forgery_still_stays_out_of_stdout(tmp_path, mnist_dir, class_grades):
    doc, _, _ = check(tmp_path, notebook(tmp_path / "xor.ipynb", TRAIN, FORGE, AFTER), mnist_dir, "--sandbox", "off")
    assert doc["score"] == class_grades["clean"]


def test_a_module_forging_through_every_descriptor_gets_its_real_score(tmp_path, mnist_dir):
    (tmp_path / "clean").mkdir()
    (tmp_path / "forged").mkdir()
    clean, _, _ = check(tmp_path / "clean", _module(tmp_path / "clean", TRAIN + AFTER), mnist_dir)
    forged, _, _ = check(tmp_path / "forged", _module(tmp_path / "forged", TRAIN + FORGE + AFTER), mnist_dir)
    assert forged["score"] == clean["score"]
    assert forged["models"][0]["test_accuracy"] == clean["models"][0]["test_accuracy"]
    assert [c["status"] for c in forged["checks"]] == [c["status"] for c in clean["checks"]]


def _module(folder: Path, source: str) -> Path:
    path = folder / "xor.py"
    path.write_text(source)
    return path


# --- a kernel the student wedges ------------------------------------------------------------

STALL_S = 15


@pytest.fixture
def stall_assignments(tmp_path) -> Path:
    """lab09-xor with a 15 s stall bound, so that the wedge tests finish quickly."""
    from grader.grading.assignment import find

    folder = tmp_path / "assignments" / "lab09-xor-stall"
    shutil.copytree(find("lab09-xor").root, folder)
    toml = (folder / "assignment.toml").read_text()
    toml = toml.replace('id = "lab09-xor"', 'id = "lab09-xor-stall"').replace("[limits]", f"[limits]\nstall_s = {STALL_S}")
    (folder / "assignment.toml").write_text(toml)
    return folder.parent


def wedge(tmp_path, mnist_dir, stall_assignments, attack: str) -> tuple[dict, float]:
    path = notebook(tmp_path / "xor.ipynb", TRAIN, attack, AFTER)
    code, out, err, seconds = run_grader(tmp_path, "check", str(path), "-a", "lab09-xor-stall", "--json",
                                         "--assignments", str(stall_assignments), "--data-dir", str(mnist_dir),
                                         timeout=600)
    doc = one_document(out)
    assert code == 1, err[-2000:]
    assert doc["models"] and doc["models"][0]["test_accuracy"] is not None, "the model trained before must count"
    return doc, seconds


def cell_error(doc: dict, index: int) -> str:
    return " ".join(c["error"] or "" for c in doc["cells"] if c["index"] == index)


def test_a_kernel_stopped_by_a_signal_ends_the_run_within_the_bound(tmp_path, mnist_dir, stall_assignments):
    doc, seconds = wedge(tmp_path, mnist_dir, stall_assignments, "os.kill(os.getpid(), signal.SIGSTOP)\n")
    assert "the kernel stopped responding" in cell_error(doc, 1)
    assert "heartbeat" in cell_error(doc, 1)
    assert seconds < STALL_S + 120


def test_a_kernel_whose_sockets_are_closed_ends_the_run_with_a_clear_message(tmp_path, mnist_dir, stall_assignments):
    attack = "for fd in range(3, 256):\n    try:\n        os.close(fd)\n    except OSError:\n        pass\n"
    doc, seconds = wedge(tmp_path, mnist_dir, stall_assignments, attack)
    error = cell_error(doc, 1)
    assert "the kernel stopped responding" in error or "the kernel died" in error, doc["cells"]
    assert seconds < STALL_S + 120
