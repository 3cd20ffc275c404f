"""Retry a short write transaction when another process holds the database.

The GUI and the CLI may write the same file. The busy timeout (15 s) and
``BEGIN IMMEDIATE`` transactions cover almost every case; this decorator covers the
rest (a lock held longer than the timeout, a checkpoint in progress) by re-running
the *whole* transaction, so an update is never half-applied and never lost. It only
retries at the outermost level: inside another transaction the outer one decides.
"""

import functools
import random
import sqlite3
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from peewee import OperationalError

from netdesk.errors import UserError
from netdesk.models.db import database

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 6
BASE_DELAY_S = 0.05


class DatabaseBusy(UserError):
    """Another program kept the database locked through every retry."""


def is_busy_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError | sqlite3.OperationalError) and (
        "locked" in text or "busy" in text
    )


def retry_on_busy(
    fn: Callable[P, T] | None = None,
    *,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY_S,
    atomic: bool = True,
    optimistic: bool = False,
):
    """Decorator: run ``fn`` in one transaction, retrying it when the database is busy.

    ``atomic=False`` for functions that open their own transaction(s). ``optimistic``
    starts with a deferred transaction (reads take no lock, so a long read-mostly
    command does not hold up the window) and retries with the write lock taken up
    front, which then waits its turn instead of failing.
    """

    def wrap(func: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            if database.obj is not None and database.in_transaction():
                return func(*args, **kwargs)  # the outer transaction retries, not us
            for attempt in range(attempts):
                try:
                    if not atomic:
                        return func(*args, **kwargs)
                    lock = "DEFERRED" if optimistic and attempt == 0 else "IMMEDIATE"
                    with database.atomic(lock):
                        return func(*args, **kwargs)
                except (OperationalError, sqlite3.OperationalError) as exc:
                    if not is_busy_error(exc):
                        raise
                    if attempt == attempts - 1:
                        raise DatabaseBusy(
                            "The database stayed busy (another netdesk window or command "
                            "is writing to it). Nothing was changed; try again in a moment."
                        ) from exc
                    time.sleep(base_delay * (2**attempt) * (0.5 + random.random()))
            raise AssertionError("unreachable")

        return run

    return wrap(fn) if fn is not None else wrap
