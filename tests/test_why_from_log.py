"""`why` on a box counted from the request log names its rule and the files behind it."""

from __future__ import annotations

import datetime

from reportbot.dialogue.conversation import Conversation
from reportbot.explain import FILES_SHOWN


def _said(conv, line):
    return [m.text for m in conv.reply(line)]


def _report_with_log(store, files_31):
    rid = store.create_report("cyfsa-part-x", 2025, "CAS")
    store.set_answer(rid, ("3.1", None), 99)  # typed, then replaced by the log below
    cells = {("3.1", None): len(files_31), ("4.1", None): 0}
    rules = {("3.1", None): "A received in the year", ("4.1", None): "C and days <= 30"}
    store.fill_from_log(rid, cells, rules, {("3.1", None): files_31, ("4.1", None): []}, ["log.csv"], {})
    return rid


def test_why_names_the_rule_and_every_file_behind_a_box_from_the_log(store):
    rid = _report_with_log(store, ["2025-003", "2025-014"])
    conv = Conversation(store, language="en", report_id=rid, today=datetime.date(2026, 3, 1))
    conv.start()
    try:
        said = _said(conv, "why 3.1")
        assert "3.1 = 2, counted from your log (A received in the year). Files (2): 2025-003, 2025-014." in said
        said = _said(conv, "why 4.1")
        line = "4.1 = 0, counted from your log (C and days <= 30; C: access requests completed in 2025): no file"
        assert any(t.startswith(line) for t in said)
    finally:
        conv.close()


def test_a_long_list_of_files_is_cut_and_says_how_many_more(store):
    files = [f"F-{i:03}" for i in range(FILES_SHOWN + 5)]
    rid = _report_with_log(store, files)
    conv = Conversation(store, language="fr", report_id=rid, today=datetime.date(2026, 3, 1))
    conv.start()
    try:
        line = next(t for t in _said(conv, "pourquoi 3.1") if "registre" in t)
        assert f"Dossiers ({len(files)})" in line and "F-011" in line and "F-012" not in line
        assert "et 5 autres" in line
    finally:
        conv.close()


def test_a_box_typed_after_the_log_filled_it_no_longer_claims_the_log(store):
    rid = _report_with_log(store, ["2025-003", "2025-014"])
    store.set_answer(rid, ("3.1", None), 3)
    conv = Conversation(store, language="en", report_id=rid, today=datetime.date(2026, 3, 1))
    conv.start()
    try:
        assert not any("counted from your log" in t for t in _said(conv, "why 3.1"))
    finally:
        conv.close()
