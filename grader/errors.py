"""Grader errors: one root, a small tree. Only `grader/cli/` turns them into exit codes (`cli/common.py`).

Student failures (a crashing cell, a timeout, a model that never trained) are *data*
in the `Report`, never exceptions. These classes are for what stops the grader from
producing a report at all, or for a usage mistake by the person running it.

    GraderError
    ├── SubmissionRejected        the submission cannot be graded (exit 2, report status "rejected")
    │   ├── UnreadableArchive     not a zip, truncated, corrupt
    │   ├── UnsafeArchive         traversal, absolute paths, links, bombs, too many entries
    │   └── NoEntryPoint          no notebook or module to run; unreadable notebook
    ├── UsageError                the command was called wrongly (exit 2)
    │   ├── AssignmentNotFound    no assignment of that name / the submission is not from this course
    │   └── RecordingError        --replay was given a file that is not a run recorded by --keep
    ├── DatasetError              the grader's own copy of a dataset is missing or wrong (exit 2)
    ├── AssignmentError           an assignment file is invalid (an author's mistake, exit 2)
    └── ExecutionError            the grader could not run the student process at all (exit 2)
"""

from __future__ import annotations

from grader.message import Phrase, english


class GraderError(Exception):
    """Root of every error the grader raises on purpose.

    Raised with a message (`grader.message.msg`) or a plain string; `str(error)` is the English,
    and `phrase` keeps the message so a report can show it in the reader's language.
    """

    exit_code = 2
    code = "error"  # stable, for scripts: the `error` field of a rejected --json document

    def __init__(self, message: Phrase = "", *args: object):
        super().__init__(english(message), *args)
        self.phrase: Phrase = message


class SubmissionRejected(GraderError):
    """The submission cannot be graded; the report says why."""

    code = "rejected"


class UnreadableArchive(SubmissionRejected):
    code = "unreadable_archive"


class UnsafeArchive(SubmissionRejected):
    code = "unsafe_archive"


class NoEntryPoint(SubmissionRejected):
    code = "no_entry_point"


class UsageError(GraderError):
    code = "usage"


class AssignmentNotFound(UsageError):
    code = "no_assignment"

    def __init__(self, message: Phrase, candidates: tuple[str, ...] = ()):
        super().__init__(message)
        self.candidates = candidates


class RecordingError(UsageError):
    code = "recording"


class DatasetError(GraderError):
    code = "dataset"


class AssignmentError(GraderError):
    code = "assignment_invalid"


class ExecutionError(GraderError):
    code = "execution"
