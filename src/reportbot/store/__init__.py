"""Where drafts live: one SQLite file, written so that no answer is ever lost.

Every change is its own transaction, committed before the call returns. A
report being edited carries a lock row naming its owner's pid and start
time; a second session is refused while that owner lives, and takes the lock
over once it is gone. A file that is not ours is refused with
:class:`StoreError` before anything is written to it.

The modules, by concern: :mod:`~reportbot.store.schema` (tables and
migrations), :mod:`~reportbot.store.opening` (refusing foreign or damaged
files, recovery, creation, one connection per file),
:mod:`~reportbot.store.locks`, :mod:`~reportbot.store.repository` (reports,
answers, history, acknowledgements, settings). The store has no words: it
raises facts (:mod:`~reportbot.store.errors`), said above it by
:func:`reportbot.saying.say`.
"""

from reportbot.store.errors import ReportLocked, ReportNotFound, StoreError, StoreNotice
from reportbot.store.locks import ReportHandle
from reportbot.store.repository import (
    ENV_VAR,
    FILE_NAME,
    HOWS,
    LANGUAGE_SETTING,
    ExportRow,
    HistoryRow,
    ReportRow,
    Store,
    default_path,
)
from reportbot.store.schema import APPLICATION_ID, MIGRATIONS

__all__ = [
    "APPLICATION_ID", "ENV_VAR", "FILE_NAME", "HOWS", "LANGUAGE_SETTING", "MIGRATIONS", "ExportRow", "HistoryRow",
    "ReportHandle", "ReportLocked", "ReportNotFound", "ReportRow", "Store", "StoreError", "StoreNotice",
    "default_path",
]
