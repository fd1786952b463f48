"""A reviewer in headless Chromium: open the emailed link, see metrics and plots, click Approve.

The approvals function is served over real HTTP by the local API Gateway adapter; DynamoDB, S3,
SNS and a Step Functions execution waiting on its task token run in moto (in process).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local_stack.api_gateway import serve
from tests.fixtures.lambdas import AwsWorld, gateway_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # browser_page: tests/fixtures/browser.py


@pytest.fixture
def served_api(lambda_settings: dict[str, str]) -> Iterator[str]:
    with serve(gateway_app()) as url:
        yield url


def test_reviewer_approves_in_a_browser_and_the_workflow_resumes(
    aws_world: AwsWorld,
    approval_link: Callable[..., tuple[str, str, str]],
    served_api: str,
    browser_page: Any,
) -> None:
    _, execution_arn, _ = approval_link(api_base_url=served_api)
    link = re.search(r"http://\S+/approvals/\S+", aws_world.emails()[-1]["body"])
    assert link, "the review email holds no link to the served API"
    problems: list[str] = []
    browser_page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    response = browser_page.goto(link.group(0))
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert browser_page.title() == "Review: credit-risk v3"
    roc = browser_page.locator('tr[data-metric="roc_auc"] td')
    assert roc.all_inner_texts() == ["0.784", "0.500"]
    plots = browser_page.locator("#plots img")
    assert plots.count() == 2
    widths = plots.evaluate_all("images => images.map(i => i.complete && i.naturalWidth)")
    assert all(width and width > 0 for width in widths), "a plot did not render"
    assert aws_world.execution(execution_arn, settle=False)["status"] == "RUNNING"

    browser_page.fill("#comment", "Approved in the browser")
    with browser_page.expect_navigation():
        browser_page.click("button[value=approve]")
    assert "approved" in browser_page.locator("#outcome").inner_text()
    assert "workflow resumed" in browser_page.locator("#resumed").inner_text()

    execution = aws_world.execution(execution_arn)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"])["approval"] == {
        "decision": "approved",
        "comment": "Approved in the browser",
    }
    assert problems == [], f"the browser reported errors (CSP?): {problems}"

    # Back: nothing is cached (no-store), so the page is fetched again and has no form left.
    browser_page.go_back()
    assert browser_page.locator("form").count() == 0
    assert "approved" in browser_page.locator("#outcome").inner_text()
    assert aws_world.execution(execution_arn)["status"] == "SUCCEEDED"
