"""Every message a check says has a Korean form with the same placeholders."""

import ast
import string
from pathlib import Path

import pytest

from grader.feedback.i18n import KO, render, relang
from grader.message import Authored, from_json, join, msg, to_json

PACKAGE = Path(__file__).resolve().parent.parent / "grader"


def said_templates() -> set[str]:
    """The literal ids passed to `msg("...")` anywhere in the package, the runtime's reasons for not
    using its fast path (`Declined("...")`, rendered by the reader), and the hint tables' texts."""
    from grader.feedback import hints

    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", None) in ("msg", "Declined")
                                               or getattr(node.func, "attr", None) == "Declined") and node.args:
                template = node.args[0]
                if path.name == "hints.py" and isinstance(template, ast.Attribute):
                    continue  # msg(rule.message) / msg(entry.fix): the tables, collected below
                assert isinstance(template, ast.Constant), f"{path.name}:{node.lineno}: a message needs a literal id"
                found.add(template.value)
    found |= {rule.message for rule in hints.RULES} | {entry.fix for entry in hints._TF1}
    return found


def needs_words(template: str) -> bool:
    """An id of placeholders and punctuation only ("{where}: {details}") reads the same in every language."""
    return any(ch.isalpha() for literal, *_ in string.Formatter().parse(template) for ch in literal)


def fields(template: str) -> set[tuple[str, str, str | None]]:
    """Each placeholder with its format spec and conversion: `{acc:.4f}` must stay `{acc:.4f}`."""
    return {(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template) if name}


def test_the_grader_speaks_through_msg():
    assert len(said_templates()) >= 100


@pytest.mark.parametrize("template", sorted(t for t in said_templates() if needs_words(t)))
def test_every_id_said_has_a_korean_form_with_the_same_placeholders(template):
    assert template in KO, f"no Korean for {template!r}"
    assert fields(KO[template]) == fields(template)


def test_catalogue_has_no_unused_entries():
    assert set(KO) <= said_templates()


def test_render_fills_in_either_language():
    said = msg("{got} epochs, expected at least {want}", got=1, want=5)
    assert render(said, "en") == "1 epochs, expected at least 5"
    assert render(said, "ko") == "1 에폭, 요구: 5 에폭 이상"
    assert render(msg("measured test accuracy {acc:.4f} < {threshold:.4f}", acc=0.9, threshold=0.97), "ko") == \
        "측정한 테스트 정확도 0.9000 < 0.9700"


def test_nested_and_joined_messages_render_in_one_language_and_survive_json():
    where = msg("model #{n} `{name}`", n=2, name="dense")
    failed = join([msg("{got} hidden layers, expected {want}", got=1, want=2), msg("no Dropout")])
    said = msg("closest is {where}: {failed}", where=where, failed=failed) + msg(" < {threshold:.2f}", threshold=0.5)
    assert render(said, "en") == "closest is model #2 `dense`: 1 hidden layers, expected 2; no Dropout < 0.50"
    assert render(said, "ko") == "가장 가까운 모델은 모델 #2 `dense`: 은닉층 1개, 요구: 2개; Dropout 없음 < 0.50"
    again = from_json(to_json(said))
    assert again == said and render(again, "ko") == render(said, "ko")


def test_authored_text_and_plain_strings():
    title = Authored({"en": "Deep net", "ko": "깊은 신경망"})
    said = msg("same layers as the reference of '{part}'", part=title)
    assert render(said, "ko") == "'깊은 신경망' 기준 모델과 층 구성이 같습니다"
    assert render(said, "en") == "same layers as the reference of 'Deep net'"
    assert render("ValueError: x", "ko") == "ValueError: x"  # a Python error is nobody's to translate


def test_a_damaged_stored_message_renders_its_id_instead_of_raising():
    assert render(from_json({"id": "{got} epochs, expected at least {want}", "values": {"got": 3}}), "ko") == \
        "3 epochs, expected at least {want}"


def test_relang_rewords_a_stored_report_document():
    doc = {"lang": "ko", "status": "graded",
           "checks": [{"id": "a", "title": "깊은 신경망", "title_en": "Deep net", "titles": {"ko": "깊은 신경망"},
                       "message": "Dropout 없음", "message_phrase": to_json(msg("no Dropout"))}],
           "cells": [{"index": 1, "error": "x", "error_phrase": "NameError: x", "hint": "…",
                      "hint_phrase": to_json(msg("`{name}` is not imported: add `{statement}` to the first cell.",
                                                 name="np", statement="import numpy as np"))}],
           "models": [], "messages": ["…"], "message_phrases": [to_json(msg("no model.save(...) call ran"))]}
    en = relang(doc, "en")
    assert en["lang"] == "en" and en["checks"][0]["title"] == "Deep net" and en["checks"][0]["message"] == "no Dropout"
    assert en["cells"][0]["hint"] == "`np` is not imported: add `import numpy as np` to the first cell."
    assert en["messages"] == ["no model.save(...) call ran"]
    assert relang(en, "ko")["checks"][0]["title"] == "깊은 신경망"
    assert doc["lang"] == "ko"  # the stored document itself is not changed
