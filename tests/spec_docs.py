"""Random documents that are valid against Rutter's OpenAPI extract, as hypothesis strategies.

A small generator over the keywords the extract uses ($ref, type, enum, format, properties,
required, additionalProperties, items, anyOf, nullable as converted by tests.spec), written
here because hypothesis-jsonschema no longer runs on current hypothesis.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from tests.spec import _components, response_schema

_TEXT = st.text(max_size=12)
_DATES = st.datetimes().map(lambda d: d.isoformat() + "Z")


def document(path: str) -> st.SearchStrategy[Any]:
    """A valid 200 body of GET `path`."""
    return _strategy(response_schema(path)["$ref"])


@functools.cache
def _strategy(ref: str) -> st.SearchStrategy[Any]:
    node: Any = {"components": _components()}
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return st.deferred(lambda: _of(node))


def _of(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return _strategy(schema["$ref"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([_of(option) for option in schema["anyOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_of({**schema, "type": k}) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(min_value=-(2**40), max_value=2**40)
    if kind == "number":
        return st.integers(0, 10**6) | st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "string":
        return _DATES if schema.get("format") == "date-time" else _TEXT
    if kind == "array":
        return st.lists(_of(schema.get("items", {})), max_size=3)
    if kind == "object" or "properties" in schema:
        return _object(schema)
    return st.none() | st.booleans() | _TEXT  # no type: anything simple


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = st.fixed_dictionaries(
        {k: _of(v) for k, v in props.items() if k in required},
        optional={k: _of(v) for k, v in props.items() if k not in required},
    )
    extra = schema.get("additionalProperties")
    if not isinstance(extra, dict):
        return fixed
    more = st.dictionaries(_TEXT.filter(lambda k: k not in props), _of(extra), max_size=3)
    return st.tuples(fixed, more).map(lambda pair: {**pair[1], **pair[0]})
