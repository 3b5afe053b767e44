"""Show a self-check's report where the student is: rich HTML in a notebook, text in a terminal,
or the `--json` document alone on the cell's stdout."""

from __future__ import annotations

import io
import sys

from grader.feedback.report import render, to_json
from grader.models import Report


def show(report: Report, *, as_json: bool = False, shell=None) -> None:
    if as_json:
        sys.stdout.write(to_json(report) + "\n")
        sys.stdout.flush()
        return
    from rich.console import Console

    if _has_frontend(shell):
        from IPython.display import HTML, display

        console = Console(record=True, file=io.StringIO(), width=110, force_terminal=False)
        render(report, console)
        display(HTML(console.export_html(inline_styles=True, code_format=_HTML_FRAME)))
    else:
        render(report, Console(file=sys.stdout, width=110))


_HTML_FRAME = ('<pre style="font-family: Menlo, \'DejaVu Sans Mono\', \'Noto Sans Mono CJK KR\', monospace; '
               'font-size: 12px; line-height: 1.35; white-space: pre-wrap">{code}</pre>')


def _has_frontend(shell) -> bool:
    """A kernel with a notebook frontend (Jupyter, Colab, VS Code), not a terminal IPython."""
    return shell is not None and type(shell).__name__ in ("ZMQInteractiveShell", "Shell")
