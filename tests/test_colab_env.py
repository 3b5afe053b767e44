"""The grading environment has what Colab gives course code: one list, held to the install and to the machine."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest
from conftest import ROOT

from grader.execution.colab import COLAB_MODULES, COLAB_PAIR, GRADING_LIBRARIES, GRADING_PAIR, colab_has


def test_the_tf_extra_installs_every_library_of_the_list():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["tf"]
    core = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for library in GRADING_LIBRARIES:
        assert library.requirement in extra + core, f"{library.distribution}: {library.requirement} is not installed"
        assert colab_has(library.module), f"{library.module} is not one of Colab's preinstalled modules"


def test_the_pinned_pair_is_the_one_the_list_states():
    extra = " ".join(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
                     ["optional-dependencies"]["tf"])
    assert f"tensorflow-cpu=={GRADING_PAIR[0]}.*" in extra and f"keras=={GRADING_PAIR[1]}.*" in extra
    assert f"tensorboard=={GRADING_PAIR[0]}.*" in extra  # TensorBoard is released with TensorFlow
    assert COLAB_PAIR == ("2.20", "3.13")


def test_colab_has_its_usual_modules_and_not_others():
    assert {"tensorflow", "keras", "tensorboard", "sklearn", "PIL", "pandas", "seaborn", "cv2"} <= COLAB_MODULES
    assert colab_has("sklearn.model_selection") and not colab_has("notarealpackage")


@pytest.mark.kernel
@pytest.mark.parametrize("library", GRADING_LIBRARIES, ids=lambda lib: lib.distribution)
def test_each_library_imports_in_the_grading_environment(library):
    assert importlib.util.find_spec(library.module) is not None, f"pip install '{library.requirement}'"
