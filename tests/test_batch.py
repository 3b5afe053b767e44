"""TA batch grading: a class of good, broken and hostile submissions, resumable, parallel, on Dask."""

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from test_cli import grader
from test_hostile import PRELUDE

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command

CLASS = {
    "202300001_김철수": PRELUDE,
    "202300002_이영희": PRELUDE.replace("Dense(8,", "Dense(16,"),
    "202300003_박민수": PRELUDE + "raise ValueError('oops')\n",
    "202300004_최지우": "def broken(:\n",
    "202300005_정하늘": PRELUDE + "while True:\n    pass\n",
    "202300006_강바다": PRELUDE + "import signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "202300007_조은별": PRELUDE + "for _ in range(50):\n    print('x' * 2**20)\n",
    "202300008_윤서준": PRELUDE + "big = np.ones(40 * 2**30 // 8)\n",
    "202300009_장민호": "# xor\nprint('Accuracy: 1.0')\naccuracy = 1.0\n",
    "202300010_임수빈": PRELUDE + "open('../escape.txt', 'w').write('x')\n",
}


def build_class(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for student, code in CLASS.items():
        with zipfile.ZipFile(folder / f"{student}_submit.zip", "w") as zf:
            zf.writestr("xor.py", code)
    (folder / "202300011_한결_submit.zip").write_bytes(b"this is not a zip")
    with zipfile.ZipFile(folder / "202300012_오늘_submit.zip", "w") as zf:
        zf.writestr("notes.txt", "no notebook here")
    (folder / "202300013_나비_submit.zip").write_bytes(corrupt_crc_zip("xor.py", PRELUDE))
    return folder


def corrupt_crc_zip(name: str, text: str) -> bytes:
    """A zip whose directory is intact but whose stored entry fails its CRC check when read."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(name, text)
    data = bytearray(buffer.getvalue())
    at = data.index(text.encode()[:20]) + 5
    data[at] ^= 0x20  # one flipped bit in the file's bytes: zipfile raises BadZipFile ("Bad CRC-32")
    return bytes(data)


def grade(klass, out, mnist_dir, *extra, **kw):
    return grader("grade", str(klass), "-a", "lab09-xor", "-o", str(out), "--jobs", "2", "--timeout", "60",
                  "--data-dir", str(mnist_dir), *extra, **kw)


def current(out: Path) -> dict[str, tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    rows = db.execute("SELECT student_id, status, score FROM results WHERE current = 1").fetchall()
    db.close()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, mnist_dir):
    base = tmp_path_factory.mktemp("batch")
    klass = build_class(base / "class")
    out = base / "out"
    result = grade(klass, out, mnist_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return klass, out, result


def test_every_student_has_exactly_one_row_with_a_reason(graded):
    klass, out, result = graded
    rows = current(out)
    assert len(rows) == 13
    assert rows["202300001"][0] == "graded" and rows["202300001"][1] > 0
    assert rows["202300011"][0] == "rejected" and rows["202300012"][0] == "rejected"
    assert rows["202300013"][0] == "rejected"  # bad CRC: a note for the student, and the batch went on
    assert "Most similar pairs" in result.stdout  # the similarity step after grading read past it too
    # eight students built on the same starter lines, two of them differing by one number: the shared
    # lines are the class's boilerplate, and no pair of these tiny submissions is flagged
    assert 'class="sus"' not in (out / "similarity.html").read_text(encoding="utf-8")
    assert "left out as the class's boilerplate" in result.stdout
    assert rows["202300009"][1] == 0  # printed an accuracy, trained nothing
    assert "Not graded" in result.stdout and "202300011" in result.stdout
    feedback = (out / "feedback" / "202300005.md").read_text()
    assert "time limit" in feedback
    assert not (klass / "escape.txt").exists() and not (out / "escape.txt").exists()


def key_shape(value):
    """The keys of a document, all the way down (lists by their items): what a reader of it relies on."""
    if isinstance(value, dict):
        return {k: key_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [key_shape(v) for v in value if isinstance(v, (dict, list))]
    return None


def test_the_stored_report_has_the_keys_of_grader_check_json(graded, mnist_dir):
    """`grader grade` stores the document `grader check --json` prints, graded or refused (and the
    self-check's is `grader check`'s: tests/test_notebook_extension.py)."""
    klass, out, _ = graded
    db = sqlite3.connect(out / "gradebook.sqlite")
    stored = dict(db.execute("SELECT student_id, report FROM results WHERE current = 1").fetchall())
    db.close()
    for student in ("202300001", "202300011"):  # graded; not a zip
        (path,) = klass.glob(f"{student}_*")
        checked = grader("check", str(path), "-a", "lab09-xor", "--timeout", "60", "--data-dir", str(mnist_dir),
                         "--json", "--lang", "ko")
        doc, kept = json.loads(checked.stdout), json.loads(stored[student])
        assert doc["status"] == kept["status"] and doc["score"] == kept["score"], student
        assert key_shape(doc) == key_shape(kept), student


def test_exports(graded, tmp_path):
    _, out, _ = graded
    assert grader("export", str(out), "--format", "csv").returncode == 0
    with open(out / "grades.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 13 and {"xor-net", "sigmoid-vs-relu", "low-level"} <= set(rows[0])
    assert next(r for r in rows if r["student_id"] == "202300001")["name"] == "김철수"
    assert grader("export", str(out), "--format", "gradescope").returncode == 0
    results = json.loads((out / "gradescope" / "202300001" / "results.json").read_text())
    assert results["tests"] and "score" in results
    assert grader("export", str(out), "--format", "json").returncode == 0


def test_regrading_an_unchanged_class_is_cached(graded, mnist_dir):
    klass, out, _ = graded
    before = current(out)
    started = time.monotonic()
    result = grade(klass, out, mnist_dir)
    assert result.returncode == 0 and "cached 13" in result.stderr, result.stderr[-500:]
    assert time.monotonic() - started < 30
    assert current(out) == before


def test_kill_minus_9_then_resume_equals_a_clean_run(graded, tmp_path, mnist_dir):
    klass, clean_out, _ = graded
    # seven of the class, every kind of result among them (good, different, crashing, broken, lying,
    # unreadable, no notebook), without the ones that only wait out a limit
    chosen = ("202300001", "202300002", "202300003", "202300004", "202300009", "202300011", "202300012")
    klass = tmp_path / "class"
    klass.mkdir()
    for path in graded[0].iterdir():
        if path.name.startswith(chosen):
            shutil.copy(path, klass / path.name)
    out = tmp_path / "out"
    exe = [sys.executable, "-m", "grader"]
    proc = subprocess.Popen([*exe, "grade", str(klass), "-a", "lab09-xor", "-o", str(out), "--jobs", "2",
                             "--timeout", "60", "--data-dir", str(mnist_dir)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if (out / "gradebook.sqlite").exists() and len(current(out)) >= 3:
                break
        except sqlite3.OperationalError:  # the file exists a moment before its tables do
            pass
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = current(out)
    assert 3 <= len(done_before) < len(chosen)
    result = grade(klass, out, mnist_dir)
    assert result.returncode == 0
    assert f"cached {len(done_before)}" in result.stderr  # graded before the kill: not re-run
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == len(chosen)  # nothing graded twice
    db.close()
    assert current(out) == {k: v for k, v in current(clean_out).items() if k in chosen}


def test_a_dask_cluster_gives_the_same_grades(graded, tmp_path, mnist_dir):
    distributed = pytest.importorskip("distributed")
    klass, clean_out, _ = graded
    # a good, a different, a broken, a lying and an unreadable submission: every kind of outcome, without
    # the ones that only wait for a limit (the local pool already proved those)
    chosen = ("202300001", "202300002", "202300004", "202300009", "202300011")
    part = tmp_path / "class"
    part.mkdir()
    for path in klass.iterdir():
        if path.name.startswith(chosen):
            shutil.copy(path, part / path.name)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = grade(part, tmp_path / "out", mnist_dir, "--scheduler", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr[-2000:]
    assert current(tmp_path / "out") == {k: v for k, v in current(clean_out).items() if k in chosen}


def test_one_archive_of_the_whole_class_is_discovered(tmp_path):
    from grader.classroom.batch import discover

    klass = build_class(tmp_path / "class")
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(klass.iterdir()):
            zf.write(path, f"download/{path.name}")
    found = discover(archive, scratch=tmp_path / "incoming")
    assert len(found) == 13
    first = found[0]
    assert (first.student_id, first.name) == ("202300001", "김철수")


def test_the_cache_key_changes_with_the_report_language_but_not_the_data_folder(tmp_path):
    from grader.grading.assignment import find
    from grader.classroom.batch import cache_key, discover

    klass = build_class(tmp_path / "class")
    first = discover(klass)[0]
    lab = find("lab09-xor")
    base = {"lang": "en", "timeout_s": None, "sandbox": "auto", "data_dir": "/a"}
    assert cache_key(first, lab, base) == cache_key(first, lab, {**base, "data_dir": "/b"})
    assert cache_key(first, lab, base) != cache_key(first, lab, {**base, "lang": "ko"})
    assert cache_key(first, lab, base) != cache_key(first, lab, {**base, "timeout_s": 30})
