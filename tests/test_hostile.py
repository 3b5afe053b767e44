"""Hostile submissions: the grader survives, reports clearly, and nothing escapes the scratch folder.

Every code case first trains a small valid XOR model, so a grader that simply rejected
everything could not pass: the report must still hold that model, measured.
"""

import json
import os
import socket
import threading
import uuid
import zipfile
from pathlib import Path

import pytest
from test_cli import grader

from grader.execution.sandbox import bubblewrap_works

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command

PRELUDE = '''# xor
import os, sys, numpy as np, tensorflow as tf
x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
y = np.array([[0], [1], [1], [0]], "float32")
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
model.fit(x, y, epochs=3, verbose=0)
'''


@pytest.fixture
def token():
    return f"grader-hostile-{uuid.uuid4().hex[:12]}"


def run_module(tmp_path, mnist_dir, body, *extra):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    path = src / "attack.py"
    path.write_text(PRELUDE + body)
    result = grader("check", str(path), "-a", "lab09-xor", "--json", "--data-dir", str(mnist_dir), *extra)
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    doc = json.loads(result.stdout)
    assert doc["status"] == "graded"
    assert doc["models"] and doc["models"][0]["test_accuracy"] is not None, "the valid model trained first must count"
    return doc


def assert_nowhere(token, *places):
    # os.walk, not rglob: other runs (a parallel worker's) create and delete folders under /tmp while
    # this walks, and a folder gone mid-walk is no escaped file
    for place in places:
        found = [os.path.join(root, name) for root, dirs, files in os.walk(place) for name in dirs + files
                 if token in name]
        assert not found, f"hostile file escaped: {found}"


def error_of(doc):
    return " ".join(c["error"] or "" for c in doc["cells"])


def test_infinite_loop_hits_the_time_limit(tmp_path, mnist_dir):
    doc = run_module(tmp_path, mnist_dir, "while True:\n    pass\n", "--timeout", "30")
    assert doc["cells"][0]["status"] == "timeout"
    assert any("time limit" in m for m in doc["messages"])


def test_huge_allocation_fails_inside_the_student_code(tmp_path, mnist_dir):
    doc = run_module(tmp_path, mnist_dir, "big = np.ones(40 * 2**30 // 8)\n")
    assert "MemoryError" in error_of(doc) or "memory" in error_of(doc).lower()


def test_hundreds_of_child_processes_are_refused(tmp_path, mnist_dir):
    body = "import subprocess\nkids = [subprocess.Popen(['sleep', '60']) for _ in range(400)]\n"
    doc = run_module(tmp_path, mnist_dir, body)
    assert doc["cells"][0]["status"] == "error"
    assert "Error" in error_of(doc)


def test_killing_the_parent_does_not_kill_the_grader(tmp_path, mnist_dir):
    doc = run_module(tmp_path, mnist_dir, "import signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')\n")
    assert doc["models"][0]["test_accuracy"] is not None


def test_a_flood_of_output_is_truncated(tmp_path, mnist_dir):
    doc = run_module(tmp_path, mnist_dir, "for _ in range(300):\n    print('x' * 2**20)\nos.write(1, b'y' * 2**24)\n")
    assert any("truncated" in m for m in doc["messages"]), doc["messages"]


def test_input_gets_end_of_file_instead_of_hanging(tmp_path, mnist_dir):
    doc = run_module(tmp_path, mnist_dir, "name = input('name? ')\n", "--timeout", "60")
    assert "EOFError" in error_of(doc)


def test_writes_outside_the_scratch_folder_do_not_land(tmp_path, mnist_dir, token):
    body = f'''
for place in ("/tmp", os.path.expanduser("~"), "..", "../..", {str(tmp_path)!r}):
    try:
        with open(os.path.join(place, "{token}"), "w") as f:
            f.write("escaped")
    except OSError:
        pass
'''
    run_module(tmp_path, mnist_dir, body)
    assert_nowhere(token, "/tmp", Path.home(), tmp_path)


@pytest.mark.skipif(not bubblewrap_works(), reason="isolation of the file system needs bubblewrap")
def test_the_grader_package_and_answer_keys_are_not_readable(tmp_path, mnist_dir):
    import grader as grader_package

    package = Path(grader_package.__file__).resolve().parent
    targets = [package / "assignments" / "lab10-mnist" / "quiz.json", package.parent / "assignments",
               package.parent / "tests", package / "grading" / "quiz.py", package / "grading" / "checks.py"]
    body = f'''
import grader
leaks = []
for target in {[str(t) for t in targets]!r} + [os.path.join(os.path.dirname(grader.__file__), "assignments")]:
    if os.path.exists(target):
        leaks.append(target)
if leaks:
    raise RuntimeError("LEAK " + " ".join(leaks))
'''
    doc = run_module(tmp_path, mnist_dir, body)
    assert "LEAK" not in error_of(doc), error_of(doc)


@pytest.mark.skipif(not bubblewrap_works(), reason="network isolation needs bubblewrap")
def test_no_connection_reaches_a_listener_on_loopback(tmp_path, mnist_dir):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    body = f'''
import socket
for host in ("127.0.0.1", "localhost"):
    try:
        socket.create_connection((host, {port}), timeout=3).sendall(b"hello")
    except OSError:
        pass
'''
    try:
        run_module(tmp_path, mnist_dir, body)
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
    assert accepted == []


def test_notebook_input_and_output_flood_are_handled(tmp_path, mnist_dir):
    cells = [PRELUDE, "name = input('name? ')", "for _ in range(100):\n    print('z' * 2**20)", "model.fit(x, y, epochs=1, verbose=0)"]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
                    for c in cells]}
    path = tmp_path / "attack.ipynb"
    path.write_text(json.dumps(nb))
    result = grader("check", str(path), "-a", "lab09-xor", "--json", "--data-dir", str(mnist_dir), "--timeout", "120")
    doc = json.loads(result.stdout)
    assert result.returncode == 1 and doc["models"]
    (stdin_cell,) = [c for c in doc["cells"] if c["index"] == 1]
    assert "StdinNotImplementedError" in stdin_cell["error"] or "EOFError" in stdin_cell["error"]


def zip_with(tmp_path, build):
    path = tmp_path / "submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        build(zf)
    return path


def reject(path, mnist_dir):
    result = grader("check", str(path), "--json", "--data-dir", str(mnist_dir))
    assert result.returncode == 2, result.stdout
    doc = json.loads(result.stdout)
    assert doc["status"] == "rejected" and doc["messages"][0]
    return doc


def test_zip_slip_is_rejected_and_writes_nothing(tmp_path, mnist_dir, token):
    path = zip_with(tmp_path, lambda zf: (zf.writestr("a.ipynb", "{}"), zf.writestr(f"../../{token}.py", "x")))
    reject(path, mnist_dir)
    assert_nowhere(token, tmp_path.parent, "/tmp")


def test_symlink_entries_are_rejected(tmp_path, mnist_dir):
    def build(zf):
        info = zipfile.ZipInfo("link.py")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
        zf.writestr("a.py", "print(1)")
    reject(zip_with(tmp_path, build), mnist_dir)


def test_three_gigabyte_zero_entry_is_refused_without_extracting(tmp_path, mnist_dir):
    import time

    def build(zf):
        with zf.open(zipfile.ZipInfo("zeros.bin"), "w", force_zip64=True) as f:
            chunk = bytes(2**24)
            for _ in range(3 * 2**30 // 2**24):
                f.write(chunk)
    info = zipfile.ZipInfo("a.py")
    path = tmp_path / "submit.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(info, "print(1)")
        build(zf)
    started = time.monotonic()
    doc = reject(path, mnist_dir)
    assert time.monotonic() - started < 30
    assert "zeros.bin" in doc["messages"][0]


def test_truncated_zip_is_rejected(tmp_path, mnist_dir):
    good = zip_with(tmp_path, lambda zf: zf.writestr("a.ipynb", "{}" * 10000))
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])
    reject(good, mnist_dir)
