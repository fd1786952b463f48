"""Keep each Terraform module's README inputs/outputs tables in step with its code.

    python tools/module_docs.py modules/*          # rewrite the tables between the markers
    python tools/module_docs.py --check modules/*  # exit 1 when a README is out of date

The tables sit between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (terraform-docs'
markers, so that tool can take over where it is installed). Types are shown as written in
variables.tf.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hcl2

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        parsed = hcl2.load(handle, with_meta=True)
    return [(name, body) for block in parsed.get(kind, []) for name, body in block.items()]


def _type_source(lines: list[str], start: int, end: int) -> str:
    """The text of the block's `type = ...` expression, on one line."""
    block = "\n".join(lines[start - 1 : end])
    match = re.search(r"^\s*type\s*=\s*", block, flags=re.MULTILINE)
    if match is None:
        return "any"
    depth, text = 0, []
    for char in block[match.end() :]:
        if char == "\n" and depth == 0:
            break
        depth += char in "({["
        depth -= char in ")}]"
        text.append(char)
    parts = [line.strip() for line in "".join(text).splitlines() if line.strip()]
    joined = ""
    for part in parts:
        separate = joined and not joined.endswith(("(", "{", "[")) and part[0] not in ")}]"
        joined += (", " if separate else "") + re.sub(r"\s+", " ", part)
    return joined


def _literal(value: Any) -> Any:
    """A default as Terraform writes it: python-hcl2 wraps bare expressions as ``${...}``."""
    if isinstance(value, str):
        match = re.fullmatch(r"\$\{(.*)\}", value, flags=re.DOTALL)
        return None if match and match.group(1) == "null" else value
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_tables(module_dir: Path) -> str:
    """The inputs and outputs tables of one module, as Markdown."""
    variables_file = module_dir / "variables.tf"
    lines = (
        variables_file.read_text(encoding="utf-8").splitlines() if variables_file.exists() else []
    )
    rows = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|---|---|---|---|:---:|",
    ]
    for name, body in _blocks(variables_file, "variable"):
        type_text = _type_source(lines, body["__start_line__"], body["__end_line__"])
        has_default = "default" in body
        default = json.dumps(_literal(body["default"])) if has_default else "n/a"
        rows.append(
            f"| `{name}` | {_cell(body.get('description', ''))} | `{_cell(type_text)}` "
            f"| `{_cell(default)}` | {'no' if has_default else 'yes'} |"
        )
    rows += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in _blocks(module_dir / "outputs.tf", "output"):
        rows.append(f"| `{name}` | {_cell(body.get('description', ''))} |")
    return "\n".join(rows)


def updated_readme(readme: str, tables: str) -> str:
    """``readme`` with the text between the markers replaced by ``tables``."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README lacks the {BEGIN} / {END} markers")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{tables}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", type=Path, help="module directories")
    parser.add_argument("--check", action="store_true", help="report stale READMEs, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for module_dir in args.modules:
        readme_path = module_dir / "README.md"
        readme = readme_path.read_text(encoding="utf-8")
        expected = updated_readme(readme, render_tables(module_dir))
        if expected != readme:
            stale.append(readme_path)
            if not args.check:
                readme_path.write_text(expected, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path}")  # noqa: T201 (CLI output)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
