"""An unfamiliar log's headers in the conversation: a missing column asked for among the log's own headers, the
answer (or none) kept in the map beside the log, and the log read again with it."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.from_log import LogSource
from reportbot.flow.loader import load_flow
from reportbot.log.files import LogError
from reportbot.log.mapping import LogMap, read_mapping
from reportbot.log_words import log_spec

TODAY = datetime.date(2026, 3, 1)
CYFSA = log_spec(load_flow("cyfsa-part-x"))
# CYFSA requests with no Outcome, Extended time limit, Provisions, Statement of disagreement or Notices sent column
# reportbot knows; the log's own Final Decision holds the outcome.
LOG = ("file,Department,received,completed,extension,Final Decision\n"
       "A-1,Jane Q. Public,2025-01-10,2025-01-20,no,6.1\nA-2,John Doe,2025-02-01,2025-02-15,no,6.9\n")


def _conversation(store, tmp_path, text=LOG, language="en"):
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    conv = Conversation(store, language=language, form="cyfsa-part-x", year=2025, today=TODAY,
                        log=LogSource((path,)))
    return conv, conv.start()


def _map(tmp_path):
    return read_mapping(tmp_path / "log.map.yaml", CYFSA)


def test_a_missing_column_is_asked_for_among_the_logs_headers_and_the_log_read_again_with_the_answer(store, tmp_path):
    conv, said = _conversation(store, tmp_path)
    try:
        ask = said[-1]  # the column with the likeliest header is asked first
        assert ask.tag == "map header" and ask.text.startswith("Your log has no column reportbot knows as Outcome. How")
        assert ask.choices == ("Final Decision", "Department")  # the likeliest first: "decision" is an alias of it
        said = conv.reply("final decision")  # by the header as written, in any case
        # A header holds one column: the next question offers only what is left.
        assert said[-1].text.startswith("Your log has no column reportbot knows as Extended") and \
            said[-1].choices == ("Department",)
        said = conv.reply("none")  # due: the log does not keep it
        for _ in range(3):  # disagreement, notices sent, provisions: skipped, so asked again next time
            said = conv.reply("skip")
        texts = [m.text for m in said]
        assert "Saved your answers in log.map.yaml; it is read again next time." in texts
        assert _map(tmp_path) == LogMap(columns={"Final Decision": "outcome"}, absent=["due"])
        answers = store.answers(conv.report_id)
        assert (answers[("6.1", None)], answers[("6.9", None)]) == (1, 1)  # counted from the column just named
        assert ("5.4", None) not in answers  # due is not kept: its boxes are asked
        said = conv.from_log(f'"{tmp_path / "log.csv"}"')  # next time: the map names the column, due is not asked
        assert said[-1].tag == "map header" and said[-1].text.split(".")[0].endswith("Statement of disagreement")
        assert said[-1].choices == ("Department",)
    finally:
        conv.close()


def test_without_an_unnamed_header_nothing_is_asked(store, tmp_path):
    conv, said = _conversation(store, tmp_path, "file,received,completed,extension\nA-1,2025-01-10,2025-01-20,no\n")
    try:
        assert not any(m.tag == "map header" for m in said)
        assert "Boxes filled from the log: " in " ".join(m.text for m in said)
    finally:
        conv.close()


def test_the_values_of_a_column_just_named_are_asked_after_it(store, tmp_path):
    conv, said = _conversation(store, tmp_path, LOG.replace(",6.9\n", ",Withdrawm\n"))
    try:
        conv.reply("1")  # Final Decision, by its number
        for _ in range(4):
            said = conv.reply("none")
        assert said[-1].tag == "map outcome" and "Your Final Decision (Outcome) column has 'Withdrawm' on 1 row." in said[-1].text
        said = conv.reply("6.9")
        assert _map(tmp_path) == LogMap(columns={"Final Decision": "outcome"}, values={"outcome": {"Withdrawm": "6.9"}},
                                        absent=["due", "disagreement", "notices_sent", "provisions"])
        assert store.answers(conv.report_id)[("6.9", None)] == 1
    finally:
        conv.close()


def test_list_says_every_header_when_more_than_the_likeliest_are_unnamed(store, tmp_path):
    others = [f"Note {n}" for n in range(1, 10)]
    text = f"file,received,completed,extension,{','.join(others)}\nA-1,2025-01-10,2025-01-20,no{',x' * 9}\n"
    conv, said = _conversation(store, tmp_path, text)
    try:
        assert len(said[-1].choices) == 8
        listed = conv.list_choices()[-1]
        assert sorted(listed.choices) == others
        said = conv.reply("9")  # a number only list said
        assert said[-1].tag == "map header" and listed.choices[8] not in said[-1].choices
    finally:
        conv.close()


def test_a_header_is_refused_when_it_is_none_of_the_logs_and_answered_in_french(store, tmp_path):
    conv, said = _conversation(store, tmp_path, language="fr")
    try:
        assert said[-1].text.startswith("Votre registre n'a aucune colonne que reportbot reconnaît comme")
        said = conv.reply("Statut")
        assert said[0].role == "error" and "Veuillez taper un nombre de 1 à 2 ou l'un de vos en-têtes" in said[0].text
        said = conv.reply("aucune")
        assert "Délai prorogé" in said[-1].text  # Résultat, the likeliest, came first
        help_text = conv.help()[0].text
        assert help_text.startswith("reportbot n'a trouvé dans votre registre des demandes aucune colonne")
    finally:
        conv.close()


def test_skip_typed_as_the_command_leaves_the_column_to_next_time(store, tmp_path):
    conv, said = _conversation(store, tmp_path)
    try:
        said = conv.skip()
        assert said[-1].text.startswith("Your log has no column reportbot knows as Extended")
    finally:
        conv.close()


def test_the_line_mode_asks_for_a_missing_column_with_its_headers_numbered(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "reportbot", "--db", str(tmp_path / "r.sqlite3"), "--lang", "en", "--plain", "new",
         "cyfsa-part-x", "--year", "2025", "--from-log", str(path)],
        input="1\nnone\nnone\nnone\nnone\nquit\n", capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert "  1. Final Decision\n  2. Department\n[map header] Your log has no column reportbot knows as Outcome." \
        in run.stdout
    assert "Saved your answers in log.map.yaml" in run.stdout and "Boxes filled from the log: " in run.stdout


def test_each_answer_is_kept_at_once_so_a_quit_loses_none(store, tmp_path):
    conv, said = _conversation(store, tmp_path)
    try:
        conv.reply("Final Decision")  # outcome
        conv.reply("none")  # due; three questions still to come
        assert _map(tmp_path) == LogMap(columns={"Final Decision": "outcome"}, absent=["due"])
        rid = conv.report_id
        conv.leave()
    finally:
        conv.close()
    conv = Conversation(store, language="en", report_id=rid, today=TODAY)
    try:
        conv.start()
        said = conv.from_log(f'"{tmp_path / "log.csv"}"')
        assert said[-1].text.split(".")[0].endswith("Statement of disagreement")  # due and outcome: not again
    finally:
        conv.close()


def test_a_value_answer_is_kept_at_once_too(store, tmp_path):
    conv, said = _conversation(store, tmp_path, "file,received,completed,extension,outcome\n"
                                                "A-1,2025-01-10,2025-01-20,no,Withdrawm\nA-2,2025-01-10,2025-01-20,no,qqq\n")
    try:
        conv.reply("6.9")
        assert _map(tmp_path) == LogMap(values={"outcome": {"Withdrawm": "6.9"}})
    finally:
        conv.close()


KEYLESS = ("Ref,Department,received,completed,extension,Decision\n"
           "A-1,Jane Q. Public,2025-01-10,2025-01-20,no,6.1\nA-2,John Doe,2025-02-01,2025-02-15,no,6.9\n")


def test_a_sheet_not_read_for_want_of_its_key_is_asked_about_first_then_read_then_asked_as_any(store, tmp_path):
    conv, said = _conversation(store, tmp_path, KEYLESS)
    try:
        path = tmp_path / "log.csv"
        assert f"{path}: no column of file numbers or incident numbers, so this sheet was not read" in \
            [m.text for m in said]
        ask = said[-1]
        assert ask.tag == "map header" and ask.text.startswith(f"{path} has no column reportbot knows as File number")
        assert set(ask.choices) == {"Ref", "Department"}
        said = conv.reply("ref")
        assert any(m.text.startswith("From the log: rows read: 2 (access requests: 2)") for m in said)
        # Read now: its own missing columns are asked, among the headers left.
        assert said[-1].text.startswith("Your log has no column reportbot knows as Extended") and \
            said[-1].choices == ("Department",)
        for _ in range(4):
            said = conv.reply("none")
        assert _map(tmp_path) == LogMap(columns={"Ref": "file"},
                                        absent=["due", "disagreement", "notices_sent", "provisions"])
        answers = store.answers(conv.report_id)
        assert (answers[("3.1", None)], answers[("6.1", None)], answers[("6.9", None)]) == (2, 1, 1)
    finally:
        conv.close()


def test_a_sheet_the_filer_says_is_no_log_is_left_unread_and_not_asked_about_again(store, tmp_path):
    conv, said = _conversation(store, tmp_path, KEYLESS, language="fr")
    try:
        assert said[-1].text.startswith(f"{tmp_path / 'log.csv'} n'a aucune colonne que reportbot reconnaît comme")
        said = conv.reply("aucune")
        assert _map(tmp_path) == LogMap(absent=["file"])
        assert not any(m.tag == "map header" for m in said)
        said = conv.from_log(f'"{tmp_path / "log.csv"}"')
        assert not any(m.tag == "map header" for m in said)
    finally:
        conv.close()


def test_an_unread_sheet_is_asked_about_before_the_columns_of_those_read(store, tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("requests").write_row(0, 0, ["file", "received", "completed", "extension", "Department"])
    breaches = book.add_worksheet("breaches")
    breaches.write_row(0, 0, ["Ref", "date", "category", "Who"])
    breaches.write_row(1, 0, ["I-1", "2025-03-01", "stolen", "Jane Q. Public"])
    book.close()
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025, today=TODAY, log=LogSource((path,)))
    said = conv.start()
    try:
        assert said[-1].text.startswith(f"{path} [breaches] has no column reportbot knows as Incident number")
        said = conv.reply("Ref")
        assert said[-1].text.startswith("Your log has no column reportbot knows as ")  # then the rest, any table
        assert not said[-1].text.startswith(f"{path}")
    finally:
        conv.close()


def test_a_value_takes_any_code_of_its_column_and_list_says_them_all(store, tmp_path):
    conv, said = _conversation(store, tmp_path, "file,received,completed,extension,outcome\n"
                                                "A-1,2025-01-10,2025-01-20,no,qqq\nA-2,2025-01-10,2025-01-20,no,zzz\n")
    try:
        offered = said[-1].choices
        assert len(offered) == 8
        listed = conv.list_choices()[-1].choices
        assert len(listed) == 13 and listed[:8] == offered  # 6.1 to 6.9, 8.2 to 8.5: the same numbers, and more
        said = conv.reply("13")
        assert said[-1].tag == "map outcome" and "'zzz'" in said[-1].text
        code = next(c for c in ("6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "8.2", "8.3", "8.4",
                                "8.5") if not any(choice.endswith(f"({c})") for choice in said[-1].choices))
        conv.reply(code)  # a code the question did not offer
        assert _map(tmp_path).values == {"outcome": {"qqq": listed[12].rsplit("(", 1)[1][:-1], "zzz": code}}
    finally:
        conv.close()


def test_a_hostile_header_is_offered_cleaned_and_kept_as_written(store, tmp_path):
    header = "\x1b[31mFinal\u202e Decision\x07"
    conv, said = _conversation(store, tmp_path, LOG.replace("Final Decision", header))
    try:
        assert "Final Decision" in said[-1].choices  # offered on one clean line
        assert not any("\x1b" in c or "\u202e" in c for m in said for c in m.choices)
        conv.reply("Final Decision")
        for _ in range(4):
            conv.reply("none")
        assert _map(tmp_path).columns == {header: "outcome"}  # as the sheet writes it: it names it next year
    finally:
        conv.close()


def test_none_for_the_rest_says_so_of_every_column_still_to_ask_once_the_likeliest_are_named(store, tmp_path):
    conv, said = _conversation(store, tmp_path)
    try:
        assert "none for the rest" in said[-1].text
        said = conv.reply("Final Decision")  # Outcome, the column with the likeliest header, was asked first
        said = conv.reply("none for the rest")
        assert not any(m.tag == "map header" for m in said)
        assert _map(tmp_path) == LogMap(columns={"Final Decision": "outcome"},
                                        absent=["due", "disagreement", "notices_sent", "provisions"])
        assert store.answers(conv.report_id)[("6.1", None)] == 1
        said = conv.from_log(f'"{tmp_path / "log.csv"}"')  # nothing is asked again
        assert not any(m.tag == "map header" for m in said)
    finally:
        conv.close()


def test_aucune_pour_le_reste_in_french(store, tmp_path):
    conv, said = _conversation(store, tmp_path, language="fr")
    try:
        conv.reply("aucune pour le reste")
        assert _map(tmp_path).absent == ["outcome", "due", "disagreement", "notices_sent", "provisions"]
    finally:
        conv.close()


def test_a_refusal_with_one_choice_left_says_that_choice(store, tmp_path):
    conv, said = _conversation(store, tmp_path)
    try:
        said = conv.reply("Final Decision")
        assert said[-1].choices == ("Department",)
        said = conv.reply("Status")
        assert said[0].role == "error" and said[0].text == "Error: Please type 1 or your header, none, or skip."
    finally:
        conv.close()


def test_never_reads_a_column_no_request_had_this_year_as_blank_and_asks_again_another_year(store, tmp_path):
    # CYFSA 4.2/4.3 and 5.x read extension and due: a log kept by an office that extended no time limit in 2025 has
    # no such columns, and its boxes are counted with every row blank (no extension), not asked.
    text = ("file,Department,received,completed,Final Decision\n"
            "A-1,Child welfare,2025-01-10,2025-01-20,6.1\nA-2,Child welfare,2025-02-01,2025-04-15,6.1\n")
    conv, said = _conversation(store, tmp_path, text)
    try:
        assert said[-1].text.startswith("Your log has no column reportbot knows as Outcome.")
        assert "never if none of your 2025 requests had one" not in said[-1].text  # every request has an outcome
        said = conv.reply("never")
        assert any(m.role == "error" and "cannot be blank on every row" in m.text for m in said)
        assert said[-1].tag == "map header"  # asked again
        said = conv.reply("final decision")
        assert said[-1].text.startswith("Your log has no column reportbot knows as Extended time limit")
        assert "Or type never if none of your 2025 requests had one" in said[-1].text
        for _ in range(4):  # due, statement of disagreement, notices sent, notice of extension
            said = conv.reply("never")
        assert said[-1].text.startswith("Your log has no column reportbot knows as Provisions applied")
        conv.reply("none")  # codes with no blank code: never is not offered for them
        assert _map(tmp_path).never == {"due": 2025, "disagreement": 2025, "notices_sent": 2025, "extension": 2025}
        assert _map(tmp_path).absent == ["provisions"]
        answers = store.answers(conv.report_id)
        # A-2 took 73 days: over 30 with no extension (4.3, 5.2); none extended (4.2, 5.4, 5.5).
        assert [answers[(b, None)] for b in ("4.1", "4.2", "4.3", "5.1", "5.2", "5.4", "5.5")] == [1, 0, 1, 1, 1, 0, 0]
    finally:
        conv.close()
    rid = store.create_report("cyfsa-part-x", 2026, "CAS")  # another year: asked again, not read as blank
    conv = Conversation(store, language="en", report_id=rid, today=TODAY)
    try:
        conv.start()
        said = conv.from_log(f'"{tmp_path / "log.csv"}"')
        assert said[-1].tag == "map header" and said[-1].text.split(".")[0].endswith("Extended time limit")
        assert ("4.2", None) not in store.answers(rid)
    finally:
        conv.close()


def test_a_map_saying_never_of_a_column_every_request_has_is_refused(tmp_path):
    (tmp_path / "log.map.yaml").write_text("never: {outcome: 2025}\n", encoding="utf-8")
    with pytest.raises(LogError) as e:
        read_mapping(tmp_path / "log.map.yaml", CYFSA)
    assert e.value.key == "log.error.map_never"


def test_an_outcome_kept_as_marked_columns_is_read_not_asked_and_the_maps_flags_are_kept(store, tmp_path):
    # Granted names no code by itself: the map beside the log says it marks 6.1; Withdrawn names 6.9 (or 8.5).
    (tmp_path / "log.map.yaml").write_text('flags: {outcome: {"Granted": "6.1"}}\n', encoding="utf-8")
    text = ("file,Department,received,completed,extension,Granted,Withdrawn\n"
            "A-1,Jane Q. Public,2025-01-10,2025-01-20,no,x,\nA-2,John Doe,2025-02-01,2025-02-15,no,,x\n")
    conv, said = _conversation(store, tmp_path, text)
    try:
        asked = []
        while said[-1].tag == "map header":
            asked.append(said[-1].text.split(".")[0])
            said = conv.reply("none" if len(asked) == 1 else "skip")
        assert not any("Outcome" in a for a in asked) and len(asked) == 4, asked
        assert _map(tmp_path).flags == {"outcome": {"Granted": "6.1"}}  # written again with the answers, kept
        answers = store.answers(conv.report_id)
        assert (answers[("6.1", None)], answers[("6.9", None)]) == (1, 1)
    finally:
        conv.close()
