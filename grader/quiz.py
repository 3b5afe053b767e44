"""The quiz: find the student's answers, normalise them, grade them against a hashed key.

extract_answers -> {qid: raw text}; candidates(raw) -> normalised forms; grade(answers, key).
A key holds only salted PBKDF2 hashes of every normalised form of every accepted answer,
so it can ship with the assignment without spelling the answers out.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from grader.errors import AssignmentError

ANSWER_FILES = ("answers.json", "answers.md", "answers.txt", "quiz.md")  # by priority at equal depth
PBKDF2_ROUNDS = 20_000

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class QuestionResult:
    """One quiz question, graded. `points` is 0 unless `correct`."""

    qid: str
    answered: bool
    correct: bool
    points: float
    max_points: float


# --------------------------------------------------------------------------- extraction

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
_BULLET = re.compile(r"^\s*(?:[*+\-•◦▪‣]|\[[ xX]\])\s+")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
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
        is_bullet = bool(_BULLET.match(_QUOTE.sub("", line)))
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
    text = _TAG.sub(" ", text).strip()
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
    line = _TAG.sub(" ", line)
    line = _QUOTE.sub("", line)
    if _RULE.match(line):
        return ""
    line = _BULLET.sub("", line, count=1)
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


# --------------------------------------------------------------------------- normalisation

_EMPHASIS = re.compile(r"\*\*|~~|`")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ENDINGS = ("입니다", "이에요", "이다", "예요", "임")
_UNITS = re.compile(r"(?<=\d)(?:번째|회|번|개|장|차원|픽셀|pixels?|px|times?)$")
_EDGE_KEEP = set("()[]{}%#-+")
_OPEN_CLOSE = {"(": ")", "[": "]", "{": "}"}


def normalize(text: str) -> str:
    """NFKC, casefold, no markup or whitespace, no thousands separators, edge punctuation,
    copula endings (입니다, 이다) or units after a number (회, 번, 개, px, times ...)."""
    s = unicodedata.normalize("NFKC", text or "").casefold()
    s = _TAG.sub(" ", s)
    s = _EMPHASIS.sub("", s)
    s = _THOUSANDS.sub("", s)
    s = "".join(s.split())
    while True:
        before = s
        s = _strip_edges(s)
        if len(s) > 2 and s[0] in _OPEN_CLOSE and s[-1] == _OPEN_CLOSE[s[0]] and _balanced(s[1:-1]):
            s = s[1:-1]
        for ending in _ENDINGS:
            if s.endswith(ending) and len(s) > len(ending):
                s = s[: -len(ending)]
                break
        s = _UNITS.sub("", s)
        if s == before:
            return s


def _is_edge(c: str) -> bool:
    if c in _EDGE_KEEP:
        return False
    return unicodedata.category(c).startswith("P") or c in "`~^'\"|"


def _strip_edges(s: str) -> str:
    start, end = 0, len(s)
    while start < end and _is_edge(s[start]) and not (s[start] == "." and start + 1 < end and s[start + 1].isdigit()):
        start += 1
    while end > start and _is_edge(s[end - 1]):
        end -= 1
    s = s[start:end]
    # an unmatched closing bracket at the end ("1200)") is punctuation too
    while s and s[-1] in ")]}" and s.count(s[-1]) > s.count({")": "(", "]": "[", "}": "{"}[s[-1]]):
        s = s[:-1]
    return s


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --------------------------------------------------------------------------- candidates

_TIMES = re.compile(r"(?<=[\d)])[x×✕✖·⋅∙](?=[\d(])")
_EQUALS = re.compile(r"=>|->|→|⇒|=")
_ARITH = re.compile(r"[\d.+\-*/()]+")
_LIST_SPLIT = re.compile(r"[,，、;；\n]")
_MARK = re.compile(r"^(.*?)\s*(?:[(\[]\s*([ox○◯⭕×✗✘✓✔v])\s*[)\]]|([○◯⭕×✗✘✓✔]))$")
_LEADING_CHECK = re.compile(r"^([✓✔✗✘])\s*(.+)$")
_POSITIVE = set("o○◯⭕✓✔v")
_GLOSS = re.compile(r"^([^()]+)\(([^()]+)\)$")


def candidates(answer: str) -> tuple[str, ...]:
    """The normalised forms an answer may be compared as: the whole text, the value of arithmetic
    (`60000 / 50 = 1,200` -> `1200`; `28x28` -> `784`), the one unmarked item of a marked list,
    and both halves of a Korean/English gloss (`확률적(Stochastic)`). Never each item of a plain list."""
    if not answer or not answer.strip():
        return ()
    out: list[str] = []

    def add(form: str | None) -> None:
        if not form:
            return
        for value in (form, _evaluate(form)):
            if value and value not in out:
                out.append(value)

    flat = " ".join(answer.splitlines())
    base = normalize(flat)
    add(base)
    if _EQUALS.search(base):
        sides = [normalize(side) for side in _EQUALS.split(base)]
        add(sides[-1])
        add(_evaluate(sides[0]))
    add(_marked_choice(answer))
    gloss = _GLOSS.match(base)
    if gloss:
        a, b = normalize(gloss.group(1)), normalize(gloss.group(2))
        if (_has_hangul(a) and _has_latin(b)) or (_has_latin(a) and _has_hangul(b)):
            add(a)
            add(b)
    return tuple(out)


def _evaluate(form: str) -> str | None:
    """The value of a small arithmetic expression (numbers, + - * /, parentheses) as text, else None."""
    expr = _TIMES.sub("*", form).replace("÷", "/")
    if len(expr) > 100 or not _ARITH.fullmatch(expr) or not any(c.isdigit() for c in expr):
        return None
    try:
        value = _eval_node(ast.parse(expr, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def _eval_node(node: ast.AST) -> int | float:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        v = _eval_node(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        left, right = _eval_node(node.left), _eval_node(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return left / right
    raise ValueError("not plain arithmetic")


def _marked_choice(answer: str) -> str | None:
    """`박지성(O), 손흥민(O), 안정환` -> `안정환`: the single unmarked item, or (3+ items, all marked)
    the single item whose mark differs from all the others, or the item of a one-item marked answer."""
    text = unicodedata.normalize("NFKC", answer).casefold()
    items = []
    for raw in _LIST_SPLIT.split(text):
        raw = _BULLET.sub("", raw).strip()
        if not raw:
            continue
        m = _MARK.match(raw)
        lead = _LEADING_CHECK.match(raw)
        if m and m.group(1).strip():
            mark = m.group(2) or m.group(3)
            items.append((m.group(1), mark in _POSITIVE))
        elif lead:
            items.append((lead.group(2), lead.group(1) in _POSITIVE))
        else:
            items.append((raw, None))
    if len(items) == 1:
        return normalize(items[0][0]) if items[0][1] is not None else None
    unmarked = [t for t, mark in items if mark is None]
    if len(unmarked) == 1:
        return normalize(unmarked[0])
    if not unmarked and len(items) >= 3:
        pos = [t for t, mark in items if mark]
        neg = [t for t, mark in items if not mark]
        if len(pos) == 1 and len(neg) >= 2:
            return normalize(pos[0])
        if len(neg) == 1 and len(pos) >= 2:
            return normalize(neg[0])
    return None


def _has_hangul(s: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e" for c in s)


def _has_latin(s: str) -> bool:
    return any("a" <= c <= "z" for c in s)


# --------------------------------------------------------------------------- keys and grading


def hash_answer(salt: str, qid: str, normalized: str) -> str:
    """The key's form of one normalised answer to one question."""
    return hashlib.pbkdf2_hmac("sha256", f"{qid}:{normalized}".encode(), salt.encode(), PBKDF2_ROUNDS).hex()


def make_key(questions: Mapping[str, tuple[float, Sequence[str]]], salt: str | None = None) -> dict:
    """qid -> (points, accepted plain answers) => {"salt", "questions": {qid: {"points", "accept": [hashes]}}}.

    `accept` holds the hash of every candidate of every accepted answer, sorted; no plain text.
    """
    salt = secrets.token_hex(16) if salt is None else salt
    out: dict[str, dict] = {}
    for qid, (points, accepted) in questions.items():
        qid = str(qid)
        if isinstance(accepted, str):
            accepted = (accepted,)
        hashes = sorted({hash_answer(salt, qid, c) for a in accepted for c in candidates(a)})
        if not hashes:
            raise ValueError(f"quiz question {qid}: no non-empty accepted answer")
        out[qid] = {"points": points, "accept": hashes}
    return {"salt": salt, "questions": out}


def grade(answers: Mapping[str, str], key: Mapping) -> tuple[QuestionResult, ...]:
    """One result per question of `key`, in question order. Raises AssignmentError for a malformed key."""
    salt, questions = _read_key(key)
    results = []
    for qid, (points, accept) in questions:
        raw = answers.get(qid) or ""
        answered = bool(raw.strip())
        correct = answered and any(hash_answer(salt, qid, c) in accept for c in candidates(raw))
        results.append(QuestionResult(qid, answered, correct, points if correct else 0.0, points))
    return tuple(results)


def _read_key(key: Mapping) -> tuple[str, list[tuple[str, tuple[float, frozenset[str]]]]]:
    salt = key.get("salt") if isinstance(key, Mapping) else None
    questions = key.get("questions") if isinstance(key, Mapping) else None
    if not isinstance(salt, str) or not isinstance(questions, Mapping):
        raise AssignmentError("quiz key needs a string 'salt' and a 'questions' mapping")
    parsed = []
    for qid, spec in questions.items():
        points = spec.get("points") if isinstance(spec, Mapping) else None
        accept = spec.get("accept") if isinstance(spec, Mapping) else None
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise AssignmentError(f"quiz question {qid}: 'points' must be a non-negative number")
        if not isinstance(accept, list) or not all(isinstance(h, str) for h in accept):
            raise AssignmentError(f"quiz question {qid}: 'accept' must be a list of hashes")
        parsed.append((str(qid), (float(points), frozenset(accept))))
    parsed.sort(key=lambda item: (0, int(item[0]), "") if item[0].isdigit() else (1, 0, item[0]))
    return salt, parsed
