"""What `grader grade` and `grader similarity` print: the live progress bar, the class summary, the pairs table."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

def batch_progress(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.description}"),
                        console=Console(stderr=True))
    return progress, progress.add_task("", total=total)


def batch_summary(book, assignment_id: str, outcomes: list, tally: dict) -> None:
    import statistics

    from rich.table import Table

    console = Console()
    rows = list(book.current(assignment_id))
    scores = [r.score for r in rows if r.status == "graded"]
    summary = Table(title=f"{assignment_id}: {len(rows)} students", title_justify="left")
    for column in ("graded", "passed", "failed", "rejected", "cached", "min", "median", "max"):
        summary.add_column(column, justify="right")
    summary.add_row(str(len(scores)), str(tally["passed"]), str(tally["failed"]), str(tally["rejected"]),
                    str(tally["cached"]), *(f"{f(scores):g}" if scores else "—" for f in (min, statistics.median, max)))
    console.print(summary)
    if scores:
        top = max(r.max_score for r in rows) or 1
        bins = [0] * 5
        for score in scores:
            bins[min(4, int(score / top * 5))] += 1
        console.print("score distribution: " + "  ".join(
            f"{i * 20}-{(i + 1) * 20}%: {n}" for i, n in enumerate(bins)), highlight=False)
    slow = sorted(outcomes, key=lambda o: -o.report.get("duration_s", 0))[:3]
    if slow:
        console.print("slowest: " + ", ".join(f"{o.candidate.student_id} ({o.report['duration_s']:.0f} s)" for o in slow),
                      highlight=False)
    broken = [r for r in rows if r.status != "graded"]
    if broken:
        table = Table("student", "reason", title="Not graded", title_justify="left")
        for r in broken:
            table.add_row(r.student_id, "; ".join(r.report.get("messages", []))[:200])
        console.print(table)


def similarity_report(candidates, assignment, html: Path, top: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from grader.classroom import similarity
    codes = {c.student_id: similarity.code_of(c.path) for c in candidates}
    names = {c.student_id: c.name for c in candidates}
    pairs = similarity.compare(codes, similarity.boilerplate_of(assignment) if assignment else [])
    table = Table("#", "student", "student", "similarity", "tokens in common",
                  title=f"Most similar pairs ({len(codes)} students; flagged at {similarity.FLAG_AT:.0%})",
                  title_justify="left")
    for i, p in enumerate(pairs[:top], 1):
        style = "bold red" if p.suspicious else ""
        table.add_row(str(i), f"{p.a} {names.get(p.a, '')}", f"{p.b} {names.get(p.b, '')}",
                      Text(f"{p.similarity:.0%}", style=style), str(p.overlap_tokens))
    Console().print(table)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(similarity.side_by_side_html(pairs, codes, top), encoding="utf-8")
    Console().print(f"side-by-side view: {html}", highlight=False)
