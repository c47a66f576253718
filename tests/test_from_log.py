"""The request log in the conversation: the summary, each row with a problem, typed answers kept, reloads said."""

from __future__ import annotations

import datetime
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.from_log import LogSource
from reportbot.flow.loader import load_flow
from reportbot.log.files import LogError
from reportbot.log.mapping import LogMap, read_mapping, write_mapping
from reportbot.log_words import log_spec

LOGS = Path(__file__).parent / "data" / "logs"
TODAY = datetime.date(2026, 3, 1)
HEAD = "file,received,completed,extension,outcome\n"


def _texts(messages):
    return [m.text for m in messages]


def _log(tmp_path, rows, name="log.csv"):
    path = tmp_path / name
    path.write_text(HEAD + rows, encoding="utf-8")
    return path


def test_a_log_is_summed_up_its_problem_rows_looked_at_and_its_boxes_filled(store, tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\nA-2,2025-02-01,2025-04-15,no,6.9\n"
                          "A-3,1301-01-01,2025-03-01,no,6.1\nA-4,2025-03-01,,no,\n")
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = _texts(conv.start())
    try:
        assert any(t.startswith("From the log: rows read: 4 (access requests: 4)") for t in said)
        assert "row 4, file A-3, Date received: error:" in said[-2] and conv.prompt.tag == "log"  # the column by its label
        assert conv.reply("")[0].role == "error"  # a row out of every count needs a reason, or the log fixed
        said = _texts(conv.reply("a test entry, not a request"))
        assert "Row A-3 is left out of every count; the history keeps your reason." in said
        assert "Boxes filled from the log: " in " ".join(said)
        answers = store.answers(conv.report_id)
        assert answers[("3.1", None)] == 3 and answers[("4.1", None)] == 1 and answers[("4.3", None)] == 1
        assert store.answer_sources(conv.report_id)[("3.1", None)] == "log"
        assert store.left_out(conv.report_id) == {"A-3": "a test entry, not a request"}
        assert ("1.1.organization", None) not in answers  # what the log cannot tell is asked next
    finally:
        conv.close()


def test_an_answer_the_filer_typed_is_replaced_only_when_they_say(store, tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\nA-2,2025-02-01,2025-02-15,no,6.1\n")
    rid = store.create_report("cyfsa-part-x", 2025, "CAS")
    store.set_answer(rid, ("3.1", None), 5)
    store.set_answer(rid, ("4.1", None), 9)
    conv = Conversation(store, language="en", report_id=rid, today=TODAY)
    conv.start()
    try:
        said = conv.from_log(str(path))
        assert said[-1].tag == "keep 3.1" and "You typed 5 for 3.1; the log counts 2." in said[-1].text
        said = conv.reply("")  # keep 5
        assert said[-1].tag == "keep 4.1"
        conv.reply("log")  # take the log's 2
        answers, sources = store.answers(rid), store.answer_sources(rid)
        assert (answers[("3.1", None)], sources[("3.1", None)]) == (5, "said")
        assert (answers[("4.1", None)], sources[("4.1", None)]) == (2, "log")
    finally:
        conv.close()


def test_a_reload_of_a_changed_log_says_what_changed(store, tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\n")
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    conv.start()
    try:
        path.write_text(HEAD + "A-1,2025-01-10,2025-01-20,no,6.1\nA-2,2025-02-01,2025-02-15,no,6.1\n", encoding="utf-8")
        said = " ".join(_texts(conv.from_log(f'"{path}"')))
        assert "Changed since the last load: 3.1: 1 → 2; 4.1: 1 → 2" in said
    finally:
        conv.close()


def test_a_row_out_of_some_boxes_only_is_counted_as_it_is_with_enter(store, tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,Withdrawm\n")
    conv = Conversation(store, language="fr", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        assert said[-1].tag == "map outcome"  # the misspelt value is asked first (issue 14); Enter leaves it
        said = conv.reply("")
        assert said[-1].tag == "log" and "sauf dans les cases que décide sa cellule fautive" in said[-1].text
        conv.reply("")
        answers = store.answers(conv.report_id)
        assert answers[("3.1", None)] == 1 and answers[("4.1", None)] == 1 and answers[("6.9", None)] == 0
    finally:
        conv.close()


def test_a_log_that_cannot_be_read_is_said_and_nothing_is_filled(store, tmp_path):
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY)
    conv.start()
    try:
        said = conv.reply(f"from log {tmp_path / 'missing.xlsx'}")
        assert said[0].role == "error" and "missing.xlsx: no such file" in said[0].text
        assert store.answers(conv.report_id) == {}
    finally:
        conv.close()


def test_the_database_itself_given_as_the_log_is_refused_unread(store, tmp_path):
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY)
    conv.start()
    try:
        said = conv.reply(f"from log {store.path}")
        assert said[0].role == "error" and "that is reportbot's database, not a request log" in said[0].text
        log = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\n")
        (tmp_path / "log.map.yaml").symlink_to(store.path)  # nor as the map found beside the log
        said = conv.reply(f"from log {log}")
        assert said[0].role == "error" and "reportbot's database" in said[0].text
        conv.reply("1")  # the store still takes answers
    finally:
        conv.close()


def test_new_from_log_in_the_line_mode_reads_a_line_at_a_time(tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\nA-2,2025-02-01,,no,\n")
    run = subprocess.run(
        [sys.executable, "-m", "reportbot", "--db", str(tmp_path / "r.sqlite3"), "--lang", "en", "--plain", "new",
         "cyfsa-part-x", "--year", "2025", "--from-log", str(path)],
        input="quit\n", capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr
    assert any(line.startswith("From the log: rows read: 2 (access requests: 2)") for line in lines)
    assert any(line.startswith("Boxes filled from the log: ") for line in lines)


# 3 April or March 4, 10 April or October 3: no day over 12 in either column. Day first, 7 days; month first, 214.
UNORDERED = "A-1,03/04/2025,10/04/2025,no,6.1\n"


def test_dates_that_cannot_say_their_order_are_asked_and_the_log_read_so(store, tmp_path):
    path = _log(tmp_path, UNORDERED)
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        assert conv.state == "choosing_date_order" and said[-1].tag == "dates"
        assert said[-1].text == "The dates in your Date received column (such as 3/4/2025): day first (3 April) or month first (March 4)?"
        assert said[-1].choices == ("Day first", "Month first")
        assert conv.reply("sideways")[0].role == "error" and conv.state == "choosing_date_order"
        said = _texts(conv.reply("day first"))
        assert "Boxes filled from the log: " in " ".join(said)
        answers = store.answers(conv.report_id)
        assert (answers[("4.1", None)], answers[("4.3", None)]) == (1, 0)
    finally:
        conv.close()


def test_month_first_is_chosen_by_its_number_in_french(store, tmp_path):
    path = _log(tmp_path, UNORDERED)
    conv = Conversation(store, language="fr", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        assert said[-1].text == ("Les dates de votre colonne « Date de réception » (comme 3/4/2025) : le jour d'abord (le 3 avril) "
                                 "ou le mois d'abord (le 4 mars)?")
        conv.reply("2")
        answers = store.answers(conv.report_id)
        assert (answers[("4.1", None)], answers[("4.3", None)]) == (0, 1)
    finally:
        conv.close()


def test_the_date_order_said_is_kept_for_reload(store, tmp_path):
    path = _log(tmp_path, UNORDERED + "A-2,1301-01-01,,no,\n")
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    conv.start()
    try:
        assert conv.reply("month")[-1].tag == "log"  # row A-2's date, looked at
        path.write_text(HEAD + UNORDERED + "A-2,02/01/2025,,no,\n", encoding="utf-8")
        said = conv.reply("reload")
        assert not any(m.tag == "dates" for m in said)  # not asked again
        answers = store.answers(conv.report_id)
        assert (answers[("3.1", None)], answers[("4.3", None)]) == (2, 1)  # month first: A-1 took 214 days
    finally:
        conv.close()


def test_the_date_order_is_asked_in_the_line_mode(tmp_path):
    path = _log(tmp_path, UNORDERED)
    run = subprocess.run(
        [sys.executable, "-m", "reportbot", "--db", str(tmp_path / "r.sqlite3"), "--lang", "en", "--plain", "new",
         "cyfsa-part-x", "--year", "2025", "--from-log", str(path)],
        input="day first\nquit\n", capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert "  1. Day first\n  2. Month first\n[dates] The dates in your Date received column (such as 3/4/2025): " in run.stdout
    assert "Boxes filled from the log: " in run.stdout


MISSPELT = "A-1,2025-01-10,2025-01-20,no,Withdrawm\nA-2,2025-02-01,2025-02-15,no,withdrawm\nA-3,2025-02-01,2025-02-15,no,qqq\n"


def test_an_unknown_value_is_asked_once_saved_in_a_map_beside_the_log_and_found_there_next_time(store, tmp_path):
    path = _log(tmp_path, MISSPELT)
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        ask = said[-1]
        assert ask.tag == "map outcome" and "Your Outcome column has 'Withdrawm' on 2 rows." in ask.text
        assert ask.choices[0].endswith("(6.9)") and len(ask.choices) <= 8  # the likeliest first
        said = conv.reply("1")
        assert said[-1].tag == "map outcome" and "'qqq' on 1 row." in said[-1].text
        said = _texts(conv.reply("skip"))  # left as it is: not mapped
        assert "Saved your answers in log.map.yaml; it is read again next time." in said
        saved = tmp_path / "log.map.yaml"
        assert read_mapping(saved, log_spec(load_flow("cyfsa-part-x"))).values == {"outcome": {"Withdrawm": "6.9"}}
        assert saved.stat().st_mode & 0o777 == 0o600
        assert conv.prompt.tag == "log" and "row 4, file A-3" in said[-2]  # only the skipped row is left to look at
        conv.reply("")
        assert store.answers(conv.report_id)[("6.9", None)] == 2
        said = conv.from_log(f'"{path}"')  # a later load, with no map named
        assert said[-1].tag == "map outcome" and "'qqq'" in said[-1].text  # Withdrawm is read from the map
    finally:
        conv.close()


def test_a_value_is_mapped_by_its_code_in_french_keeping_what_the_map_held(store, tmp_path):
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,Retirée par erreur\nA-2,2025-02-01,2025-02-15,no,zzz\n")
    (tmp_path / "log.map.yaml").write_text('values:\n  outcome: {zzz: "6.1"}\n', encoding="utf-8")
    conv = Conversation(store, language="fr", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        assert said[-1].text.startswith("Votre colonne Résultat contient « Retirée par erreur » dans 1 ligne.")
        said = conv.reply("quoi")
        assert said[0].role == "error" and "Veuillez taper un nombre de 1 à 8 ou un code, ou passer." in said[0].text
        said = _texts(conv.reply("6.9"))
        assert "Vos réponses sont enregistrées dans log.map.yaml; ce fichier sera relu la prochaine fois." in said
        mapped = read_mapping(tmp_path / "log.map.yaml", log_spec(load_flow("cyfsa-part-x"))).values
        assert mapped == {"outcome": {"zzz": "6.1", "Retirée par erreur": "6.9"}}
        answers = store.answers(conv.report_id)
        assert (answers[("6.1", None)], answers[("6.9", None)]) == (1, 1)
    finally:
        conv.close()


def test_a_map_is_never_written_over_the_database(store):
    with pytest.raises(LogError) as e:
        write_mapping(store.path, LogMap(values={"outcome": {"x": "6.1"}}), store.path)
    assert e.value.key == "log.error.map_database"


@contextmanager
def _fippa_from_log(store, path, text, year=2025, organization="Ministry"):
    """A FIPPA report of ``year`` in conversation, counted from a log holding ``text``: the conversation, the
    report's id, and what ``from log`` said."""
    path.write_text(text, encoding="utf-8")
    rid = store.create_report("fippa-year-end", year, organization)
    conv = Conversation(store, language="en", report_id=rid, today=TODAY)
    try:
        conv.start()
        yield conv, rid, conv.reply(f"from log {path}")
    finally:
        conv.close()


def test_the_logs_carried_forward_requests_are_checked_against_last_years_report(store, tmp_path):
    """The issue: with last year's report in the store, the log's 3.3 is checked against last year's 3.6, as today."""
    from reportbot import carry
    from reportbot.reportfile import parse_report
    from reports import load

    last = parse_report(load("fippa-full"))  # 3.6: 16 personal, 22 general
    answers = {c: v for c, v in last.answers.items() if last.flow.by_id[c[0]].formula is None}
    organization = answers[(carry.organization_box(last.flow), None)]
    store.import_report("fippa-year-end", 2024, answers, organization)
    # Two personal-information requests received in 2024 and still open on January 1, 2025: 3.3 personal = 2, not 16.
    log = ("file,records,received,transferred_in,transferred_out,completed\n"
           "P-1,personal,2024-11-04,,,2025-01-20\nP-2,personal,2024-12-01,,,2025-02-10\n"
           "P-3,personal,2025-03-01,,,2025-03-20\n")
    with _fippa_from_log(store, tmp_path / "log.csv", log, organization=organization) as (conv, rid, _):
        assert store.answers(rid)[("3.3", "personal")] == 2 and store.answer_sources(rid)[("3.3", "personal")] == "log"
        found = [(f.rule, f.column, f.facts["this"], f.facts["last"]) for f in conv.findings().warnings
                 if f.rule.startswith("carried-forward")]
        assert ("carried-forward-3.3", "personal", 2, 16) in found


def test_a_box_over_a_set_is_not_decided_when_a_column_of_the_set_is_missing(store, tmp_path):
    """3.3 and every box over C read transferred_out through the sets F and R: without the column they are asked."""
    log = ("file,records,received,transferred_in,completed\nP-1,personal,2024-11-04,,2025-01-20\n"
           "P-2,general,2025-03-01,,2025-03-20\n")
    with _fippa_from_log(store, tmp_path / "log.csv", log) as (_, rid, _):
        answers = store.answers(rid)
        assert answers[("3.1", "general")] == 1 and answers[("3.2", "personal")] == 0  # these need no transfer out
        assert not {("3.3", "personal"), ("3.5", "personal"), ("3.6", "general"), ("5.1", "general")} & set(answers)


@pytest.mark.parametrize("refused,kept", [("ok", "duplicate"), ("oui", "doublon"), ("n", "test row")])
def test_a_row_is_left_out_for_a_one_word_reason_but_not_for_a_yes(store, tmp_path, refused, kept):
    """The reason is the filer's own note in the history, not a line the IPC reads: "duplicate" says enough."""
    path = _log(tmp_path, "A-1,2025-01-10,2025-01-20,no,6.1\nA-3,1301-01-01,2025-03-01,no,6.1\n")
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    try:
        conv.start()
        assert conv.prompt.tag == "log"
        assert conv.reply(refused)[0].role == "error" and conv.prompt.tag == "log"
        conv.reply(kept)
        assert store.left_out(conv.report_id) == {"A-3": kept}
    finally:
        conv.close()


def test_the_boxes_a_log_cannot_count_for_want_of_a_column_are_said_in_a_number(store, tmp_path):
    flow = load_flow("fippa-year-end")
    countable = {c for box in flow.log.boxes for c in flow.by_id[box.box].cells()}
    log = "file,records,received,transferred_in,completed\nP-1,personal,2025-01-04,,2025-01-20\n"
    with _fippa_from_log(store, tmp_path / "log.csv", log) as (_, rid, said):
        said = [m.text for m in said]
        logged = {c for c, how in store.answer_sources(rid).items() if how == "log"}
        missing = len(countable - logged)
        assert 0 < missing < len(countable)
        assert f"{missing} more boxes could be counted from a log, but a column they need is not in yours: they are " \
               "asked." in said
    # Every column of the template: nothing is missing, nothing said.
    whole = ",".join(c.id for t in flow.flow.log.tables for c in t.columns) + "\n"
    with _fippa_from_log(store, tmp_path / "whole.csv", whole, year=2024) as (_, _, said):
        said = [m.text for m in said]
        assert any(t.startswith("Boxes filled from the log: ") for t in said)
        assert not any("more box" in t for t in said)


def test_an_access_requests_unknown_outcome_is_offered_the_outcomes_of_access_requests_first(store, tmp_path):
    """FIPPA's outcome column holds 7.1 to 7.6 for access and 11.5 to 11.8 for corrections: 'Disclosed in part' on
    access rows is offered the access outcomes, not "corrections partly made"."""
    log = "file,request,records,received,completed,outcome\nP-1,access,general,2025-01-04,2025-01-20,Disclosed in part\n"
    with _fippa_from_log(store, tmp_path / "log.csv", log) as (_, _, said):
        ask = said[-1]
        assert ask.tag == "map outcome"
        codes = [choice.rsplit("(", 1)[1].rstrip(")") for choice in ask.choices]
        assert sorted(codes[:6]) == ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6"] and codes[0] in ("7.2", "7.3")


def test_a_value_question_names_the_column_as_the_log_heads_it(store, tmp_path):
    log = ("file,records,received,completed,Decision\nP-1,general,2025-01-04,2025-01-20,Disclosed in part\n"
           "P-2,general,2025-02-04,2025-02-20,Disclosed in part\n")
    with _fippa_from_log(store, tmp_path / "log.csv", log) as (_, _, said):
        ask = said[-1]
        assert ask.tag == "map outcome" and ask.text.startswith("Your Decision (Outcome) column has 'Disclosed in part'")


def test_why_on_a_box_the_log_could_not_count_names_the_column_the_log_lacks(store, tmp_path):
    log = "file,records,received,transferred_in,completed\nP-1,personal,2025-01-04,,2025-01-20\n"
    with _fippa_from_log(store, tmp_path / "log.csv", log) as (conv, _, _):
        said = [m.text for m in conv.why("3.3")]
        line = next(t for t in said if t.startswith("3.3 was not counted from your log"))
        assert "no column for Date transferred out." in line  # not the columns the log has
        assert "Date completed" not in line and "Personal or general" not in line
        assert not any(t.startswith("3.1 was not counted") for t in (m.text for m in conv.why("3.1")))  # it was
