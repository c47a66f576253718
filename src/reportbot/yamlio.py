"""Safe, fast YAML reading for flows, dialogs and report files.

reportbot's own data files (flows, dialogs) are read by libyaml's C loader
when present, aliases and all. Files from outside (report files) are read
strictly, from the parser's events and without recursion, so that no file can
reach the composer's recursion (a C stack overflow with some PyYAML versions)
and the result does not depend on the PyYAML version: no aliases (no "billion
laughs"), no tags, no repeated keys, keys are text, at most ``MAX_DEPTH``
levels, and only plain decimal numbers are numbers (a YAML 1.2 core reading,
without YAML 1.1's ``1:30`` = 90, ``0x1F``, ``0o17``, ``1_000``, ``.inf``,
``yes``), each bounded by :func:`plain_number`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, imported on first use (a start from the flow cache reads no YAML)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_DEPTH = 64
MAX_DIGITS = 40  # a count is under 10**9, an amount under 10**12 with cents
MAX_EXPONENT = 40

_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class YamlError(ValueError):
    """Text that is not acceptable: ``code`` names the reason, ``facts`` its details."""

    def __init__(self, code: str, **facts: object) -> None:
        self.code = code
        self.facts = facts
        super().__init__(code)

    def __str__(self) -> str:  # English, for reportbot's own files
        return str(self.facts.get("detail") or ", ".join([self.code, *(f"{k} {v}" for k, v in self.facts.items())]))


class NumberTooLong(ValueError):
    """A number with too many digits or too large an exponent to be any figure of a report."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text if len(text) <= 24 else text[:20] + "..."


def load_yaml(text: str, *, aliases: bool = False) -> object:
    """Parse YAML text into plain Python data; ``aliases=False`` for files from outside (read strictly)."""
    yaml, loader = _yaml()
    if not aliases:
        return _strict(yaml, loader, text)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise YamlError("syntax", detail=str(e).replace("\n", " ")) from None


def plain_number(text: str) -> int | Decimal:
    """The number a JSON number token or a plain YAML scalar matching ``_NUMBER`` stands for, bounded."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise NumberTooLong(text)
    whole, fraction, exponent = match.groups()
    # Checked on the text: Python refuses to convert more than 4,300 digits, and 1e-999999999 prints a gigabyte.
    if len(whole) + len(fraction or "") > MAX_DIGITS or (
        exponent is not None and (len(exponent.lstrip("+-")) > 3 or abs(int(exponent)) > MAX_EXPONENT)
    ):
        raise NumberTooLong(text)
    return int(text) if fraction is None and exponent is None else Decimal(text)


def _scalar(value: str, plain: bool) -> object:
    """A YAML 1.2 core reading of a scalar, narrowed to plain decimal numbers."""
    if not plain:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _NUMBER.fullmatch(value):
        return plain_number(value)
    return value


def _line(event: Any) -> int:
    return event.start_mark.line + 1 if event.start_mark else 0


_NO_KEY = object()


class _Composer:
    """Builds the document from parser events on an explicit stack (no recursion), refusing what has no use."""

    def __init__(self, yaml: Any) -> None:
        self.yaml = yaml
        self.root: object = None
        self.stack: list[list[Any]] = []  # [container, key waiting for its value, start event]
        self.documents = 0

    def add(self, value: object, event: Any) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        elif frame[1] is _NO_KEY:
            if not isinstance(value, str):  # a plain scalar read as a number, a yes/no or nothing
                raise YamlError("key", key=event.value, line=_line(event))
            if value in container:
                raise YamlError("duplicate", key=value, line=_line(event))
            frame[1] = value
        else:
            container[frame[1]] = value
            frame[1] = _NO_KEY

    def open(self, event: Any) -> None:
        mapping = isinstance(event, self.yaml.MappingStartEvent)
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError("deep")
        if self.stack and isinstance(self.stack[-1][0], dict) and self.stack[-1][1] is _NO_KEY:
            raise YamlError("key", key="{...}" if mapping else "[...]", line=_line(event))
        self.stack.append([{} if mapping else [], _NO_KEY, event])

    def feed(self, event: Any) -> None:
        yaml = self.yaml
        if isinstance(event, yaml.AliasEvent):
            raise YamlError("alias", line=_line(event))
        if getattr(event, "tag", None) is not None:
            raise YamlError("tag", line=_line(event))
        if isinstance(event, yaml.ScalarEvent):
            self.add(_scalar(event.value, event.implicit[0]), event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            container, _, start = self.stack.pop()
            self.add(container, start)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlError("syntax", detail="more than one document (---)")


def _strict(yaml: Any, loader: Any, text: str) -> object:
    """Compose ``text`` from its events, iteratively, refusing what a report file has no use for."""
    composer = _Composer(yaml)
    try:
        for event in yaml.parse(text, Loader=loader):
            composer.feed(event)
    except yaml.MarkedYAMLError as e:
        # libyaml 0.2.6 refuses deep nesting itself, reading ahead of its events: say it in our words.
        at = e.problem_mark.index if e.problem_mark else len(text)
        code = "deep" if _brackets_deeper(text[: at + 1]) else "syntax"
        raise YamlError(code, detail=str(e).replace("\n", " ")) from None
    except yaml.YAMLError as e:
        raise YamlError("syntax", detail=str(e).replace("\n", " ")) from None
    return composer.root


def _brackets_deeper(text: str) -> bool:
    """True when the flow brackets of ``text``, counted without parsing, open more than ``MAX_DEPTH`` deep."""
    depth = 0
    for bracket in re.findall(r"[\[\]{}]", text):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False
