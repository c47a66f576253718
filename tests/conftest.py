"""Shared fixtures: the two compiled flows."""

from __future__ import annotations

import pytest

from reportbot.flow.loader import CompiledFlow, load_flow


@pytest.fixture(scope="session")
def cyfsa() -> CompiledFlow:
    return load_flow("cyfsa-part-x")


@pytest.fixture(scope="session")
def fippa() -> CompiledFlow:
    return load_flow("fippa-year-end")
