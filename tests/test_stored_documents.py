"""A report document stored by grader 0.3 (a gradebook's results) under the old key names (`runs`,
`text`, `*_text`, `message_texts`) reads, rewords, renders and exports exactly like today's
(`models`, `message_phrase`, `*_phrase`, `message_phrases`); only today's names are written.
The 0.3 reading goes in grader 0.5."""

import json
from types import SimpleNamespace

import pytest
from conftest import dense, traced

from grader.classroom import gradebook
from grader.classroom.export import export
from grader.classroom.gradebook import Gradebook
from grader.feedback.html import render_html
from grader.feedback.i18n import relang, upgrade_document
from grader.feedback.report import to_dict, to_markdown
from grader.message import Authored, msg, to_json
from grader.models import CellResult, CheckResult, Report

OLD_KEYS = {"runs", "text", "hint_text", "error_text", "message_texts", "verdict_text", "measure_note_text",
            "training_text", "summary_text"}

DROPOUT = to_json(msg("no Dropout"))
HINT = to_json(msg("`{name}` is not imported: add `{statement}` to the first cell.", name="np",
                   statement="import numpy as np"))
TRAINING = to_json(msg("trained by Keras's own loop: {why}", why="a custom callback"))
SUMMARY = to_json(msg("same layers as the reference of '{part}'",
                      part=Authored({"en": "Deep net", "ko": "깊은 신경망"})))
NOTE = to_json(msg("no model.save(...) call ran"))
VERDICT = to_json(msg("rewrite: {parts}", parts="Deep net"))
ROW = {"status": "same", "differs": [], "free": [], "layer": 1, "reference_layer": 1,
       "yours": {"units": 256, "activation": "relu", "initializer": "HeUniform", "dropout": None, "batchnorm": None},
       "reference": {"units": 256, "activation": "relu", "initializer": "HeUniform", "dropout": None,
                     "batchnorm": None}}


def stored_by_0_3() -> dict:
    """A Korean report document as grader 0.3's `to_dict` wrote it into a gradebook, by hand."""
    return {
        "grader_version": "0.3.0", "submission": "/class/2023123456_홍길동_submit.zip", "sha256": "ab12",
        "assignment": "lab10-mnist", "entry": "lab10.ipynb", "status": "graded", "error": None, "score": 1.0,
        "max_score": 3.0, "bonus_score": 0.0,
        "checks": [{"id": "deep", "title": "깊은 신경망", "title_en": "Deep net", "titles": {"ko": "깊은 신경망"},
                    "bonus": False, "status": "failed", "score": 1.0, "max_score": 3.0, "message": "Dropout 없음",
                    "text": DROPOUT, "hint": "힌트", "hint_text": HINT}],
        "runs": [{"model": "model", "index": 0, "method": "fit", "cell": 4, "architecture": "Dense(256,relu)",
                  "layers": [{"kind": "Dense", "units": 256}], "params": 200960, "input_shape": [None, 784],
                  "output_shape": [None, 10], "optimizer": "Adam", "learning_rate": 0.001,
                  "loss": "categorical_crossentropy", "epochs": 5, "batch_size": 100, "steps": None,
                  "dataset": "mnist", "test_accuracy": 0.97, "measured_by": "grader",
                  "measure_note": "메모", "measure_note_text": NOTE, "reported_accuracy": 0.97,
                  "trained_on_test": False, "capped": {}, "accelerated": False, "training": "학습",
                  "training_text": TRAINING, "history": {}, "confusion": [], "misclassified": [],
                  "reference": {"name": "deep", "check": "deep", "check_title": "깊은 신경망",
                                "check_title_en": "Deep net", "check_titles": {"ko": "깊은 신경망"},
                                "accuracy": 0.98, "epochs": 15, "architecture": "Dense(256,relu)", "history": {},
                                "differences": 0, "faults": 0, "summary_text": SUMMARY, "summary": "요약",
                                "rows": [ROW]}}],
        "cells": [{"index": 3, "status": "error", "error": "NameError", "error_text": "NameError: name 'np' is not defined",
                   "hint": "힌트", "hint_text": HINT, "traceback": "Traceback ...\nNameError: name 'np' is not defined"}],
        "messages": ["참고"], "message_texts": [NOTE],
        "verdict": "다시 작성: Deep net", "verdict_text": VERDICT,
        "duration_s": 12.5, "quick": False, "lang": "ko",
    }


def written_by_0_4() -> dict:
    """The same document under today's names (grader 0.4's `to_dict`), in the same key order."""
    return {
        "grader_version": "0.3.0", "submission": "/class/2023123456_홍길동_submit.zip", "sha256": "ab12",
        "assignment": "lab10-mnist", "entry": "lab10.ipynb", "status": "graded", "error": None, "score": 1.0,
        "max_score": 3.0, "bonus_score": 0.0,
        "checks": [{"id": "deep", "title": "깊은 신경망", "title_en": "Deep net", "titles": {"ko": "깊은 신경망"},
                    "bonus": False, "status": "failed", "score": 1.0, "max_score": 3.0, "message": "Dropout 없음",
                    "message_phrase": DROPOUT, "hint": "힌트", "hint_phrase": HINT}],
        "models": [{"model": "model", "index": 0, "method": "fit", "cell": 4, "architecture": "Dense(256,relu)",
                    "layers": [{"kind": "Dense", "units": 256}], "params": 200960, "input_shape": [None, 784],
                    "output_shape": [None, 10], "optimizer": "Adam", "learning_rate": 0.001,
                    "loss": "categorical_crossentropy", "epochs": 5, "batch_size": 100, "steps": None,
                    "dataset": "mnist", "test_accuracy": 0.97, "measured_by": "grader",
                    "measure_note": "메모", "measure_note_phrase": NOTE, "reported_accuracy": 0.97,
                    "trained_on_test": False, "capped": {}, "accelerated": False, "training": "학습",
                    "training_phrase": TRAINING, "history": {}, "confusion": [], "misclassified": [],
                    "reference": {"name": "deep", "check": "deep", "check_title": "깊은 신경망",
                                  "check_title_en": "Deep net", "check_titles": {"ko": "깊은 신경망"},
                                  "accuracy": 0.98, "epochs": 15, "architecture": "Dense(256,relu)", "history": {},
                                  "differences": 0, "faults": 0, "summary_phrase": SUMMARY, "summary": "요약",
                                  "rows": [ROW]}}],
        "cells": [{"index": 3, "status": "error", "error": "NameError",
                   "error_phrase": "NameError: name 'np' is not defined", "hint": "힌트", "hint_phrase": HINT,
                   "traceback": "Traceback ...\nNameError: name 'np' is not defined"}],
        "messages": ["참고"], "message_phrases": [NOTE],
        "verdict": "다시 작성: Deep net", "verdict_phrase": VERDICT,
        "duration_s": 12.5, "quick": False, "lang": "ko",
    }


def keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_a_0_3_document_reads_as_todays_and_is_not_changed():
    old = stored_by_0_3()
    upgraded = upgrade_document(old)
    assert upgraded == written_by_0_4() and list(upgraded) == list(written_by_0_4())  # the same keys, in place
    assert not keys(upgraded) & OLD_KEYS
    assert old == stored_by_0_3()  # a copy: the stored document itself is left alone
    assert upgrade_document(written_by_0_4()) == written_by_0_4()  # today's document passes unchanged


def test_where_both_names_are_present_todays_wins():
    both = {**written_by_0_4(), "runs": [], "message_texts": []}
    assert upgrade_document(both) == written_by_0_4()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_0_3_document_rewords_and_renders_as_todays(lang):
    old, new = stored_by_0_3(), written_by_0_4()
    assert relang(old, lang) == relang(new, lang)
    en = relang(old, "en")
    assert en["checks"][0]["message"] == "no Dropout" and en["messages"] == ["no model.save(...) call ran"]
    assert en["models"][0]["reference"]["summary"] == "same layers as the reference of 'Deep net'"
    assert en["models"][0]["training"] == "trained by Keras's own loop: a custom callback"
    assert en["verdict"] == "rewrite: Deep net" and not keys(en) & OLD_KEYS
    assert to_markdown(old, lang) == to_markdown(new, lang)
    assert to_markdown(old) == to_markdown(new)  # in the language it was stored in
    assert "Dense(256,relu)" in to_markdown(old)
    assert render_html(old, None, lang) == render_html(new, None, lang)
    assert "Dense(256,relu)" in render_html(old, None, lang)


@pytest.mark.parametrize("lang", [None, "en", "ko"])
def test_a_gradebook_written_by_0_3_exports_as_todays(tmp_path, monkeypatch, lang):
    monkeypatch.setattr(gradebook, "time", SimpleNamespace(strftime=lambda _: "2025-06-02T10:00:00"))  # one graded_at
    exported = {}
    for name, doc in (("old", stored_by_0_3()), ("new", written_by_0_4())):
        outdir = tmp_path / name
        book = Gradebook(outdir / "gradebook.sqlite")
        book.record("2023123456", "홍길동", "submit.zip", "ab12", "lab10-mnist", "key", doc, 1)
        (row,) = book.current()
        book.close()
        assert row.report == written_by_0_4()  # read back under today's names
        files = [path for fmt in ("csv", "json", "gradescope") for path in export(outdir, fmt, lang=lang)]
        exported[name] = [(path.relative_to(outdir), path.read_text(encoding="utf-8")) for path in files]
    assert exported["old"] == exported["new"]
    (graded,) = json.loads((tmp_path / "old" / "grades.json").read_text(encoding="utf-8"))
    assert not keys(graded["report"]) & OLD_KEYS and graded["report"]["models"][0]["test_accuracy"] == 0.97


def test_to_dict_writes_only_todays_names(tmp_path):
    report = Report(grader_version="0.4.0", submission="lab.ipynb", sha256=None, assignment="lab10-mnist",
                    status="graded", score=1.0, max_score=3.0,
                    checks=(CheckResult("deep", "Deep net", "failed", 1.0, 3.0, msg("no Dropout"), {"ko": "깊은 신경망"},
                                        hint=msg("rewrite: {parts}", parts="x")),),
                    models=(traced([dense(256), dense(10, "softmax")], measure_note="late", accelerated=False,
                                   not_accelerated="a custom callback"),),
                    cells=(CellResult(3, "error", "import np", error="NameError: np"),),
                    messages=(msg("no model.save(...) call ran"),))
    doc = to_dict(report)
    assert {"models", "message_phrases", "verdict_phrase"} <= set(doc) and not keys(doc) & OLD_KEYS
    assert {"message_phrase", "hint_phrase"} <= set(doc["checks"][0])
    assert {"error_phrase", "hint_phrase"} <= set(doc["cells"][0])
    assert {"measure_note_phrase", "training_phrase"} <= set(doc["models"][0])
    assert upgrade_document(doc) == doc
