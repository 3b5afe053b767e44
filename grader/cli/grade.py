"""The class commands: `grade`, `similarity` and `export`. They parse and print; the work is
`grader.classroom`'s (`grade_class`, `similarity.rank_class`, `export.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.cli.common import FAITHFUL_HELP, ExportFormat, LangChoice, SandboxChoice, err, fail, lang_of
from grader.errors import GraderError


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
    faithful: bool = typer.Option(False, "--faithful", help=FAITHFUL_HELP),
    flag_at: float = typer.Option(0.5, "--flag-at", min=0.0, max=1.0, help="share of code in common that flags a pair"),
    min_tokens: int = typer.Option(80, "--min-tokens", min=0, help="fewest tokens in common (beyond boilerplate) "
                                                                  "a flagged pair has"),
    shared_by: Optional[int] = typer.Option(None, "--shared-by", min=1, help="passages in more students' code than "
                                            "this are boilerplate (default: half the class, at least 4)"),
) -> None:
    """Grade a whole class: resumable, parallel, one current result per student in a SQLite gradebook."""
    from grader.classroom import grade_class
    from grader.classroom.similarity import Rules, rank_class
    from grader.grading.assignment import find

    rules = Rules(flag_at=flag_at, min_tokens=min_tokens, shared_by=shared_by)
    try:
        chosen = find(assignment)
        with BatchProgress() as show:
            result = grade_class(source, chosen, outdir, lang=lang_of(lang), timeout_s=timeout, sandbox=sandbox.value,
                                 faithful=faithful, data_dir=data_dir, jobs=jobs, scheduler=scheduler,
                                 pattern=pattern, on_progress=show)
    except GraderError as exc:
        fail(exc)
    err.print("done: " + result.tally.text(), highlight=False)
    batch_summary(result)
    ranking = rank_class(result.candidates, chosen, rules) if len(result.candidates) > 1 else None
    if ranking is not None:
        similarity_report(ranking, outdir / "similarity.html", 5)
    from grader.classroom.export import overview_html

    page = outdir / "class.html"
    page.write_text(overview_html(result.rows, lang_of(lang), chosen.id, ranking), encoding="utf-8")
    Console().print(f"class overview: {page}", highlight=False)


def similarity(
    source: Path = typer.Argument(..., help="a folder of submissions (ID_NAME_*.zip) or one archive of them"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment", help="exclude this lab's starter and reference code"),
    html: Path = typer.Option(Path("similarity.html"), "--html", help="side-by-side view of the matched regions"),
    pattern: str = typer.Option(None, "--pattern"),
    top: int = typer.Option(10, "--top", min=1),
    flag_at: float = typer.Option(0.5, "--flag-at", min=0.0, max=1.0, help="share of code in common that flags a pair"),
    min_tokens: int = typer.Option(80, "--min-tokens", min=0, help="fewest tokens in common (beyond boilerplate) "
                                                                  "a flagged pair has"),
    shared_by: Optional[int] = typer.Option(None, "--shared-by", min=1, help="passages in more students' code than "
                                            "this are boilerplate (default: half the class, at least 4)"),
) -> None:
    """Rank pairs of students by how much code they share (renames, comments and cell order do not hide it)."""
    from grader.classroom import batch
    from grader.classroom.similarity import Rules, rank_class
    from grader.grading.assignment import find

    rules = Rules(flag_at=flag_at, min_tokens=min_tokens, shared_by=shared_by)
    try:
        chosen = find(assignment) if assignment else None
        candidates = batch.discover(source, pattern or batch.DEFAULT_PATTERN)
    except GraderError as exc:
        fail(exc)
    similarity_report(rank_class(candidates, chosen, rules), html, top)


def export_cmd(
    outdir: Path = typer.Argument(..., help="the folder `grader grade` wrote"),
    fmt: ExportFormat = typer.Option("csv", "--format"),
    lang: Optional[LangChoice] = typer.Option(None, "--lang", help="word the messages in this language "
                                              "(default: as they were graded)"),
    assignment: Optional[str] = typer.Option(None, "-a", "--assignment", help="only this assignment"),
    roster: Optional[Path] = typer.Option(None, "--roster", help="canvas: Canvas's own gradebook export, whose "
                                          "ID, SIS Login ID and Section columns fill the file's"),
    column: Optional[str] = typer.Option(None, "--column", help="canvas: the assignment's column as Canvas names "
                                         "it, e.g. 'Lab 9 (12345)' (default: the assignment's id)"),
) -> None:
    """Export the gradebook: CSV (a column per check), JSON, Gradescope results.json files, Canvas's
    gradebook import CSV, or the class's overview page (html); each with the final score (the TA's
    overrides applied, the late penalty taken off) beside the automatic one."""
    from grader.classroom.export import export

    try:
        written = export(outdir, fmt.value, assignment=assignment, lang=lang.value if lang else None,
                         roster=roster, column=column)
    except GraderError as exc:
        fail(exc)
    Console().print(f"wrote {len(written)} file(s): {written[0] if len(written) == 1 else written[0].parent.parent}"
                    if written else "wrote nothing", highlight=False)


class BatchProgress:
    """The live progress bar of `grader grade`, fed by `grade_class`'s `on_progress`. It appears at the
    first report (when the class's size is known), so an error before grading draws no bar."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None

    def __call__(self, progress) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        if self.bar is None:
            self.bar = Progress(TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.description}"),
                                console=Console(stderr=True))
            self.task = self.bar.add_task("", total=progress.total)
            self.bar.start()
        description = progress.tally.text(" ") if progress.outcome is not None else ""
        self.bar.update(self.task, completed=progress.done, description=description)

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def batch_summary(result) -> None:
    """The class after the run (`classroom.ClassResult`): counts and score range, the score
    distribution, the slowest submissions of this run, and why the ungraded were not graded."""
    import statistics

    from rich.table import Table

    console = Console()
    rows, tally = result.rows, result.tally
    scores = [r.score for r in rows if r.status == "graded"]
    summary = Table(title=f"{result.assignment}: {len(rows)} students", title_justify="left")
    for column in ("graded", "passed", "failed", "rejected", "cached", "min", "median", "max"):
        summary.add_column(column, justify="right")
    summary.add_row(str(len(scores)), str(tally.passed), str(tally.failed), str(tally.rejected),
                    str(tally.cached), *(f"{f(scores):g}" if scores else "—" for f in (min, statistics.median, max)))
    console.print(summary)
    if scores:
        top = max(r.max_score for r in rows) or 1
        bins = [0] * 5
        for score in scores:
            bins[min(4, int(score / top * 5))] += 1
        console.print("score distribution: " + "  ".join(
            f"{i * 20}-{(i + 1) * 20}%: {n}" for i, n in enumerate(bins)), highlight=False)
    late = [r for r in rows if r.lateness is not None and r.lateness.late]
    if any(r.lateness is not None for r in rows):
        console.print(f"late: {len(late)} of {len(rows)}" + (" (" + ", ".join(
            f"{r.student_id} -{r.lateness.penalty:.0%}" for r in late[:10]) + ")" if late else ""), highlight=False)
    slow = result.slowest(3)
    if slow:
        console.print("slowest: " + ", ".join(f"{o.candidate.student_id} ({o.report.duration_s:.0f} s)" for o in slow),
                      highlight=False)
    broken = [r for r in rows if r.status != "graded"]
    if broken:
        table = Table("student", "reason", title="Not graded", title_justify="left")
        for r in broken:
            table.add_row(r.student_id, "; ".join(r.report.get("messages", []))[:200])
        console.print(table)


def similarity_report(ranking, html: Path, top: int) -> None:
    """The `top` most similar pairs as a table, and the side-by-side page written to `html`."""
    from rich.table import Table
    from rich.text import Text

    from grader.classroom import similarity

    names = ranking.names
    rules = ranking.rules or similarity.Rules()
    table = Table("#", "student", "student", "similarity", "tokens in common", "flagged",
                  title=f"Most similar pairs ({len(ranking.codes)} students; flagged at {rules.flag_at:.0%} with "
                        f"{rules.min_tokens}+ tokens in common)", title_justify="left")
    for i, p in enumerate(ranking.pairs[:top], 1):
        style = "bold red" if p.suspicious else ""
        table.add_row(str(i), f"{p.a} {names.get(p.a, '')}", f"{p.b} {names.get(p.b, '')}",
                      Text(f"{p.similarity:.0%}", style=style), str(p.overlap_tokens), "yes" if p.suspicious else "")
    Console().print(table)
    if ranking.common:
        Console().print(f"left out as the class's boilerplate: {ranking.common} passages found in more than "
                        f"{rules.boilerplate_after(len(ranking.codes))} students' code", highlight=False)
    written = similarity.write_side_by_side(html, ranking, top)
    Console().print(f"side-by-side view: {written}", highlight=False)
