"""Checked reads of decoded JSON values: a value of the wrong type or out of range is a ValueError, which
the reading source reports as a bad record."""

from __future__ import annotations

import math
from typing import Any


def text(obj: dict[str, Any], key: str) -> str | None:
    """Return a text field, None when absent or null; any other type is a ValueError."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key!r} is a {type(value).__name__}, not text")


def required_text(obj: dict[str, Any], key: str) -> str:
    """Return a text field that must be there and not empty."""
    value = text(obj, key)
    if not value:
        raise ValueError(f"no {key!r}")
    return value


def whole_number(value: Any, what: str, lowest: int, highest: int) -> int:
    """Return a count given as an integer, a whole float or a string of digits, within [lowest, highest]."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{what} {str(value)[:20]!r} is not a number")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ValueError(f"{what} {str(value)[:20]} is not a whole number")
    if isinstance(value, str):
        digits = value.strip().removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 20:
            raise ValueError(f"{what} {value[:20]!r} is not a number")
    number = int(value)
    if not lowest <= number <= highest:
        raise ValueError(f"{what} {str(value)[:20]} is out of range")
    return number
