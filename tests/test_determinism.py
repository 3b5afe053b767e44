"""Same submission, same grade: nothing the grader does to the kernel moves the student's seeded state."""

import nbformat
import pytest
from test_cli import grader

pytestmark = pytest.mark.kernel

DRAW = "import random\nopen('draw.txt', 'w').write(repr(random.random()))"


def drawn(tmp_path, name, cells, mnist_dir):
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "XOR_DNN_TF2.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), str(path))
    keep = tmp_path / f"{name}-keep"
    result = grader("check", str(path), "-a", "lab09-xor", "--json", "--keep", str(keep), "--data-dir", str(mnist_dir))
    assert result.returncode in (0, 1, 2), result.stderr[-2000:]
    return (keep / "submission" / "draw.txt").read_text()


def test_a_liveness_probe_between_cells_does_not_move_the_students_random_state(tmp_path, mnist_dir):
    # a cell over 10 s is probed with kernel_info, answered when it ends; IPython's answer used
    # to draw a banner tip with random.choice, which shifted every later initializer's seed
    quiet = drawn(tmp_path, "quiet", ["import time", DRAW], mnist_dir)
    probed = drawn(tmp_path, "probed", ["import time\ntime.sleep(13)", DRAW], mnist_dir)
    assert quiet == probed
