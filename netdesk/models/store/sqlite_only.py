"""Load peewee without its PostgreSQL drivers: netdesk only ever speaks SQLite.

When psycopg or psycopg2 is installed (by anything else in the environment),
peewee imports it for its Postgres support; psycopg alone cost more than half a
second of netdesk's start. Hidden while peewee loads, they look absent to peewee
and stay importable afterwards for anything else in the process.
"""

import sys

_DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi")


def load_peewee() -> None:
    if "peewee" in sys.modules:
        return
    hidden = [name for name in _DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import psycopg" fails fast
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


load_peewee()
