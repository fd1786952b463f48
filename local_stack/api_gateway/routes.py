"""API Gateway HTTP API route keys and how a request finds its route.

Route keys are `METHOD /path` with `{name}` (one segment) and a final `{name+}` (greedy), `ANY` as
the method, or `$default`. As in API Gateway, the most specific route wins: a path with more
literal segments before one with parameters, an exact method before ANY, `$default` last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from local_stack.api_gateway.context import Invoker

DEFAULT_ROUTE = "$default"
_PARAM = re.compile(r"^\{([A-Za-z0-9_]+)(\+?)\}$")


@dataclass(frozen=True)
class Route:
    key: str
    invoke: Invoker = field(compare=False)

    def __post_init__(self) -> None:
        if self.key != DEFAULT_ROUTE:
            method, _, path = self.key.partition(" ")
            if not method or not path.startswith("/"):
                raise ValueError(f"route key must be 'METHOD /path' or $default, got {self.key!r}")
            _compile(path)

    @property
    def method(self) -> str:
        return "ANY" if self.key == DEFAULT_ROUTE else self.key.partition(" ")[0].upper()

    @property
    def path(self) -> str:
        return "" if self.key == DEFAULT_ROUTE else self.key.partition(" ")[2]

    def match(self, method: str, raw_path: str) -> dict[str, str] | None:
        """Path parameters (decoded) when this route serves the request, else None."""
        if self.method not in {"ANY", method.upper()}:
            return None
        if self.key == DEFAULT_ROUTE:
            return {}
        found = _compile(self.path).fullmatch(raw_path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}

    def specificity(self) -> tuple[int, int, int, int]:
        if self.key == DEFAULT_ROUTE:
            return (0, 0, 0, 0)
        segments = self.path.strip("/").split("/")
        literal = sum(1 for s in segments if not _PARAM.match(s))
        greedy = any(_PARAM.match(s) and s.endswith("+}") for s in segments)
        return (1, literal, 0 if greedy else 1, 0 if self.method == "ANY" else 1)


def find_route(
    routes: list[Route], method: str, raw_path: str
) -> tuple[Route, dict[str, str]] | None:
    candidates = []
    for route in routes:
        params = route.match(method, raw_path)
        if params is not None:
            candidates.append((route.specificity(), route, params))
    if not candidates:
        return None
    _, route, params = max(candidates, key=lambda c: c[0])
    return route, params


def _compile(path: str) -> re.Pattern[str]:
    parts = []
    segments = path.strip("/").split("/") if path != "/" else [""]
    for index, segment in enumerate(segments):
        param = _PARAM.match(segment)
        if param is None:
            parts.append(re.escape(segment))
        elif param.group(2):
            if index != len(segments) - 1:
                raise ValueError(f"a greedy parameter must end the path: {path!r}")
            parts.append(f"(?P<{param.group(1)}>.+)")
        else:
            parts.append(f"(?P<{param.group(1)}>[^/]+)")
    return re.compile("/" + "/".join(parts))
