"""What the store refuses, and what opening it did: facts only (``store.error.<code>``, ``store.notice.<code>``)."""

from __future__ import annotations

from reportbot.errors import ReportbotError


class StoreError(ReportbotError):
    """The store refuses: ``code`` names the message in dialogs/<lang>/common.yaml (``store.error.<code>``)."""

    area = "store.error"


class StoreNotice:
    """Something opening the store did that the filer should hear of (``store.notice.<code>``)."""

    def __init__(self, code: str, **facts: object) -> None:
        self.code = code
        self.facts = facts

    @property
    def key(self) -> str:
        return f"store.notice.{self.code}"


class ReportLocked(StoreError):
    """The report is open in another live session."""

    def __init__(self, report_id: int, owner_pid: int) -> None:
        super().__init__("locked", id=report_id, pid=owner_pid)
        self.report_id = report_id
        self.owner_pid = owner_pid


class ReportNotFound(StoreError, LookupError):
    """No report has this id."""

    def __init__(self, report_id: int) -> None:
        super().__init__("not_found", id=report_id)
        self.report_id = report_id
