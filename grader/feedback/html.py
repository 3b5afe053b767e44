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

from grader.feedback.catalogue import PAGE as TEXT
from grader.feedback.i18n import relang
from grader.grading.compare import BLOCK_FIELDS


def render_html(doc: Mapping[str, Any], data_path: Path | None, lang: str = "en") -> str:
    """The report page in `lang` (the document is worded again if it was stored in another, and read
    under today's key names if grader 0.3 stored it: `i18n.relang`);
    `data_path` (MNIST) supplies the images of misclassified digits."""
    doc = relang(doc, lang)
    env = Environment(loader=PackageLoader("grader.feedback", "templates"), autoescape=select_autoescape(["html"]))
    images = _test_images(data_path)
    models = []
    for model in doc.get("models", []):
        reference = model.get("reference") or {}
        curves, overlaid = _curves(model.get("history", {}), reference.get("history") or {})
        models.append({**model, "curves": curves, "curves_overlaid": overlaid,
                       "confusion_png": _confusion(model.get("confusion") or []),
                       # the grid shows MNIST test images: other datasets' indices point elsewhere
                       "wrong_png": _misclassified(model.get("misclassified") or [], images)
                       if model.get("dataset") == "mnist" else None})
    quiz = [c for c in doc.get("checks", []) if c["id"].startswith("quiz")]
    checks = [c for c in doc.get("checks", []) if not c["id"].startswith("quiz")]
    return env.get_template("report.html").render(doc=doc, models=models, checks=checks, quiz=quiz, lang=lang,
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
