import sys

from grader import sandbox


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
    assert weak.kind == "none" and "bubblewrap is not available" in weak.note
