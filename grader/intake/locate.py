"""Pick the file to run and, unless the user named one, the assignment it belongs to."""

from __future__ import annotations

import fnmatch
import warnings
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from grader.errors import AssignmentNotFound, NoEntryPoint
from grader.intake.recognize import Clues, explain, rank
from grader.models import Assignment, Entry, Submission
from grader.message import Phrase, msg

_MAX_SCAN_BYTES = 5 * 2**20


@dataclass(frozen=True)
class Located:
    entry: Entry
    assignment: Assignment
    messages: tuple[Phrase, ...] = ()


def locate(submission: Submission, assignments: tuple[Assignment, ...], chosen: Assignment | None = None) -> Located:
    """The entry point and assignment (the best ranked by `recognize`, with one line saying why);
    AssignmentNotFound for code that is not from this course, NoEntryPoint when the only notebooks
    handed in are not notebooks at all."""
    submission = _without_broken_notebooks(submission)
    if chosen is not None:
        entry, notes = pick_entry(submission, chosen)
        if entry is None:
            raise NoEntryPoint(msg("no file matching {patterns} in the submission",
                                   patterns=", ".join(chosen.entry_patterns)))
        return Located(entry, chosen, notes)
    files = [f for f in submission.files if f.endswith((".ipynb", ".py"))]
    if not files or not assignments:
        names = tuple(a.id for a in assignments)
        raise AssignmentNotFound(msg("no assignment matches this submission; choose one with -a NAME "
                                     "(candidates: {names})", names=", ".join(names) or "none installed"), names)
    # each file's best verdict; the file to run is the one that most looks like a lab (notebooks first)
    judged = []
    for f in files:
        clues = Clues.from_text(f, _text(submission, f))
        judged.append((rank(clues, assignments), clues, f))
    verdicts, clues, chosen_file = max(judged, key=lambda j: (j[0][0].points, j[2].endswith(".ipynb"),
                                                               -j[2].count("/"), -len(j[2]), j[2]))
    best = verdicts[0]
    names = tuple(a.id for a in assignments)
    if not clues.course_like and best.points < 2:
        raise AssignmentNotFound(msg("no assignment matches this submission: it loads neither MNIST nor the XOR "
                                     "truth table, and its file names name no lab of this course; if it is one, "
                                     "choose it with -a NAME (candidates: {names})", names=", ".join(names)), names)
    runner_up = verdicts[1] if len(verdicts) > 1 else None
    kind = "notebook" if chosen_file.endswith(".ipynb") else "script"
    notes: tuple[Phrase, ...] = (explain(best, runner_up),)
    if len(files) > 1:
        notes += (msg("several candidate files ({files}); graded {chosen}", files=", ".join(sorted(files)[:5]),
                      chosen=chosen_file),)
    return Located(Entry(path=submission.root / chosen_file, kind=kind, relpath=chosen_file), best.assignment, notes)


def pick_entry(submission: Submission, assignment: Assignment) -> tuple[Entry | None, tuple[str, ...]]:
    """Notebooks before modules; among several, the ones whose content matches, then the shortest path."""
    candidates = [f for f in submission.files
                  if any(fnmatch.fnmatch(PurePosixPath(f).name, p) or fnmatch.fnmatch(f, p)
                         for p in assignment.entry_patterns)]
    candidates = [f for f in candidates if f.endswith((".ipynb", ".py"))]
    if not candidates:
        return None, ()
    relevant = [f for f in candidates if matches_content(_text(submission, f), assignment)] or candidates
    relevant.sort(key=lambda f: (not f.endswith(".ipynb"), f.count("/"), len(f), f))
    chosen = relevant[0]
    notes = ()
    if len(relevant) > 1:
        notes = (msg("several candidate files ({files}); graded {chosen}", files=", ".join(relevant[:5]), chosen=chosen),)
    kind = "notebook" if chosen.endswith(".ipynb") else "script"
    return Entry(path=submission.root / chosen, kind=kind, relpath=chosen), notes


def matches_content(text: str, assignment: Assignment) -> bool:
    """`match_any`: one word present; `match_all`: every entry present, `a|b` meaning either;
    entries starting with `!` (from `match_none`) must all be absent."""
    text = text.lower()
    if assignment.match_any and not any(word in text for word in assignment.match_any):
        return False
    for entry in assignment.match_all:
        absent = entry.startswith("!")
        present = any(word in text for word in entry.lstrip("!").split("|"))
        if present == absent:
            return False
    return True


def _without_broken_notebooks(submission: Submission) -> Submission:
    """The submission without `.ipynb` files that are not notebooks, each said in a note; if nothing
    runnable is left, NoEntryPoint naming the file (a web page saved as `.ipynb` is the usual case)."""
    broken = [f for f in submission.files if f.endswith(".ipynb") and code_cells(_raw(submission, f)) is None]
    if not broken:
        return submission
    kept = tuple(f for f in submission.files if f not in broken)
    notes = tuple(_not_a_notebook(submission, f) for f in broken)
    if not any(f.endswith((".ipynb", ".py")) for f in kept):
        raise NoEntryPoint(notes[0])
    return replace(submission, files=kept, messages=submission.messages + notes)


def _not_a_notebook(submission: Submission, relpath: str) -> Phrase:
    head = _raw(submission, relpath)[:2000].lstrip("\ufeff \r\n\t").lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<meta")) or "<html" in head[:500]:
        return msg("{name} is not a Jupyter notebook but a web page saved under a notebook's name; in Colab use "
                   "File > Download > Download .ipynb, or in Jupyter File > Download, and hand in that file",
                   name=relpath)
    return msg("{name} is not a Jupyter notebook (nbformat cannot read it); download the notebook again from "
               "Colab or Jupyter and hand in that file", name=relpath)


def _raw(submission: Submission, relpath: str) -> str:
    try:
        with open(submission.root / relpath, "rb") as f:
            return f.read(_MAX_SCAN_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _text(submission: Submission, relpath: str) -> str:
    """The student's code: a notebook's code cells (not markdown, outputs or metadata), or the module."""
    text = _raw(submission, relpath)
    if relpath.endswith(".ipynb"):
        cells = code_cells(text)
        return text if cells is None else "\n".join(cells)  # not valid JSON: let execution report it
    return text


def code_cells(notebook_json: str) -> list[str] | None:
    """The sources of a notebook's code cells (not markdown, outputs or metadata), read by nbformat
    so that old formats (nbformat 3's worksheets, IPython 2 era) count too; None if it is not a notebook."""
    import nbformat

    try:
        with warnings.catch_warnings():  # missing cell ids and other schema nits are normal in old notebooks
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(notebook_json, as_version=4)
        cells = notebook.cells
    except Exception:  # noqa: BLE001 - anything nbformat cannot read is "not a notebook" here
        return None
    return [str(cell.source) for cell in cells if cell.get("cell_type") == "code"]
