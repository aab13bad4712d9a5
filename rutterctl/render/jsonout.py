"""JSON output: one document, stable key order, UTF-8, trailing newline."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rutterctl.render.plain import escape_surrogates


def write_json(doc: Any, out: TextIO) -> None:
    out.write(escape_surrogates(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")


def dumps_line(doc: Any) -> str:
    """One compact JSON document per line (NDJSON)."""
    return escape_surrogates(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))) + "\n"
