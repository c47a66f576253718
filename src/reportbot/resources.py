"""Where reportbot's data folders are: flows/, dialogs/ and schema/.

In a source checkout they sit at the repository root; in an installed wheel
they are packaged under ``reportbot/_data``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding flows/, dialogs/ and schema/."""
    packaged = _HERE / "_data"
    if (packaged / "flows").is_dir():
        return packaged
    return _HERE.parent.parent


def flows_dir() -> Path:
    return data_root() / "flows"


def dialogs_dir() -> Path:
    return data_root() / "dialogs"


def schema_dir() -> Path:
    return data_root() / "schema"
