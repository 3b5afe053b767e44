"""The pipeline wired end to end with a fake executor (recorded facts, no kernel)."""

import json
import zipfile
from dataclasses import replace
from pathlib import Path

from conftest import dense, traced

from grader.grading.assignment import find
from grader.execution.execute import RunConfig
from grader.execution.replay import ReplayExecutor
from grader.models import CellResult, Entry, Layer, Run
from grader.pipeline import Options, check_submission
from grader.feedback.report import to_dict

QUIZ = "# Quiz\n1. q\n * 박지성(O), 손흥민(O), 안정환\n2. q\n * Stochastic\n3. q\n * 60000 / 50 = 1,200\n4. q\n * 28 * 28"


class FakeExecutor(ReplayExecutor):
    """Stands in for the kernel: the packaged replay executor, given a run built here, that also
    remembers what it was asked to run."""

    def __init__(self, models, cells=(), markdown=(QUIZ,)):
        super().__init__(Run(entry=Entry(Path("unused"), "notebook", "unused"), cells=tuple(cells),
                             models=tuple(models), markdown=tuple(markdown), saves=("test.h5",), loads=("test.h5",)))
        self.seen: list[Entry] = []
        self.configs: list[RunConfig] = []

    def run(self, entry: Entry, config: RunConfig) -> Run:
        self.seen.append(entry)
        self.configs.append(config)
        return super().run(entry, config)


def notebook_zip(tmp_path: Path) -> Path:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "source": "mnist.load_data()\nlayers.Dropout(0.3)", "outputs": [],
                     "execution_count": None}]}
    path = tmp_path / "submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Mnist_DNN_TF2.ipynb", json.dumps(nb))
    return path


def reference_quality_models():
    relu = traced([dense(256), dense(256), dense(10, "softmax")], index=0, acc=0.978)
    he = traced([dense(256, init="HeNormal"), dense(256, init="HeNormal"), dense(10, "softmax")], index=1, acc=0.978)
    drop = traced([dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
                   Layer("Dropout", rate=0.3), dense(10, "softmax")], index=2, acc=0.982)
    deep = traced([dense(512)] * 8 + [dense(10, "softmax")], index=3, acc=0.978)
    return [relu, he, drop, deep]


def test_reference_quality_run_gets_full_marks(tmp_path):
    fake = FakeExecutor(reference_quality_models(),
                        cells=[CellResult(3, "error", "tf.config...", error="RuntimeError: Visible devices")])
    report = check_submission(notebook_zip(tmp_path), Options(), executor=fake)
    assert fake.seen[0].relpath == "Mnist_DNN_TF2.ipynb"
    assert report.assignment == "lab10-mnist" and report.status == "graded"
    assert report.score == report.max_score == 13 and report.exit_code == 0, report.checks
    doc = to_dict(report)
    assert set(doc) >= {"grader_version", "submission", "sha256", "assignment", "status", "score", "max_score",
                        "checks", "models", "cells", "messages", "duration_s"}
    assert doc["cells"][0]["index"] == 3 and doc["cells"][0]["status"] == "error"
    # each model beside the reference of the part it fits (recorded in reference.json by `grader reference`);
    # the reference's Adam/He net has He in its output layer too, so #2 differs there
    paired = {c.model: (c.reference.name, c.differences) for c in report.comparisons}
    assert paired == {0: ("relu-mlp", 3), 1: ("adam-he", 1), 2: ("he-dropout", 0), 3: ("deep-8x512", 0)}
    assert doc["models"][2]["reference"]["history"]["loss"], "the reference's curve travels with the report"


def test_printed_accuracy_without_training_earns_no_accuracy_points(tmp_path):
    fake = FakeExecutor([], markdown=())
    report = check_submission(notebook_zip(tmp_path), Options(), executor=fake)
    runs = [c for c in report.checks if c.id in ("relu-mlp", "adam-he", "he-dropout")]
    assert all(c.score == 0 and c.status == "not_attempted" for c in runs)
    assert report.exit_code == 1


def test_unreadable_zip_is_rejected_with_exit_code_2(tmp_path):
    bad = tmp_path / "submit.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    report = check_submission(bad, Options(), executor=FakeExecutor([]))
    assert report.status == "rejected" and report.exit_code == 2
    assert report.messages and "zip" in str(report.messages[0]).lower()


def test_named_assignment_skips_matching(tmp_path):
    fake = FakeExecutor([traced([dense(10), dense(1, "sigmoid")], dataset="xor", acc=1.0)], markdown=())
    report = check_submission(notebook_zip(tmp_path), Options(assignment=find("lab09-xor")),
                              executor=fake)
    assert report.assignment == "lab09-xor"
    statuses = {c.id: c.status for c in report.checks}
    # one sigmoid net: the comparison and the raw tf.Variable part are not attempted, not failed
    assert statuses == {"xor-net": "passed", "sigmoid-vs-relu": "not_attempted", "low-level": "not_attempted"}


def test_the_terminal_report_of_a_graded_submission_shows_checks_models_cells_and_total(tmp_path):
    from rich.console import Console

    from grader.feedback.report import render

    fake = FakeExecutor(reference_quality_models()[:2],
                        cells=[CellResult(3, "error", "model.fit(x, y)", error="NameError: name 'np' is not defined",
                                          hint="import numpy as np")])
    report = check_submission(notebook_zip(tmp_path), Options(), executor=fake)
    console = Console(record=True, width=160, color_system=None)
    render(report, console)
    text = console.export_text()
    assert "lab10-mnist" in text and "submit.zip" in text
    for check in report.checks:
        assert check.title[:30] in text, f"check {check.id} is not shown"
    assert "Dense(256,relu)" in text and "0.9780" in text, "each traced model with its measured accuracy"
    assert "NameError: name 'np' is not defined" in text and "import numpy as np" in text
    assert f"Total: {report.score:g} / {report.max_score:g}" in text and report.score < report.max_score


def test_a_result_graded_in_korean_and_stored_exports_in_english(tmp_path):
    import csv

    from grader.classroom.export import export
    from grader.classroom.gradebook import Gradebook
    from grader.message import msg

    weak = traced([dense(256, init="RandomNormal"), dense(256, init="RandomNormal"), dense(10, "softmax")], acc=0.93)
    fake = FakeExecutor([weak], cells=[CellResult(2, "error", "x = np.zeros(3)", error="NameError: name 'np' is not defined")])
    report = check_submission(notebook_zip(tmp_path), Options(lang="ko"), executor=fake)
    report = replace(report, messages=report.messages + (msg("no model.save(...) call ran"),))
    ko = to_dict(report)
    assert ko["lang"] == "ko" and "측정한 테스트 정확도" in json.dumps(ko["checks"], ensure_ascii=False)
    assert ko["cells"][0]["hint"].startswith("`np`를 import하지 않았습니다")
    book = Gradebook(tmp_path / "out" / "gradebook.sqlite")
    book.record("7", "김", "a.zip", "s", ko["assignment"], "k", json.loads(json.dumps(ko)), report.exit_code)
    book.close()

    (path,) = export(tmp_path / "out", "json", lang="en")
    (row,) = json.loads(path.read_text(encoding="utf-8"))
    en = row["report"]
    shown = ([c["title"] for c in en["checks"]] + [c["message"] for c in en["checks"] if c["id"].startswith("quiz") is False]
             + [c["hint"] for c in en["cells"]] + en["messages"] + [r["reference"]["summary"] for r in en["models"]]
             + [r["reference"]["check_title"] for r in en["models"]])
    assert en["lang"] == "en" and not [s for s in shown if any("\uac00" <= ch <= "\ud7a3" for ch in s)]  # no Hangul
    adam = next(c for c in en["checks"] if c["id"] == "adam-he")
    assert adam["title"] == "Adam optimizer with He initialisation"
    assert adam["message"] == ("not attempted yet: no trained model is of this part's kind "
                               "(at least 2 hidden layers, no Dropout, He initialisation)")
    relu = next(c for c in en["checks"] if c["id"] == "relu-mlp")
    assert "measured test accuracy 0.9300" in relu["message"]
    assert en["cells"][0]["hint"] == "`np` is not imported: add `import numpy as np` to the first cell."
    assert "no model.save(...) call ran" in en["messages"]
    # the same stored result, untouched, still exports in the language it was graded in
    (path,) = export(tmp_path / "out", "json")
    assert json.loads(path.read_text(encoding="utf-8"))[0]["report"]["lang"] == "ko"
    (gs,) = export(tmp_path / "out", "gradescope", lang="en")
    assert "measured test accuracy" in json.dumps(json.loads(gs.read_text(encoding="utf-8")))
    assert list(csv.reader(export(tmp_path / "out", "csv", lang="en")[0].open()))[1][0] == "7"


def test_tracebacks_name_the_students_file_not_the_scratch_folder(tmp_path):
    from grader.pipeline import with_student_paths

    root = tmp_path / "grader-x" / "submission"
    tb = f'  File "{root}/lab10.py", line 27, in <module>\n    model.fit(x)\nValueError: bad'
    run = Run(entry=Entry(root / "lab10.py", "script", "lab10.py"),
              cells=(CellResult(0, "error", "", error="ValueError: bad", traceback=tb),), models=(),
              process_output=f"{root}/lab10.py:3: UserWarning: x")
    clean = with_student_paths(run, root)
    assert clean.cells[0].traceback.startswith('  File "lab10.py", line 27')
    assert str(tmp_path) not in clean.cells[0].traceback + clean.process_output


def test_the_report_names_the_file_it_graded_with_its_decoded_korean_name(tmp_path):
    from rich.console import Console

    from grader.feedback.report import render

    nb = json.loads(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": "mnist.load_data()", "outputs": [], "execution_count": None}]}))
    raw = "홍길동_과제".encode("cp949")  # Windows' zip: the local code page, no UTF-8 flag
    placeholder = "X" * len(raw)
    path = tmp_path / "submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(placeholder + ".ipynb", json.dumps(nb))
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), raw))
    report = check_submission(path, Options(), executor=FakeExecutor(reference_quality_models()))
    assert report.entry == "홍길동_과제.ipynb" and to_dict(report)["entry"] == "홍길동_과제.ipynb"
    console = Console(record=True, width=120)
    render(report, console)
    assert "→  홍길동_과제.ipynb" in console.export_text()


def test_faithful_or_the_assignment_turns_the_fast_path_off_in_the_runtime_config(tmp_path):
    from dataclasses import replace as replaced

    from grader.execution.isolate import write_runtime_config
    from grader.grading.assignment import find

    configs = {}
    for name, options in (("default", Options()), ("faithful", Options(faithful=True)),
                          ("assignment", Options(assignment=replaced(find("lab10-mnist"), accelerate=False)))):
        fake = FakeExecutor(reference_quality_models())
        (tmp_path / name).mkdir()
        check_submission(notebook_zip(tmp_path / name), replaced(options, keep_dir=tmp_path / name / "work"),
                         executor=fake)
        (config,) = fake.configs
        config.out_dir.mkdir(parents=True, exist_ok=True)
        configs[name] = json.loads(write_runtime_config(config).read_text())["accelerate"]
    assert configs == {"default": True, "faithful": False, "assignment": False}


def test_a_model_counts_only_toward_the_part_of_its_kind(tmp_path):
    """The issue's measurement: one He+dropout model trained for 2 epochs used to earn 1.6/2 on the
    no-dropout ReLU part, 1.67/2 on Adam+He and 0.33/1 on 8x512. Now those parts are not attempted."""
    he_dropout = traced([dense(256, init="HeNormal"), Layer("Dropout", rate=0.3), dense(256, init="HeNormal"),
                         Layer("Dropout", rate=0.3), dense(10, "softmax")], acc=0.9650, epochs=2)
    report = check_submission(notebook_zip(tmp_path), Options(assignment=find("lab10-mnist")),
                              executor=FakeExecutor([he_dropout], markdown=()))
    by_id = {c.id: c for c in report.checks}
    for part in ("relu-mlp", "adam-he", "deep-8x512"):
        assert by_id[part].status == "not_attempted" and by_id[part].score == 0, part
    assert by_id["he-dropout"].status == "failed" and 0 < by_id["he-dropout"].score < 3
    from grader.message import english

    assert english(by_id["he-dropout"].hint).startswith("train longer (more `epochs`)")  # rewrite: what to change
    assert english(by_id["deep-8x512"].hint) == "build and train (`model.fit`) a model of this part's kind"
    assert by_id["quiz-1"].hint is None
    doc = to_dict(report)
    assert doc["verdict"].startswith("rewrite: He or Xavier init with Dropout") and "not attempted yet: ReLU MLP" in doc["verdict"]
    ko = to_dict(replace(report, lang="ko"))
    assert "다시 작성: He 또는 Xavier" in ko["verdict"] and "아직 시도하지 않음: ReLU 다층 퍼셉트론" in ko["verdict"]


def test_grading_without_the_tf_extra_says_what_to_install(monkeypatch):
    """`pip install keras-course-grader` (the self-check's) brings no TensorFlow or kernel stack; grading then
    stops with one sentence, before any run."""
    import importlib.util

    import pytest as _pytest

    from grader.errors import ExecutionError
    from grader.execution.execute import require_grading_stack

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("tensorflow", "nbclient")
                        else real(name, *a))
    with _pytest.raises(ExecutionError,
                        match=r"grading needs tensorflow, nbclient, .*pip install 'keras-course-grader\[tf\]'"):
        require_grading_stack("notebook")
    with _pytest.raises(ExecutionError, match=r"grading needs tensorflow, which"):
        require_grading_stack("script")
