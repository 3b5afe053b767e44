import json

import pytest

from grader.grading.assignment import load_all
from grader.errors import AssignmentNotFound
from grader.intake.locate import locate
from grader.intake.unpack import unpack


def notebook(text):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": text, "outputs": [],
                                  "execution_count": None}]})


def submission(tmp_path, files):
    src = tmp_path / "src"
    src.mkdir()
    for name, text in files.items():
        (src / name).write_text(text)
    return unpack(src, tmp_path / "scratch")


def test_mnist_notebook_picks_lab10(tmp_path):
    sub = submission(tmp_path, {"Mnist_DNN_TF2.ipynb": notebook("mnist.load_data()\nlayers.Dropout(0.3)  # xor warm-up")})
    found = locate(sub, load_all())
    assert found.assignment.id == "lab10-mnist" and found.entry.kind == "notebook"
    assert any("lab10-mnist" in str(m) for m in found.messages)


def test_xor_notebook_picks_lab09(tmp_path):
    sub = submission(tmp_path, {"xor.ipynb": notebook("x = [[0,0],[0,1],[1,0],[1,1]]  # XOR")})
    assert locate(sub, load_all()).assignment.id == "lab09-xor"


def test_no_match_lists_candidates(tmp_path):
    sub = submission(tmp_path, {"hello.py": "print('hi')"})
    with pytest.raises(AssignmentNotFound) as info:
        locate(sub, load_all())
    assert "lab10-mnist" in info.value.candidates


def test_two_equally_likely_labs_grade_with_the_first_and_name_the_second(tmp_path):
    labs = load_all()
    twin = [a for a in labs if a.id == "lab10-mnist"][0]
    from dataclasses import replace
    sub = submission(tmp_path, {"a.ipynb": notebook("mnist Dropout")})
    found = locate(sub, (twin, replace(twin, id="lab10-copy")))
    assert found.assignment.id == "lab10-copy"  # equal in everything: the ids decide, the same way every time
    assert "a close second: lab10-mnist" in str(found.messages[0])


def test_notebook_preferred_over_module(tmp_path):
    sub = submission(tmp_path, {"helper.py": "import mnist, Dropout", "work.ipynb": notebook("mnist Dropout")})
    assert locate(sub, load_all()).entry.relpath == "work.ipynb"


@pytest.mark.parametrize("lab", ["lab09-xor", "lab10-mnist", "lab10-softmax", "lab10-relu", "lab10-init",
                                 "lab10-deep", "lab10-batchnorm"])
def test_every_reference_solution_is_recognised_as_its_own_lab(tmp_path, lab):
    from grader.grading.reference import reference_solution

    labs = load_all()
    target = next(a for a in labs if a.id == lab)
    sub = unpack(reference_solution(target), tmp_path / "scratch")
    assert locate(sub, labs).assignment.id == lab


def test_course_notebook_is_recognised_as_lab10_mnist(tmp_path):
    from conftest import ROOT

    sub = unpack(ROOT / "submissions/lab10-course-notebook/submit.zip", tmp_path / "scratch")
    assert locate(sub, load_all()).assignment.id == "lab10-mnist"


def notebook_v3(code, markdown="# Lab 10"):
    """An IPython 2 era notebook: cells live in worksheets, and a code cell's text is `input`."""
    return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
                       "worksheets": [{"metadata": {}, "cells": [
                           {"cell_type": "markdown", "metadata": {}, "source": markdown},
                           {"cell_type": "code", "metadata": {}, "language": "python", "collapsed": False,
                            "input": code, "outputs": [], "prompt_number": 1}]}]})


def test_an_nbformat_3_notebook_is_read_like_any_other(tmp_path):
    from grader.intake.locate import code_cells

    text = notebook_v3("mnist.load_data()\nlayers.Dropout(0.3)")
    assert code_cells(text) == ["mnist.load_data()\nlayers.Dropout(0.3)"]
    sub = submission(tmp_path, {"Mnist_DNN_TF2.ipynb": text})
    assert locate(sub, load_all()).assignment.id == "lab10-mnist"


def test_a_file_that_is_not_notebook_json_has_no_code_cells():
    from grader.intake.locate import code_cells

    assert code_cells("<!DOCTYPE html><html><body>Colab</body></html>") is None
    assert code_cells('{"cells": "not a list"}') is None
