"""The HTML report as a browser shows it: headless Chromium renders the page of
the bundled example, and the test reads what the rendered page shows (its
text and the laid-out SVG bars), not the HTML string."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from readylint.cli import main
from readylint.rule import ANGLES

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ticketing-api"
BAR_WIDTH = 200  # the chart's 100 % in SVG units (templates/report.html.j2)
CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine (.ci/run installs Debian's `chromium`; "
    "apt-get was unavailable or failed)",
)

# Appended by the test only, to read the rendered page; the report itself has no script.
PROBE = """
<script>
(() => {
  const verdict = document.getElementById('verdict');
  const box = verdict.getBoundingClientRect();
  const style = getComputedStyle(verdict);
  const bars = [...document.querySelectorAll('svg rect.bar')].map((bar) => ({
    angle: bar.dataset.angle,
    width: bar.getBBox().width,
    fill: getComputedStyle(bar).fill,
  }));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    verdict: verdict.innerText,
    verdictShown: box.width > 0 && box.height > 0 && style.visibility === 'visible'
      && style.display !== 'none',
    text: document.body.innerText,
    bars,
    svgs: document.querySelectorAll('svg').length,
    requests: performance.getEntriesByType('resource').map((entry) => entry.name),
  });
  document.body.appendChild(out);
})();
</script>
"""


def chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={user_data}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("html-report")
    page = folder / "report.html"
    made = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", "html", "-o", str(page)])
    assert made.exit_code == 0, made.output
    scores = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", "json"])
    source = page.read_text(encoding="utf-8")
    probed = folder / "probed.html"
    probed.write_text(source.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    shown = chromium("--dump-dom", probed.as_uri(), user_data=folder / "profile")
    match = re.search(r'<pre id="probe">(.*?)</pre>', shown.stdout, re.S)
    assert match is not None, f"Chromium rendered nothing: {shown.stderr[-2000:]}"
    return {
        "page": page,
        "source": source,
        "folder": folder,
        "json": json.loads(scores.stdout),
        "dom": json.loads(html.unescape(match.group(1))),
    }


def test_the_verdict_is_shown_as_the_json_says(rendered: dict[str, Any]) -> None:
    dom, data = rendered["dom"], rendered["json"]
    assert dom["verdictShown"]
    assert data["overall"]["verdict"] in dom["verdict"]
    assert f"overall {data['overall']['score']:g}%" in dom["verdict"]
    assert "Blockers before production" in dom["text"]
    assert "How the numbers were computed" in dom["text"]


def test_one_bar_per_angle_as_long_as_its_score(rendered: dict[str, Any]) -> None:
    dom, data = rendered["dom"], rendered["json"]
    assert [bar["angle"] for bar in dom["bars"]] == list(ANGLES)
    scores = {entry["angle"]: entry["score"] for entry in data["angles"]}
    for bar in dom["bars"]:
        expected = 0 if scores[bar["angle"]] is None else BAR_WIDTH * scores[bar["angle"]] / 100
        assert bar["width"] == pytest.approx(expected, abs=0.01), bar
    # a scored bar is painted in its status colour, not left transparent
    assert all(bar["fill"] not in ("none", "") for bar in dom["bars"])


def test_each_angle_and_its_gaps_are_on_the_page(rendered: dict[str, Any]) -> None:
    dom, data = rendered["dom"], rendered["json"]
    for entry in data["angles"]:
        assert entry["angle"].capitalize() in dom["text"]
        for check in entry["checks"]:
            assert f"{check['rule']} {check['name']}" in dom["text"]
    for blocker in data["blockers"]:
        assert f"{blocker['path']}:{blocker['line']}" in dom["text"]


def test_the_page_is_self_contained(rendered: dict[str, Any]) -> None:
    # nothing fetched while rendering (the probe reads the browser's own record)
    assert rendered["dom"]["requests"] == []
    assert rendered["dom"]["svgs"] == 1
    assert "<script" not in rendered["source"].lower()


def test_the_page_prints(rendered: dict[str, Any]) -> None:
    pdf = rendered["folder"] / "report.pdf"
    printed = chromium(
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        rendered["page"].as_uri(),
        user_data=rendered["folder"] / "profile-print",
    )
    assert pdf.is_file(), printed.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF")
