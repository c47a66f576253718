"""Which language reportbot speaks: the --lang option, else the locale, else English."""

from __future__ import annotations

import os

from reportbot.wording import DEFAULT_LANGUAGE, languages


def choose_language(option: str | None, remembered: str | None = None) -> str:
    """``option`` if given, else ``remembered``, else $LC_ALL/$LANG when reportbot speaks it, else English."""
    available = languages()
    for candidate in (option, remembered):
        if candidate and candidate in available:
            return candidate
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in available else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
