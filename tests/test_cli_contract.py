"""The command's contract, in the unit tier: exit codes, one JSON document, usage errors, no traceback.

`grader.cli.main.main` runs as the installed `grader` would, on arguments, with stdout and stderr
captured. Submissions are graded by the packaged replay executor (`--replay`) from runs recorded by
`grader check --keep` on this course's own submissions (tests/assets/recordings/): unpacking,
locating, scoring and reporting are the real ones, and nothing needs a kernel, TensorFlow or MNIST.
"""

import json
import re
import zipfile
from pathlib import Path

import pytest

from grader.cli.main import main
from grader.execution.replay import ReplayExecutor, read_recording, record_run

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS = Path(__file__).parent / "assets" / "recordings"
COURSE = ROOT / "submissions" / "lab10-course-notebook" / "submit.zip"
MISTAKES = ROOT / "submissions" / "lab10-typical-mistakes" / "submit.zip"


def grader(capsys, *args: str) -> tuple[int, str, str]:
    """Run `grader ARGS` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    # the student's own tracebacks may appear in a report; the grader's never
    assert "Traceback (most recent call last)" not in err, err
    assert not re.search(r'File "[^"]*/grader/\w+(/\w+)*\.py"', out + err), out + err
    err = " ".join(err.split())  # the console wraps long lines
    code = ended.value.code
    return (0 if code is None else int(code)), out, err


def one_document(out: str) -> dict:
    doc = json.loads(out)  # json.loads refuses anything before or after the one document
    assert isinstance(doc, dict)
    return doc


def replay(name: str) -> str:
    return str(RECORDINGS / f"{name}.json")


def test_a_passing_submission_exits_0_with_one_json_document(capsys):
    code, out, err = grader(capsys, "check", str(COURSE), "--replay", replay("lab10-course-notebook"), "--json")
    doc = one_document(out)
    assert code == 0, doc["checks"]
    assert (doc["status"], doc["assignment"], doc["score"], doc["max_score"]) == ("graded", "lab10-mnist", 13, 13)
    assert doc["entry"] == "Mnist_DNN_TF2.ipynb"
    mnist = [m for m in doc["models"] if m["dataset"] == "mnist"]
    assert mnist and all(m["measured_by"] == "grader" and m["test_accuracy"] > 0.9 for m in mnist)


def test_a_submission_with_failing_checks_exits_1(capsys):
    code, out, _ = grader(capsys, "check", str(MISTAKES), "--replay", replay("lab10-typical-mistakes"), "--json")
    doc = one_document(out)
    assert code == 1 and doc["status"] == "graded" and doc["score"] < doc["max_score"]
    assert any(c["status"] in ("failed", "not_attempted", "error") for c in doc["checks"])


def test_the_human_report_goes_to_stdout_with_the_same_exit_code(capsys):
    code, out, err = grader(capsys, "check", str(MISTAKES), "--replay", replay("lab10-typical-mistakes"),
                            "--lang", "en")
    assert code == 1
    assert "lab10.py" in out and "Total: 0 / 3" in out
    with pytest.raises(ValueError):
        json.loads(out)


def test_the_report_speaks_korean_when_asked(capsys):
    code, out, _ = grader(capsys, "check", str(COURSE), "--replay", replay("lab10-course-notebook"), "--json",
                          "--lang", "ko")
    doc = one_document(out)
    assert code == 0 and doc["lang"] == "ko"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in doc["verdict"]), doc["verdict"]


def test_a_file_that_is_not_a_zip_is_rejected_with_exit_2(capsys, tmp_path):
    bad = tmp_path / "submit.zip"
    bad.write_bytes(b"this is not a zip")
    code, out, _ = grader(capsys, "check", str(bad), "--replay", replay("lab10-course-notebook"), "--json")
    doc = one_document(out)
    assert code == 2 and (doc["status"], doc["error"]) == ("rejected", "unreadable_archive")
    assert doc["messages"] and doc["score"] == 0


def test_a_zip_without_a_notebook_is_rejected_with_exit_2(capsys, tmp_path):
    empty = tmp_path / "submit.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("notes.txt", "no notebook here")
    code, out, _ = grader(capsys, "check", str(empty), "--replay", replay("lab10-course-notebook"), "--json")
    assert code == 2 and one_document(out)["error"] == "no_entry_point"


def test_a_missing_path_is_a_usage_error_with_its_one_document(capsys, tmp_path):
    code, out, err = grader(capsys, "check", str(tmp_path / "nowhere.zip"), "--json")
    doc = one_document(out)
    assert code == 2 and (doc["status"], doc["error"]) == ("rejected", "usage")
    assert "no such file or folder" in err


def test_an_unknown_option_is_a_usage_error_and_json_still_gets_one_document(capsys):
    code, out, err = grader(capsys, "check", str(COURSE), "--json", "--no-such-option")
    doc = one_document(out)
    assert code == 2 and doc["error"] == "usage" and doc["submission"] == str(COURSE)
    assert "--no-such-option" in err


def test_an_unknown_option_without_json_prints_nothing_on_stdout(capsys):
    code, out, err = grader(capsys, "check", str(COURSE), "--no-such-option")
    assert code == 2 and out == "" and "--no-such-option" in err


def test_an_unknown_assignment_is_a_usage_error_naming_the_candidates(capsys):
    code, out, err = grader(capsys, "check", str(COURSE), "-a", "lab99", "--json")
    doc = one_document(out)
    assert code == 2 and doc["error"] == "no_assignment"
    assert "lab10-mnist" in err


def test_a_recording_that_is_not_one_is_refused_with_exit_2_and_no_traceback(capsys, tmp_path):
    junk = tmp_path / "run.json"
    junk.write_text("{not json", encoding="utf-8")
    code, out, err = grader(capsys, "check", str(COURSE), "--replay", str(junk), "--json")
    assert code == 2 and one_document(out)["error"] == "recording" and "not JSON" in err

    doc = json.loads((RECORDINGS / "lab10-course-notebook.json").read_text(encoding="utf-8"))
    doc["run"]["models"][0]["epochs"] = "five"
    junk.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = grader(capsys, "check", str(COURSE), "--replay", str(junk), "--json")
    assert code == 2 and one_document(out)["error"] == "recording"
    assert "run.models[0].epochs" in err


def test_the_version_names_the_distribution(capsys):
    code, out, _ = grader(capsys, "--version")
    assert code == 0 and out.startswith("grader ") and "keras-course-grader" in out


def test_a_recording_reads_back_to_the_run_it_recorded(tmp_path):
    run = read_recording(RECORDINGS / "lab10-course-notebook.json")
    assert run.models and run.cells and any(c.status == "error" for c in run.cells) and run.markdown
    again = read_recording(record_run(run, tmp_path / "run.json"))
    assert again == run


def test_keep_records_the_run_that_replay_grades_again(tmp_path):
    """`--keep` writes the recording the pipeline replays: the same report, nothing run the second time."""
    from grader.pipeline import Options, check_submission
    from grader.feedback.report import to_dict

    recorded = ReplayExecutor.from_file(RECORDINGS / "lab10-course-notebook.json")
    keep = tmp_path / "kept"
    first = check_submission(COURSE, Options(keep_dir=keep), recorded)
    second = check_submission(COURSE, Options(), ReplayExecutor.from_file(keep / "run.json"))
    strip = lambda doc: {k: v for k, v in doc.items() if k != "duration_s"}  # noqa: E731
    assert strip(to_dict(first)) == strip(to_dict(second))


def test_the_recordings_are_the_grader_s_own_submissions():
    """The recordings come from `grader check --keep` on the submissions beside them in the repository."""
    for name in ("lab10-course-notebook", "lab10-typical-mistakes"):
        run = read_recording(RECORDINGS / f"{name}.json")
        entry_names = {i.filename for i in zipfile.ZipFile(ROOT / "submissions" / name / "submit.zip").infolist()}
        assert run.entry.relpath in entry_names


def test_a_bug_in_the_grader_is_one_sentence_a_log_and_exit_2_never_a_traceback(capsys, monkeypatch):
    import grader.pipeline as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "check_submission", broken)
    code, out, err = grader(capsys, "check", str(COURSE), "--replay", replay("lab10-course-notebook"), "--json")
    doc = one_document(out)
    assert code == 2 and (doc["status"], doc["error"]) == ("rejected", "internal")
    assert "internal error" in err and "not in the submission" in err
    log = Path(err.split("the details are in ")[1].split(":")[0])
    assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")
    log.unlink()


def test_a_recording_is_graded_again_only_under_its_own_submission(capsys):
    code, out, err = grader(capsys, "check", str(MISTAKES), "--replay", replay("lab10-course-notebook"), "--json")
    assert code == 2 and one_document(out)["error"] == "recording"
    assert "made from another submission" in err
