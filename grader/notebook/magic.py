"""`%grader check LAB [--json] [--lang ko|en] [--notebook PATH] [--answers FILE]`, the line magic
`%load_ext grader` registers. A wrong line gets its usage, never a traceback."""

from __future__ import annotations

import argparse
import shlex
import sys

from grader.errors import GraderError
from grader.models import LANGS
from grader.notebook.selfcheck import check_session
from grader.notebook.show import show

USAGE = f"%grader check LAB [--json] [--lang {'|'.join(LANGS)}] [--notebook PATH] [--answers FILE]"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit the kernel's process
        raise ValueError(message)


def _parser() -> _Parser:
    parser = _Parser(prog="%grader", usage=USAGE, add_help=False)
    parser.add_argument("command", choices=["check"])
    parser.add_argument("lab")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--lang", choices=LANGS)
    parser.add_argument("--notebook")
    parser.add_argument("--answers")
    return parser


def grader_magic(line: str, shell=None) -> None:
    """The body of `%grader`: parse, check, show; every failure is a sentence on stderr (or, with
    --json, a rejected JSON document) and no traceback."""
    as_json = "--json" in line.split()
    try:
        args = _parser().parse_args(shlex.split(line))
    except ValueError as exc:
        return _fail(f"{exc}\nusage: {USAGE}", "usage", as_json)
    try:
        report = check_session(args.lab, shell=shell, lang=args.lang, notebook=args.notebook, answers=args.answers)
    except GraderError as exc:
        return _fail(str(exc), exc.code, as_json)
    except (OSError, ValueError) as exc:
        return _fail(str(exc), "usage", as_json)
    except Exception as exc:  # the grader's own bug: one sentence for the student, never a traceback
        return _fail(f"the self-check failed inside the grader ({type(exc).__name__}: {str(exc)[:200]}); "
                     "`grader check` of the notebook file still works", "internal", as_json)
    show(report, as_json=args.json, shell=shell)


def _fail(text: str, code: str, as_json: bool) -> None:
    """A refused self-check: with --json the same rejected document as `grader check --json`."""
    if as_json:
        from grader.models import Report

        show(Report.from_rejection("session", text, error=code), as_json=True)
    else:
        sys.stderr.write(f"grader: {text}\n")
