"""The installed command on bad input: clear messages, meaningful exit codes, no tracebacks."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
import pytest

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command



def grader(*args, env=None, cwd=None):
    exe = shutil.which("grader")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "grader", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd,
                            timeout=1500)
    # the student's own tracebacks may appear in a report; the grader's never
    assert "Traceback (most recent call last)" not in result.stderr, result.stderr
    assert not re.search(r'File "[^"]*/grader/\w+\.py"', result.stdout + result.stderr), result.stdout
    return result


def test_truncated_zip_is_rejected(tmp_path, mnist_dir):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("a.ipynb", "{}" * 5000)
    bad = tmp_path / "submit.zip"
    bad.write_bytes(good.read_bytes()[:200])
    result = grader("check", str(bad), "--json", "--data-dir", str(mnist_dir))
    assert result.returncode == 2
    doc = json.loads(result.stdout)
    assert doc["status"] == "rejected" and doc["messages"]


def test_zip_without_notebook_is_rejected_in_plain_words(tmp_path, mnist_dir):
    path = tmp_path / "submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "hello")
    result = grader("check", str(path), "--data-dir", str(mnist_dir))
    assert result.returncode == 2 and "no notebook" in result.stdout


def test_missing_path_and_unknown_assignment_are_usage_errors(tmp_path, mnist_dir):
    assert grader("check", str(tmp_path / "nope.zip")).returncode == 2
    (tmp_path / "x.py").write_text("print(1)")
    result = grader("check", str(tmp_path / "x.py"), "-a", "lab99", "--data-dir", str(mnist_dir))
    assert result.returncode == 2 and "lab10-mnist" in result.stderr


def test_unmatched_submission_lists_candidates(tmp_path, mnist_dir):
    (tmp_path / "hello.py").write_text("print('hi')")
    result = grader("check", str(tmp_path / "hello.py"), "--data-dir", str(mnist_dir))
    assert result.returncode == 2 and "-a NAME" in result.stderr and "lab09-xor" in result.stderr


def test_missing_dataset_names_the_import_command(tmp_path):
    (tmp_path / "x.py").write_text("import mnist")
    result = grader("check", str(tmp_path / "x.py"), env={"GRADER_DATA_DIR": str(tmp_path / "none"),
                                                           "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 2 and "grader data import" in result.stderr


def test_data_import_verifies_and_installs(tmp_path, mnist_dir):
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "GRADER_DATA_DIR": ""}
    ok = grader("data", "import", str(mnist_dir / "mnist.npz"), env=env)
    assert ok.returncode == 0 and (tmp_path / "xdg" / "grader" / "mnist.npz").is_file()
    (tmp_path / "fake.npz").write_bytes(b"not an npz")
    bad = grader("data", "import", str(tmp_path / "fake.npz"), env=env)
    assert bad.returncode == 2 and "cannot be read" in bad.stderr


def test_python_dash_m_works_the_same(tmp_path):
    result = subprocess.run([sys.executable, "-m", "grader", "assignments"], capture_output=True, text=True)
    assert result.returncode == 0 and "lab10-mnist" in result.stdout


@pytest.mark.parametrize("args, error", [
    (["{dir}/hello.py"], "no_assignment"),  # code from no lab of this course
    (["{dir}/missing.zip"], "usage"),
    (["{dir}/hello.py", "--lang", "fr"], "usage"),  # Typer's own usage error, before any command ran
    (["{dir}/hello.py", "-a", "lab99"], "no_assignment"),
    (["{dir}/page.ipynb"], "no_entry_point"),  # a web page saved under a notebook's name
])
def test_json_mode_prints_one_rejected_document_for_every_refusal(tmp_path, mnist_dir, args, error):
    (tmp_path / "hello.py").write_text("print('hello world')\n")
    (tmp_path / "page.ipynb").write_text("<!DOCTYPE html><html><body>Google Colaboratory</body></html>")
    result = grader("check", *[a.format(dir=tmp_path) for a in args], "--json", "--data-dir", str(mnist_dir))
    assert result.returncode == 2, result.stderr
    doc = json.loads(result.stdout)  # exactly one document: json.loads refuses trailing data
    assert doc["status"] == "rejected" and doc["error"] == error and doc["messages"], doc
    if error == "no_entry_point":
        assert "web page" in doc["messages"][0] and "Download .ipynb" in doc["messages"][0]
