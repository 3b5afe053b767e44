"""The quiz: grade the student's answers against a hashed key.

`answers.extract_answers` finds the answers; `answer_forms.candidates(raw)` lists their
normalised forms; `grade(answers, key)` checks them. A key holds only salted PBKDF2 hashes of
every normalised form of every accepted answer, so it can ship with the assignment without
spelling the answers out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.errors import AssignmentError
from grader.grading.answer_forms import candidates, normalize
from grader.grading.answers import ANSWER_FILES, extract_answers

__all__ = ["ANSWER_FILES", "QuestionResult", "candidates", "extract_answers", "grade", "hash_answer", "make_key",
           "normalize"]

PBKDF2_ROUNDS = 20_000


@dataclass(frozen=True)
class QuestionResult:
    """One quiz question, graded. `points` is 0 unless `correct`."""

    qid: str
    answered: bool
    correct: bool
    points: float
    max_points: float


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
