"""The HTML report in a real headless Chromium: renders, requests nothing, shows the plots."""

import json
import re
import shutil
import subprocess

import pytest
from conftest import ASSETS, ROOT
from test_cli import grader

from grader.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"


def chromium(url: str, *args: str) -> subprocess.CompletedProcess:
    profile = ARTIFACTS / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def lab10_report(tmp_path_factory, mnist_dir):
    html = tmp_path_factory.mktemp("html") / "report_en.html"
    result = grader("check", str(ASSETS / "lab10_module.py"), "-a", "lab10-mnist", "--json", "--html", str(html),
                    "--data-dir", str(mnist_dir), "--lang", "en")
    return json.loads(result.stdout), html


def test_report_is_self_contained(lab10_report):
    _, html = lab10_report
    text = html.read_text()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text), "external resource in the report"
    assert text.count('src="data:image/png;base64,') == 3  # curves, confusion matrix, misclassified digits


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_report_renders_in_chromium_in_both_languages(lab10_report, mnist_dir, lang):
    doc, english = lab10_report
    page = english if lang == "en" else english.with_name("report_ko.html")
    if lang == "ko":
        page.write_text(render_html(doc, mnist_dir / "mnist.npz", "ko"), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report_{lang}.png"
    shot.unlink(missing_ok=True)
    result = chromium(page.as_uri(), "--window-size=1200,2600", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 50_000, result.stderr[-2000:]
    dom = chromium(page.as_uri(), "--dump-dom")
    assert "confusion matrix" in dom.stdout and "misclassified digits" in dom.stdout
    assert ("채점 결과" if lang == "ko" else "Grading report") in dom.stdout
    # the page's console: no errors, no blocked (i.e. attempted) network requests
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Refused" in line or "Error" in line], console
