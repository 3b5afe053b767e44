"""What every command shares: the error exit, the one JSON document of a --json run, the option choices.

The only place that turns errors into exit codes: 0 every check passed, 1 some check failed,
2 submission rejected or usage error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional

import typer
from rich.console import Console

from grader.errors import AssignmentNotFound, GraderError
from grader.feedback.hints import default_lang
from grader.message import msg
from grader.models import LANGS

err = Console(stderr=True)

LangChoice = Enum("LangChoice", [(lang, lang) for lang in LANGS], type=str)  # --lang: the report languages


class SandboxChoice(str, Enum):
    auto = "auto"
    strict = "strict"
    off = "off"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    gradescope = "gradescope"
    canvas = "canvas"
    html = "html"


FAITHFUL_HELP = "train by Keras's own loop only (no fast path; the same weights, slower)"


def lang_of(value: Optional[LangChoice]) -> str:
    return default_lang() if value is None else value.value


def fail(exc: GraderError, json_for: Optional[Path] = None, lang: str = "en") -> NoReturn:
    """Say what went wrong on stderr and exit with its code; with `json_for` (a --json run on that
    path) also print the one JSON document: a rejected report naming the error's code."""
    err.print(f"[bold red]error:[/] {exc}", highlight=False)
    candidates = getattr(exc, "candidates", ())
    if isinstance(exc, AssignmentNotFound) and candidates:
        err.print("candidates: " + ", ".join(candidates), highlight=False)
    if json_for is not None:
        print_rejected(json_for, exc.phrase, exc.code, lang)
    raise typer.Exit(exc.exit_code)


def report_bug(exc: BaseException, argv: list[str]) -> NoReturn:
    """A failure that is no `GraderError`: a bug in the grader, never the submission's fault. The user
    gets one sentence and the file holding the traceback (for the course staff), a --json run its one
    document (a rejected report with the error "internal"), and the exit code 2."""
    import os
    import tempfile
    import traceback

    from grader._version import __version__

    log = Path(tempfile.gettempdir()) / f"grader-internal-error-{os.getpid()}.log"
    try:
        log.write_text(f"grader {__version__}\nargs: {argv}\n\n" + "".join(traceback.format_exception(exc)),
                       encoding="utf-8")
        where = f"the details are in {log}: please send that file to the course staff"
    except OSError:
        where = "please tell the course staff what you ran"
    err.print(f"[bold red]internal error:[/] grader {__version__} failed ({type(exc).__name__}); this is a bug in "
              f"the grader, not in the submission. {where}.", highlight=False)
    if "--json" in argv and not json_written():
        target = next((a for a in argv[1:] if not a.startswith("-")), "")
        print_rejected(Path(target), msg("the grader failed on its own (a bug in the grader, not in the submission)"),
                       "internal", default_lang())
    sys.exit(2)


def print_rejected(path: Path, why, code: str, lang: str = "en") -> None:
    from grader.feedback.report import to_json
    from grader.models import Report

    emit_json(to_json(Report.from_rejection(str(path), why, lang=lang, error=code)))


_json_written = False  # a --json run prints exactly one document: main() adds one only if none was


def emit_json(text: str) -> None:
    global _json_written
    _json_written = True
    sys.stdout.write(text + "\n")


def json_written() -> bool:
    return _json_written


def reset_json() -> None:
    """A new command begins (`main` may run several in one process, as the unit tier does)."""
    global _json_written
    _json_written = False


class open_gradebook:
    """`with open_gradebook(outdir) as book:` the output folder's gradebook, refused clearly when there is
    none (opening would create an empty one); a `GraderError` inside the block exits as `fail` does."""

    def __init__(self, outdir: Path):
        self.outdir = Path(outdir)

    def __enter__(self):
        from grader.classroom.gradebook import Gradebook
        from grader.errors import UsageError

        if not (self.outdir / "gradebook.sqlite").is_file():
            fail(UsageError(f"{self.outdir} holds no gradebook.sqlite (run `grader grade` first)"))
        self.book = Gradebook(self.outdir / "gradebook.sqlite")
        return self.book

    def __exit__(self, kind, exc, tb) -> bool:
        self.book.close()
        if isinstance(exc, GraderError):
            fail(exc)
        return False
