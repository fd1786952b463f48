"""The review report renders in headless Chromium: every plot loads, nothing is fetched."""

from __future__ import annotations

import pytest

from jobs.training.report import REPORT_FILE

pytestmark = pytest.mark.browser


def test_report_renders_every_plot_without_any_request(trained_model, browser_page):
    report = (trained_model.output_dir / REPORT_FILE).resolve()
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(report.as_uri(), wait_until="load")
    images = browser_page.eval_on_selector_all(
        "img", "images => images.map(i => ({complete: i.complete, width: i.naturalWidth}))"
    )
    headings = browser_page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert len(images) == 5
    assert all(image["complete"] and image["width"] > 0 for image in images), images
    external = [url for url in requested if not url.startswith(("data:", report.as_uri()))]
    assert external == []
    assert browser_page.title().startswith("Credit-risk model review")
    assert {"ROC curve", "Calibration", "Feature importance"} <= set(headings)
