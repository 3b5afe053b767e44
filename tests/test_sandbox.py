import sys

from grader.execution import sandbox
def test_a_virtualenv_inside_the_project_is_bound_but_the_project_is_not(monkeypatch, tmp_path):
    project = tmp_path / "checkout"
    package = project / "grader"
    venv = project / ".venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    for folder in (package, site, project / "tests"):
        folder.mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    monkeypatch.setattr(sandbox, "PACKAGE_DIR", package)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "path", [str(project), str(site), str(project / "tests")])
    dirs = sandbox.python_dirs()
    assert venv in dirs  # the environment is visible
    assert project not in dirs and project / "tests" not in dirs  # keys and tests are not


def test_strict_mode_refuses_without_bubblewrap(monkeypatch):
    import pytest

    from grader.errors import ExecutionError

    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)
    with pytest.raises(ExecutionError, match="bubblewrap"):
        sandbox.choose("strict")
    weak = sandbox.choose("auto")
    assert weak.kind == "none" and "bubblewrap is not available" in str(weak.note)


def test_the_limits_wrapper_records_what_it_applied_and_the_report_hears_what_it_could_not(tmp_path):
    import json
    import subprocess
    import sys

    from grader.execution.execute import RunConfig
    from grader.execution.isolate import Isolation
    from grader.execution.sandbox import LIMITS_RECORD

    record = tmp_path / LIMITS_RECORD
    spec = json.dumps({"memory_mb": 4096, "cpu_s": 60, "file_mb": 10, "record": str(record)})
    done = subprocess.run([sys.executable, "-m", "grader.execution.limits", spec, "--", sys.executable, "-c",
                           "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == str(4096 * 2**20)
    assert json.loads(record.read_text()) == ["memory 4096 MB", "CPU 60 s", "files up to 10 MB"]
    isolation = Isolation(RunConfig(data_path=tmp_path / "mnist.npz", out_dir=tmp_path / "out"), tmp_path)
    assert tuple(map(str, isolation.limit_notes())) == ()  # everything asked for held
    record.write_text(json.dumps(["memory 4096 MB", "process count not limited (root without a pids cgroup)"]))
    assert tuple(map(str, isolation.limit_notes())) == ("limits: process count not limited (root without a pids cgroup)",)
