"""Cursor pagination: the cursor is the opaque position of the last row served (keyset, stable under inserts)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from shared.errors import InvalidFact

T = TypeVar("T")
P = TypeVar("P")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, default=str).encode()).decode()


def decode_cursor(cursor: str | None) -> Any:
    if cursor is None:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, RecursionError) as error:
        raise InvalidFact("invalid cursor") from error


def decode_position(cursor: str | None, parse: Callable[[Any], P]) -> P | None:
    """The cursor's position as `parse` reads it (an int, a tuple of keys); a cursor that is not one this service
    gave out is an invalid fact (422), never a 500."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return parse(position)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as error:
        raise InvalidFact("invalid cursor") from error
