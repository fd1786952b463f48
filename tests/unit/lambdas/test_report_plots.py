from __future__ import annotations

import base64
from pathlib import Path

from lambdas.approvals_api.report_plots import MAX_PLOTS, extract_plots

REPORT = (Path(__file__).parents[2] / "data" / "lambdas" / "report.html").read_text()
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 30).decode()


def test_extract_plots_takes_embedded_images_with_their_captions() -> None:
    plots = extract_plots(REPORT)
    assert [plot.caption for plot in plots] == [
        "ROC curve on the holdout",
        "Precision-recall curve",
    ]
    assert all(plot.src.startswith("data:image/png;base64,") for plot in plots)


def test_extract_plots_ignores_remote_script_and_malformed_sources() -> None:
    html = (
        '<img src="https://example.com/x.png"><img src="javascript:alert(1)">'
        '<img src="data:text/html;base64,PHNjcmlwdD4="><img src="data:image/png;base64,@@@">'
        '<img src="data:image/png;base64,AAAA" onerror="alert(1)" alt="ok">'
    )
    assert [(p.src, p.caption) for p in extract_plots(html)] == [
        ("data:image/png;base64,AAAA", "ok")
    ]


def test_extract_plots_caps_the_number_shown() -> None:
    html = "".join(f'<img src="{PNG}" alt="p{i}">' for i in range(MAX_PLOTS + 5))
    assert len(extract_plots(html)) == MAX_PLOTS


def test_extract_plots_names_uncaptioned_plots() -> None:
    assert extract_plots(f'<img src="{PNG}">')[0].caption == "Plot 1"
