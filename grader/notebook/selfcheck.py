"""The self-check of the live session: traced facts -> Run -> measured here -> scored -> Report.

The same steps as a grading run (`pipeline.check_submission`) after execution, over what this
session already did: nothing is trained again. The models are measured in this process, on the
grader's own test set, from the files the tracer saved when their training ended.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from grader.execution.measure import measure_here
from grader.execution.trace import read_facts
from grader.feedback.hints import default_lang as system_lang
from grader.feedback.hints import hint_for
from grader.grading import quiz
from grader.grading.assignment import find
from grader.grading.graded import graded_report
from grader.inside import runtime, state
from grader.message import Phrase, msg
from grader.models import CellResult, Entry, Lang, Report, Run
from grader.notebook import session, sources

SELF_CHECK = msg("a self-check of this live session: the grade runs the notebook again from the top, in a sandbox")


def check_session(lab: str, *, shell: Any = None, lang: Lang | None = None, notebook: str | None = None,
                  answers: str | None = None) -> Report:
    """The report of this session against assignment `lab` (AssignmentNotFound for an unknown
    name; a notebook path that cannot be read is ValueError)."""
    started = time.monotonic()
    assignment = find(lab)
    loaded_late = session.current is None or session.current.shell is not shell
    live = session.start(shell)
    namespace: dict[str, Any] = shell.user_ns if shell is not None else {}
    nb = sources.find_notebook(notebook, namespace)
    lang = lang or default_lang(nb)
    if not live.traced:
        return _rejected(nb, msg("TensorFlow could not be imported in this session"), started, lang)
    state.current.set_predict_functions(assignment.predict_functions)
    # models trained before the tracing began are still in the variables (only the latest of each)
    adopted = session.adopt_live_models(namespace) if loaded_late or live.ran_before else 0
    facts = _facts_now(namespace, nb)
    run = Run(entry=Entry(Path(nb.name if nb else "session"), "notebook", nb.name if nb else "session"),
              cells=_cell_results(live.outcomes, nb), models=facts.models, markdown=nb.markdown if nb else (),
              output_dir=live.out_dir, saves=facts.saves, loads=facts.loads)
    loads = state.current.loads_mark()
    run = measure_here(run, live.data_path or _fetch_data(live))
    state.current.forget_loads_since(loads)  # the measuring's own load_model is not the student's
    answer_files = {Path(answers).name: Path(answers).read_text(encoding="utf-8", errors="replace")[:100_000]} \
        if answers else {}
    messages: list[Phrase] = [SELF_CHECK]
    if loaded_late or live.ran_before:
        messages.append(msg("grader was loaded after {n} cell(s) had run: the models still held by variables were "
                            "found, but earlier, overwritten ones could not be seen (put `%load_ext grader` in the "
                            "first cell)", n=max(live.ran_before, 1)))
    if adopted:
        messages.append(msg("{n} model(s) were found alive in the session without being seen training; their "
                            "history is Keras's own record", n=adopted))
    if nb is None and not answers and any(c.kind == "quiz" for c in assignment.checks):
        messages.append(msg("the quiz answers could not be read: this session's notebook is unknown; say "
                            "`--notebook PATH` (or `--answers FILE`)"))
    messages.extend(facts.notes)  # the runtime's notes (which TensorFlow and Keras ran the code, ...)
    if nb is not None and live.shell is not None:  # last: they end with "Restart and run all"
        messages.extend(sources.session_warnings(nb, _raw_history(live.shell), namespace,
                                                 getattr(live.shell, "transform_cell", lambda s: s)))
    return graded_report(run, assignment, quiz.extract_answers(run.markdown, answer_files),
                         submission=nb.name if nb else "session", sha256=None, entry=nb.name if nb else None,
                         messages=messages, started=started, lang=lang)


def _facts_now(namespace: dict[str, Any], nb: sources.LiveNotebook | None):
    """The facts with the session's custom loops and prediction functions recorded as of now;
    those records are taken back afterwards, so a second check does not count them twice."""
    before = state.current.snapshot()
    runtime.finalize(namespace)
    facts = read_facts(session.current.out_dir, _cell_of_position(state.current.cell_sources, nb))
    state.current.keep_traced_since(before)
    return facts


def _cell_of_position(cell_sources: dict[int, str], nb: sources.LiveNotebook | None) -> dict[int, int]:
    """Session cell positions -> notebook cell indices, by the code that ran there."""
    if nb is None:
        return {}
    by_code: dict[str, int] = {}
    for cell in nb.code:
        by_code.setdefault(sources.same_code(cell.source), cell.index)
    return {position: by_code[code] for position, source in cell_sources.items()
            if (code := sources.same_code(source)) in by_code}


def _cell_results(outcomes: list[session.CellOutcome], nb: sources.LiveNotebook | None) -> tuple[CellResult, ...]:
    """The last outcome of each cell still in the notebook (of each one run, if it is unknown)."""
    index_of = {sources.same_code(c.source): c.index for c in nb.code} if nb is not None else {}
    latest: dict[Any, CellResult] = {}
    for outcome in outcomes:
        code = sources.same_code(outcome.source)
        if nb is not None and code not in index_of:
            continue  # rewritten or deleted since: what it did is not the notebook's
        index = index_of.get(code, outcome.count if outcome.count is not None else len(latest))
        latest[index] = CellResult(index, "error" if outcome.error else "ok", outcome.source, error=outcome.error,
                                   traceback=outcome.traceback,
                                   hint=hint_for(outcome.source, outcome.error, outcome.traceback))
    return tuple(latest[k] for k in sorted(latest))


def _raw_history(shell) -> list[str]:
    manager = getattr(shell, "history_manager", None)
    raw = getattr(manager, "input_hist_raw", None)
    return list(raw) if isinstance(raw, list) else list(shell.user_ns.get("In") or [])


def _fetch_data(live: session.Session) -> Path:
    """MNIST for measuring when the grader has no copy: Keras's own download (or its cache),
    verified against the grader's checksum and kept (DatasetError if neither works)."""
    from grader.data import fetch_mnist

    path, _ = fetch_mnist()
    live.data_path = path
    state.current.use_data(path)
    return path


def default_lang(nb: sources.LiveNotebook | None) -> Lang:
    """Korean when the notebook is written in Korean; else the system's language, by the same rule
    as `grader check` (`feedback.hints.default_lang`: the first set of LC_ALL, LC_MESSAGES, LANG)."""
    if nb is not None:
        text = "".join(c.source for c in nb.cells)
        hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in text)
        if hangul >= 20:
            return "ko"
    return system_lang()


def _rejected(nb, why: Phrase, started: float, lang: Lang) -> Report:
    return Report.from_rejection(nb.name if nb else "session", why, duration_s=time.monotonic() - started, lang=lang,
                                 error="execution")
