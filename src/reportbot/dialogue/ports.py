"""What the conversation asks of the store: exactly these methods, so any store that has them will do."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reportbot.carry import Reports
from reportbot.flow.loader import Cell
from reportbot.values import Value

if TYPE_CHECKING:
    from reportbot.store import ExportRow, HistoryRow
    from reportbot.store.logs import LogCell, LogLoad


class ReportStore(Reports, Protocol):
    """The store as the conversation uses it (:class:`reportbot.store.Store` is one)."""

    path: Path
    """The database file: a file the conversation writes (a log's map) must never replace it."""

    def create_report(
        self, form: str, year: int, organization: str | None = None, language: str | None = None
    ) -> int: ...

    def open_report(self, report_id: int) -> AbstractContextManager[object]:
        """Hold the report's lock until the context ends (raises ``ReportLocked`` when held elsewhere)."""
        ...

    def one_commit(self) -> AbstractContextManager[None]:
        """Commit every write made until the context ends at once, at its end."""
        ...

    def answer_sources(self, report_id: int) -> dict[Cell, str]: ...

    def set_answers(self, report_id: int, values: dict[Cell, Value], how: str) -> None: ...

    def log_cells(self, report_id: int) -> dict[Cell, LogCell]: ...

    def log_load(self, report_id: int) -> LogLoad | None: ...

    def fill_from_log(self, report_id: int, values: dict[Cell, Value], rules: dict[Cell, str],
                      files: dict[Cell, list[str]], sources: list[str], summary: dict[str, int],
                      keep: frozenset[Cell] = frozenset(), missing: tuple[str, ...] = ()) -> None: ...

    def leave_out(self, report_id: int, file: str, reason: str) -> None: ...

    def left_out(self, report_id: int) -> dict[str, str]: ...

    def set_language(self, report_id: int, lang: str | None) -> None: ...

    def acknowledge(self, report_id: int, rule_key: str, column: str | None, reason: str) -> None: ...

    def acknowledgements(self, report_id: int) -> dict[tuple[str, str | None], str]: ...

    def confirm(self, report_id: int) -> None: ...

    def history(self, report_id: int) -> list[HistoryRow]: ...

    def stale_exports(self, report_id: int) -> list[ExportRow]: ...

    def set_setting(self, key: str, value: str | None) -> None: ...
