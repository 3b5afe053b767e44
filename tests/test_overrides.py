"""A TA's overrides: beside the automatic result, never overwritten by a regrade, flagged when the
automatic result under them changes, imported from a spreadsheet, shown by every export."""

import csv
import io
import json

import pytest

from grader.classroom.export import export
from grader.classroom.gradebook import Gradebook
from grader.classroom.overrides import TOTAL, Requested, read_csv
from grader.errors import UsageError


def report(xor, low, bonus=0.0):
    checks = [{"id": "xor-net", "title": "XOR net", "status": "passed" if xor == 2 else "failed", "score": xor,
               "max_score": 2.0, "message": "m"},
              {"id": "low-level", "title": "tf.Variable", "status": "passed" if low == 2 else "failed", "score": low,
               "max_score": 2.0, "message": "m"},
              {"id": "sigmoid-vs-relu", "title": "bonus", "status": "passed" if bonus else "not_attempted",
               "score": bonus, "max_score": 1.0, "message": "m", "bonus": True}]
    return {"grader_version": "0.4.0", "submission": "s.zip", "sha256": "s", "assignment": "lab09-xor",
            "status": "graded", "score": xor + low + bonus, "max_score": 4.0, "duration_s": 1.0, "messages": [],
            "cells": [], "checks": checks, "models": []}


@pytest.fixture
def outdir(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record("202300001", "김철수", "a.zip", "sha-a", "lab09-xor", "k1", report(0.0, 2.0), 1)
    book.record("202300002", "이영희", "b.zip", "sha-b", "lab09-xor", "k2", report(2.0, 2.0), 0)
    book.close()
    return tmp_path


def rows_of(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    try:
        return {r.student_id: r for r in book.current("lab09-xor")}
    finally:
        book.close()


def test_an_override_sits_beside_the_automatic_result_and_survives_a_regrade(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    (made,) = book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.5, "loop right, bad init", "조교")])
    assert made.auto_points == 0.0
    book.record("202300001", "김철수", "a.zip", "sha-a", "lab09-xor", "k1-again", report(0.0, 2.0), 1)  # a regrade
    book.close()
    row = rows_of(outdir)["202300001"]
    assert row.score == 2.0 and row.report["checks"][0]["score"] == 0.0  # the automatic result, untouched
    final = row.final
    assert (final.auto_score, final.score, final.checks["xor-net"], final.review) == (2.0, 3.5, 1.5, ())
    assert "xor-net 0 -> 1.5 (loop right, bad init, by 조교)" == final.describe()


def test_a_changed_automatic_result_under_an_override_is_flagged_for_review(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.5)])
    book.record("202300001", "김철수", "a2.zip", "sha-a2", "lab09-xor", "k3", report(2.0, 2.0), 0)  # resubmitted
    book.close()
    final = rows_of(outdir)["202300001"].final
    assert final.review == ("xor-net",) and final.score == 3.5  # the TA's points stand until the TA looks again
    assert "review" in final.describe()


def test_an_override_of_the_total_wins_over_the_checks(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_overrides("lab09-xor", [Requested("202300002", "xor-net", 1.0), Requested("202300002", TOTAL, 4.5)])
    book.close()
    final = rows_of(outdir)["202300002"].final
    assert final.score == 4.5 and final.auto_score == 4.0 and final.checks["xor-net"] == 1.0


def test_setting_an_override_again_replaces_it_and_remove_takes_it_away(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.0)])
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 2.0, "on reflection")])
    assert [o.points for o in book.overrides()[("202300001", "lab09-xor")]] == [2.0]
    assert book.remove_override("202300001", "lab09-xor", "xor-net")
    assert not book.remove_override("202300001", "lab09-xor", "xor-net")
    book.close()
    assert rows_of(outdir)["202300001"].final.score == 2.0


@pytest.mark.parametrize("bad, says", [
    (Requested("202399999", "xor-net", 1.0), "no result for lab09-xor"),
    (Requested("202300001", "xor_net", 1.0), "no check 'xor_net'"),
    (Requested("202300001", "xor-net", 2.5), "outside 0 to 2"),
    (Requested("202300001", "xor-net", -1.0), "outside 0 to 2"),
    (Requested("202300001", TOTAL, 5.5), "outside 0 to 5"),  # the total may reach max_score and the bonus
])
def test_a_bad_override_is_refused_and_none_of_the_batch_is_recorded(outdir, bad, says):
    book = Gradebook(outdir / "gradebook.sqlite")
    with pytest.raises(UsageError, match=says):
        book.set_overrides("lab09-xor", [Requested("202300002", "xor-net", 1.0), bad])
    assert book.overrides() == {}
    book.close()


def test_overrides_come_from_a_spreadsheet_csv():
    text = ("\ufeffStudent_ID,Check,Points,Comment,By\n202300001,xor-net,\"1,5\",부분 점수,조교\n\n"
            "202300002,total,4,,\n202300002,,3.5,,\n")
    assert read_csv(text) == [Requested("202300001", "xor-net", 1.5, "부분 점수", "조교"),
                              Requested("202300002", TOTAL, 4.0), Requested("202300002", TOTAL, 3.5)]
    with pytest.raises(ValueError, match="line 2: points 'many' is not a number"):
        read_csv("student_id,check,points\n202300001,xor-net,many\n")
    with pytest.raises(ValueError, match="lacks the column"):
        read_csv("id,score\n1,2\n")


def test_every_export_shows_the_automatic_and_the_final_score(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.5, "loop right", "조교")])
    book.close()
    (path,) = export(outdir, "csv")
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
    assert (rows["202300001"]["score"], rows["202300001"]["auto_score"], rows["202300001"]["xor-net"]) == \
        ("3.5", "2.0", "1.5")
    assert rows["202300001"]["overrides"].startswith("xor-net 0 -> 1.5") and rows["202300001"]["review"] == ""
    assert rows["202300002"]["overrides"] == "" and rows["202300002"]["score"] == "4.0"
    (path,) = export(outdir, "json")
    doc = {r["student_id"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    assert doc["202300001"]["score"] == 3.5 and doc["202300001"]["auto_score"] == 2.0
    assert doc["202300001"]["overrides"][0]["comment"] == "loop right"
    export(outdir, "gradescope")
    result = json.loads((outdir / "gradescope" / "202300001" / "results.json").read_text(encoding="utf-8"))
    assert result["score"] == 3.5 and result["tests"][0]["score"] == 1.5 and "[TA] loop right" in result["tests"][0]["output"]


def run(capsys, *args):
    from grader.cli.main import main

    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return ended.value.code or 0, out, " ".join(err.split())


def test_the_override_command_sets_lists_imports_and_refuses_clearly(outdir, capsys, tmp_path):
    code, out, _ = run(capsys, "override", str(outdir), "202300001", "-c", "xor-net", "--points", "1.5",
                       "-m", "loop right", "--by", "조교")
    assert code == 0 and "202300001 xor-net: 0 (automatic) -> 1.5" in out
    sheet = tmp_path / "overrides.csv"
    sheet.write_text("student_id,check,points,comment\n202300002,total,3,late\n", encoding="utf-8")
    code, out, _ = run(capsys, "override", str(outdir), "--csv", str(sheet))
    assert code == 0 and "202300002 total: 4 (automatic) -> 3" in out
    code, out, _ = run(capsys, "override", str(outdir), "--list")
    assert code == 0 and "202300001" in out and "202300002" in out
    code, _, err = run(capsys, "override", str(outdir), "202300001", "-c", "nope", "--points", "1")
    assert code == 2 and "no check 'nope'" in err
    code, _, err = run(capsys, "override", str(tmp_path / "nowhere"), "202300001", "--points", "1")
    assert code == 2 and "holds no gradebook" in err
    book = Gradebook(outdir / "gradebook.sqlite")
    assert {k[0]: [o.points for o in v] for k, v in book.overrides().items()} == {"202300001": [1.5], "202300002": [3.0]}
    book.close()


def test_the_canvas_export_has_canvas_s_columns_the_points_possible_row_and_the_final_scores(outdir, tmp_path):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.5)])
    book.close()
    roster = tmp_path / "canvas_export.csv"  # as Canvas exports its gradebook (with a BOM, and its test student)
    roster.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Lab 9 (4410)\n"
                      "    Points Possible,,,,,4.00\n"
                      "\"김, 철수\",1201,202300001,kim01,DL-01,\n"
                      "Test Student,1299,,,DL-01,\n", encoding="utf-8")
    (path,) = export(outdir, "canvas", roster=roster, column="Lab 9 (4410)")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 9 (4410)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "4"]
    assert rows[2] == ["김, 철수", "1201", "202300001", "kim01", "DL-01", "3.5"]  # from the roster; overridden score
    assert rows[3] == ["이영희", "", "202300002", "", "", "4"]  # not on the roster: matched by SIS User ID
    assert len(rows) == 4
    with pytest.raises(UsageError, match="not a Canvas gradebook export"):
        export(outdir, "canvas", roster=tmp_path / "bad.csv") if (tmp_path / "bad.csv").write_text("a,b\n") else None


def test_a_csv_row_with_more_fields_than_the_header_names_its_line():
    with pytest.raises(ValueError, match="line 2: more fields than the header"):
        read_csv("student_id,check,points,comment\n202300001,total,3,late, but fine\n")


def test_check_total_on_the_command_line_is_the_total(outdir, capsys):
    code, out, _ = run(capsys, "override", str(outdir), "202300001", "-c", "total", "--points", "3")
    assert code == 0 and "202300001 total: 2 (automatic) -> 3" in out
    code, out, _ = run(capsys, "override", str(outdir), "202300001", "-c", "total", "--remove")
    assert code == 0 and "removed: 202300001 total" in out


def test_a_rejected_student_can_be_given_points_up_to_full_marks(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record("202300001", "김철수", "a.zip", "sha-a", "lab09-xor", "k1", report(2.0, 2.0), 0)
    book.record("202300002", "이영희", "b.zip", "sha-b", "lab09-xor", "k2",
                {**report(0.0, 0.0), "status": "rejected", "max_score": 0.0, "checks": []}, 2)
    (made,) = book.set_overrides("lab09-xor", [Requested("202300002", TOTAL, 4.0, "graded by hand")])
    with pytest.raises(UsageError, match="outside 0 to 5"):
        book.set_overrides("lab09-xor", [Requested("202300002", TOTAL, 6.0)])
    book.close()
    assert made.points == 4.0


def test_exports_of_one_assignment_refuse_a_mixed_or_unknown_one(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    book.record("202300001", "김철수", "c.zip", "sha-c", "lab10-relu", "k9", {**report(2.0, 2.0),
                                                                           "assignment": "lab10-relu"}, 0)
    book.close()
    with pytest.raises(UsageError, match="2 assignments"):
        export(outdir, "canvas", column="Lab 9 (4410)")
    with pytest.raises(UsageError, match="no results for lab-typo"):
        export(outdir, "gradescope", assignment="lab-typo")
    (path,) = export(outdir, "canvas", assignment="lab09-xor")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 4  # header, points possible, two students
