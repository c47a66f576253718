"""`why` on a box the log did not count names the columns the log lacks among those its rule needs."""

from __future__ import annotations

import datetime

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.from_log import LogSource
from reportbot.log.files import beside
from reportbot.log.mapping import LogMap, write_mapping

TODAY = datetime.date(2026, 3, 1)
ROWS = "A-1,2025-01-10,2025-01-20,6.1\nA-2,2025-02-01,2025-04-15,6.9\n"


def _why(store, path, box, language="en"):
    """What ``why box`` says of a CYFSA 2025 report counted from the log at ``path``, and the load the store kept."""
    conv = Conversation(store, language=language, form="cyfsa-part-x", year=2025, today=TODAY,
                        log=LogSource((path,)))
    try:
        conv.start()
        return [m.text for m in conv.why(box)], store.log_load(conv.report_id)
    finally:
        conv.close()


def _not_counted(said, box):
    return [t for t in said if t.startswith(f"{box} was not counted") or t.startswith(f"{box} n'a pas été comptée")]


def test_why_names_the_one_column_the_log_lacks(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,outcome\n" + ROWS, encoding="utf-8")
    said, load = _why(store, path, "4.3")
    assert {"extension", "due"} <= set(load.missing) and "outcome" not in load.missing  # flow ids only
    assert _not_counted(said, "4.3") == [
        "4.3 was not counted from your log: your log has no column for Notice of extension. Add one and load the log "
        "again (from log FILE), or answer 4.3."
    ]


def test_why_names_every_column_the_log_lacks_among_the_rules(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,outcome\n" + ROWS, encoding="utf-8")
    said, _ = _why(store, path, "5.4")
    line, = _not_counted(said, "5.4")
    assert "no column for Notice of extension (nor for Extended time limit)." in line
    assert "Date received" not in line  # the log has it


@pytest.mark.parametrize("box,words", [
    ("4.3", "votre registre n'a pas de colonne pour Avis de prorogation. Ajoutez-en une"),
    ("5.4", "votre registre n'a pas de colonne pour Avis de prorogation (ni pour Délai prorogé). Ajoutez-les"),
])
def test_french_names_the_columns_in_french(store, tmp_path, box, words):
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,outcome\n" + ROWS, encoding="utf-8")
    said, _ = _why(store, path, box, language="fr")
    line, = _not_counted(said, box)
    assert words in line and line.endswith(f"ou répondez à la case {box}.")


def test_a_column_the_map_says_the_log_does_not_keep_is_missing_too(store, tmp_path):
    """The filer answered "none" for Notice of extension: no header is asked for it, and why still names it."""
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,outcome\n" + ROWS, encoding="utf-8")
    write_mapping(beside(path), LogMap(absent=["extension"]), store.path)
    said, load = _why(store, path, "4.3")
    assert "extension" in load.missing
    line, = _not_counted(said, "4.3")
    assert "no column for Notice of extension." in line


def test_a_column_the_map_calls_absent_that_the_log_has_since_gained_is_not_missing(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,extension,outcome\n"
                    "A-1,2025-01-10,2025-01-20,no,6.1\nA-2,2025-02-01,2025-04-15,no,6.9\n", encoding="utf-8")
    write_mapping(beside(path), LogMap(absent=["extension"]), store.path)
    said, load = _why(store, path, "4.3")
    assert "extension" not in load.missing and not _not_counted(said, "4.3")


def test_a_log_with_every_column_counts_the_box_and_says_nothing_missing(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("file,received,completed,extension,due,outcome\n"
                    "A-1,2025-01-10,2025-01-20,no,,6.1\nA-2,2025-02-01,2025-04-15,no,,6.9\n", encoding="utf-8")
    said, load = _why(store, path, "4.3")
    assert not _not_counted(said, "4.3") and any(t.startswith("4.3 = 1, counted from your log") for t in said)
    assert not {"extension", "due", "received", "completed", "outcome"} & set(load.missing)


def test_a_load_that_recorded_no_missing_column_keeps_naming_the_rules_columns(store):
    """A load recorded before the store kept missing columns (or a box left out for another reason)."""
    rid = store.create_report("cyfsa-part-x", 2025, "CAS")
    store.fill_from_log(rid, {("3.1", None): 2}, {("3.1", None): "A received in the year"},
                        {("3.1", None): ["A-1", "A-2"]}, ["log.csv"], {"rows": 2})
    conv = Conversation(store, language="en", report_id=rid, today=TODAY)
    try:
        conv.start()
        line, = _not_counted([m.text for m in conv.why("4.3")], "4.3")
    finally:
        conv.close()
    assert line.startswith("4.3 was not counted from your log: its rule reads the columns ")
    assert "Notice of extension" in line and line.endswith("and your log lacks one of them.")
