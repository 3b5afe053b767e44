"""The self-check's pure parts: where the live notebook's text comes from (Colab's frontend faked
at its module boundary, Jupyter's JPY_SESSION_NAME, VS Code, a path), what it says about how
the session was run, and how live models are found. No kernel, no TensorFlow."""

from __future__ import annotations

import json
from pathlib import Path
import sys
import types

import pytest

from grader.grading import quiz
from grader.notebook import sources
from grader.notebook.selfcheck import default_lang
from grader.notebook.session import live_models

QUIZ = "# Quiz\n\n1. 축구선수가 아닌 것은?\n * 안정환\n2. SGD의 S는?\n * Stochastic\n"


def notebook_json(*cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "source": source, "metadata": {}, **({"execution_count": count, "outputs": []}
                                                                  if kind == "code" else {})}
        for kind, source, count in cells]}


@pytest.fixture
def fake_colab(monkeypatch):
    """`google.colab._message` as Colab provides it: `blocking_request("get_ipynb")` answers
    {"ipynb": the notebook as the frontend holds it}."""
    asked = []
    document = notebook_json(("code", "%load_ext grader", 1), ("markdown", ["# Quiz\n", "\n", "1. 축구선수가 아닌 것은?\n",
                                                                          " * 안정환\n"], None),
                             ("code", "%grader check lab10-mnist", 2))
    message = types.ModuleType("google.colab._message")

    def blocking_request(request_type, request="", timeout_sec=5, parent=None):
        asked.append((request_type, timeout_sec))
        return {"ipynb": document}

    message.blocking_request = blocking_request
    colab = types.ModuleType("google.colab")
    colab._message = message
    google = types.ModuleType("google")
    google.colab = colab
    for name, module in (("google", google), ("google.colab", colab), ("google.colab._message", message)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return asked


def test_in_colab_the_quiz_is_read_from_the_frontend(fake_colab):
    nb = sources.find_notebook(None, {})
    assert fake_colab == [("get_ipynb", sources.COLAB_TIMEOUT_S)]
    assert nb.origin == "colab" and len(nb.cells) == 3
    assert quiz.extract_answers(nb.markdown) == {"1": "안정환"}
    assert [c.execution_count for c in nb.code] == [1, 2]


def test_a_colab_frontend_that_does_not_answer_falls_back(monkeypatch, fake_colab, tmp_path):
    def silent(*args, **kwargs):
        raise TimeoutError("no reply")

    monkeypatch.setattr(sys.modules["google.colab._message"], "blocking_request", silent)
    assert sources.find_notebook(None, {}) is None
    saved = tmp_path / "lab.ipynb"
    saved.write_text(json.dumps(notebook_json(("markdown", QUIZ, None))), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    assert sources.find_notebook(None, {}).origin == "jupyter"


def test_jupyter_server_names_the_notebook_in_JPY_SESSION_NAME(monkeypatch, tmp_path):
    saved = tmp_path / "Mnist DNN 실습.ipynb"
    saved.write_text(json.dumps(notebook_json(("code", "import tensorflow as tf", 3), ("markdown", QUIZ, None))),
                     encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    nb = sources.find_notebook(None, {})
    assert nb.origin == "jupyter" and nb.name == "Mnist DNN 실습.ipynb"
    assert quiz.extract_answers(nb.markdown) == {"1": "안정환", "2": "Stochastic"}
    # relative to the kernel's folder, as some servers give it
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", "course/week3/Mnist DNN 실습.ipynb")
    assert sources.find_notebook(None, {}).name == "Mnist DNN 실습.ipynb"


def test_vscode_and_an_explicit_path_and_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    saved = tmp_path / "lab.ipynb"
    saved.write_text(json.dumps(notebook_json(("markdown", QUIZ, None))), encoding="utf-8")
    assert sources.find_notebook(None, {"__vsc_ipynb_file__": str(saved)}).origin == "vscode"
    assert sources.find_notebook(saved, {}).origin == "path"
    assert sources.find_notebook(None, {}) is None
    with pytest.raises(ValueError, match="not a readable notebook"):
        sources.find_notebook(tmp_path / "missing.ipynb", {})


def nb_of(*code: tuple[str, int | None]) -> sources.LiveNotebook:
    return sources.from_json(notebook_json(*[("code", s, n) for s, n in code]), "path", "lab.ipynb")


def english(phrases) -> list[str]:
    from grader.message import english as en

    return [en(p) for p in phrases]


def test_a_session_run_in_order_gets_no_warning():
    nb = nb_of(("x = 1", 1), ("y = x + 1", 2), ("print(y)", 3))
    assert sources.session_warnings(nb, ["", "x = 1", "y = x + 1", "print(y)"], {"x": 1, "y": 2}) == ()


def test_cells_run_out_of_order_are_named_with_the_restart_advice():
    nb = nb_of(("x = 1", 2), ("y = x + 1", 1), ("print(y)", 3))
    said = english(sources.session_warnings(nb, ["", "y = x + 1", "x = 1", "print(y)"], {"x": 1, "y": 2}))
    assert said[0] == "cells ran out of order: cell 1 ran as In [1], before cell 0 above it (In [2])"
    assert said[-1].startswith("Runtime → Restart and run all")


def test_a_cell_edited_after_it_ran_and_a_variable_left_by_a_deleted_cell():
    nb = nb_of(("import numpy as np", 1), ("x = np.zeros(3)\nx = x + 1", 2), ("print(x, scale)", 4))
    history = ["", "import numpy as np", "x = np.zeros(3)", "scale = 255.0", "print(x, scale)"]
    said = english(sources.session_warnings(nb, history, {"np": 0, "x": 0, "scale": 255.0}))
    assert "cell 1 changed after it ran: the session holds what the old code did" in said
    assert "`scale` is defined by no cell of the notebook (a deleted or rewritten cell left it in the session)" in said
    assert said[-1].startswith("Runtime → Restart and run all")


def test_a_notebook_file_older_than_the_session_is_not_called_edited():
    nb = nb_of(("a = 1", 1), ("b = 2", 2), ("c = 3", 3))
    history = ["", "z = 0", "q = 1", "w = 2", "a = 1", "b = 2", "c = 3"]  # run again since the last save
    said = english(sources.session_warnings(nb, history, {}))
    assert len(said) == 1 and said[0].startswith("the notebook file is older than the session")


def test_live_models_are_found_in_globals_modules_objects_and_containers():
    class Model:
        pass

    a, b, c, d, e = Model(), Model(), Model(), Model(), Model()
    tf = types.ModuleType("tensorflow")
    tf.model = b  # the course's `tf.model = tf.keras.Sequential()`
    holder = types.SimpleNamespace(net=c)
    history = types.SimpleNamespace(model=a)  # a History keeps the model it trained
    namespace = {"model": a, "tf": tf, "trainer": holder, "models": [d, a], "by_name": {"deep": e}, "hist": history,
                 "_private": Model(), "In": ["", "model = ..."]}
    found = dict((id(m), name) for name, m in live_models(namespace, Model))
    assert found == {id(a): "model", id(b): "tf.model", id(c): "trainer.net", id(d): "models[0]",
                     id(e): "by_name['deep']"}


def test_the_report_speaks_the_notebooks_language(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    korean = sources.from_json(notebook_json(("markdown", "# 드롭아웃\n\n신경망 모형에서 초기값에 따라 결과가 달라지기도 한다.", None)),
                               "path", "a.ipynb")
    english_nb = sources.from_json(notebook_json(("markdown", "# Dropout\n\nInitial values matter.", None)), "path", "b")
    assert default_lang(korean) == "ko" and default_lang(english_nb) == "en" and default_lang(None) == "en"
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert default_lang(english_nb) == "ko"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # the first set variable decides, as for `grader check`
    assert default_lang(english_nb) == "en"
    from grader.feedback.hints import default_lang as grader_check_lang

    assert grader_check_lang() == "en"


def test_a_wrong_magic_line_gets_its_usage_and_no_traceback(capsys):
    from grader.notebook.magic import grader_magic

    grader_magic("chek lab10-mnist")
    err = capsys.readouterr().err
    assert err.startswith("grader: argument command: invalid choice") and "usage: %grader check LAB" in err
    assert "Traceback" not in err
    grader_magic("check --json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "rejected" and doc["error"] == "usage"
    grader_magic("check no-such-lab --json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "rejected" and doc["error"] == "no_assignment"
    # one rejection for every path: the same document as `grader check --json` refusing a submission
    from grader.feedback.report import to_dict
    from grader.pipeline import rejected

    assert set(doc) == set(to_dict(rejected(Path("submit.zip"), "nothing to run", 0.0, "en", error="no_entry_point")))


def a_report(lang="en"):
    from grader.models import CheckResult, Report

    checks = (CheckResult("relu-mlp", "ReLU MLP", "passed", 2.0, 2.0, "fine", {"ko": "ReLU 다층 퍼셉트론"}),
              CheckResult("deep", "8 hidden layers", "not_attempted", 0.0, 1.0, "no model of its kind",
                          {"ko": "은닉층 8개"}),
              CheckResult("quiz-1", "Quiz 1", "failed", 0.0, 1.0, "'x' is not correct", {"ko": "퀴즈 1"}))
    return Report(grader_version="0", submission="lab.ipynb", sha256=None, assignment="lab10-mnist",
                  status="graded", score=2.0, max_score=4.0, checks=checks, lang=lang)


def test_in_a_notebook_the_report_is_html_with_the_verdict(monkeypatch):
    import IPython.display

    from grader.notebook.show import show

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))

    class ZMQInteractiveShell:  # a kernel with a frontend, as ipykernel names its shell
        pass

    show(a_report("ko"), shell=ZMQInteractiveShell())
    (html,) = shown
    body = html.data
    assert body.startswith("<pre") and "style=" in body  # inline styles: no page, no stylesheet
    for words in ("통과", "시도 안 함", "다시 작성", "다시 작성: 퀴즈 1; 아직 시도하지 않음: 은닉층 8개"):
        assert words in body, words


def test_in_a_terminal_the_report_is_text_and_json_is_alone(capsys):
    from grader.notebook.show import show

    show(a_report(), shell=None)
    text = capsys.readouterr().out
    assert "done" in text and "not attempted" in text and "rewrite: Quiz 1; not attempted yet: 8 hidden layers" in text
    show(a_report(), as_json=True, shell=None)
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "rewrite: Quiz 1; not attempted yet: 8 hidden layers"
    assert [c["status"] for c in doc["checks"]] == ["passed", "not_attempted", "failed"]
