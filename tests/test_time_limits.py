"""A time limit never zeroes a trained model: training stopped by it is graded as of its last epoch."""

import json

import nbformat
import pytest
from conftest import ASSETS
from test_cli import grader

pytestmark = pytest.mark.kernel

SCRIPT = ASSETS / "wild" / "xor_10000_epochs.py"  # Keras's default verbose=1, 10,000 epochs of a 2-2-1 net


def check(path, mnist_dir, timeout="15"):
    result = grader("check", str(path), "-a", "lab09-xor", "--timeout", timeout, "--json", "--data-dir", str(mnist_dir))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stdout)


def assert_stopped_and_graded(doc):
    (run,) = doc["runs"]
    assert 0 < run["epochs"] < 10_000, run["epochs"]
    assert run["test_accuracy"] is not None and run["measured_by"] == "grader"  # measured, not zeroed
    assert len(run["history"]["loss"]) == run["epochs"]  # the history of the kept epochs, no more
    note = next(m for m in doc["messages"] if "training stopped by the time limit" in m)
    assert f"at epoch {run['epochs']:,} of 10,000" in note and "graded as it was then" in note
    (timeout,) = [c for c in doc["cells"] if c["status"] == "timeout"]
    assert "KeyboardInterrupt" not in (timeout["error"] or "")
    xor_net = next(c for c in doc["checks"] if c["id"] == "xor-net")
    assert "no trained model" not in xor_net["message"]


def test_a_module_stopped_by_the_time_limit_is_graded_on_its_last_epoch(mnist_dir):
    doc = check(SCRIPT, mnist_dir)
    assert_stopped_and_graded(doc)
    assert "time limit was reached (15 s)" in doc["cells"][0]["error"]


def test_a_notebook_cell_stopped_by_the_time_limit_keeps_its_model_and_later_cells_run(tmp_path, mnist_dir):
    parts = SCRIPT.read_text().split("\n\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(p) for p in parts]
                                  + [nbformat.v4.new_code_cell("print('after the limit')")])
    path = tmp_path / "XOR_DNN.ipynb"
    nbformat.write(nb, str(path))
    doc = check(path, mnist_dir)
    assert_stopped_and_graded(doc)
    assert "cell ran longer than 15 s" in next(c["error"] for c in doc["cells"] if c["status"] == "timeout")


def test_long_fits_do_not_flood_the_output_with_progress_bars(tmp_path, mnist_dir):
    keep = tmp_path / "keep"
    grader("check", str(SCRIPT), "-a", "lab09-xor", "--timeout", "15", "--json", "--keep", str(keep),
           "--data-dir", str(mnist_dir))
    output = (keep / "process-output.log").read_bytes()
    assert len(output) < 200_000, len(output)  # Keras's bar would be ~150 bytes an epoch, 1.5 MB in all
    assert b"[grader] Epoch" in output  # a line a second instead, for the status line
