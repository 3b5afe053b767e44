from grader.classroom.export import gradescope, to_csv
from grader.classroom.gradebook import Gradebook
from grader.feedback.report import to_markdown


def report(score, status="graded"):
    return {"grader_version": "0", "submission": "/x/submit.zip", "sha256": "s", "assignment": "lab", "status": status,
            "score": score, "max_score": 3.0, "duration_s": 1.0, "messages": ["note"], "cells": [],
            "checks": [{"id": "a", "title": "A", "status": "passed" if score == 3 else "failed", "score": score,
                        "max_score": 3.0, "message": "m | n"}],
            "models": [{"index": 0, "model": "model", "architecture": "Dense(10,softmax)", "params": 7850, "epochs": 1,
                        "test_accuracy": 0.9, "measured_by": "grader"}]}


def test_one_current_result_per_student_and_cache(tmp_path):
    book = Gradebook(tmp_path / "g.sqlite")
    book.record("1", "홍길동", "a.zip", "sha-a", "lab", "key-a", report(1.0), 1)
    assert book.cached("1", "lab", "key-a") and not book.cached("1", "lab", "key-b")
    book.record("1", "홍길동", "b.zip", "sha-b", "lab", "key-b", report(3.0), 0)
    (row,) = book.current("lab")
    assert (row.student_id, row.name, row.score, row.file) == ("1", "홍길동", 3.0, "b.zip")
    assert book.count_results() == 2  # the old result is kept, not current
    book.close()
    reopened = Gradebook(tmp_path / "g.sqlite")
    assert [r.score for r in reopened.current()] == [3.0]


def test_exports_and_markdown_feedback(tmp_path):
    book = Gradebook(tmp_path / "g.sqlite")
    book.record("1", "김", "a.zip", "s", "lab", "k", report(3.0), 0)
    book.record("2", "이", "b.zip", "t", "lab", "k2", {**report(0.0, "rejected"), "checks": [], "models": []}, 2)
    rows = list(book.current("lab"))
    text = to_csv(rows)
    assert text.splitlines()[0].startswith("student_id,name,status,score,auto_score,max_score,a,overrides,review")
    assert len(text.splitlines()) == 3
    assert gradescope(rows[0].report)["tests"][0]["score"] == 3.0
    assert "could not be graded" in gradescope(rows[1].report)["output"]
    md = to_markdown(rows[0].report)
    assert "| A | done | 3/3 | m \\| n |" in md and "Dense(10,softmax)" in md


def test_markdown_feedback_speaks_the_report_language():
    md = to_markdown({**report(1.0), "lang": "ko"})
    assert "| 항목 | 결과 | 점수 | 설명 |" in md and "| A | 다시 작성 | 1/3 | m \\| n |" in md
    assert "## 학습된 모델 (채점기가 직접 측정)" in md and "## 참고" in md
    assert "제출물 `submit.zip`" in md
    assert "## Trained models (measured by the grader)" in to_markdown(report(1.0))
