from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

from lambdas.approvals_api import pages
from lambdas.approvals_api.report_plots import Plot, Plots
from lambdas.shared.approvals import Approval, Delivery, Status

EVIL = '<script>alert("x")</script>'
APPROVAL = Approval(
    token_hash="ab" * 32,
    task_token="TASK-TOKEN-SECRET",
    execution_arn="arn:aws:states:eu-west-1:1:execution:m:run-1",
    execution_name="run-1",
    model_package_arn=f"arn:aws:sagemaker:eu-west-1:1:model-package/{EVIL}/3",
    training_job_name=EVIL,
    metrics={"roc_auc": 0.78, "baseline_roc_auc": 0.5, EVIL: 1.0, "n_train": 100.0},
    created_at=1_714_500_000,
    expires_at=1_714_600_000,
    evaluation_s3_uri="s3://artifacts/runs/run-1/review/evaluation.json",
    report_s3_uri="s3://artifacts/runs/run-1/review/report.html",
    confusion_matrix=[[10, 2], [3, 4]],
    source={"bucket": "raw", "key": f"incoming/{EVIL}.csv", "etag": "e"},
)
PLOTS = Plots([Plot("data:image/png;base64,AAAA", f'ROC "{EVIL}"')])


def test_review_page_escapes_every_value() -> None:
    page = pages.review_page(APPROVAL, PLOTS)
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_review_page_shows_metrics_beside_baseline_plots_and_both_buttons() -> None:
    page = pages.review_page(APPROVAL, PLOTS)
    assert re.search(
        r'<tr data-metric="roc_auc">.*?<td class="num">0\.780</td><td class="num">0\.500</td>',
        page,
    )
    assert '<img src="data:image/png;base64,AAAA"' in page
    assert '<form method="post"' in page
    assert 'name="decision" value="approve"' in page
    assert 'name="decision" value="reject"' in page
    assert "Training rows" in page
    assert "TASK-TOKEN-SECRET" not in page


def test_review_page_says_why_there_are_no_plots() -> None:
    page = pages.review_page(APPROVAL, Plots([], "the training job wrote no report"))
    assert "No plots: the training job wrote no report." in page


def test_decision_page_has_no_form() -> None:
    decided = replace(
        APPROVAL, status=Status.APPROVED, decided_at=1_714_550_000, delivery=Delivery.DELIVERED
    )
    page = pages.decision_page(decided, just_decided=True)
    assert "<form" not in page
    assert "workflow resumed" in page
    stale = replace(decided, delivery=Delivery.WORKFLOW_NOT_WAITING)
    assert "stopped waiting" in pages.decision_page(stale, just_decided=False)


def test_content_security_policy_allows_only_the_inline_style_it_ships() -> None:
    page = pages.error_page(404, "approval_not_found", EVIL)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = pages.CONTENT_SECURITY_POLICY
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert "frame-ancestors 'none'" in policy
    assert "<script" not in page


def test_html_headers_keep_the_capability_out_of_referrers_and_caches() -> None:
    headers = pages.HTML_HEADERS
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in headers["Cache-Control"]
    assert headers["X-Frame-Options"] == "DENY"
