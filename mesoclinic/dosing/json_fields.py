"""Reading untrusted JSON field by field, collecting ``path: problem`` messages.

Pure Python (no Django import); used by input_schema.py. Every message starts with the field
path (``syringes[1].volume_ml: must be > 0, got -2``) so the user can find the fault.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from mesoclinic.dosing.rules import PHOSPHATIDYLCHOLINE, SUBSTANCE_ALIASES

# Technical bounds that keep Decimal arithmetic exact; they are not clinical limits.
MAX_QUANTITY = Decimal(1_000_000)
MAX_DECIMAL_PLACES = 6

MISSING = object()  # a field that is absent, as opposed to present and null
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"[a-z][a-z0-9_]*")


class FieldReader:
    """Collects ``path: problem`` messages while reading the input."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, path: str, problem: str) -> None:
        self.messages.append(f"{path or 'input'}: {problem}")

    def fields(
        self,
        value: object,
        path: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, f"must be an object, got {kind(value)}")
            return None
        allowed = required + optional
        for key in getattr(value, "duplicate_keys", ()):
            self.add(_join(path, key), "given more than once")
        for key in value:
            if key not in allowed:
                self.add(_join(path, key), f"unknown field (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                self.add(_join(path, key), "required field is missing")
        return value

    def array(
        self,
        value: object,
        path: str,
        item: Callable[[object, str, FieldReader], Any],
    ) -> list[Any] | None:
        if value is MISSING:
            return None
        if not isinstance(value, list):
            self.add(path, f"must be an array, got {kind(value)}")
            return None
        return [item(element, f"{path}[{index}]", self) for index, element in enumerate(value)]

    def number(
        self,
        value: object,
        path: str,
        *,
        required: bool = False,
        low: Decimal | None = None,
        high: Decimal = MAX_QUANTITY,
    ) -> Decimal | None:
        """A finite, positive number within bounds, or None when absent and optional."""
        if value is MISSING:
            return None
        if value is None:
            if required:
                self.add(path, "must be a number, got null")
            return None
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
            self.add(path, f"must be a number, got {kind(value)} {show(value)}")
            return None
        try:
            number = Decimal(value) if not isinstance(value, float) else Decimal(str(value))
        except InvalidOperation:
            self.add(path, f"must be a number, got {show(value)}")
            return None
        if not number.is_finite():
            self.add(path, f"must be a finite number, got {show(value)}")
            return None
        if number <= 0:
            self.add(path, f"must be > 0, got {show(value)}")
            return None
        if low is not None and number < low:
            self.add(path, f"must be at least {low}, got {show(value)}")
            return None
        if number > high:
            self.add(path, f"must be at most {high}, got {show(value)}")
            return None
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
            self.add(path, f"at most {MAX_DECIMAL_PLACES} decimal places, got {show(value)}")
            return None
        return number

    def date(self, value: object, path: str) -> dt.date | None:
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.add(path, f"must be a date as YYYY-MM-DD, got {kind(value)}")
            return None
        if not _DATE.fullmatch(value):
            self.add(path, f"must be a date as YYYY-MM-DD, got {show(value)}")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(path, f"is not a real calendar date: {value}")
            return None

    def text(self, value: object, path: str) -> str | None:
        if value is MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"must be a non-empty string, got {kind(value)}")
            return None
        return value

    def code(
        self, value: object, path: str, codes: dict[str, str], *, nullable: bool = False
    ) -> str | None:
        if value is MISSING or (value is None and nullable):
            return None
        if not isinstance(value, str) or value not in codes:
            self.add(path, f"must be one of {', '.join(codes)}, got {show(value)}")
            return None
        return value

    def substance(self, value: object, path: str) -> str | None:
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.add(path, f"must be a substance code (string), got {kind(value)}")
            return None
        if not _CODE.fullmatch(value):
            self.add(
                path,
                f"must be a lower-case substance code such as lidocaine or {PHOSPHATIDYLCHOLINE}, got {show(value)}",
            )
            return None
        if value in SUBSTANCE_ALIASES:
            self.add(
                path,
                f"{value!r} is another name for {SUBSTANCE_ALIASES[value]!r}; "
                f"use the code {SUBSTANCE_ALIASES[value]!r} so its dose limits apply",
            )
            return None
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def show(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


class JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers keys given more than once (JSON allows it)."""

    duplicate_keys: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> JsonObject:
        result = cls(pairs)
        keys = [key for key, _ in pairs]
        result.duplicate_keys = tuple(sorted({k for k in keys if keys.count(k) > 1}))
        return result


def get(data: dict[str, Any], key: str) -> object:
    return data.get(key, MISSING)


def refuse_constant(name: str) -> Decimal:
    raise ValueError(f"{name} is not a number")
