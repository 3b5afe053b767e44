"""Deadlines, grace, late penalties and extensions: computed at export from what is set now, with the
submission time taken from the best source there is and named."""

import csv
import io
import json
import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from grader.classroom.export import export
from grader.classroom.gradebook import Gradebook
from grader.classroom.lateness import (Policy, lateness, parse_duration, parse_fraction, parse_penalty,
                                       parse_time)

SEOUL = ZoneInfo("Asia/Seoul")
DUE = datetime(2026, 12, 10, 23, 59, tzinfo=SEOUL)


def test_on_time_within_grace_and_late_by_started_days():
    policy = Policy(DUE, grace=timedelta(minutes=15), rate=0.1, per="day", cap=0.5)
    assert lateness(policy, DUE).penalty == 0 and not lateness(policy, DUE).late
    assert lateness(policy, DUE + timedelta(minutes=14)).penalty == 0  # inside the grace
    one = lateness(policy, DUE + timedelta(minutes=16))
    assert one.late and one.late_by == timedelta(minutes=1) and one.penalty == 0.1  # a started day
    assert lateness(policy, DUE + timedelta(days=1, minutes=16)).penalty == 0.2
    assert lateness(policy, DUE + timedelta(days=30)).penalty == 0.5  # the cap


def test_per_hour_and_an_extension_and_the_time_zone():
    policy = Policy(DUE, rate=0.02, per="hour")
    utc = DUE.astimezone(timezone.utc) + timedelta(hours=2, minutes=30)  # the same moment in another zone
    assert lateness(policy, utc).penalty == 0.06
    extended = lateness(policy, utc, extension=DUE + timedelta(days=2))
    assert extended.penalty == 0 and extended.due == DUE + timedelta(days=2)
    assert lateness(policy, utc, extension=DUE - timedelta(days=1)).penalty == 0.06  # never earlier than the class's


def test_what_a_ta_types_is_parsed_or_refused_with_the_reason():
    assert parse_time("2026-12-10 23:59", "Asia/Seoul") == DUE
    assert parse_time("2026-12-10T14:59:00+00:00", "Asia/Seoul") == DUE
    assert parse_duration("15m") == timedelta(minutes=15) and parse_duration("2h") == timedelta(hours=2)
    assert parse_penalty("10%/day") == (0.1, "day") and parse_penalty("2% / hour") == (0.02, "hour")
    assert parse_penalty("0") == (0.0, "day") and parse_fraction("50%") == 0.5
    for bad, call in (("tomorrow", lambda: parse_time("tomorrow", "Asia/Seoul")),
                      ("Mars/Olympus", lambda: parse_time("2026-12-10 23:59", "Mars/Olympus")),
                      ("a while", lambda: parse_duration("a while")),
                      ("10 per day", lambda: parse_penalty("10 per day")),
                      ("150%", lambda: parse_fraction("150%"))):
        with pytest.raises(ValueError, match="is not|outside"):
            call()


def report(score):
    return {"grader_version": "0.4.0", "submission": "s.zip", "sha256": "s", "assignment": "lab09-xor",
            "status": "graded", "score": score, "max_score": 4.0, "duration_s": 1.0, "messages": [], "cells": [],
            "checks": [{"id": "xor-net", "title": "XOR", "status": "passed", "score": score, "max_score": 4.0,
                        "message": "m"}], "models": []}


@pytest.fixture
def outdir(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    arrived = DUE + timedelta(hours=30)  # two started days late, by the file's time
    book.record("202300001", "김철수", "a.zip", "sha-a", "lab09-xor", "k1", report(4.0), 0, file_time=arrived)
    book.record("202300002", "이영희", "b.zip", "sha-b", "lab09-xor", "k2", report(4.0), 0,
                file_time=DUE - timedelta(hours=1))
    book.close()
    return tmp_path


def csv_rows(outdir):
    (path,) = export(outdir, "csv")
    return {r["student_id"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def test_exports_take_the_penalty_off_from_the_current_policy_and_never_keep_a_stale_one(outdir):
    assert csv_rows(outdir)["202300001"]["penalty"] == ""  # no deadline set: nothing is late
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_policy("lab09-xor", Policy(DUE, rate=0.1, per="day"), "Asia/Seoul")
    book.close()
    rows = csv_rows(outdir)
    late, on_time = rows["202300001"], rows["202300002"]
    assert (late["score"], late["auto_score"], late["penalty"], late["late_by_h"], late["time_source"]) == \
        ("3.2", "4.0", "0.2", "30.0", "file")
    assert (on_time["score"], on_time["penalty"]) == ("4.0", "0.0")
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_policy("lab09-xor", Policy(DUE + timedelta(days=3), rate=0.1, per="day"), "Asia/Seoul")  # moved
    book.close()
    assert csv_rows(outdir)["202300001"]["score"] == "4.0"  # recomputed: nothing stale


def test_an_lms_time_outranks_the_file_time_and_an_extension_moves_one_student(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_policy("lab09-xor", Policy(DUE, rate=0.1, per="day"), "Asia/Seoul")
    book.set_submitted("lab09-xor", {"202300002": DUE + timedelta(minutes=5)})  # the LMS says: late after all
    book.set_extension("202300001", "lab09-xor", DUE + timedelta(days=2))
    book.close()
    rows = csv_rows(outdir)
    assert (rows["202300002"]["time_source"], rows["202300002"]["penalty"]) == ("lms", "0.1")
    assert (rows["202300001"]["time_source"], rows["202300001"]["penalty"]) == ("file", "0.0")
    (path,) = export(outdir, "json")
    doc = {r["student_id"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    assert doc["202300002"]["score"] == 3.6 and doc["202300002"]["time_source"] == "lms"
    export(outdir, "gradescope")
    result = json.loads((outdir / "gradescope" / "202300002" / "results.json").read_text(encoding="utf-8"))
    assert result["score"] == 3.6 and "10% off" in result["output"]


def run(capsys, *args):
    from grader.cli.main import main

    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return ended.value.code or 0, " ".join(out.split()), " ".join(err.split())  # the console wraps lines


def test_the_commands_set_the_deadline_extensions_and_lms_times(outdir, capsys, tmp_path):
    code, out, _ = run(capsys, "deadline", str(outdir), "--due", "2026-12-10 23:59", "--grace", "15m",
                       "--penalty", "10%/day", "--cap", "50%")
    assert code == 0 and "due 2026-12-10T23:59+09:00, grace 15 min, 10% per day late (at most 50%)" in out
    code, out, _ = run(capsys, "deadline", str(outdir))
    assert code == 0 and "10% per day" in out
    code, _, err = run(capsys, "deadline", str(outdir), "--due", "next friday")
    assert code == 2 and "is not a time" in err
    lms = tmp_path / "lms.csv"
    lms.write_text("\ufeffSIS User ID,Submitted\n202300001,2026-12-10 23:50\n", encoding="utf-8")
    code, out, _ = run(capsys, "times", str(outdir), str(lms), "--id-column", "SIS User ID", "--time-column",
                       "Submitted")
    assert code == 0 and "1 submission times" in out
    code, _, _ = run(capsys, "extend", str(outdir), "202300002", "--until", "2026-12-12 23:59", "-m", "병가")
    assert code == 0
    code, _, err = run(capsys, "times", str(outdir), str(lms))
    assert code == 2 and "no column student_id" in err
    rows = csv_rows(outdir)
    assert (rows["202300001"]["time_source"], rows["202300001"]["penalty"]) == ("lms", "0.0")


def test_grading_records_the_file_time_of_each_submission(tmp_path, monkeypatch):
    """`grade_class` stores the submitted file's modification time as its `file` time."""
    import zipfile
    from dataclasses import replace as change

    from grader.classroom import batch, grade_class
    from grader.classroom.batch import Outcome
    from grader.grading.assignment import find
    from grader.models import Report
    import grader.data

    klass = tmp_path / "class"
    klass.mkdir()
    path = klass / "202300001_김철수_submit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xor.py", "print(1)\n")
    stamp = DUE.timestamp() + 3600
    os.utime(path, (stamp, stamp))
    monkeypatch.setattr(grader.data, "find_mnist", lambda data_dir=None: tmp_path / "mnist.npz")

    def run_all(candidates, assignment, options, *, jobs, scheduler, is_cached, on_result):
        for c in candidates:
            on_result(Outcome(c, change(Report.from_rejection(str(c.path), "x"), status="graded", max_score=4.0)))

    monkeypatch.setattr(batch, "run", run_all)
    result = grade_class(klass, find("lab09-xor"), tmp_path / "out", jobs=1)
    (row,) = result.rows
    assert row.time_source == "file" and row.submitted == DUE + timedelta(hours=1)


def test_a_zone_folder_and_a_date_without_its_hour_are_refused():
    with pytest.raises(ValueError, match="is not a time zone"):
        parse_time("2026-12-10 23:59", "Asia")
    with pytest.raises(ValueError, match="give the hour too"):
        parse_time("2026-12-10", "Asia/Seoul")


def test_lms_times_take_each_student_s_latest_row_belong_to_the_current_submission_and_say_what_matched(
        outdir, capsys, tmp_path):
    lms = tmp_path / "lms.csv"
    lms.write_text("student_id,submitted_at\n202300002,2026-12-10 20:00\n202300002,2026-12-11 02:00\n"
                   "209999999,2026-12-10 20:00\n", encoding="utf-8")
    run(capsys, "deadline", str(outdir), "--due", "2026-12-10 23:59", "--penalty", "10%/day")
    code, out, _ = run(capsys, "times", str(outdir), str(lms))
    assert code == 0 and "1 submission times" in out and "1 ids match no student" in out and "209999999" in out
    assert (csv_rows(outdir)["202300002"]["time_source"], csv_rows(outdir)["202300002"]["penalty"]) == ("lms", "0.1")
    book = Gradebook(outdir / "gradebook.sqlite")  # a resubmission: its own file time until new LMS times come
    book.record("202300002", "이영희", "b2.zip", "sha-b2", "lab09-xor", "k3", report(4.0), 0,
                file_time=DUE - timedelta(hours=2))
    book.close()
    assert (csv_rows(outdir)["202300002"]["time_source"], csv_rows(outdir)["202300002"]["penalty"]) == ("file", "0.0")


def test_a_regrade_keeps_the_first_file_time_and_an_unpacked_archive_gives_none(tmp_path, monkeypatch):
    from grader.classroom.grade import _unpacked_here

    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record("202300001", "김", "a.zip", "sha-a", "lab09-xor", "k1", report(4.0), 0, file_time=DUE)
    book.record("202300001", "김", "a.zip", "sha-a", "lab09-xor", "k2", report(4.0), 0,
                file_time=DUE + timedelta(days=3))  # the same file graded again later
    (row,) = book.current("lab09-xor")
    book.close()
    assert row.submitted == DUE
    assert _unpacked_here(tmp_path / "out" / ".incoming" / "x" / "a.zip", tmp_path / "out")
    assert not _unpacked_here(tmp_path / "class" / "a.zip", tmp_path / "out")
