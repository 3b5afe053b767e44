"""The `grader` command: `check` and the version here; the other commands live by group in
`cli/labs.py` (assignments, reference, validate), `cli/grade.py` (grade, similarity, export) and
`cli/data.py` (data). Commands parse and print; errors become exit codes only in `cli/` (`common.fail`):
0 every check passed, 1 some check failed, 2 submission rejected or usage error.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader._version import DISTRIBUTION, __version__
from grader.cli import grade as class_commands
from grader.cli import deadlines, labs
from grader.cli import override as override_command
from grader.cli.common import (FAITHFUL_HELP, ExportFormat, LangChoice, SandboxChoice, emit_json, err, fail,
                               json_written, lang_of, print_rejected, report_bug,
                               reset_json)
from grader.cli.data import data_app
from grader.errors import GraderError, UsageError
from grader.feedback.hints import default_lang
from grader.message import msg

__all__ = ["app", "main", "LangChoice", "SandboxChoice", "ExportFormat"]

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Grade TensorFlow/Keras course submissions by running them and measuring what they trained.")
app.add_typer(data_app, name="data")


@app.command()
def check(
    path: Path = typer.Argument(..., help="submit.zip, a folder, a .ipynb or a .py"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment", help="assignment name (default: the one that matches)"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document instead of the report"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="seconds per cell (the whole run gets 4x)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="folder holding mnist.npz"),
    assignments_dir: Optional[Path] = typer.Option(None, "--assignments", help="extra folder of assignments"),
    lang: Optional[LangChoice] = typer.Option(None, "--lang", help="the report's language (default: from the locale)"),
    keep: Optional[Path] = typer.Option(None, "--keep", help="keep the unpacked submission and traces here"),
    quick: bool = typer.Option(False, "--quick", help="cap training (1 epoch, 6,000 images) for a fast self-check; "
                                                      "accuracy is not judged"),
    sandbox: SandboxChoice = typer.Option("auto", "--sandbox", help="auto: bubblewrap if available; strict: refuse without it; off"),
    faithful: bool = typer.Option(False, "--faithful", help=FAITHFUL_HELP),
    html: Optional[Path] = typer.Option(None, "--html", help="also write a self-contained HTML report with plots"),
    replay: Optional[Path] = typer.Option(None, "--replay", help="grade again the run that --keep recorded (DIR/run.json): "
                                                               "nothing runs, today's thresholds and keys apply"),
) -> None:
    """Run a submission, measure what it trained, and report the score."""
    from grader.grading import assignment as assignments
    from grader.execution.replay import ReplayExecutor
    from grader.pipeline import Options, check_submission
    from grader.feedback.report import render, to_dict, to_json

    if not path.exists():
        fail(UsageError(f"{path}: no such file or folder"), path if json_out else None, lang_of(lang))
    try:
        chosen = assignments.find(assignment, assignments_dir) if assignment else None
        options = Options(assignment=chosen, assignments_dir=assignments_dir, data_dir=data_dir,
                          timeout_s=timeout, lang=lang_of(lang), keep_dir=keep,
                          quick=quick, sandbox=sandbox.value, faithful=faithful)
        executor = ReplayExecutor.from_file(replay) if replay is not None else None
        if json_out or not err.is_terminal or executor is not None:
            report = check_submission(path, options, executor)
        else:  # a live status line while the student's code runs: cell, elapsed time, epoch and loss
            with err.status("starting the student's code...") as status:
                report = check_submission(path, replace(options, progress=lambda text: status.update(text)))
    except GraderError as exc:
        fail(exc, path if json_out else None, lang_of(lang))
    if html is not None:
        _write_html(html, to_dict(report), data_dir, report.lang)
    if json_out:
        emit_json(to_json(report))
    else:
        render(report, Console())
    raise typer.Exit(report.exit_code)


# the other commands, in the order `grader --help` lists them
app.command("assignments")(labs.list_assignments)
app.command()(labs.reference)
app.command()(labs.validate)
app.command()(class_commands.grade)
app.command()(class_commands.similarity)
app.command("export")(class_commands.export_cmd)
app.command()(override_command.override)
app.command()(deadlines.deadline)
app.command()(deadlines.extend)
app.command()(deadlines.times)


def _write_html(path: Path, doc: dict, data_dir: Optional[Path], lang: str) -> None:
    from grader.data import find_mnist
    from grader.feedback.html import render_html

    try:
        data_path = find_mnist(data_dir)
    except GraderError:
        data_path = None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(doc, data_path, lang), encoding="utf-8")
    err.print(f"HTML report: {path}", highlight=False)


def _print_version(value: bool = True) -> None:
    if value:
        typer.echo(f"grader {__version__} ({DISTRIBUTION})")
        raise typer.Exit(0)


@app.callback()
def _options(_: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                    help="Print the version and the distribution's name, then exit.")) -> None:
    pass


@app.command()
def version() -> None:
    """Print the grader's version and the distribution's name (as --version)."""
    _print_version()


def main(args: Optional[list[str]] = None) -> None:
    """The command, on `args` (default: the process's own arguments); it always ends in SystemExit."""
    argv = sys.argv[1:] if args is None else list(args)
    reset_json()
    try:
        app(args=argv, prog_name="grader")
    except SystemExit as exc:
        # Typer's own usage errors (a bad option, a missing argument) exit 2 before any command ran:
        # under --json they still get their one document, a rejected report with the error "usage"
        if exc.code == 2 and "--json" in argv and not json_written():
            target = next((a for a in argv[1:] if not a.startswith("-")), "")
            print_rejected(Path(target), msg("the command line was not understood (see the message on stderr)"),
                           "usage", default_lang())
        raise
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug of the grader's own: one clear sentence and a log, never a traceback
        report_bug(exc, argv)
