"""Every installed lab's reference solution passes its own assignment (quick mode: training capped)."""

import json
import tomllib

import pytest
from conftest import ROOT
from test_cli import grader

from grader.grading.assignment import load_all
from grader.grading.reference import reference_solution

# every lab the grader finds is validated: a new lab needs no edit here (nor can it go unvalidated)
ASSIGNMENTS = {assignment.id: assignment for assignment in load_all()}
LABS = sorted(ASSIGNMENTS)


def test_every_shipped_lab_is_validated_and_has_its_reference_solution():
    shipped = {tomllib.loads(path.read_text(encoding="utf-8"))["id"]
               for path in (ROOT / "assignments").glob("*/assignment.toml")}
    assert shipped and shipped <= set(LABS), shipped - set(LABS)
    assert all(reference_solution(ASSIGNMENTS[lab]).is_file() for lab in LABS)


@pytest.mark.kernel  # real kernels, TensorFlow and the installed command
@pytest.mark.parametrize("lab", LABS)
def test_reference_solution_validates(lab, mnist_dir):
    result = grader("validate", lab, "--quick", "--json", "--data-dir", str(mnist_dir))
    doc = json.loads(result.stdout)
    failing = [c for c in doc["checks"] if c["status"] not in ("passed", "skipped")]
    assert result.returncode == 0 and not failing, failing
    assert doc["models"], "the reference trained nothing"
    kinds = {spec.id: spec.kind for spec in ASSIGNMENTS[lab].checks}
    assert [c["id"] for c in doc["checks"]] == list(kinds), "every part of the lab is in the report"
    # quick mode still judges architecture: every run part found a model of its own architecture (its
    # accuracy is judged only by a full run), and every comparison found both of its runs
    for c in doc["checks"]:
        if c["status"] == "skipped" and kinds[c["id"]] == "run":
            assert "architecture matches" in c["message"], c
        elif c["status"] == "skipped" and kinds[c["id"]] == "compare":
            assert "runs found" in c["message"], c
        else:
            assert c["status"] == "passed", c  # nothing else has a reason to be skipped


@pytest.mark.kernel
def test_a_broken_assignment_is_invalid(tmp_path, mnist_dir):
    (tmp_path / "assignment.toml").write_text('id = "broken"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 1\nkind = "nope"\n')
    result = grader("validate", str(tmp_path), "--data-dir", str(mnist_dir))
    assert result.returncode == 2 and "unknown kind" in result.stderr
