"""Contract helpers: validate documents and requests against Rutter's OpenAPI extract."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPEC_PATH = Path(__file__).parent / "data" / "openapi-2023-03-14-subset.yaml"


@functools.cache
def spec() -> dict[str, Any]:
    # The extract uses unquoted 200 keys; keep them as strings.
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` -> JSON Schema: add "null" to the type (and the enum)."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items() if key != "examples"}
    if "type" in out and out["type"] is None:
        # YAML reads `type: null` as None; the authors meant the JSON type "null".
        out["type"] = "null"
    if out.pop("nullable", False):
        kind = out.get("type")
        if isinstance(kind, str) and kind != "null":
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


@functools.cache
def _components() -> dict[str, Any]:
    return _nullable(copy.deepcopy(spec()["components"]))


def schema(name: str) -> dict[str, Any]:
    """A named component schema, with `$ref`s resolvable against the whole document."""
    return {"$ref": f"#/components/schemas/{name}", "components": _components()}


def response_schema(path: str) -> dict[str, Any]:
    """The 200 response schema of GET `path`."""
    op = spec()["paths"][path]["get"]
    responses = op["responses"]
    ok = responses.get(200) or responses.get("200")
    ref = ok["content"]["application/json"]["schema"]["$ref"]
    return schema(ref.rsplit("/", 1)[-1])


def validate_response(path: str, document: Any) -> None:
    """Raise jsonschema.ValidationError unless `document` is a valid 200 body of GET `path`."""
    jsonschema.validate(document, response_schema(path))


def query_parameters(path: str) -> dict[str, dict[str, Any]]:
    """GET `path`'s query parameters by name, each with `required` and its resolved schema."""
    params: dict[str, dict[str, Any]] = {}
    for param in spec()["paths"][path]["get"].get("parameters", []):
        if param.get("in") != "query":
            continue
        ref = param["schema"].get("$ref", "")
        resolved = _resolve_pointer(ref) if ref else param["schema"]
        params[param["name"]] = {"required": bool(param.get("required")), "schema": resolved}
    return params


def _resolve_pointer(ref: str) -> Any:
    node: Any = {"components": _components()}
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def validate_query(path: str, query: dict[str, str]) -> None:
    """Every parameter is one the spec names for GET `path`, and every required one is there."""
    params = query_parameters(path)
    unknown = set(query) - set(params)
    assert not unknown, f"GET {path}: parameters not in the spec: {sorted(unknown)}"
    missing = {name for name, p in params.items() if p["required"]} - set(query)
    assert not missing, f"GET {path}: required parameters missing: {sorted(missing)}"
    for name, value in query.items():
        kind = params[name]["schema"]
        if "enum" in kind:
            assert value in kind["enum"], f"GET {path}: {name}={value!r} not in {kind['enum']}"
