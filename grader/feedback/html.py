"""The HTML report: one self-contained file (no external requests; plots embedded as PNG data).

Rendered from the report's JSON document, so `grader check --html` and the feedback files of
`grader grade` are the same page. Jinja2 template, matplotlib plots, Korean or English.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, PackageLoader, select_autoescape

from grader.grading.compare import BLOCK_FIELDS

TEXT = {
    "en": {"title": "Grading report", "score": "Score", "checks": "Checks", "check": "check", "status": "status",
           "points": "points", "message": "message", "runs": "Trained models, measured by the grader",
           "arch": "architecture", "params": "parameters", "optimizer": "optimizer", "epochs": "epochs",
           "acc": "test accuracy", "curves": "Training curves", "confusion": "Confusion matrix (rows: true digit)",
           "wrong": "Misclassified test digits (true → predicted)", "cells": "Failing cells", "hint": "Hint",
           "notes": "Notes", "quiz": "Quiz", "none": "No model was trained.", "reference": "reference",
           "measured_by": "measured", "rejected": "The submission could not be graded",
           "vs_reference": "Compared with the reference model of", "yours": "yours", "layer": "layer", "cell": "cell",
           "output": "output", "fields": {f: f for f in BLOCK_FIELDS},
           "curves_ref": "Training curves (solid: yours, dashed: reference)",
           "legend_rule": "differs where this part has a rule",
           "legend_free": "differs in a choice the part leaves to you",
           "statuses": {"passed": "passed", "failed": "failed", "error": "error", "skipped": "not judged"}},
    "ko": {"title": "채점 결과", "score": "점수", "checks": "채점 항목", "check": "항목", "status": "결과",
           "points": "점수", "message": "설명", "runs": "학습된 모델 (채점기가 직접 측정)", "arch": "구조",
           "params": "파라미터", "optimizer": "옵티마이저", "epochs": "에폭", "acc": "테스트 정확도",
           "curves": "학습 곡선", "confusion": "혼동 행렬 (행: 실제 숫자)", "wrong": "틀린 테스트 이미지 (실제 → 예측)",
           "cells": "오류가 난 셀", "hint": "힌트", "notes": "참고", "quiz": "퀴즈", "none": "학습된 모델이 없습니다.",
           "reference": "기준", "measured_by": "측정", "rejected": "제출물을 채점할 수 없습니다",
           "vs_reference": "비교한 기준 모델:", "yours": "제출", "layer": "층", "cell": "셀", "output": "출력",
           "fields": {"units": "유닛", "activation": "활성화", "initializer": "초기화", "dropout": "드롭아웃",
                      "batchnorm": "배치정규화"},
           "curves_ref": "학습 곡선 (실선: 제출, 점선: 기준)",
           "legend_rule": "이 항목의 요구 사항과 다른 부분", "legend_free": "자유롭게 정할 수 있는 부분에서 다른 점",
           "statuses": {"passed": "통과", "failed": "실패", "error": "오류", "skipped": "판정 안 함"}},
}


def render_html(doc: Mapping[str, Any], data_path: Path | None, lang: str = "en") -> str:
    """The report page; `data_path` (MNIST) supplies the images of misclassified digits."""
    env = Environment(loader=PackageLoader("grader.feedback", "templates"), autoescape=select_autoescape(["html"]))
    images = _test_images(data_path)
    runs = []
    for run in doc.get("runs", []):
        reference = run.get("reference") or {}
        curves, overlaid = _curves(run.get("history", {}), reference.get("history") or {})
        runs.append({**run, "curves": curves, "curves_overlaid": overlaid,
                     "confusion_png": _confusion(run.get("confusion") or []),
                     # the grid shows MNIST test images: other datasets' indices point elsewhere
                     "wrong_png": _misclassified(run.get("misclassified") or [], images)
                     if run.get("dataset") == "mnist" else None})
    quiz = [c for c in doc.get("checks", []) if c["id"].startswith("quiz")]
    checks = [c for c in doc.get("checks", []) if not c["id"].startswith("quiz")]
    return env.get_template("report.html").render(doc=doc, runs=runs, checks=checks, quiz=quiz, lang=lang,
                                                  t=TEXT.get(lang, TEXT["en"]), fields=BLOCK_FIELDS)


def _png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _curves(history: Mapping[str, list], reference: Mapping[str, list]) -> tuple[str | None, bool]:
    """Loss and accuracy per epoch, the student's solid over the reference's dashed; and whether
    any reference curve was drawn (the caption says so only then)."""
    series = {k: v for k, v in history.items() if v}
    if not series:
        return None, False
    overlaid = False
    theirs = {k: v for k, v in reference.items() if v and k != "epoch"}
    their_epochs = reference.get("epoch") or range(1, 1 + max(map(len, theirs.values()), default=0))
    plt = _plt()
    figure, axes = plt.subplots(1, 2, figsize=(6.6, 2.6))
    for axis, metric in zip(axes, ("loss", "accuracy")):
        for key in (metric, f"val_{metric}"):
            if key in series:
                values = series[key]
                line, = axis.plot(range(1, len(values) + 1), values, marker="o" if len(values) <= 30 else None,
                                  label=key)
                if key in theirs and len(theirs[key]) == len(their_epochs):
                    axis.plot(their_epochs, theirs[key], linestyle="--", color=line.get_color(), alpha=0.6,
                              label=f"reference {key}")
                    overlaid = True
        axis.set_xlabel("epoch")  # plot text stays ASCII: no CJK font needed in matplotlib
        axis.set_title(metric)
        axis.grid(alpha=0.3)
        if axis.lines:
            axis.legend(fontsize=8)
    return _png(figure), overlaid


def _confusion(matrix: list[list[int]]) -> str | None:
    if not matrix:
        return None
    plt = _plt()
    figure, axis = plt.subplots(figsize=(3.4, 3.1))
    axis.imshow(matrix, cmap="Blues", vmin=0)  # from zero: a matrix of equal counts is not blank
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axis.text(j, i, str(count), ha="center", va="center", fontsize=6,
                          color="white" if count > max(map(max, matrix)) / 2 else "black")
    axis.set_xticks(range(len(matrix)))
    axis.set_yticks(range(len(matrix)))
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    return _png(figure)


def _misclassified(wrong: list[list[int]], images) -> str | None:
    if not wrong or images is None:
        return None
    plt = _plt()
    columns = 8
    rows = (len(wrong) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.0, rows * 1.2))
    for axis in getattr(axes, "flat", [axes]):
        axis.axis("off")
    for axis, (index, truth, guess) in zip(getattr(axes, "flat", [axes]), wrong):
        axis.imshow(images[index], cmap="gray_r")
        axis.set_title(f"{truth} → {guess}", fontsize=9, color="#b00")
    return _png(figure)


def _test_images(data_path: Path | None):
    if data_path is None:
        return None
    import numpy as np

    try:
        with np.load(data_path, allow_pickle=False) as f:
            return f["x_test"]
    except (OSError, KeyError, ValueError):
        return None
