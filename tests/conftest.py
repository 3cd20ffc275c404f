"""Shared fixtures: a real SQLite file per test, isolated settings, offscreen Qt."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Nothing a test does reaches the real user's data dir, settings or keyring."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("NETDESK_DATA_DIR", str(home / "netdesk-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("NETDESK_DB", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "netdesk.sqlite3"


@pytest.fixture
def db(db_path):
    """A fresh netdesk database file, bound to the models for the test's duration."""
    from netdesk.models import close_database, open_database

    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def cli_env() -> dict:
    """Environment for running ``python -m netdesk`` in a subprocess from this checkout."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env
