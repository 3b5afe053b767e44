"""The forms one written answer may take: normalised text, arithmetic worked out, marked choices.

normalize(text) -> one canonical string; candidates(answer) -> every form a key may match
(`1,200`, `60000 / 50 = 1,200`, `28 * 28`, `784 (28x28)`, `박지성(O), 손흥민(O)`).
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata

BULLET = re.compile(r"^\s*(?:[*+\-•◦▪‣]|\[[ xX]\])\s+")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


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
    s = TAG.sub(" ", s)
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
    and both halves of an answer restated in parentheses (`784 (28x28)`, `확률적(Stochastic)`).
    Never each item of a plain list, and never either side of a false equation."""
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
        # `28 x 28 = 784`: every side that is a number must be the same number, or the answer
        # states something false (`60000 / 50 = 1,300`) and only its whole text is compared
        sides = [normalize(side) for side in _EQUALS.split(base)]
        values = {_evaluate(side) for side in sides if side} - {None}
        if len(values) <= 1:
            add(sides[-1])
            add(_evaluate(sides[0]))
    add(_marked_choice(answer))
    for form in _restated(base):
        add(form)
    return tuple(out)


def _restated(base: str) -> tuple[str, ...]:
    """`784 (28x28)`, `1200 (60000/50)`, `Stochastic (확률적)`: an answer with an equivalent form in
    parentheses counts as either half, but only when the halves agree: two numbers must be equal, a
    number may carry a word gloss (`1200 (업데이트 횟수)`), and two words must be a Korean/English pair.
    `784 (1024)` and `손흥민(안정환)` state two different answers and count as neither."""
    gloss = _GLOSS.match(base)
    if not gloss:
        return ()
    a, b = normalize(gloss.group(1)), normalize(gloss.group(2))
    va, vb = _evaluate(a), _evaluate(b)
    if va is not None and vb is not None:
        return (a, b) if va == vb else ()
    if va is not None and not any(c.isdigit() for c in b):
        return (a,)
    if vb is not None and not any(c.isdigit() for c in a):
        return (b,)
    if (_has_hangul(a) and _has_latin(b)) or (_has_latin(a) and _has_hangul(b)):
        return (a, b)
    return ()


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
        raw = BULLET.sub("", raw).strip()
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
