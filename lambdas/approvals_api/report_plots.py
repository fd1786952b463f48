"""The plots of the training report, for the review page.

The report (report.html, written by the training job) embeds each plot as
`<img src="data:image/...;base64,...">`. Only such images are taken, each re-checked (media type,
base64 alphabet, size), so nothing else of the report's markup reaches the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from lambdas.shared.resource_names import parse_s3_uri

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

MAX_PLOTS = 20
MAX_TOTAL_BYTES = 4 * 1024 * 1024  # the page must stay well under Lambda's 6 MB response limit
_DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "figcaption"})


@dataclass(frozen=True, slots=True)
class Plot:
    src: str
    caption: str


@dataclass(frozen=True, slots=True)
class Plots:
    plots: list[Plot]
    problem: str = ""  # why there are none, when that is worth telling the reviewer


class _ImageCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[tuple[str, str]] = []
        self._heading: list[str] = []
        self._last_heading = ""
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            self._in_heading, self._heading = True, []
        elif tag == "img":
            values = {name: value or "" for name, value in attrs}
            caption = values.get("alt") or values.get("title") or self._last_heading
            self.images.append((values.get("src", "").strip(), caption.strip()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS and self._in_heading:
            self._in_heading = False
            self._last_heading = " ".join("".join(self._heading).split())

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self._heading.append(data)


def extract_plots(report_html: str) -> list[Plot]:
    collector = _ImageCollector()
    collector.feed(report_html)
    collector.close()
    plots: list[Plot] = []
    total = 0
    for src, caption in collector.images:
        if _DATA_URI.fullmatch(src) is None:
            continue
        total += len(src)
        if len(plots) == MAX_PLOTS or total > MAX_TOTAL_BYTES:
            log.warning("report has more plots than the page shows", extra={"shown": len(plots)})
            break
        plots.append(Plot(src, caption[:200] or f"Plot {len(plots) + 1}"))
    return plots


def load_plots(s3: S3Client, report_s3_uri: str) -> Plots:
    """The report's plots; an empty list and the reason when the report cannot be read."""
    if not report_s3_uri:
        return Plots([], "the training job wrote no report")
    try:
        bucket, key = parse_s3_uri(report_s3_uri)
        html = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", "replace")
    except (ClientError, BotoCoreError, ValueError) as exc:
        log.warning("report unreadable", extra={"error": type(exc).__name__})
        return Plots([], "the training report could not be read")
    plots = extract_plots(html)
    return Plots(plots, "" if plots else "the training report has no plots")
