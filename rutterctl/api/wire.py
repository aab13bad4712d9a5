"""Reading Rutter's JSON (2023-03-14) tolerantly: the rules every wire document follows.

Hand-written instead of pydantic models: rutterctl reads three small documents, and building
17 pydantic models cost a `status` run more CPU than its requests and output together
(bench/startup.py; the README's Dependencies section says more). `rutterctl.api.convert` uses
these readers to turn each document straight into domain models.

Tolerance rules: unknown fields are ignored, enums are plain strings (unknown platforms, statuses
and reasons are data), most fields may be null or absent, entity maps accept keys of any
spelling, and dates stay strings (the domain parses them and shows unparseable ones as given).
Like pydantic's lax mode, a flag may be sent as 0/1 or "true"/"false"/"yes"/"no"... and a
number as its decimal text.

Nulls: a null flag reads as false (a null `is_ready` as "not ready": never claim data can be
read on a guess), a null batch status as UNKNOWN, a null entity entry as an empty one, a null
batch is skipped. A number or boolean where text is expected (a date sent as Unix
milliseconds, say) is kept as its JSON text. Only a missing `connection.id`, `status` or
`status.is_ready` (or an object where a value belongs) is a shape we cannot use: ShapeError,
which names where (`status.is_ready`) and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Number = int | float
Loc = tuple[str | int, ...]

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_MISSING: Any = object()


class ShapeError(Exception):
    """A document rutterctl cannot use: `loc` is the path to the value, `msg` what is wrong."""

    def __init__(self, loc: Loc, msg: str) -> None:
        super().__init__(f"{where(loc)}: {msg}")
        self.loc = loc
        self.msg = msg


def where(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "the document"


class Obj:
    """A JSON object being read, with its place in the document for error messages."""

    __slots__ = ("data", "loc")

    def __init__(self, data: Any, loc: Loc = ()) -> None:
        if not isinstance(data, dict):
            raise ShapeError(loc, "Input should be a valid object")
        self.data: dict[str, Any] = data
        self.loc = loc

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise ShapeError((*self.loc, key), "Field required")
            return None
        return value

    def flag(self, key: str, *, required: bool = False) -> bool:
        """A boolean; null or absent reads as false."""
        value = self._get(key, required)
        return False if value is None else _bool(value, (*self.loc, key))

    def maybe_bool(self, key: str) -> bool | None:
        """A boolean where null means "not said" (kept as None)."""
        value = self._get(key, False)
        return None if value is None else _bool(value, (*self.loc, key))

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        """Text; a number or boolean is kept as its JSON text."""
        value = self._get(key, required)
        if value is None:
            if required:
                raise ShapeError((*self.loc, key), "Input should be a valid string")
            return default
        return _text(value, (*self.loc, key))

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def string(self, key: str) -> str:
        """Required text that must be sent as text (an access token is never a number)."""
        value = self._get(key, True)
        if not isinstance(value, str):
            raise ShapeError((*self.loc, key), "Input should be a valid string")
        return value

    def number(self, key: str) -> Number | None:
        value = self._get(key, False)
        return None if value is None else _number(value, (*self.loc, key))

    def obj(self, key: str, *, required: bool = False) -> Obj | None:
        value = self._get(key, required)
        return None if value is None and not required else Obj(value, (*self.loc, key))

    def entries(self, key: str) -> Iterator[tuple[str, Obj]]:
        """An entity map (keys are names, in Rutter's order); a null entry reads as empty."""
        value = self._get(key, False)
        if value is None:
            return
        loc = (*self.loc, key)
        if not isinstance(value, dict):
            raise ShapeError(loc, "Input should be a valid object")
        for name, entry in value.items():
            yield name, Obj({} if entry is None else entry, (*loc, name))

    def items(self, key: str, *, required: bool = False, skip_null: bool = True) -> Iterator[Obj]:
        """A list of objects; null items are skipped (or, with `skip_null=False`, an error)."""
        value = self._get(key, required)
        if value is None and not required:
            return
        loc = (*self.loc, key)
        if not isinstance(value, list):
            raise ShapeError(loc, "Input should be a valid list")
        for index, item in enumerate(value):
            if item is None and skip_null:
                continue
            yield Obj(item, (*loc, index))

    def json_map(self, key: str) -> dict[str, Any]:
        """An object kept as parsed JSON (null or absent: empty)."""
        value = self._get(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ShapeError((*self.loc, key), "Input should be a valid object")
        return value


def _bool(value: Any, loc: Loc) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ShapeError(loc, "Input should be a valid boolean")


def _text(value: Any, loc: Loc) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    raise ShapeError(loc, "Input should be a valid string")


def _number(value: Any, loc: Loc) -> Number:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            pass
    raise ShapeError(loc, "Input should be a valid number")
