"""Shared fixtures: the two compiled flows."""

from __future__ import annotations

import os
import tempfile

import pytest

# Compiled flows are cached between runs; tests keep theirs away from the user's cache folder.
os.environ.setdefault("REPORTBOT_CACHE_DIR", tempfile.mkdtemp(prefix="reportbot-test-cache-"))

from reportbot.flow.loader import CompiledFlow, load_flow


@pytest.fixture(scope="session")
def cyfsa() -> CompiledFlow:
    return load_flow("cyfsa-part-x")


@pytest.fixture(scope="session")
def fippa() -> CompiledFlow:
    return load_flow("fippa-year-end")
