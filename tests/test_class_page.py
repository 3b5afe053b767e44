"""The TA's page of the whole class: computed from the gradebook, self-contained, seen in Chromium."""

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from grader.classroom.export import export
from grader.classroom.gradebook import Gradebook
from grader.classroom.lateness import Policy
from grader.classroom.overrides import Requested
from grader.classroom.overview import class_view

DUE = datetime(2026, 12, 10, 23, 59, tzinfo=ZoneInfo("Asia/Seoul"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def report(xor, low, hint=None):
    checks = [{"id": "xor-net", "title": "XOR net", "titles": {"ko": "XOR 신경망"}, "title_en": "XOR net",
               "status": "passed" if xor == 2 else "failed", "score": xor, "max_score": 2.0,
               "message": "m", "message_phrase": "m", "hint": hint, "hint_phrase": hint},
              {"id": "low-level", "title": "tf.Variable", "status": "passed" if low == 2 else "not_attempted",
               "score": low, "max_score": 2.0, "message": "m"}]
    return {"grader_version": "0.4.0", "submission": "s.zip", "sha256": "s", "assignment": "lab09-xor",
            "status": "graded", "score": xor + low, "max_score": 4.0, "duration_s": 1.0, "messages": [],
            "cells": [{"index": 2, "status": "error", "error": "NameError", "hint": "import numpy as np"}],
            "checks": checks, "models": []}


@pytest.fixture
def outdir(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    for i, (xor, low) in enumerate([(2, 2), (0, 2), (0, 0), (2, 0)]):
        book.record(f"20230000{i}", f"학생{i}", f"{i}.zip", f"sha{i}", "lab09-xor", f"k{i}",
                    report(xor, low, hint="train longer (`epochs`)" if xor == 0 else None), int(xor + low < 4),
                    file_time=DUE + timedelta(hours=5 * i))
    book.record("202300009", "거절", "9.zip", "sha9", "lab09-xor", "k9",
                {**report(0, 0), "status": "rejected", "score": 0.0, "checks": [], "cells": []}, 2)
    book.set_policy("lab09-xor", Policy(DUE, rate=0.1, per="day"), "Asia/Seoul")
    book.set_overrides("lab09-xor", [Requested("202300001", "xor-net", 1.0, "partly right")])
    book.close()
    book = Gradebook(tmp_path / "gradebook.sqlite")  # then the student resubmits: the override needs a look
    book.record("202300001", "학생1", "1b.zip", "sha1b", "lab09-xor", "k1b", report(2, 2), 0,
                file_time=DUE - timedelta(hours=1))
    book.close()
    return tmp_path


def test_the_view_counts_what_the_ta_needs(outdir):
    book = Gradebook(outdir / "gradebook.sqlite")
    rows = list(book.current("lab09-xor"))
    book.close()
    view = class_view(rows, "en")
    assert (view.students, view.graded, view.rejected, view.max_score) == (5, 4, 1, 4.0)
    # 0: 4 on time; 1: override 1 + 2 = 3, resubmitted on time; 2: 0, late; 3: 2 late by 15 h (10 % off) = 1.8
    assert sorted(view.scores) == [0.0, 1.8, 3.0, 4.0]
    assert view.histogram[0] == 1 and view.histogram[4] == 1 and view.histogram[7] == 1 and view.histogram[9] == 1
    xor = next(c for c in view.checks if c.id == "xor-net")
    assert (xor.passed, xor.graded) == (3, 4)
    low = next(c for c in view.checks if c.id == "low-level")
    assert (low.passed, low.attempted) == (2, 2)
    assert ("import numpy as np", 4) in view.mistakes  # every graded student had the failing cell
    assert ("XOR net: train longer (`epochs`)", 1) in view.mistakes
    assert [(sid, hours, penalty) for sid, _, hours, penalty in view.late] == [("202300002", 10.0, 0.1),
                                                                               ("202300003", 15.0, 0.1)]
    assert view.on_time == 2 and view.no_time == 1  # the rejected one has no time
    assert [sid for sid, _, _ in view.review] == ["202300001"]  # its automatic xor-net moved from 0 to 2
    assert class_view(rows, "ko").checks[0].title == "XOR 신경망"


def test_the_page_is_self_contained_and_chromium_shows_it(outdir):
    (path,) = export(outdir, "html", lang="ko")
    text = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in text and not re.search(r'(src|href)\s*=\s*"(https?:)?//', text)
    assert "<script" not in text and "반 전체 요약" in text and "XOR 신경망" in text
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("needs Debian's chromium (installed by .ci/run)")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "class_ko.png"
    shot.unlink(missing_ok=True)
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={outdir / 'profile'}"]
    subprocess.run([*base, "--window-size=1200,1800", f"--screenshot={shot}", path.as_uri()], capture_output=True,
                   timeout=120)
    assert shot.is_file() and shot.stat().st_size > 20_000
    dom = subprocess.run([*base, "--dump-dom", "--enable-logging=stderr", path.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert "반 전체 요약" in dom.stdout and dom.stdout.count("<rect") == 10
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Refused" in line or "Error" in line], console
