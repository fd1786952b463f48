"""The review report: one self-contained HTML file with the plots and their numbers."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

from jobs.training.report import REPORT_FILE


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.references: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name == "src" and tag == "img":
                self.images.append(value or "")
            elif name in ("src", "href", "action", "srcset", "poster", "data"):
                self.references.append(value or "")


def parse_report(trained_model):
    html = (trained_model.output_dir / REPORT_FILE).read_text(encoding="utf-8")
    collector = _Collector()
    collector.feed(html)
    return html, collector


def test_report_inlines_five_png_plots(trained_model):
    _, collector = parse_report(trained_model)
    assert len(collector.images) == 5
    for source in collector.images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")


def test_report_references_nothing_outside_itself(trained_model):
    html, collector = parse_report(trained_model)
    assert collector.references == []
    assert not {"script", "link", "iframe", "object", "embed"} & collector.tags
    assert not re.search(r"url\(|@import|https?://", html.replace(collector.images[0], ""))


def test_report_shows_the_holdout_numbers_beside_the_plots(trained_model):
    html, _ = parse_report(trained_model)
    evaluation = trained_model.evaluation
    for key in ("roc_auc", "pr_auc", "baseline_pr_auc", "threshold", "precision", "recall", "f1"):
        assert f"{evaluation[key]:.4f}" in html
    for count in evaluation["confusion_matrix"].values():
        assert f">{count}<" in html
    for section in (
        "ROC curve",
        "Precision-recall curve",
        "Confusion matrix",
        "Calibration",
        "Feature importance",
    ):
        assert f"<h2>{section}" in html
    assert evaluation["periods"]["holdout"]["start"] in html
