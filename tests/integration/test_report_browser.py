"""The replayed library's report, opened in headless Chromium (Debian's, driven by Playwright):
no console or page error, nothing fetched, and the screenshot shows every chart's data (the
signal and price lines, the latency bars) and the coverage matrix's coloured cells."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from pipelines.cli import main

CHROMIUM = Path(os.environ.get("RISKPROOF_CHROMIUM", "/usr/bin/chromium"))
# The machine has no internet: every background service Chromium would reach for is switched
# off, or its refused connections land in the console.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINE = np.array([0x1F, 0x77, 0xB4])  # the first series' stroke (pipelines/report/palette.py)
PASS = np.array([0x1A, 0x7F, 0x37])  # a PASS bar of the latency chart
VALIDATED = np.array([0xDA, 0xFB, 0xE1])  # a validated cell of the coverage matrix
# Per chart kind: the colour that proves it drew its data, how many pixels of it at least, and
# the least height it is drawn at.
PROBES = {"signal": (LINE, 100, 200), "prices": (LINE, 100, 250), "latency": (PASS, 100, 150)}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"no Chromium at {CHROMIUM}: `make {CHROMIUM}` installs Debian's chromium "
    "(apt-get, as root), or set RISKPROOF_CHROMIUM",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(library_run: Path) -> Path:
    answer = CliRunner().invoke(main, ["--data-dir", str(library_run), "report", "--all"])
    assert answer.exit_code == 0, answer.output
    return library_run / "exports" / "report" / "index.html"


@pytest.fixture
def page(browser: Browser, report: Path) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    opened.on(
        "request",
        lambda r: None if r.url == report.as_uri() else problems.append(f"fetched {r.url}"),
    )
    opened.goto(report.as_uri(), wait_until="load")
    yield opened, problems
    context.close()


def test_the_report_renders_without_errors_and_shows_its_plots(
    page: tuple[Page, list[str]], tmp_path: Path
) -> None:
    opened, problems = page
    png = tmp_path / "report.png"
    opened.screenshot(path=str(png), full_page=True)
    shot = Image.open(png).convert("RGB")
    assert shot.width >= 1280, shot.size
    assert shot.height > 900, shot.size
    assert not problems, problems

    sections = opened.locator("section.scenario").count()
    assert opened.locator("section.scenario svg.chart-prices").count() == sections
    charts = opened.locator("svg.chart")
    kinds = {"signal": 0, "prices": 0, "latency": 0}
    for n in range(charts.count()):
        chart = charts.nth(n)
        kind = str(chart.get_attribute("class")).removeprefix("chart chart-")
        kinds[kind] += 1
        title = chart.locator("title").first.text_content()
        probe, least, height = PROBES[kind]
        pixels = _pixels(shot, chart.bounding_box(), f"chart {n} ({title})", height)
        hits = int((np.abs(pixels - probe) <= 40).all(axis=1).sum())
        assert hits >= least, f"chart {n} ({title}): only {hits} pixels of {probe}"
    assert all(kinds.values()), f"a kind of chart is missing: {kinds}"

    coverage = opened.locator("table.coverage")
    pixels = _pixels(shot, coverage.bounding_box(), "coverage matrix", 200)
    validated = int((pixels == VALIDATED).all(axis=1).sum())
    assert validated >= 200, f"coverage matrix: only {validated} pixels of validated cells"
    keep = os.environ.get("RISKPROOF_SCREENSHOT")
    if keep:  # for a person to look at: the tmp dir is gone after the session
        shutil.copyfile(png, keep)


def _pixels(shot: Image.Image, box: object, what: str, height: int) -> np.ndarray:
    """The screenshot's pixels under `box`, once it is shown as a drawing, not a blank."""
    assert isinstance(box, dict), f"{what} is not on the page"
    assert box["width"] > 600, (what, box)
    assert box["height"] > height, (what, box)
    left, top = int(box["x"]), int(box["y"])
    region = shot.crop((left, top, left + int(box["width"]), top + int(box["height"])))
    pixels = np.asarray(region, dtype=np.int16).reshape(-1, 3)
    colours = len(np.unique(pixels, axis=0))
    # the page's white and the plot area's #fafafa
    background = int(((pixels == 255).all(axis=1) | (pixels == 0xFA).all(axis=1)).sum())
    assert colours >= 20, f"{what} is nearly blank: {colours} colours"
    assert background < len(pixels) * 0.99, f"{what} is background only"
    return pixels
