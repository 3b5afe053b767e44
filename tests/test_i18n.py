"""Every message a check says has a Korean form with the same placeholders."""

import ast
import string
from pathlib import Path

import pytest

from grader.feedback.i18n import KO, say

PACKAGE = Path(__file__).resolve().parent.parent / "grader"


def said_templates() -> set[str]:
    """The literal templates passed to `say(lang, "...")` anywhere in the package."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and len(node.args) >= 2:
                template = node.args[1]
                assert isinstance(template, ast.Constant), f"{path.name}:{node.lineno}: say() needs a literal template"
                found.add(template.value)
    return found


def fields(template: str) -> set[tuple[str, str, str | None]]:
    """Each placeholder with its format spec and conversion: `{acc:.4f}` must stay `{acc:.4f}`."""
    return {(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template) if name}


def test_the_checks_speak_through_say():
    assert len(said_templates()) >= 40


@pytest.mark.parametrize("template", sorted(said_templates()))
def test_every_template_said_has_a_korean_form_with_the_same_placeholders(template):
    assert template in KO, f"no Korean for {template!r}"
    assert fields(KO[template]) == fields(template)


def test_catalogue_has_no_unused_entries():
    assert set(KO) <= said_templates()


def test_say_fills_in_either_language():
    assert say("en", "{got} epochs, expected at least {want}", got=1, want=5) == "1 epochs, expected at least 5"
    assert say("ko", "{got} epochs, expected at least {want}", got=1, want=5) == "1 에폭, 요구: 5 에폭 이상"
    assert say("ko", "measured test accuracy {acc:.4f} < {threshold:.4f}", acc=0.9, threshold=0.97) == \
        "측정한 테스트 정확도 0.9000 < 0.9700"
