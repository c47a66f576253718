"""What reportbot says, per language: ``dialogs/<lang>/``.

Two kinds of file, both validated at load:

- ``common.yaml``: the conversation's own words (prompts, command words,
  finding templates), a flat mapping of message keys to templates;
- ``<report>.yaml``: for every box of the report a question, help and a
  "why we ask" line; for every check, route and notice its message.

A box without a question, or a question for a box the flow does not have,
is a load error naming the file and the box.
"""

from __future__ import annotations

import string
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportbot.errors import DataFileError
from reportbot.flow.cache import cached
from reportbot.flow.loader import CompiledFlow, load_flow
from reportbot.resources import dialogs_dir
from reportbot.values import format_value
from reportbot.yamlio import YamlError, load_yaml

DEFAULT_LANGUAGE = "en"


class DialogError(DataFileError):
    """A dialog file that cannot be used."""

    area = "dialog.error"


if TYPE_CHECKING:
    from reportbot.wording_models import CommonDialog, ReportDialog


def __getattr__(name: str) -> Any:
    """The pydantic models, imported only when asked for (a start from the cache never needs them)."""
    if name in ("BoxText", "SectionText", "CheckText", "ReportDialog", "CommonDialog"):
        from reportbot import wording_models

        return getattr(wording_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Wording:
    """The words of one language for one report."""

    def __init__(self, common: CommonDialog, report: ReportDialog | None) -> None:
        self.common = common
        self.report = report
        self.language = common.language

    def value(self, value: object, kind: str = "count") -> str:
        """A value written as this language writes numbers: 1,234.50 $ or 1 234,50 $."""
        if value is None or isinstance(value, (str, bool)):
            return format_value(value, kind)
        if not isinstance(value, (int, Decimal)):  # no box holds anything else
            return str(value)
        english = format_value(value, "count" if kind == "money" else kind)
        if kind == "money":
            english = f"{value:,.2f}"
        sep = self.common.messages.get("format.thousands", ",")
        mark = self.common.messages.get("understand.decimal_mark", ".")
        amount = english.replace(",", "\0").replace(".", mark).replace("\0", sep)
        return self.t("format.money", amount=amount) if kind == "money" else amount

    def column(self, column: str) -> str:
        """The word for a column in prompt tags and commands ("personal", "personnel")."""
        words = self.common.vocabulary.get(f"column_{column}")
        return words[0] if words else column

    def t(self, key: str, /, **fields: object) -> str:
        """The message ``key`` with ``fields`` filled in."""
        try:
            template = self.common.messages[key]
        except KeyError:
            raise DialogError(f"dialogs/{self.language}/common.yaml: no message {key!r}") from None
        return template.format(**fields) if fields else template

    def plural(self, key: str, count: int, /, **fields: object) -> str:
        """``key.one`` or ``key.other``, as this language agrees a noun with ``count`` (``plural.one``: the counts
        that take the singular, "1" in English, "0 1" in French)."""
        form = "one" if str(count) in self.t("plural.one").split() else "other"
        return self.t(f"{key}.{form}", count=count, **fields)


def _read(path: Path) -> object:
    try:
        return load_yaml(path.read_text(encoding="utf-8"), aliases=True)
    except (OSError, YamlError) as e:
        raise DialogError(f"{_rel(path)}: cannot be read: {e}") from None


def _rel(path: Path) -> str:
    return f"dialogs/{path.parent.name}/{path.name}"


def _model(cls_name: str, data: object, path: Path):
    from pydantic import ValidationError

    from reportbot import wording_models

    cls = getattr(wording_models, cls_name)
    try:
        return cls.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DialogError(f"{_rel(path)}: {where}: {first['msg']}") from None


def languages() -> list[str]:
    """The languages with a dialogs/ folder."""
    return sorted(p.name for p in dialogs_dir().iterdir() if (p / "common.yaml").is_file())


@cache
def load_common(language: str) -> CommonDialog:
    path = dialogs_dir() / language / "common.yaml"
    if not path.is_file():
        raise DialogError(f"no dialogs for language {language!r}; available: {', '.join(languages())}")
    return cached("dialog", f"{language}-common", [path], lambda: _read_common(path))


def _read_common(path: Path) -> CommonDialog:
    common = _model("CommonDialog", _read(path), path)
    for key, template in common.messages.items():
        try:
            list(string.Formatter().parse(template))
        except ValueError as e:
            raise DialogError(f"{_rel(path)}: message {key}: {e}") from None
    return common


@cache
def load_report_dialog(language: str, form: str) -> ReportDialog:
    path = dialogs_dir() / language / f"{form}.yaml"
    if not path.is_file():
        raise DialogError(f"{_rel(path)}: missing")
    flow = load_flow(form)
    return cached("dialog", f"{language}-{form}", [path, flow.path], lambda: _read_report_dialog(path, flow))


def _read_report_dialog(path: Path, flow: CompiledFlow) -> ReportDialog:
    dialog = _model("ReportDialog", _read(path), path)
    validate_report_dialog(dialog, flow, path)
    return dialog


def validate_report_dialog(dialog: ReportDialog, flow: CompiledFlow, path: Path) -> None:
    """Every box, check, route and notice has its words, and nothing else does."""
    where = _rel(path)
    if dialog.report != flow.id:
        raise DialogError(f"{where}: says it is for {dialog.report!r}, but is named for {flow.id!r}")

    def same(entry: str, have: set[str], need: set[str]) -> None:
        for missing in sorted(need - have):
            raise DialogError(f"{where}: {entry} {missing}: has no text")
        for extra in sorted(have - need):
            raise DialogError(f"{where}: {entry} {extra}: is not in flows/{flow.id}.yaml")

    same("box", set(dialog.boxes), set(flow.by_id))
    same("check", set(dialog.checks), {c.id for c in flow.flow.checks})
    same("route", set(dialog.routes), set(flow.routes))
    same("notice", set(dialog.notices), {n.id for n in flow.flow.notices})
    for sid in dialog.sections:
        if sid not in {s.id for s in flow.flow.sections}:
            raise DialogError(f"{where}: section {sid}: is not in flows/{flow.id}.yaml")
    for box_id, text in dialog.boxes.items():
        box = flow.by_id[box_id].box
        if flow.by_id[box_id].is_total and not text.total:
            raise DialogError(f"{where}: box {box_id}: a total needs its 'total' phrase")
        if bool(text.column_rule) != bool(box.column_rule):
            raise DialogError(f"{where}: box {box_id}: 'column_rule' is needed exactly where the flow has one")
        if text.options is not None and set(text.options) != {o.id for o in box.options or []}:
            raise DialogError(f"{where}: box {box_id}: options must name exactly the flow's options")
    _validate_log_words(dialog, flow, where)


def _validate_log_words(dialog: ReportDialog, flow: CompiledFlow, where: str) -> None:
    """Every column of the flow's log has a label and a note, every code that is no box a label; nothing else."""
    spec = flow.flow.log
    if spec is None:
        if dialog.log is not None:
            raise DialogError(f"{where}: log: flows/{flow.id}.yaml has no log")
        return
    if dialog.log is None:
        raise DialogError(f"{where}: log: missing (flows/{flow.id}.yaml has a log)")
    columns = {c.id: c for t in spec.tables for c in t.columns}
    words = {k.id for c in columns.values() for k in c.codes or [] if k.id not in flow.by_id}
    log = dialog.log
    sets = set(flow.log.sets) if flow.log else set()
    for entry, have, need in (
        ("column", set(log.columns), set(columns)), ("code", set(log.codes), words), ("set", set(log.sets), sets),
    ):
        for missing in sorted(need - have):
            raise DialogError(f"{where}: log {entry} {missing}: has no text")
        for extra in sorted(have - need):
            raise DialogError(f"{where}: log {entry} {extra}: is not in flows/{flow.id}.yaml")


@cache
def wording(language: str = DEFAULT_LANGUAGE, form: str | None = None) -> Wording:
    """The words of ``language`` (for ``form``, if given)."""
    return Wording(load_common(language), load_report_dialog(language, form) if form else None)


class WithFallback(Wording):
    """A language's words, with English for any message it does not have yet: the one fallback to English."""

    def __init__(self, words: Wording, fallback: Wording) -> None:
        super().__init__(words.common, words.report)
        self._fallback = fallback

    def t(self, key: str, /, **fields: object) -> str:
        if key in self.common.messages:
            return super().t(key, **fields)
        return self._fallback.t(key, **fields)


def _load(language: str, form: str | None) -> Wording | None:
    if language not in languages():
        return None
    try:
        return wording(language, form) if form else wording(language)
    except DialogError:
        try:
            return wording(language) if form else None
        except DialogError:
            return None


def words_for(language: str | None, form: str | None = None) -> Wording:
    """The words of ``language`` (for the report ``form``).

    English where it has none, the flow's labels where no dialog has any.
    """
    english = _load(DEFAULT_LANGUAGE, form) or wording(DEFAULT_LANGUAGE)
    words = _load(language, form) if language and language != DEFAULT_LANGUAGE else None
    if words is None:
        return english
    return WithFallback(words, english)
