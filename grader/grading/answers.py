"""Find the student's quiz answers: the notebook's `# Quiz` section, or an answers file.

extract_answers(markdown cells, answer files) -> {qid: raw text}. Headings, fences, quotes,
bullets and HTML are read line by line as Markdown structures them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from grader.grading.answer_forms import BULLET, TAG

ANSWER_FILES = ("answers.json", "answers.md", "answers.txt", "quiz.md")  # by priority at equal depth

_EMPTY: Mapping[str, str] = MappingProxyType({})


_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# "1.", "1)", "(1)", "Q1.", "Q1:", "문제 1.", optionally bold; "1.5" is not a question.
_QUESTION = re.compile(
    r"^ {0,3}(?:\*\*|__)?"
    r"(?:(?:q|question|문제|문항)\s*(\d{1,3})\s*[.):]?|\(?(\d{1,3})\s*[.)])"
    r"(?:\*\*|__)?(?!\d)\s*(.*)$",
    re.IGNORECASE,
)
_INLINE_MARK = re.compile(r"(?:정답|답|\banswer|\bans)\s*[:：]|->|→|=>|⇒", re.IGNORECASE)
_LEADING_MARK = re.compile(r"^(?:(?:정답|답|answer|ans|a)\s*[:：]|->|→|=>|⇒)\s*", re.IGNORECASE)
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_CELL_BREAK = "\x00cell"  # between the markdown cells of one section


def extract_answers(markdown_cells: Sequence[str], files: Mapping[str, str] = _EMPTY) -> dict[str, str]:
    """Question number ("1") -> raw answer text, bullets joined with "\\n"; unanswered questions are absent.

    Reads the notebook's quiz section(s) and any answers file in `files` (relative name -> text);
    per question the answers file wins, and a later quiz section wins over an earlier one.
    """
    found: dict[str, str] = {}
    for section in _sections(markdown_cells):
        found.update(_parse_section(section, file_mode=False))
    found.update(_from_files(files))
    return found


def _is_quiz_title(title: str) -> bool:
    t = unicodedata.normalize("NFKC", title).casefold()
    return "quiz" in t or "퀴즈" in t


def _sections(cells: Iterable[str]) -> list[list[str]]:
    """The lines under each quiz heading, up to the next heading of the same or a higher level."""
    sections: list[list[str]] = []
    current: list[str] | None = None
    level = 0
    for cell in cells:
        fence: str | None = None
        if current is not None:
            current.append(_CELL_BREAK)
        for line in (cell or "").lstrip("\ufeff").splitlines():
            fence, part = _fence_step(fence, line)
            if part:
                if current is not None:
                    current.append(line)
                continue
            h = _HEADING.match(line)
            if h:
                lvl = len(h.group(1))
                if current is not None and lvl > level:
                    current.append(line)  # a sub-heading; it may be a question
                    continue
                current = None
                if _is_quiz_title(h.group(2) or ""):
                    current, level = [], lvl
                    sections.append(current)
                continue
            if current is not None:
                current.append(line)
        if fence is not None and current is not None:
            current.append(fence)  # close a fence the cell left open
    return sections


def _fence_step(fence: str | None, line: str) -> tuple[str | None, str | None]:
    """(the fence open after `line`, what `line` is: "open", "close", "inside" a fenced block, or None)."""
    f = _FENCE.match(line)
    if fence is None:
        return (f.group(1)[0] * 3, "open") if f else (None, None)
    if f and f.group(1).startswith(fence):
        return None, "close"
    return fence, "inside"


@dataclass
class _Question:
    qid: str
    tail: str  # answer-looking text on the question line itself, used if nothing else answers it
    lines: list[str]


def _parse_section(lines: Sequence[str], file_mode: bool) -> dict[str, str]:
    """Numbered questions and the answer lines under each. In an answers file a bare `1. text` is the answer.

    The answer may sit in the cell after its question; a new cell after an answered question ends that answer.
    """
    questions: list[_Question] = []
    current: _Question | None = None
    last = 0
    fence: str | None = None
    for line in lines:
        if line == _CELL_BREAK:
            if current is not None and current.lines:
                current = None
            continue
        fence, part = _fence_step(fence, line)
        if part:
            if part == "inside" and current is not None and line.strip():
                current.lines.append(line.strip())
            continue
        h = _HEADING.match(line)
        text = (h.group(2) or "") if h else line
        m = _QUESTION.match(text)
        if m and int(m.group(1) or m.group(2)) > last:
            last = int(m.group(1) or m.group(2))
            current = _new_question(str(last), m.group(3), file_mode)
            questions.append(current)
            continue
        if h or current is None:
            continue
        is_bullet = bool(BULLET.match(_QUOTE.sub("", line)))
        answer = _answer_line(line)
        if not answer:
            continue
        if not current.lines and not is_bullet and answer.rstrip().endswith(("?", "？")):
            continue  # the question text goes on over a second line
        current.lines.append(answer)
    out: dict[str, str] = {}
    for q in questions:
        text = "\n".join(q.lines) if q.lines else q.tail
        if text.strip():
            out[q.qid] = text.strip()
    return out


def _new_question(qid: str, text: str, file_mode: bool) -> _Question:
    text = TAG.sub(" ", text).strip()
    inline = _INLINE_MARK.search(text)
    if inline:
        answer = text[inline.end() :].strip()
        return _Question(qid, "", [answer] if answer else [])
    mark = max(text.rfind("?"), text.rfind("？"))
    if mark >= 0:
        tail = text[mark + 1 :].strip()
    else:
        tail = text if file_mode else ""
    return _Question(qid, tail, [])


def _answer_line(line: str) -> str:
    line = TAG.sub(" ", line)
    line = _QUOTE.sub("", line)
    if _RULE.match(line):
        return ""
    line = BULLET.sub("", line, count=1)
    line = _LEADING_MARK.sub("", line.strip(), count=1)
    return line.strip()


def _from_files(files: Mapping[str, str]) -> dict[str, str]:
    chosen = []
    for name in files:
        parts = name.replace("\\", "/").strip("/").split("/")
        base = parts[-1].casefold()
        if base in ANSWER_FILES and not any(p.startswith(".") or p == "__MACOSX" for p in parts):
            chosen.append((len(parts), ANSWER_FILES.index(base), name))
    found: dict[str, str] = {}
    for _, _, name in sorted(chosen):
        text = (files[name] or "").lstrip("\ufeff")
        parsed = _parse_json(text) if name.casefold().endswith(".json") else _parse_text(text)
        for qid, answer in parsed.items():
            found.setdefault(qid, answer)
    return found


def _parse_text(text: str) -> dict[str, str]:
    sections = _sections([text]) or [text.splitlines()]
    found: dict[str, str] = {}
    for section in sections:
        found.update(_parse_section(section, file_mode=True))
    return found


def _parse_json(text: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        return {}
    if isinstance(data, list):
        data = {str(i): v for i, v in enumerate(data, 1)}
    if not isinstance(data, dict):
        return {}
    found: dict[str, str] = {}
    for key, value in data.items():
        m = re.fullmatch(r"\s*(?:q|question|문제)?\s*0*(\d{1,3})\s*", str(key), re.IGNORECASE)
        if not m:
            continue
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value if v is not None)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            continue
        if value.strip():
            found[str(int(m.group(1)))] = value.strip()
    return found
