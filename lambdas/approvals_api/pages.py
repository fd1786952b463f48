"""The HTML of the review flow: review page, decision page, error page, and their headers.

Every value is escaped. The page needs no JavaScript (the decision is a plain form POST), so the
Content-Security-Policy allows none; the one inline style block is allowed by its hash. The link
carries a capability, so no referrer ever leaves the page and nothing is cached.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html import escape

from lambdas.approvals_api.decisions import MAX_COMMENT_CHARS
from lambdas.approvals_api.report_plots import Plots
from lambdas.shared.approvals import Approval, Delivery, Status
from lambdas.shared.metrics import data_summary, fmt, metric_rows
from lambdas.shared.resource_names import model_label
from lambdas.shared.text import utc_time

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}"
    "main{max-width:60rem;margin:0 auto;padding:1.5rem;background:#fff}"
    "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}"
    "table{border-collapse:collapse}th,td{padding:.35rem .8rem;border-bottom:1px solid #d0d7de;"
    "text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1rem}dt{font-weight:600}"
    "dd{margin:0;overflow-wrap:anywhere}figure{margin:1rem 0}img{max-width:100%;height:auto}"
    "textarea{width:100%;min-height:5rem;box-sizing:border-box}"
    "button{font-size:1rem;padding:.5rem 1.5rem;margin:.8rem .8rem 0 0;cursor:pointer}"
    ".note{color:#57606a}.ok{color:#1a7f37}.bad{color:#cf222e}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; "
    f"style-src 'sha256-{_STYLE_HASH}'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


def review_page(approval: Approval, plots: Plots) -> str:
    model = model_label(approval.model_package_arn)
    body = [
        f"<h1>Review: {_e(model)}</h1>",
        f'<p class="note">Waiting for a decision until {_e(utc_time(approval.expires_at))}. '
        "Opening this page changes nothing; only the buttons below decide.</p>",
        _model_section(approval),
        _data_section(approval),
        _metrics_section(approval),
        _plots_section(plots),
        '<section id="decision"><h2>Decision</h2>',
        '<form method="post" accept-charset="utf-8">',
        f'<label for="comment">Comment (optional, up to {MAX_COMMENT_CHARS} characters)</label>',
        f'<textarea id="comment" name="comment" maxlength="{MAX_COMMENT_CHARS}"></textarea>',
        '<button type="submit" name="decision" value="approve">Approve</button>',
        '<button type="submit" name="decision" value="reject">Reject</button>',
        "</form>",
        '<p class="note">Approving deploys this model to the serving endpoint; rejecting keeps '
        "the current one. Either decision is final for this link.</p></section>",
    ]
    return _document(f"Review: {model}", body)


def decision_page(approval: Approval, *, just_decided: bool) -> str:
    """After a POST (`just_decided`), or a GET of a link already used."""
    model = model_label(approval.model_package_arn)
    word = approval.status.value.lower()
    css = "ok" if approval.status is Status.APPROVED else "bad"
    if just_decided and approval.status is Status.APPROVED:
        outcome = (
            "The workflow resumed: the model is being deployed. "
            "You will get an email when the API serves it."
        )
    elif just_decided:
        outcome = "The workflow resumed: the model will not be deployed."
    elif approval.delivery is Delivery.WORKFLOW_NOT_WAITING:
        outcome = (
            "The workflow had stopped waiting when the decision arrived, so it changed nothing."
        )
    else:
        outcome = "This link has been used; it cannot decide again."
    body = [
        f'<h1 class="{css}" id="outcome">{_e(model)} {word}</h1>',
        f'<p id="resumed">{_e(outcome)}</p>',
        "<dl>",
        _row("Decided at", utc_time(approval.decided_at)),
        _row("Comment", approval.comment or "(none)"),
        _row("Run", approval.execution_name),
        "</dl>",
        _metrics_section(approval),
    ]
    return _document(f"{model} {word}", body)


def error_page(status: int, code: str, message: str) -> str:
    titles = {404: "Link not found", 409: "Already decided", 410: "Link no longer valid"}
    title = titles.get(status, "Something went wrong")
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p id="error" data-code="{_e(code)}">{_e(message)}</p>',
    ]
    return _document(title, body)


def _model_section(approval: Approval) -> str:
    rows = [
        _row("Model package", approval.model_package_arn),
        _row("Training job", approval.training_job_name or "(not named)"),
        _row("Run", approval.execution_name),
        _row("Requested at", utc_time(approval.created_at)),
    ]
    return '<section id="model"><h2>Model</h2><dl>' + "".join(rows) + "</dl></section>"


def _data_section(approval: Approval) -> str:
    source = approval.source
    uri = f"s3://{source.get('bucket', '')}/{source.get('key', '')}" if source else "(not given)"
    rows = [_row("Raw file", uri)]
    rows += [_row(label, value) for label, value in data_summary(approval.metrics)]
    return '<section id="data"><h2>Data</h2><dl>' + "".join(rows) + "</dl></section>"


def _metrics_section(approval: Approval) -> str:
    rows = [
        f'<tr data-metric="{_e(row.name)}"><th scope="row">{_e(row.label)}</th>'
        f'<td class="num">{fmt(row.value)}</td><td class="num">{fmt(row.baseline)}</td></tr>'
        for row in metric_rows(approval.metrics)
    ]
    parts = ['<section id="metrics"><h2>Metrics on the holdout</h2>']
    if rows:
        parts += [
            '<table id="metrics-table"><thead><tr><th scope="col">Metric</th>'
            '<th scope="col">Model</th><th scope="col">Baseline</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody></table>",
        ]
    else:
        parts.append('<p class="note">No metrics were reported.</p>')
    if approval.confusion_matrix:
        (tn, fp), (fn, tp) = approval.confusion_matrix
        parts += [
            '<h3>Confusion matrix</h3><table id="confusion-matrix"><thead><tr><th></th>'
            '<th scope="col">Predicted repaid</th><th scope="col">Predicted default</th></tr>'
            f'</thead><tbody><tr><th scope="row">Repaid</th><td class="num">{tn}</td>'
            f'<td class="num">{fp}</td></tr><tr><th scope="row">Defaulted</th>'
            f'<td class="num">{fn}</td><td class="num">{tp}</td></tr></tbody></table>',
        ]
    parts.append("</section>")
    return "".join(parts)


def _plots_section(plots: Plots) -> str:
    parts = ['<section id="plots"><h2>Plots from the training report</h2>']
    if plots.problem:
        parts.append(f'<p class="note">No plots: {_e(plots.problem)}.</p>')
    parts += [
        f'<figure><img src="{_e(plot.src)}" alt="{_e(plot.caption)}">'
        f"<figcaption>{_e(plot.caption)}</figcaption></figure>"
        for plot in plots.plots
    ]
    parts.append("</section>")
    return "".join(parts)


def _document(title: str, body: Iterable[str]) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>"
        "<body><main>" + "\n".join(body) + "</main></body></html>"
    )


def _row(label: str, value: str) -> str:
    return f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>"


def _e(value: object) -> str:
    return escape(str(value), quote=True)
