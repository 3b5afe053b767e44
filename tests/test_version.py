"""The name students install (`keras-course-grader`: `grader` on PyPI is an unrelated project), the
one version it carries, and `grader --version`. Unit tier: no TensorFlow, the command in a subprocess."""

import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grader import __version__
from grader._version import DISTRIBUTION

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_distribution_is_keras_course_grader_and_the_command_and_package_stay_grader():
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION == "keras-course-grader"
    assert project["scripts"] == {"grader": "grader.cli:main"}
    assert PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["grader"]


def test_the_version_has_one_home_which_hatchling_reads():
    assert "version" not in PYPROJECT["project"] and PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "grader/_version.py"
    # hatchling's regex source: the first `__version__ = "..."` line of that file
    text = (ROOT / "grader" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r"""^__version__\s*=\s*['"](?P<v>[^'"]+)['"]""", text, re.MULTILINE)
    assert found and found["v"] == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_an_installed_distribution_carries_the_same_version():
    try:
        installed = md.version(DISTRIBUTION)
    except md.PackageNotFoundError:
        pytest.skip(f"{DISTRIBUTION} is not installed here (an old `grader` install: pip install -e . again)")
    assert installed == __version__


@pytest.mark.parametrize("args", [["--version"], ["version"]])
def test_grader_version_prints_one_line_and_exits_0(args):
    result = subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"grader {__version__} (keras-course-grader)\n" and not result.stderr
