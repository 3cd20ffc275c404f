"""Fetching one row by id, or the user-facing "No <thing> with id N." error."""

from typing import TypeVar

from netdesk.errors import NotFound
from netdesk.models.db import BaseModel

M = TypeVar("M", bound=BaseModel)


def get_or_not_found(model: type[M], row_id: int, what: str) -> M:
    """The row of ``model`` with ``row_id``; NotFound (exit 2 in the CLI) names ``what``."""
    row = model.get_or_none(model.id == row_id)
    if row is None:
        raise NotFound(f"No {what} with id {row_id}.")
    return row
