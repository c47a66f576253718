"""Shared fixtures: the two compiled flows, an empty store, and keeping away from the real database."""

from __future__ import annotations

import os
import tempfile

import pytest

# Compiled flows are cached between runs; tests keep theirs away from the user's cache folder.
os.environ.setdefault("REPORTBOT_CACHE_DIR", tempfile.mkdtemp(prefix="reportbot-test-cache-"))

from reportbot.flow.loader import CompiledFlow, load_flow
from reportbot.store import Store


@pytest.fixture(scope="session")
def cyfsa() -> CompiledFlow:
    return load_flow("cyfsa-part-x")


@pytest.fixture(scope="session")
def fippa() -> CompiledFlow:
    return load_flow("fippa-year-end")


@pytest.fixture
def store(tmp_path):
    """An empty store of the test's own (a module may define its own ``store`` instead)."""
    s = Store.open(tmp_path / "r.sqlite3")
    yield s
    s.close()


@pytest.fixture
def never_the_real_database(tmp_path, monkeypatch):
    """Commands run as a filer's would, but never on the filer's own database, and in the mode each test asks for."""
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))
    monkeypatch.delenv("REPORTBOT_PLAIN", raising=False)
