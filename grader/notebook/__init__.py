"""The self-check in the student's own notebook, as the course's project page describes it.

    %load_ext grader              # first cell: every model trained from now on is traced
    ...                           # the lab, as written
    %grader check lab10-mnist     # last cell: measured, scored, shown; nothing is trained again

`check("lab10-mnist")` is the same from Python. The steps: `session` (live tracing, late
discovery of models) -> `sources` (the notebook's own text: Colab, Jupyter, VS Code, a path;
how the session was run) -> `selfcheck` (facts -> measured here -> scored -> Report) -> `show`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.models import Lang, Report


def check(lab: str, *, lang: "Lang | None" = None, notebook: str | None = None, answers: str | None = None,
          json: bool = False) -> "Report | None":
    """Self-check this session against `lab`, show the report, and return it (None while the
    notebook is being graded: the grade is the grading run's)."""
    from IPython import get_ipython

    if grading():
        from grader.inside.runtime import SELF_CHECK_SKIPPED

        print(SELF_CHECK_SKIPPED)
        return None
    from grader.notebook.selfcheck import check_session
    from grader.notebook.show import show

    shell = get_ipython()
    report = check_session(lab, shell=shell, lang=lang, notebook=notebook, answers=answers)
    show(report, as_json=json, shell=shell)
    return report


def grading() -> bool:
    """True inside a grading run's kernel, where the runtime already traces everything."""
    from grader.inside import state

    return state.current is not None and not state.current.live


def load(shell) -> None:
    """`%load_ext grader`: trace this session, and register `%grader` (a no-op while grading)."""
    from grader.notebook import session
    from grader.notebook.magic import grader_magic

    if grading():
        from grader.inside.runtime import skip_self_check

        return skip_self_check(shell)
    session.start(shell)
    shell.register_magic_function(lambda line: grader_magic(line, shell), magic_kind="line", magic_name="grader")


def unload(shell) -> None:
    from grader.notebook import session

    session.stop()
