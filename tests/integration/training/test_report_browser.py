"""The review report renders in headless Chromium: every plot loads, nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.training.report import REPORT_FILE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"chromium is not installed at {CHROMIUM}"),
]


def test_report_renders_every_plot_without_any_request(trained_model):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    report = (trained_model.output_dir / REPORT_FILE).resolve()
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(report.as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img",
                "images => images.map(i => ({complete: i.complete, width: i.naturalWidth}))",
            )
            title = page.title()
            headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
        finally:
            browser.close()
    assert len(images) == 5
    assert all(image["complete"] and image["width"] > 0 for image in images), images
    external = [url for url in requested if not url.startswith(("data:", report.as_uri()))]
    assert external == []
    assert title.startswith("Credit-risk model review")
    assert {"ROC curve", "Calibration", "Feature importance"} <= set(headings)
