"""The HTML report in a real headless Chromium: renders, requests nothing, shows the plots."""

import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from test_cli import grader

from grader.feedback.html import render_html

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"


def chromium(url: str, *args: str) -> subprocess.CompletedProcess:
    profile = ARTIFACTS / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


EXAMPLE = ROOT / "submissions/lab10-course-notebook/submit.zip"


@pytest.fixture(scope="module")
def lab10_kept(tmp_path_factory, mnist_dir):
    """The example Lab 10 submission (the course notebook), checked once with --quick (so the suite
    stays fast) and --keep: the recording the other language's report is graded again from."""
    keep = tmp_path_factory.mktemp("html-kept") / "keep"
    html = keep.parent / "report_en.html"
    result = grader("check", str(EXAMPLE), "-a", "lab10-mnist", "--quick", "--json", "--html", str(html),
                    "--data-dir", str(mnist_dir), "--lang", "en", "--keep", str(keep))
    return json.loads(result.stdout), html, keep / "run.json"


@pytest.fixture(scope="module", params=["en", "ko"])
def lab10_report(request, lab10_kept, mnist_dir):
    """The report in each language, as the command writes it: English from the run, Korean from the
    same run replayed (`--replay`: nothing runs again, the report is made the same way)."""
    lang = request.param
    doc, html, recording = lab10_kept
    if lang == "en":
        return lang, doc, html
    html = html.with_name(f"report_{lang}.html")
    result = grader("check", str(EXAMPLE), "-a", "lab10-mnist", "--quick", "--json", "--html", str(html),
                    "--data-dir", str(mnist_dir), "--lang", lang, "--replay", str(recording))
    return lang, json.loads(result.stdout), html


def test_report_is_self_contained(lab10_report):
    _, doc, html = lab10_report
    text = html.read_text()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text), "external resource in the report"
    mnist = [r for r in doc["models"] if r["dataset"] == "mnist"]
    assert len(mnist) >= 5 and all(r["history"] and r["confusion"] and r["misclassified"] for r in mnist)
    xor = [r for r in doc["models"] if r["dataset"] == "xor"]  # the notebook's XOR net: curves and its 2×2 matrix
    # per MNIST net: curves, confusion matrix, misclassified digits; no MNIST digits for the XOR net
    assert text.count('src="data:image/png;base64,') == 3 * len(mnist) + 2 * len(xor)


def test_each_model_is_shown_beside_its_reference_with_differences_marked(lab10_report):
    lang, doc, html = lab10_report
    compared = {r["index"]: r["reference"] for r in doc["models"] if r.get("reference")}
    assert set(compared) == {r["index"] for r in doc["models"] if r["dataset"] == "mnist"}  # XOR has no reference here
    names = {ref["name"] for ref in compared.values()}
    assert {"adam-he", "he-dropout", "deep-8x512"} <= names
    dropout = next(ref for ref in compared.values() if ref["name"] == "he-dropout")
    assert dropout["differences"] == 0 and dropout["history"]["loss"]  # the reference's own curve is overlaid
    text = html.read_text()
    assert text.count('<table class="arch">') == len(compared)
    assert ("solid: yours, dashed: reference" if lang == "en" else "실선: 제출, 점선: 기준") in text
    # the lecture's first nets keep Keras's default initializer while the best ReLU-MLP reference uses He:
    # the ReLU part has no rule on the initializer, so it is shown as a free choice, not as a fault
    relu = next(ref for ref in compared.values() if ref["name"] == "relu-mlp")
    assert relu["differences"] and relu["rows"][0]["free"] == ["initializer"]
    assert 'class="yours free"' in text and 'class="theirs free"' in text and 'class="yours diff"' not in text
    # the same difference where the part has a rule is marked as one
    ruled = {**doc, "models": [{**r, "reference": {**r["reference"], "rows": [{**row, "free": []} for row in
                                                                             r["reference"]["rows"]]}}
                               if r.get("reference") else r for r in doc["models"]]}
    marked = render_html(ruled, None, lang)
    assert 'class="yours diff"' in marked and 'class="theirs diff"' in marked


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_report_renders_in_chromium_with_its_plots(lab10_report):
    lang, _, page = lab10_report
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report_{lang}.png"
    shot.unlink(missing_ok=True)
    result = chromium(page.as_uri(), "--window-size=1200,4000", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 50_000, result.stderr[-2000:]
    dom = chromium(page.as_uri(), "--dump-dom")
    assert 'alt="curves"' in dom.stdout and 'alt="confusion matrix"' in dom.stdout
    assert 'alt="misclassified digits"' in dom.stdout
    assert ("채점 결과" if lang == "ko" else "Grading report") in dom.stdout
    # the page's console: no errors, no blocked (i.e. attempted) network requests
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Refused" in line or "Error" in line], console
