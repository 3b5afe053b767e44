"""Every lab's reference solution passes its own assignment (quick mode: training capped)."""

import json

import pytest
from test_cli import grader

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command

LABS = ["lab09-xor", "lab10-mnist", "lab10-softmax", "lab10-relu", "lab10-init", "lab10-deep", "lab10-batchnorm"]


@pytest.mark.parametrize("lab", LABS)
def test_reference_solution_validates(lab, mnist_dir):
    result = grader("validate", lab, "--quick", "--json", "--data-dir", str(mnist_dir))
    doc = json.loads(result.stdout)
    failing = [c for c in doc["checks"] if c["status"] not in ("passed", "skipped")]
    assert result.returncode == 0 and not failing, failing
    assert doc["runs"], "the reference trained nothing"
    # quick mode still judges architecture: every run part found its model
    assert all("architecture matches" in c["message"] or c["status"] == "passed" or c["id"].startswith("quiz")
               or c["status"] == "skipped" for c in doc["checks"])


def test_a_broken_assignment_is_invalid(tmp_path, mnist_dir):
    (tmp_path / "assignment.toml").write_text('id = "broken"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 1\nkind = "nope"\n')
    result = grader("validate", str(tmp_path), "--data-dir", str(mnist_dir))
    assert result.returncode == 2 and "unknown kind" in result.stderr
