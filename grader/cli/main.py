"""The `grader` command. The only place that turns errors into exit codes:
0 every check passed, 1 some check failed, 2 submission rejected or usage error.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader._version import DISTRIBUTION, __version__
from grader.cli import grade as cli_batch
from grader.errors import AssignmentNotFound, GraderError, UsageError
from grader.feedback.hints import default_lang
from grader.models import LANGS

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Grade TensorFlow/Keras course submissions by running them and measuring what they trained.")
data_app = typer.Typer(no_args_is_help=True, help="Manage the grader's own copy of the datasets.")
app.add_typer(data_app, name="data")

_err = Console(stderr=True)


def _fail(exc: GraderError, json_for: Optional[Path] = None, lang: str = "en") -> None:
    """Say what went wrong on stderr and exit with its code; with `json_for` (a --json run on that
    path) also print the one JSON document: a rejected report naming the error's code."""
    _err.print(f"[bold red]error:[/] {exc}", highlight=False)
    candidates = getattr(exc, "candidates", ())
    if isinstance(exc, AssignmentNotFound) and candidates:
        _err.print("candidates: " + ", ".join(candidates), highlight=False)
    if json_for is not None:
        _print_rejected(json_for, exc.phrase, exc.code, lang)
    raise typer.Exit(exc.exit_code)


def _print_rejected(path: Path, why, code: str, lang: str = "en") -> None:
    from grader.feedback.report import to_json
    from grader.pipeline import rejected

    _emit_json(to_json(rejected(path, why, 0.0, lang, error=code)))


_json_written = False  # a --json run prints exactly one document: main() adds one only if none was


def _emit_json(text: str) -> None:
    global _json_written
    _json_written = True
    sys.stdout.write(text + "\n")


LangChoice = Enum("LangChoice", [(lang, lang) for lang in LANGS], type=str)  # --lang: the report languages


class SandboxChoice(str, Enum):
    auto = "auto"
    strict = "strict"
    off = "off"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    gradescope = "gradescope"


def _lang(value: Optional[LangChoice]) -> str:
    return default_lang() if value is None else value.value


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
    faithful: bool = typer.Option(False, "--faithful", help="train by Keras's own loop only (no fast path; "
                                                             "the same weights, slower)"),
    html: Optional[Path] = typer.Option(None, "--html", help="also write a self-contained HTML report with plots"),
) -> None:
    """Run a submission, measure what it trained, and report the score."""
    from grader.grading import assignment as assignments
    from grader.pipeline import Options, check_submission
    from grader.feedback.report import render, to_dict, to_json

    if not path.exists():
        _fail(UsageError(f"{path}: no such file or folder"), path if json_out else None, _lang(lang))
    try:
        chosen = assignments.find(assignment, assignments_dir) if assignment else None
        options = Options(assignment=chosen, assignments_dir=assignments_dir, data_dir=data_dir,
                          timeout_s=timeout, lang=_lang(lang), keep_dir=keep,
                          quick=quick, sandbox=sandbox.value, faithful=faithful)
        if json_out or not _err.is_terminal:
            report = check_submission(path, options)
        else:  # a live status line while the student's code runs: cell, elapsed time, epoch and loss
            with _err.status("starting the student's code...") as status:
                report = check_submission(path, replace(options, progress=lambda text: status.update(text)))
    except GraderError as exc:
        _fail(exc, path if json_out else None, _lang(lang))
    if html is not None:
        _write_html(html, to_dict(report), data_dir, report.lang)
    if json_out:
        _emit_json(to_json(report))
    else:
        render(report, Console())
    raise typer.Exit(report.exit_code)


def _write_html(path: Path, doc: dict, data_dir: Optional[Path], lang: str) -> None:
    from grader.data import find_mnist
    from grader.feedback.html import render_html

    try:
        data_path = find_mnist(data_dir)
    except GraderError:
        data_path = None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(doc, data_path, lang), encoding="utf-8")
    _err.print(f"HTML report: {path}", highlight=False)


@app.command("assignments")
def list_assignments(assignments_dir: Optional[Path] = typer.Option(None, "--assignments")) -> None:
    """List the assignments the grader knows."""
    from rich.table import Table

    from grader.grading.assignment import load_all

    try:
        found = load_all(assignments_dir)
    except GraderError as exc:
        _fail(exc)
    table = Table("id", "title", "checks", "points")
    for a in found:
        table.add_row(a.id, a.title, str(len(a.checks)), f"{a.max_score:g}")
    Console().print(table)


@data_app.command("import")
def data_import(
    file: Path = typer.Argument(..., help="an mnist.npz holding Keras's MNIST arrays"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="install here instead of the user data dir"),
) -> None:
    """Verify an mnist.npz (shapes, dtypes, checksum) and install it for the grader."""
    from grader.data import import_mnist

    try:
        target = import_mnist(file, data_dir)
    except GraderError as exc:
        _fail(exc)
    Console().print(f"MNIST verified and installed at {target}", highlight=False)


@data_app.command("fetch")
def data_fetch(
    url: Optional[str] = typer.Option(None, "--url", help="where the course hosts mnist.npz (default: Keras's own "
                                                          "location, or Keras's cache if it holds a good copy)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="install here instead of the user data dir"),
) -> None:
    """Download Keras's MNIST, verify its arrays (checksum) and install it for the grader."""
    from grader.data import fetch_mnist

    try:
        target, source = fetch_mnist(url, data_dir)
    except GraderError as exc:
        _fail(exc)
    Console().print(f"MNIST from {source} verified and installed at {target}", highlight=False)


@data_app.command("where")
def data_where(data_dir: Optional[Path] = typer.Option(None, "--data-dir")) -> None:
    """Show which verified mnist.npz the grader would serve."""
    from grader.data import find_mnist

    try:
        Console().print(str(find_mnist(data_dir)), highlight=False)
    except GraderError as exc:
        _fail(exc)


@app.command()
def reference(
    lab: Optional[str] = typer.Argument(None, help="assignment id (default: all)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    write: bool = typer.Option(True, "--write/--no-write", help="record the figures in the assignment's reference.json"),
    faithful: bool = typer.Option(False, "--faithful", help="train by Keras's own loop only (no fast path; "
                                                             "the same weights, slower)"),
) -> None:
    """Retrain the reference solutions; print each measured accuracy beside the published one."""
    from rich.table import Table
    from rich.text import Text

    from grader.grading import reference as ref
    from grader.grading.assignment import find, load_all

    table = Table("assignment", "part", "model", "epochs", "measured", "published", "gap (points)",
                  title="Reference runs (fixed seeds) vs the figures the course materials publish")
    try:
        labs = [find(lab)] if lab else list(load_all())
        for assignment in labs:
            found = ref.figures(ref.run_reference(assignment, data_dir, accelerate=not faithful), assignment)
            for f in found:
                gap = f.gap
                gap_text = Text("—" if gap is None else f"{gap:+.2f}", style="red" if gap is not None and gap > 1 else "")
                table.add_row(assignment.id, f.name, f.model.split(" ")[0], str(f.epochs),
                              "—" if f.accuracy is None else f"{f.accuracy:.4f}",
                              "—" if f.published is None else f"{f.published:.4f}", gap_text)
            if write:
                ref.write_figures(assignment, found)
    except GraderError as exc:
        _fail(exc)
    Console().print(table)


@app.command()
def validate(
    lab: str = typer.Argument(..., help="assignment id or folder"),
    quick: bool = typer.Option(False, "--quick", help="cap training; accuracy parts are then not judged"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    json_out: bool = typer.Option(False, "--json"),
    faithful: bool = typer.Option(False, "--faithful", help="train by Keras's own loop only (no fast path; "
                                                             "the same weights, slower)"),
) -> None:
    """Check an assignment's files and grade its reference solution, which must score full marks."""
    from grader.grading import assignment as assignments
    from grader.pipeline import Options, check_submission
    from grader.grading.reference import reference_solution
    from grader.feedback.report import render, to_json

    try:
        chosen = assignments.find(lab)
        report = check_submission(reference_solution(chosen), Options(assignment=chosen, data_dir=data_dir,
                                                                      quick=quick, lang="en", faithful=faithful))
    except GraderError as exc:
        _fail(exc, Path(lab) if json_out else None)
    # the reference must show every part, bonus parts included
    valid = report.status == "graded" and all(c.status in ("passed", "skipped") for c in report.checks)
    if json_out:
        _emit_json(to_json(report))
    else:
        render(report, Console())
        verdict = "valid: the reference solution passes every check" if valid else \
            "INVALID: the reference solution does not pass every check"
        Console().print(verdict, style="bold green" if valid else "bold red")
    raise typer.Exit(0 if valid else 1)


@app.command()
def grade(
    source: Path = typer.Argument(..., help="a folder of submissions (ID_NAME_*.zip) or one archive of them"),
    assignment: str = typer.Option(..., "-a", "--assignment", help="assignment name"),
    outdir: Path = typer.Option(Path("grades"), "-o", "--outdir", help="gradebook, feedback and exports go here"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="parallel submissions (default: what fits)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="tcp://HOST:PORT of a Dask scheduler"),
    pattern: str = typer.Option(None, "--pattern", help="regex with (?P<id>...) and (?P<name>...) for file names"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="seconds per cell (the run gets 4x)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    sandbox: SandboxChoice = typer.Option("auto", "--sandbox"),
    lang: Optional[LangChoice] = typer.Option(None, "--lang"),
    faithful: bool = typer.Option(False, "--faithful", help="train by Keras's own loop only (no fast path; "
                                                             "the same weights, slower)"),
) -> None:
    """Grade a whole class: resumable, parallel, one current result per student in a SQLite gradebook."""
    from grader.classroom import batch
    from grader.grading.assignment import find
    from grader.data import find_mnist
    from grader.classroom.gradebook import Gradebook
    from grader.feedback.html import render_html
    from grader.feedback.report import to_markdown

    try:
        chosen = find(assignment)
        data_path = find_mnist(data_dir)
        candidates = batch.discover(source, pattern or batch.DEFAULT_PATTERN, outdir / ".incoming")
    except GraderError as exc:
        _fail(exc)
    if not candidates:
        _err.print(f"[bold red]error:[/] no submissions (.zip, .ipynb, .py) found in {source}")
        raise typer.Exit(2)
    book = Gradebook(outdir / "gradebook.sqlite")
    feedback = outdir / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    options = {"data_dir": str(data_path.parent), "timeout_s": timeout, "lang": _lang(lang),
               "sandbox": sandbox.value, "faithful": faithful}
    keys = {c.student_id: batch.cache_key(c, chosen, options) for c in candidates}
    tally = {"passed": 0, "failed": 0, "rejected": 0, "cached": 0}
    outcomes: list = []
    progress, task = cli_batch.batch_progress(len(candidates))

    def on_result(outcome) -> None:
        c = outcome.candidate
        if outcome.report is None:
            tally["cached"] += 1
        else:
            book.record(c.student_id, c.name, str(c.path), c.sha256, chosen.id, keys[c.student_id], outcome.report,
                        outcome.exit_code)
            (feedback / f"{c.student_id}.md").write_text(to_markdown(outcome.report, options["lang"]),
                                                         encoding="utf-8")
            (feedback / f"{c.student_id}.html").write_text(render_html(outcome.report, data_path, options["lang"]),
                                                           encoding="utf-8")
            tally[{0: "passed", 1: "failed"}.get(outcome.exit_code, "rejected")] += 1
            outcomes.append(outcome)
        progress.update(task, advance=1, description=" ".join(f"{k} {v}" for k, v in tally.items()))

    with progress:
        batch.run(candidates, chosen, options, jobs=jobs or batch.default_jobs(), scheduler=scheduler,
                  is_cached=lambda c: book.cached(c.student_id, chosen.id, keys[c.student_id]), on_result=on_result)
    _err.print("done: " + ", ".join(f"{k} {v}" for k, v in tally.items()), highlight=False)
    cli_batch.batch_summary(book, chosen.id, outcomes, tally)
    book.close()
    if len(candidates) > 1:
        cli_batch.similarity_report(candidates, chosen, outdir / "similarity.html", 5)


@app.command()
def similarity(
    source: Path = typer.Argument(..., help="a folder of submissions (ID_NAME_*.zip) or one archive of them"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment", help="exclude this lab's starter and reference code"),
    html: Path = typer.Option(Path("similarity.html"), "--html", help="side-by-side view of the matched regions"),
    pattern: str = typer.Option(None, "--pattern"),
    top: int = typer.Option(10, "--top", min=1),
) -> None:
    """Rank pairs of students by how much code they share (renames, comments and cell order do not hide it)."""
    from grader.classroom import batch
    from grader.grading.assignment import find

    try:
        chosen = find(assignment) if assignment else None
        candidates = batch.discover(source, pattern or batch.DEFAULT_PATTERN)
    except GraderError as exc:
        _fail(exc)
    cli_batch.similarity_report(candidates, chosen, html, top)


@app.command("export")
def export_cmd(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    fmt: ExportFormat = typer.Option("csv", "--format"),
    lang: Optional[LangChoice] = typer.Option(None, "--lang", help="word the messages in this language "
                                              "(default: as they were graded)"),
) -> None:
    """Export the gradebook: CSV (a column per check), JSON, or Gradescope results.json files."""
    from grader.classroom.export import export

    if not (outdir / "gradebook.sqlite").is_file():
        _err.print(f"[bold red]error:[/] {outdir} holds no gradebook.sqlite (run `grader grade` first)")
        raise typer.Exit(2)
    written = export(outdir, fmt.value, lang=lang.value if lang else None)
    Console().print(f"wrote {len(written)} file(s): {written[0] if len(written) == 1 else written[0].parent.parent}",
                    highlight=False)


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


def main() -> None:
    try:
        app()
    except SystemExit as exc:
        # Typer's own usage errors (a bad option, a missing argument) exit 2 before any command ran:
        # under --json they still get their one document, a rejected report with the error "usage"
        if exc.code == 2 and "--json" in sys.argv[1:] and not _json_written:
            target = next((a for a in sys.argv[2:] if not a.startswith("-")), "")
            _print_rejected(Path(target), "the command line was not understood (see the message on stderr)", "usage")
        raise
    except KeyboardInterrupt:
        _err.print("interrupted")
        sys.exit(130)
