"""Render a `Report`: the JSON document (`to_json`) and the rich terminal view (`render`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.feedback.catalogue import REPORT as _TEXT
from grader.feedback.i18n import relang, render as word, upgrade_document
from grader.grading.compare import comparison_dict, summarize
from grader.message import Phrase, join, msg
from grader.message import to_json as phrase_json
from grader.models import Report, TracedModel

_STATUS_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "skipped": "yellow", "not_attempted": "yellow"}


def to_dict(report: Report) -> dict[str, Any]:
    """The report document, worded in `report.lang`; every sentence also keeps its message form,
    so `i18n.relang` can word a stored document again in another language."""
    compared = {c.model: comparison_dict(c) for c in report.comparisons}
    doc = {
        "grader_version": report.grader_version,
        "submission": report.submission,
        "sha256": report.sha256,
        "assignment": report.assignment,
        "entry": report.entry,
        "status": report.status,
        "error": report.error,
        "score": report.score,
        "max_score": report.max_score,
        "bonus_score": report.bonus_score,
        "checks": [{"id": c.id, "title": c.title, "title_en": c.title, "titles": dict(c.titles), "bonus": c.bonus,
                    "status": c.status,
                    "score": c.score, "max_score": c.max_score, "message": "",
                    "message_phrase": phrase_json(c.message), "hint": None, "hint_phrase": phrase_json(c.hint)}
                   for c in report.checks],
        "models": [_model_dict(m, compared.get(m.index)) for m in report.models],
        "cells": [{"index": c.index, "status": c.status, "error": None, "error_phrase": phrase_json(c.error), "hint": None,
                   "hint_phrase": phrase_json(c.hint), "traceback": c.traceback} for c in report.cells if c.status != "ok"],
        "messages": [],
        "message_phrases": [phrase_json(m) for m in report.messages],
        "verdict": None, "verdict_phrase": phrase_json(verdict(report)),  # submit, or what to redo
        "duration_s": report.duration_s,
        "quick": report.quick,
        "lang": report.lang,
    }
    return relang(doc, report.lang)


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)


def verdict(report: Report) -> Phrase | None:
    """What to do next, as the course's project page puts it: submit, or the parts to rewrite and
    the parts not attempted yet (bonus parts never hold a student back)."""
    if report.status != "graded":
        return None
    required = [c for c in report.checks if not c.bonus]
    redo = [c.title_for(report.lang) for c in required if c.status in ("failed", "error")]
    todo = [c.title_for(report.lang) for c in required if c.status == "not_attempted"]
    if not redo and not todo:
        if any(c.status == "skipped" for c in required):
            return msg("no part needs rewriting; run the full check (without --quick) before you submit")
        return msg("all parts pass: go on and submit `submit.zip`")
    parts = []
    if redo:
        parts.append(msg("rewrite: {parts}", parts=", ".join(redo)))
    if todo:
        parts.append(msg("not attempted yet: {parts}", parts=", ".join(todo)))
    return join(parts)


def training_path(model: TracedModel) -> Phrase | None:
    """How the runtime trained the model: the fast path, or Keras's own loop and why."""
    if model.accelerated is None:
        return None
    if model.accelerated:
        return msg("trained by the grader's fast path (the same weights as Keras's own loop)")
    return msg("trained by Keras's own loop: {why}", why=model.not_accelerated or "?")


def _model_dict(model: TracedModel, reference: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "model": model.name, "index": model.index, "method": model.method, "cell": model.cell,
        "architecture": model.architecture(),
        "layers": [{k: v for k, v in vars(layer).items() if v is not None} for layer in model.layers],
        "params": model.params, "input_shape": model.input_shape, "output_shape": model.output_shape,
        "optimizer": model.optimizer, "learning_rate": model.learning_rate, "loss": model.loss,
        "epochs": model.epochs, "batch_size": model.batch_size, "steps": model.steps,
        "dataset": model.dataset, "test_accuracy": model.test_accuracy, "measured_by": model.measured_by,
        "measure_note": None, "measure_note_phrase": phrase_json(model.measure_note), "reported_accuracy": model.reported_accuracy,
        "trained_on_test": model.trained_on_test, "capped": dict(model.capped),
        "accelerated": model.accelerated, "training": None, "training_phrase": phrase_json(training_path(model)),
        "history": {k: list(v) for k, v in model.history.items()},
        "confusion": [list(row) for row in model.confusion],
        "misclassified": [list(m) for m in model.misclassified],
        "reference": reference,  # the reference model it is compared with (compare.comparison_dict)
    }


def render(report: Report, console) -> None:
    """Print the report with rich tables on `console` (a rich.console.Console)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    lang = report.lang
    t = _TEXT.get(lang, _TEXT["en"])
    if report.status == "rejected":
        console.print(Panel("\n".join(word(m, lang) for m in report.messages), title=t["rejected"],
                            border_style="red"))
        return
    graded = f"{report.submission}  →  {report.entry}" if report.entry and not report.submission.endswith(
        report.entry) else report.submission
    console.print(Text(f"{report.assignment}  ·  {graded}", style="bold"))
    checks = Table(title=t["checks"], title_justify="left", show_lines=False, expand=True)
    checks.add_column(t["check"], overflow="fold", ratio=3)
    checks.add_column(t["status"], no_wrap=True)
    checks.add_column(t["points"], justify="right", no_wrap=True)
    checks.add_column(t["message"], overflow="fold", ratio=5)
    for c in report.checks:
        title = c.title_for(lang) + (f"  ({t['bonus']})" if c.bonus else "")
        checks.add_row(title, Text(t["statuses"][c.status], style="dim" if c.bonus and c.status != "passed"
                                   else _STATUS_STYLE[c.status]),
                       f"{c.score:g}/{c.max_score:g}",
                       word(c.message, lang) + (f"\n→ {word(c.hint, lang)}" if c.hint else ""))
    console.print(checks)

    if report.models:
        models = Table(title=t["models"], title_justify="left", expand=True)
        for name, kw in (("#", {"justify": "right"}), (t["model"], {"overflow": "fold"}),
                         (t["arch"], {"overflow": "fold", "ratio": 4, "min_width": 24}),
                         (t["params"], {"justify": "right"}), (t["opt"], {"overflow": "fold"}),
                         (t["epochs"], {"justify": "right"}), (t["acc"], {"justify": "right"}),
                         (t["you"], {"justify": "right"})):
            models.add_column(name, **kw)
        for m in report.models:
            acc = f"{m.test_accuracy:.4f}" if m.test_accuracy is not None else Text("—", style="dim")
            if m.trained_on_test:
                acc = Text(f"{acc} (test set!)", style="red")
            reported = f"{m.reported_accuracy:.4f}" if m.reported_accuracy is not None else ""
            epochs = str(m.epochs) if m.method == "fit" else f"{m.steps} steps"
            if m.capped.get("epochs"):
                epochs += f" ({t['of']} {m.capped['epochs']})"
            lr = f" {m.learning_rate:g}" if m.learning_rate else ""
            where = f"{m.name}\n{t['cell']} {m.cell}" if m.cell is not None else m.name
            models.add_row(str(m.index + 1), where, m.architecture() or "—",
                         f"{m.params:,}", f"{m.optimizer or '—'}{lr}", epochs, acc, reported)
        console.print(models)
        notes = [f"#{m.index + 1}: {word(m.measure_note, lang)}" for m in report.models if m.measure_note]
        notes += [f"#{m.index + 1}: {word(training_path(m), lang)}" for m in report.models if training_path(m)]
        notes += [f"#{c.model + 1} {word(summarize(c), lang)}" for c in report.comparisons]
        for note in notes:
            console.print(Text(note, style="dim"))
    else:
        console.print(Text(t["none"], style="yellow"))

    failing = [c for c in report.cells if c.status != "ok"]
    if failing:
        console.print(Text(t["cells"], style="bold red"))
        for c in failing:
            body = Text()
            error = word(c.error, lang)
            tail = _tail(c.traceback, 8) if c.traceback else ""
            if tail and error and tail.splitlines()[-1].strip() == error.strip():
                tail = "\n".join(tail.splitlines()[:-1])  # the error line follows in red
            if tail:
                body.append(tail + "\n", style="dim")
            body.append(error or c.status, style="red")
            if c.hint:
                body.append(f"\n{t['hint']}: {word(c.hint, lang)}", style="cyan")
            first = (c.source.strip().splitlines() or [""])[0][:70]
            console.print(Panel(body, title=f"{t['cell']} {c.index} [{c.status}]  {first}", title_align="left",
                                border_style="red" if c.status == "error" else "yellow"))
    if report.messages:
        console.print(Text(t["notes"], style="bold"))
        for message in report.messages:
            console.print(Text(f"  • {word(message, lang)}", style="dim"))
    if report.quick:
        skipped = sum(c.status == "skipped" for c in report.checks)
        console.print(Text(t["quick"].format(n=skipped), style="yellow"))
    next_step = verdict(report)
    if next_step is not None:
        console.print(Text(word(next_step, lang), style="bold green" if report.passed else "bold yellow"))
    style = "bold green" if report.passed else "bold yellow"
    bonus = f" (+{report.bonus_score:g} {t['bonus']})" if any(c.bonus for c in report.checks) else ""
    required = round(report.score - report.bonus_score, 2)
    console.print(Text(f"{t['total']}: {required:g} / {report.max_score:g}{bonus}   ({report.duration_s:.0f} s)",
                       style=style))


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def to_markdown(doc: dict[str, Any], lang: str | None = None) -> str:
    """The same report as `grader check`, as Markdown, from its JSON document (for feedback files);
    in `lang` if given, else in the language the document was worded in."""
    doc = relang(doc, lang) if lang is not None else upgrade_document(doc)  # a stored 0.3 document too
    t = _TEXT.get(doc.get("lang", "en"), _TEXT["en"])
    bonus = doc.get("bonus_score") or 0
    extra = f" (+{bonus:g} {t['bonus']})" if any(c.get("bonus") for c in doc.get("checks", [])) else ""
    lines = [f"# {doc.get('assignment') or 'Submission'}: {round(doc['score'] - bonus, 2):g} / {doc['max_score']:g}{extra}", "",
             t["graded"].format(name=Path(doc["submission"]).name, version=doc["grader_version"],
                                secs=doc.get("duration_s", 0)), ""]
    if doc["status"] != "graded":
        lines += [f"**{t['rejected']}:**", ""] + [f"- {m}" for m in doc["messages"]]
        return "\n".join(lines) + "\n"
    lines += [f"| {t['check']} | {t['status']} | {t['points']} | {t['message']} |", "|---|---|---|---|"]
    for c in doc["checks"]:
        title = c["title"] + (f" ({t['bonus']})" if c.get("bonus") else "")
        hint = f" → {c['hint']}" if c.get("hint") else ""
        lines.append(f"| {title} | {t['statuses'].get(c['status'], c['status'])} | "
                     f"{c['score']:g}/{c['max_score']:g} | {_cell(c['message'] + hint)} |")
    if doc["models"]:
        lines += ["", f"## {t['models']}", "",
                  f"| # | {t['model']} | {t['arch']} | {t['epochs']} | {t['acc']} |", "|---|---|---|---|---|"]
        for r in doc["models"]:
            acc = "—" if r["test_accuracy"] is None else f"{r['test_accuracy']:.4f}"
            lines.append(f"| {r['index'] + 1} | {r['model']} | {_cell(r['architecture'])} | {r['epochs']} | {acc} |")
        lines += [""] + [f"- #{r['index'] + 1} {r['reference']['summary']}" for r in doc["models"] if r.get("reference")]
    failing = [c for c in doc["cells"] if c["status"] != "ok"]
    if failing:
        lines += ["", f"## {t['cells']}", ""]
        for c in failing:
            lines += [f"### {t['cell']} {c['index']} ({c['status']})", "", "```",
                      (c.get("traceback") or c["error"] or "")[-1500:], "```"]
            if c.get("hint"):
                lines += ["", f"**{t['hint'].capitalize()}:** {c['hint']}"]
    if doc["messages"]:
        lines += ["", f"## {t['notes']}", ""] + [f"- {m}" for m in doc["messages"]]
    if doc.get("verdict"):
        lines += ["", f"**{doc['verdict']}**"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
