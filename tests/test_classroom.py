"""The classroom's pure parts and `grade_class`'s contract, without kernels: cache keys, outcome
tallies, a grader failure becoming a rejected report with its code, and a class graded (by a fake
engine) into the gradebook and feedback files, then skipped as cached; the `grade` command's
output and exit codes through Typer's runner."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.classroom import Progress, Tally, batch, grade_class
from grader.classroom.batch import Candidate, Outcome, cache_key, refusal
from grader.errors import ExecutionError, UnreadableArchive
from grader.grading.assignment import find
from grader.models import CheckResult, Report, ReportStatus


def report(submission: str, score: float, status: ReportStatus = "graded", duration_s: float = 1.0) -> Report:
    checks = (CheckResult("a", "A", "passed" if score == 3 else "failed", score, 3.0, "m"),)
    return Report("0", submission, "s", "lab09-xor", status, score, 3.0, checks=checks, duration_s=duration_s)


def candidate(student_id: str = "1", sha: str = "aa") -> Candidate:
    return Candidate(student_id, "홍길동", Path(f"/class/{student_id}_홍길동_submit.zip"), sha)


# --- cache keys --------------------------------------------------------------------------------------------

BASE = {"lang": "en", "timeout_s": None, "sandbox": "auto", "faithful": False, "data_dir": "/a"}


def test_the_cache_key_follows_the_report_options_but_not_where_the_data_is():
    lab = find("lab09-xor")
    key = cache_key(candidate(), lab, BASE)
    assert key == cache_key(candidate(), lab, {**BASE, "data_dir": "/b", "threads": 4})
    for option, value in (("lang", "ko"), ("timeout_s", 30), ("sandbox", "off"), ("faithful", True)):
        assert key != cache_key(candidate(), lab, {**BASE, option: value}), option
    assert key != cache_key(candidate(sha="bb"), lab, BASE)  # the submission changed


def test_the_cache_key_follows_the_assignment_files_and_the_grader_version(tmp_path, monkeypatch):
    lab = find("lab09-xor")
    copy = replace(lab, root=Path(shutil.copytree(lab.root, tmp_path / "lab", ignore=shutil.ignore_patterns("__pycache__"))))
    key = cache_key(candidate(), copy, BASE)
    assert key == cache_key(candidate(), lab, BASE)  # the same files wherever they are
    (copy.root / "assignment.toml").write_text((copy.root / "assignment.toml").read_text() + "\n# changed\n")
    assert cache_key(candidate(), copy, BASE) != key
    monkeypatch.setattr(batch, "__version__", "99.0")
    assert cache_key(candidate(), lab, BASE) != key


# --- outcomes and tallies ----------------------------------------------------------------------------------

def test_an_outcome_is_passed_failed_rejected_or_cached_and_the_tally_counts_them():
    outcomes = [Outcome(candidate("1"), report("a", 3.0)), Outcome(candidate("2"), report("b", 1.0)),
                Outcome(candidate("3"), Report.from_rejection("c", "no notebook", error="no_entry_point")),
                Outcome(candidate("4"), None), Outcome(candidate("5"), report("e", 3.0))]
    assert [o.verdict for o in outcomes] == ["passed", "failed", "rejected", "cached", "passed"]
    assert [o.exit_code for o in outcomes] == [0, 1, 2, 0, 0]
    assert outcomes[3].cached and not outcomes[0].cached
    tally = Tally.of(outcomes)
    assert tally == Tally(passed=2, failed=1, rejected=1, cached=1)
    assert tally.text() == "passed 2, failed 1, rejected 1, cached 1"  # `grader grade`'s "done:" line
    assert tally.text(" ") == "passed 2 failed 1 rejected 1 cached 1"
    assert Tally().add(outcomes[3]) == Tally(cached=1)


# --- a grader failure is a rejected report with its code --------------------------------------------------

def test_a_grader_error_becomes_a_rejected_report_keeping_its_code_and_message():
    found = refusal(UnreadableArchive("not a zip file"), "/class/1_a_submit.zip", "ko")
    assert (found.status, found.error, found.score, found.exit_code) == ("rejected", "unreadable_archive", 0.0, 2)
    assert found.messages == ("not a zip file",) and found.lang == "ko" and found.submission == "/class/1_a_submit.zip"


def test_any_other_failure_is_a_rejected_report_with_the_code_internal():
    found = refusal(MemoryError("worker killed"), "s.zip")
    assert (found.status, found.error) == ("rejected", "internal")
    assert "MemoryError: worker killed" in found.messages[0]


def test_a_dead_worker_gives_the_student_a_rejected_report_never_an_invented_status():
    future: Future = Future()
    future.set_exception(RuntimeError("the process pool broke"))
    outcome = batch._outcome(candidate(), future, "en")
    assert isinstance(outcome.report, Report)
    assert (outcome.report.status, outcome.report.error, outcome.verdict) == ("rejected", "internal", "rejected")


def test_grade_one_turns_a_grader_error_into_the_students_rejected_report(monkeypatch):
    import grader.pipeline

    def refuse(path, options):
        raise ExecutionError("bubblewrap is not installed")

    monkeypatch.setattr(grader.pipeline, "check_submission", refuse)
    lab = find("lab09-xor")
    found = batch.grade_one("/class/1_a_submit.zip", b"PK", lab.id, str(lab.root), {"lang": "en"})
    assert (found.status, found.error, found.submission) == ("rejected", "execution", "/class/1_a_submit.zip")


def test_a_report_crosses_to_the_coordinator_intact():
    import pickle

    graded = report("a.zip", 3.0)
    assert pickle.loads(pickle.dumps(graded)) == graded


# --- grade_class, with a fake engine ----------------------------------------------------------------------

def build_class(folder: Path, students=("202300001_김철수", "202300002_이영희", "202300003_박민수")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, student in enumerate(students):
        with zipfile.ZipFile(folder / f"{student}_submit.zip", "w") as zf:
            zf.writestr("xor.py", f"# xor\nprint({i})\n" * (i + 1))
    return folder


@pytest.fixture
def engine(monkeypatch, tmp_path):
    """`batch.run` replaced: the first student passes, the second fails, the third breaks the grader."""
    import grader.data

    monkeypatch.setattr(grader.data, "find_mnist", lambda data_dir=None: tmp_path / "mnist.npz")
    graded: list[str] = []

    def run(candidates, assignment, options, *, jobs, scheduler, is_cached, on_result):
        for i, c in enumerate(candidates):
            if is_cached(c):
                on_result(Outcome(c, None))
                continue
            graded.append(c.student_id)
            if i == 2:
                failed: Future = Future()
                failed.set_exception(ExecutionError("the sandbox could not start"))
                on_result(batch._outcome(c, failed, options["lang"]))
            else:
                on_result(Outcome(c, replace(report(str(c.path), 3.0 if i == 0 else 1.0, duration_s=i + 1.0),
                                             lang=options["lang"])))

    monkeypatch.setattr(batch, "run", run)
    return graded


def rows(out: Path) -> dict[str, tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    found = db.execute("SELECT student_id, status, score, exit_code FROM results WHERE current = 1").fetchall()
    db.close()
    return {r[0]: r[1:] for r in found}


def test_grade_class_records_rows_and_feedback_then_skips_the_unchanged_as_cached(tmp_path, engine):
    klass, out = build_class(tmp_path / "class"), tmp_path / "out"
    lab = find("lab09-xor")
    heard: list[Progress] = []
    result = grade_class(klass, lab, out, lang="ko", jobs=1, on_progress=heard.append)
    assert result.tally == Tally(passed=1, failed=1, rejected=1)
    assert [p.done for p in heard] == [0, 1, 2, 3] and {p.total for p in heard} == {3} and heard[0].outcome is None
    assert heard[-1].tally == result.tally
    assert all(isinstance(o.report, Report) for o in result.outcomes)
    broken = result.outcomes[2].report
    assert (broken.status, broken.error) == ("rejected", "execution")  # the error's code is kept, no "error" status
    assert rows(out) == {"202300001": ("graded", 3.0, 0), "202300002": ("graded", 1.0, 1),
                         "202300003": ("rejected", 0.0, 2)}
    assert [r.student_id for r in result.rows] == ["202300001", "202300002", "202300003"]
    assert result.rows[2].report["error"] == "execution"
    for sid in rows(out):
        assert (out / "feedback" / f"{sid}.md").read_text(encoding="utf-8").strip()
        assert "<html" in (out / "feedback" / f"{sid}.html").read_text(encoding="utf-8")
    assert "제출물을 채점할 수 없습니다" in (out / "feedback" / "202300003.md").read_text(encoding="utf-8")  # in Korean
    assert [o.candidate.student_id for o in result.slowest(2)] == ["202300002", "202300001"]

    again = grade_class(klass, lab, out, lang="ko", jobs=1)
    assert again.tally == Tally(cached=3) and engine == ["202300001", "202300002", "202300003"]
    assert again.slowest() == () and len(again.rows) == 3

    english = grade_class(klass, lab, out, lang="en", jobs=1)  # another report option: graded again
    assert english.tally == Tally(passed=1, failed=1, rejected=1)
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 6
    assert db.execute("SELECT COUNT(*) FROM results WHERE current = 1").fetchone()[0] == 3  # one current each
    db.close()


def test_grade_class_without_submissions_is_a_usage_error(tmp_path, engine):
    from grader.errors import UsageError

    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no submissions"):
        grade_class(tmp_path / "empty", find("lab09-xor"), tmp_path / "out")


# --- the command: it parses and prints ---------------------------------------------------------------------

def test_the_grade_command_prints_the_tally_the_summary_and_the_pairs(tmp_path, engine):
    from grader.cli.main import app

    klass, out = build_class(tmp_path / "class"), tmp_path / "out"
    args = ["grade", str(klass), "-a", "lab09-xor", "-o", str(out), "--jobs", "1", "--lang", "en"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "done: passed 1, failed 1, rejected 1, cached 0" in first.stderr
    assert "lab09-xor: 3 students" in first.stdout and "Not graded" in first.stdout and "202300003" in first.stdout
    assert "slowest: 202300002 (2 s), 202300001 (1 s)" in first.stdout and "Most similar pairs" in first.stdout
    assert (out / "similarity.html").is_file()
    assert "Class overview: lab09-xor" in (out / "class.html").read_text(encoding="utf-8")
    assert "class overview:" in first.stdout
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0 and "done: passed 0, failed 0, rejected 0, cached 3" in second.stderr
    assert "slowest" not in second.stdout


def words(text: str) -> str:
    return " ".join(text.split())  # the console wraps long lines


def test_the_class_commands_refuse_with_exit_2(tmp_path, engine):
    from grader.cli.main import app

    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(app, ["grade", str(tmp_path / "empty"), "-a", "lab09-xor", "-o", str(tmp_path / "o")])
    assert empty.exit_code == 2 and "no submissions (.zip, .ipynb, .py) found in" in words(empty.stderr)
    unknown = CliRunner().invoke(app, ["grade", str(tmp_path / "empty"), "-a", "lab99"])
    assert unknown.exit_code == 2 and "lab10-mnist" in unknown.stderr
    export = CliRunner().invoke(app, ["export", str(tmp_path / "empty")])
    assert export.exit_code == 2 and "holds no gradebook.sqlite (run `grader grade` first)" in words(export.stderr)
    assert not (tmp_path / "empty" / "gradebook.sqlite").exists()  # refusing did not create an empty one
