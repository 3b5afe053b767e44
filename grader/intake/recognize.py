"""Which lab a submission is: every assignment scored against what the file says about itself.

Pure logic over text. The clues, each worth points for an assignment:

- the data it loads: MNIST (any loader, TF1's `input_data` included) or the XOR truth table
  (written on one line or across several, ints or floats); the other dataset counts against;
- file and folder names: the lab number (`lab10`, `lab-10-3`, `10-3`), its part, and the topic
  words of the assignments' `recognize.names` (`xavier`, `dropout`). Names are split into words at
  anything not a letter (`_`, `-`, spaces, digits), so `lab 10-2-1-mnist_nn_xavier` says `xavier`;
- the words its content rules look for (`match_all` / `match_any`: layers, initialisers...);
  a missing `match_all` word and a present `match_none` word count against, softly, since a
  student may do less or more than the lab asks.

The course's two seasons of lab files number Lab 10's parts differently (season 1's `lab-10-4` is
the deep net, season 2's `lab-10-4` is batch norm), while a topic word means the same in both. So
topic words decide, and a part number (`recognize.parts` are season 1's) only confirms the lab a
topic word beside it names; it decides alone only in a name with no topic word, as season 1's
`lab-10-2-mnist_nn`.

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

LAB_NUMBER = 2.0  # a name carries the assignment's lab number (`lab10`, `lab-10-3`)
PART_AGREES, PART_DISAGREES = 1.0, -1.5  # ...and a part number (see `part_points`)
TOPIC_IN_FILE_NAME = 2.0  # each of the assignment's topic words in the file's own name
TOPIC_IN_FOLDER = 1.0  # a folder's words are broader (`deep_learning/`, `batch2/`), so they weigh less


@dataclass(frozen=True)
class Name:
    """One name on a file's path, a folder's or the file's own, read as lab numbers and words."""

    labs: tuple[tuple[int, int | None], ...]  # (lab, part): `lab-10-3` is (10, 3), `lab10` is (10, None)
    words: frozenset[str]  # its runs of letters: `mnist_nn_batchnorm` is {mnist, nn, batchnorm}
    own: bool  # the file's own name, not a folder's

    @classmethod
    def read(cls, name: str, own: bool) -> "Name":
        name = name.lower()
        labs = tuple((int(m.group(3)), None) if m.group(3) else (int(m.group(1)), int(m.group(2)))
                     for m in _LAB.finditer(name))
        return cls(labs, frozenset(_WORD.findall(name)), own)


@dataclass(frozen=True)
class Clues:
    """What one file says about itself."""

    path: str  # the path inside the submission, as handed in
    code: str  # the code, lowercased
    mnist: bool
    xor: bool
    names: tuple[Name, ...]  # its folders' names, outermost first, then its own

    @classmethod
    def from_text(cls, relpath: str, code: str) -> "Clues":
        text = code.lower()
        squeezed = _FLOAT_ZERO_ONE.sub(r"\1", re.sub(r"\s+", "", text))
        parts = PurePosixPath(relpath).parts
        names = tuple(Name.read(part, own=i == len(parts) - 1) for i, part in enumerate(parts))
        return cls(relpath, text, bool(_MNIST.search(text)), _XOR_TABLE in squeezed or "xor" in text, names)

    @property
    def labs(self) -> tuple[tuple[int, int | None], ...]:
        """The (lab, part) numbers its file and folder names carry."""
        return tuple(lab for name in self.names for lab in name.labs)

    @property
    def course_like(self) -> bool:
        """Loads a dataset of the course, or names a lab in its path."""
        return self.mnist or self.xor or bool(self.labs)


@dataclass(frozen=True)
class Verdict:
    assignment: Assignment
    points: float
    reasons: tuple[Phrase, ...]


def topic_words(assignments: tuple[Assignment, ...]) -> frozenset[str]:
    """Every word that names some lab (the union of the assignments' `recognize.names`)."""
    return frozenset(word.lower() for a in assignments for word in a.recognize.get("names") or ())


def rank(clues: Clues, assignments: tuple[Assignment, ...]) -> list[Verdict]:
    """Every assignment with its points and reasons, best first (ties: the `prior`, then the id)."""
    topics = topic_words(assignments)
    verdicts = [score(clues, a, topics) for a in assignments]
    return sorted(verdicts, key=lambda v: (-v.points, -float(v.assignment.recognize.get("prior", 0)),
                                           v.assignment.id))


def name_points(names: tuple[Name, ...], assignment: Assignment, topics: frozenset[str]) -> float:
    """What the file and folder names say for `assignment`: its lab number, its topic words (the
    file's own weigh more than a folder's) and its part numbers (`part_points`): more than 0 when
    they say anything about it, else 0. `topics` are the words that name any lab."""
    hints = assignment.recognize
    lab = hints.get("lab")
    own_topics = frozenset(word.lower() for word in hints.get("names") or ())
    points = sum((TOPIC_IN_FILE_NAME if name.own else TOPIC_IN_FOLDER) * len(own_topics & name.words)
                 for name in names)
    if any(number == lab for name in names for number, _ in name.labs):
        points += LAB_NUMBER
    return points + part_points(names, lab, frozenset(hints.get("parts") or ()), own_topics, topics)


def part_points(names: tuple[Name, ...], lab: int | None, parts: frozenset[int], own_topics: frozenset[str],
                topics: frozenset[str]) -> float:
    """Whether the names' part numbers of `lab` agree with `parts` (season 1's numbers) or not.

    Season 2 renumbered Lab 10's parts but kept the topic words, so where a topic word speaks (in
    the part's own name, or in a name nearer the file: `lab-10-4/batchnorm.ipynb`) a part number
    can only confirm a lab that topic names, and is otherwise ignored; a folder's topic word
    (`deep_learning/`) leaves the file's own number alone."""
    if not parts:
        return 0.0
    agrees = disagrees = False
    spoken: frozenset[str] = frozenset()
    for name in reversed(names):  # the file's own name first, then outwards
        spoken |= name.words & topics
        for part in (part for number, part in name.labs if number == lab and part is not None):
            agrees = agrees or (part in parts and (not spoken or bool(spoken & own_topics)))
            disagrees = disagrees or (part not in parts and not spoken)
    return PART_AGREES if agrees else PART_DISAGREES if disagrees else 0.0


def score(clues: Clues, assignment: Assignment, topics: frozenset[str]) -> Verdict:
    """The points `assignment` earns from `clues`, and the reasons to show; `topics` as in `name_points`."""
    points, reasons = 0.0, []
    loads = {"mnist": clues.mnist, "xor": clues.xor and not clues.mnist}
    if loads.get(assignment.dataset):
        points += 4
        reasons.append(msg("MNIST") if assignment.dataset == "mnist" else msg("the XOR truth table"))
    elif any(loads.values()):
        points -= 6  # the other dataset
    named = name_points(clues.names, assignment, topics)
    points += named
    if named > 0:
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
    return Verdict(assignment, points + float(assignment.recognize.get("prior", 0)) * 0.1, tuple(reasons))


def explain(best: Verdict, runner_up: Verdict | None) -> Phrase:
    """One line for the report: which lab, why, and the close second if there is one."""
    why = join(list(best.reasons), ", ") if best.reasons else msg("the closest match")
    if runner_up is not None and best.points - runner_up.points <= CLOSE:
        return msg("assignment {id} picked: {why} (a close second: {other})", id=best.assignment.id, why=why,
                   other=runner_up.assignment.id)
    return msg("assignment {id} picked: {why}", id=best.assignment.id, why=why)
