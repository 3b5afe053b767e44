"""Which lab a submission is: every assignment scored against what the file says about itself.

Pure logic over text. The clues, each worth points for an assignment:

- the data it loads: MNIST (any loader, TF1's `input_data` included) or the XOR truth table
  (written on one line or across several, ints or floats); the other dataset counts against;
- file and folder names: the lab number (`lab10`, `lab-10-3`, `10-3`) and the words of the
  assignment's `recognize.names` (`xavier`, `dropout`);
- the words its content rules look for (`match_all` / `match_any`: layers, initialisers...);
  a missing `match_all` word and a present `match_none` word count against, softly, since a
  student may do less or more than the lab asks.

The best assignment wins, with one line saying why; a close second is named. Code that loads
neither dataset and whose names point at no lab is not from this course.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from grader.message import Phrase, join, msg
from grader.models import Assignment

_XOR_TABLE = "[[0,0],[0,1],[1,0],[1,1]]"
_FLOAT_ZERO_ONE = re.compile(r"(?<![\d.])([01])\.0*(?![\d])")
_MNIST = re.compile(r"mnist|read_data_sets")
_LAB = re.compile(r"(?:^|[^a-z0-9])(?:lab)?[-_ ]?0?(\d{1,2})[-_.](\d{1,2})(?=$|[^0-9])|lab[-_ ]?0?(\d{1,2})(?=$|[^0-9])")
_WORD = re.compile(r"[a-z]+")
CLOSE = 1.0  # a runner-up within this many points is named in the report


@dataclass(frozen=True)
class Clues:
    """What one file says about itself."""

    path: str  # the path inside the submission, lowercased
    code: str  # the code, lowercased
    mnist: bool
    xor: bool
    labs: tuple[tuple[int, int | None], ...]  # (lab, part) numbers its file and folder names carry
    words: frozenset[str]  # the words of its file and folder names

    @classmethod
    def from_text(cls, relpath: str, code: str) -> "Clues":
        path, text = relpath.lower(), code.lower()
        squeezed = _FLOAT_ZERO_ONE.sub(r"\1", re.sub(r"\s+", "", text))
        labs = []
        for m in _LAB.finditer(path):
            if m.group(3):
                labs.append((int(m.group(3)), None))
            else:
                labs.append((int(m.group(1)), int(m.group(2))))
        return cls(path, text, bool(_MNIST.search(text)), _XOR_TABLE in squeezed or "xor" in text,
                   tuple(labs), frozenset(_WORD.findall(path)))

    @property
    def course_like(self) -> bool:
        """Loads a dataset of the course, or names a lab in its path."""
        return self.mnist or self.xor or bool(self.labs)


@dataclass(frozen=True)
class Verdict:
    assignment: Assignment
    points: float
    reasons: tuple[Phrase, ...]


def rank(clues: Clues, assignments: tuple[Assignment, ...]) -> list[Verdict]:
    """Every assignment with its points and reasons, best first (ties: the `prior`, then the id)."""
    verdicts = [score(clues, a) for a in assignments]
    return sorted(verdicts, key=lambda v: (-v.points, -float(v.assignment.recognize.get("prior", 0)),
                                           v.assignment.id))


def score(clues: Clues, assignment: Assignment) -> Verdict:
    points, reasons = 0.0, []
    loads = {"mnist": clues.mnist, "xor": clues.xor and not clues.mnist}
    if loads.get(assignment.dataset):
        points += 4
        reasons.append(msg("MNIST") if assignment.dataset == "mnist" else msg("the XOR truth table"))
    elif any(loads.values()):
        points -= 6  # the other dataset
    hints = assignment.recognize
    lab, parts = hints.get("lab"), set(hints.get("parts") or ())
    numbered = next((part for number, part in clues.labs if number == lab), False)
    if numbered is not False:
        points += 3 if numbered is not None and numbered in parts else 2 if numbered is None or not parts else 0.5
    named = [w for w in hints.get("names") or () if w.lower() in clues.words]
    points += 2 * len(named)
    if numbered is not False or named:
        reasons.append(msg("file name `{name}`", name=PurePosixPath(clues.path).name))
    said = [entry for entry in assignment.match_all if not entry.startswith("!")] + list(assignment.match_any)
    found = []
    for entry in said:
        hit = next((w for w in entry.split("|") if w in clues.code), None)
        if hit and hit not in ("mnist", "xor") and not hit.startswith("[["):
            points += 1
            found.append(hit)
        elif hit is None and entry in assignment.match_all:
            points -= 0.5  # a word the lab's code always has is missing: a weak sign against
    for entry in assignment.match_all:
        if entry.startswith("!") and any(w in clues.code for w in entry[1:].split("|")):
            points -= 1.5
    if found:
        reasons.append(msg("code with {words}", words=", ".join(f"`{w}`" for w in found[:4])))
    return Verdict(assignment, points + float(hints.get("prior", 0)) * 0.1, tuple(reasons))


def explain(best: Verdict, runner_up: Verdict | None) -> Phrase:
    """One line for the report: which lab, why, and the close second if there is one."""
    why = join(list(best.reasons), ", ") if best.reasons else msg("the closest match")
    if runner_up is not None and best.points - runner_up.points <= CLOSE:
        return msg("assignment {id} picked: {why} (a close second: {other})", id=best.assignment.id, why=why,
                   other=runner_up.assignment.id)
    return msg("assignment {id} picked: {why}", id=best.assignment.id, why=why)
