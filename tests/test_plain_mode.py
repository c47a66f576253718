"""Scripted conversations through the plain line mode, read as a filer would read them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.engine import evaluate
from reportbot.flow.loader import load_flow
from reportbot.reportfile import dumps, to_document
from reportbot.store import Store

CONVERSATIONS = Path(__file__).parent / "data" / "conversations"

CYFSA_ZERO = [
    "Children's Aid Society of Anytown",
    "Pat Lee",
    "416-555-0100",
    "pat@cas.example",
    "1 Main St, Anytown ON",
    "children's aid society",
    "none",
    "1",
    "yes",
]


def converse(db: Path, args: list[str], lines: list[str], monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--db", str(db), "--plain", *args])
    return code, capsys.readouterr().out


def prompts(transcript: str) -> list[str]:
    """The tags of the prompts, in order (each prompt line starts with one)."""
    return re.findall(r"^\[([^\]]+)\] ", transcript, flags=re.M)


def stored(db: Path):
    store = Store.open(db)
    row = store.latest()
    return store, row, store.answers(row.id)


def document(db: Path) -> dict:
    store, row, answers = stored(db)
    flow = load_flow(row.form)
    acknowledged = [{"rule": r, "column": c, "reason": t} for (r, c), t in store.acknowledgements(row.id).items()]
    return json.loads(dumps(to_document(flow, row.year, evaluate(flow, answers), row.status, acknowledged)))


def test_cyfsa_zero_report_in_at_most_twelve_prompts(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO, monkeypatch, capsys)
    assert code == 0
    tags = prompts(out)
    assert len(tags) <= 12
    assert tags[-2:] == ["type", "confirm"]
    store, row, answers = stored(db)
    assert row.status == "confirmed"
    assert answers[("3.1", None)] == answers[("8.1", None)] == answers[("10.1", None)] == 0
    assert row.organization == "Children's Aid Society of Anytown"
    assert "Zero entered in 3.1, 8.1, 10.1" in out


def test_phipa_custodian_is_told_it_need_not_file(tmp_path, monkeypatch, capsys):
    lines = CYFSA_ZERO.copy()
    lines[5] = "health information custodian"
    code, out = converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    notice = load_flow("cyfsa-part-x").flow.notices[0].id
    from reportbot.wording import wording

    assert wording("en", "cyfsa-part-x").report.notices[notice] in out


FIPPA_TO_TYPE = ["Ministry of Examples", "A. Deputy", "Sam Lee", "416-555-0199", "skip", "foi@example.on.ca",
                 "99 Queen St", "agency", "twelve", "0"]


def test_fippa_zero_report(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], FIPPA_TO_TYPE + ["1", "yes", "yes"],
                         monkeypatch, capsys)
    assert code == 0
    # The zero report's carried-forward zeros are confirmed before they are written: one prompt more.
    assert prompts(out)[-3:] == ["type", "zero", "confirm"] and len(prompts(out)) <= 13
    # What a FIPPA zero report is (the 2005 form has no breaches).
    question = next(line for line in out.splitlines() if line.startswith("[type] "))
    assert "breach" not in question
    assert "no access requests received, transferred to you or carried forward" in question
    assert "no correction requests received or carried forward" in question
    assert re.search(r"^\[zero\] A zero report also puts 0 in 3\.3 personal, 3\.3 general, 11\.2: no requests carried forward from 2024\. Is that right\? yes$", out, flags=re.M)
    _, row, answers = stored(db)
    assert row.status == "confirmed"
    for box in ("3.1", "3.2", "3.3"):
        assert answers[(box, "personal")] == answers[(box, "general")] == 0
    assert answers[("11.1", None)] == answers[("11.2", None)] == 0
    assert answers[("1.1.fax", None)] == ""
    assert answers[("questionnaire", None)] == "zero"


def test_fippa_zero_report_not_confirmed_is_a_full_report(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], FIPPA_TO_TYPE + ["1", "help", "no", "quit"],
                         monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[-4:] == ["type", "zero", "zero", "3.1 personal"]
    assert "Type yes if no requests were carried forward from last year, or no to complete the full report instead." in out
    assert "Then this is a full report: the requests carried forward from 2024 go in 3.3 personal, 3.3 general, 11.2." in out
    _, _, answers = stored(db)
    assert answers[("questionnaire", None)] == "full"
    assert ("3.3", "personal") not in answers and ("11.2", None) not in answers  # nothing zeroed without asking


def test_fippa_zero_report_refused_when_last_year_carried_requests_over(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()
    converse(db, ["new", "fippa-year-end", "--year", "2024"], lines, monkeypatch, capsys)
    # Last year's report carried 10 personal and 30 general requests over (3.6), and 1 correction request (11.3).
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], ["yes", "12", "0", "1", "quit"],
                         monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[-2:] == ["type", "type"]
    assert ("Error: Your 2024 report carried requests over "
            "(3.6 personal = 10, 3.6 general = 30, 11.3 = 1): this year's report counts them, so choose the full report.") in out
    store = Store.open(db)
    this_year = next(r for r in store.reports() if r.year == 2025)
    answers = store.answers(this_year.id)
    assert ("questionnaire", None) not in answers and ("3.3", "personal") not in answers


@pytest.mark.parametrize("name,args", [
    ("cyfsa-full", ["new", "cyfsa-part-x", "--year", "2025"]),
    ("fippa-full", ["new", "fippa-year-end", "--year", "2025"]),
])
def test_full_report_equals_what_was_said(name, args, tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    code, out = converse(db, args, lines, monkeypatch, capsys)
    assert code == 0, out
    expected = json.loads((CONVERSATIONS / f"{name}.expected.json").read_text(encoding="utf-8"))
    got = document(db)
    got.pop("acknowledged", None)
    assert got == expected
    assert out.rstrip().endswith("If you change an answer later, confirm it again.")


def _after(out: str, tag: str) -> list[str]:
    """The lines reportbot says right after the filer answers the prompt ``tag``."""
    lines = out.splitlines()
    i = max(i for i, line in enumerate(lines) if line.startswith(f"[{tag}] "))
    return lines[i + 1 :]


def test_cyfsa_conversation_flags_the_mistake_at_once_and_resolves_it(tmp_path, monkeypatch, capsys):
    lines = (CONVERSATIONS / "cyfsa-full.txt").read_text(encoding="utf-8").splitlines()
    _, out = converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    after_69 = _after(out, "6.9")
    assert after_69[0] == "2."  # 6.9 was answered "two": said back as digits (issue 13, item 6)
    assert after_69[1] == "That makes 39 requests counted by outcome (6.10)."
    assert after_69[2].startswith("Error: 6.10 (6.1 to 6.9) = 39, but it should be at least 4.4 (4.1 + 4.2 + 4.3) = 40: 1 short.")
    resolve = next(line for line in after_69 if line.startswith("[resolve]"))
    assert "Press Enter for 6.9" in resolve and resolve.endswith(" 6.1")
    assert "(now 25; press Enter to keep it) 26" in out
    assert "Thank you: those figures agree now." in out
    # Totals said as they become known; words understood as numbers.
    assert "That makes 40 completed access requests (4.4)." in out
    assert re.search(r"^\[3\.1\] .* forty$", out, flags=re.M)
    # Fewer questions: the remainder proposed, a total of 1 turned into one choice, the zeros and the
    # box defined as the same as another filled and said (5.2, 13.3.2 to 13.3.5 are no longer asked).
    assert re.search(r"^\[5\.5\] That leaves 3 for .*: right\? .* yes$", out, flags=re.M)
    assert re.search(r"^\[5\.1\] .* 28\n5\.2 is the same as 4\.3: 4\.$", out, flags=re.M) and "[5.2]" not in out
    assert "\nThat accounts for all 2 (13.1): 13.3.2 to 13.3.5 are 0.\n" in out and "[13.3.3]" not in out
    assert re.search(r"^\[11\.3\] The one theft \(11\.1\): what caused it\? paper records$", out, flags=re.M)
    # Commands.
    assert re.search(r"^\[3\.1\] .* help\n.*one request however many records", out, flags=re.M)
    assert re.search(r"^\[4\.1\] .* why\nThe IPC uses this .*section 4\)\.$", out, flags=re.M)
    assert re.search(r"^\[4\.3\] .* back\n\[4\.2\] .*\(now 6; press Enter to keep it\) $", out, flags=re.M)
    assert "  4.4 Total access requests completed: 40 (total)" in out
    assert "2.1 is now 0." in out


def test_zeros_filled_without_asking_are_kept_as_reportbots_inference_and_back_goes_to_the_first(
    tmp_path, monkeypatch, capsys
):
    lines = (CONVERSATIONS / "cyfsa-full.txt").read_text(encoding="utf-8").splitlines()
    args = ["new", "cyfsa-part-x", "--year", "2025"]
    _, out = converse(tmp_path / "a.sqlite3", args, lines, monkeypatch, capsys)
    at = prompts(out).index("13.3.1")
    db = tmp_path / "r.sqlite3"
    _, out = converse(db, args, [*lines[: at + 1], "back"], monkeypatch, capsys)
    assert re.search(r"^That accounts for all 2 \(13\.1\): 13\.3\.2 to 13\.3\.5 are 0\.$", out, flags=re.M)
    assert re.search(r"^\[14\.1\] .* back\n(?:[^\[].*\n)*\[13\.3\.2\] .*\(now 0; press Enter to keep it\) $", out, flags=re.M)
    store, row, answers = stored(db)
    sources = store.answer_sources(row.id)
    assert [(answers[(f"13.3.{n}", None)], sources[(f"13.3.{n}", None)]) for n in range(2, 6)] == [(0, "derived")] * 4



def test_a_filled_breakdown_is_one_commit(tmp_path, monkeypatch, capsys):
    """A filled breakdown waits for the disk once, not once a box (a turn's p99 is its fsyncs)."""
    from reportbot.store import Store

    commits: list[list] = []
    one, many = Store.set_answer, Store.set_answers
    monkeypatch.setattr(Store, "set_answer", lambda s, rid, cell, *a: (commits.append([cell]), one(s, rid, cell, *a))[1])
    monkeypatch.setattr(Store, "set_answers", lambda s, rid, v, *a: (commits.append(list(v)), many(s, rid, v, *a))[1])
    lines = (CONVERSATIONS / "cyfsa-full.txt").read_text(encoding="utf-8").splitlines()
    converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert [("13.3.2", None), ("13.3.3", None), ("13.3.4", None), ("13.3.5", None)] in commits


def test_whats_left_names_the_errors_left_for_later_first(tmp_path, monkeypatch, capsys):
    lines = (CONVERSATIONS / "cyfsa-full.txt").read_text(encoding="utf-8").splitlines()
    args = ["new", "cyfsa-part-x", "--year", "2025"]
    _, out = converse(tmp_path / "a.sqlite3", args, lines, monkeypatch, capsys)
    at = prompts(out).index("confirm")
    script = [*lines[:at], "change 6.1 to 25", "later", "what's left"]
    _, out = converse(tmp_path / "r.sqlite3", args, script, monkeypatch, capsys)
    said = out.splitlines()
    after = said[said.index(next(line for line in said if line.endswith(" what's left"))) + 1 :]
    assert after[0].startswith("Error: 6.10 (6.1 to 6.9) = 39, but it should be at least 4.4")
    assert after[1] == "Every question on the report is answered; what is above must be settled before the report is confirmed."


def test_whats_left_counts_what_the_progress_line_counts(tmp_path, monkeypatch, capsys):
    # Optional boxes (FIPPA's fax, 6a) are not counted, as the progress line does not count them.
    db = tmp_path / "r.sqlite3"
    _, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], ["what's left"], monkeypatch, capsys)
    _, row, answers = stored(db)
    answered, needed = evaluate(load_flow(row.form), answers).progress()
    assert re.search(rf"^{needed - answered} questions left \(1\.1\.institution, ", out, flags=re.M)


def test_fippa_conversation_column_by_column_with_a_warning_accepted(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()
    _, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], lines, monkeypatch, capsys)
    tags = prompts(out)
    assert tags[11:14] == ["3.1 personal", "3.1 general", "3.2 personal"]
    assert "8.12 personal" not in tags and "8.12 general" in tags
    assert "8.14 general" not in tags and "10.1 personal" not in tags
    assert re.search(r"^\[3\.1 general\] .* two hundred and ten$", out, flags=re.M)
    after = _after(out, "8.18 personal")
    # A finding names its column in words; [resolve] names the boxes and the column it is about.
    assert after[1].startswith(
        "Error: Personal information: 8.19 (8.1 to 8.18) = 2, but it should be at least 7.9 (7.2 + 7.4) = 22: 20 short."
    )
    assert ("[resolve] Which box should change to make 8.19 and 7.9 agree in the personal information column? "
            "Press Enter for 8.18 personal") in out
    # 7.7 counts requests from 7.6: more is impossible, an error to resolve, never a warning to accept.
    assert re.search(r"^\[7\.7 general\] .* 6\nError: General records: 7\.7 = 6, but it should be at most 7\.6 = 5: 1 over\.",
                     out, flags=re.M)
    # [accept] names its boxes, and its example changes the box just asked, not always 4.1.
    assert re.search(r"^\[accept\] If 11\.10 and 11\.6 \+ 11\.7 are right, .* type change 11\.10 to 7 to correct", out, flags=re.M)
    assert "Warning: 7.7" not in out
    assert "Thank you: those figures agree now." in out
    assert "accept" in tags
    store, row, _ = stored(db)
    assert store.acknowledgements(row.id) == {
        ("fippa-11.10-within-11.6-11.7", None): "One refused request had two statements of disagreement attached."
    }
    assert "That makes $2,259.50 in application and additional fees (9.2.3 general)." in out


def test_change_in_a_two_column_box_asks_which_column(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()[:40]
    _, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], [*lines, "change 10.3 to 1", "2"], monkeypatch, capsys)
    assert re.search(r"^\[10\.3\] Which column of 10\.3 should be 1\? 2$", out, flags=re.M)
    assert "10.3 general is now 1." in out
    _, _, answers = stored(db)
    assert answers[("10.3", "general")] == 1 and ("10.3", "personal") not in answers


def test_not_understood_is_asked_again_and_nothing_is_stored(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = CYFSA_ZERO[:6] + ["lots", "-3", "2.5", "none"]
    _, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    errors = [line for line in out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3
    assert "'lots'" in errors[0] and "negative" in errors[1] and "whole number" in errors[2]
    assert prompts(out).count("2.1") == 4
    _, _, answers = stored(db)
    assert answers[("2.1", None)] == 0


def test_end_of_input_saves_and_resume_continues(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO[:3], monkeypatch, capsys)
    assert code == 0
    assert out.rstrip().endswith("To continue, run: reportbot resume 1")
    code, out = converse(db, ["resume"], CYFSA_ZERO[3:], monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[0] == "1.1.email"
    _, row, _ = stored(db)
    assert row.status == "confirmed"


def test_breakdown_exceeding_its_total_is_caught_before_the_rest_is_asked(tmp_path, monkeypatch, capsys):
    lines = CYFSA_ZERO[:7] + ["2", "0", "0", "3", "3", "1", "yes", "2", "2"]
    _, out = converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    after = _after(out, "11.3.2")
    assert after[0].startswith("Error: 11.3.6 (11.3.1 to 11.3.5) already comes to 4, more than 11.1 = 3: 1 over")
    assert "11.3.3" not in prompts(out)


def test_why_at_a_skipped_section_names_the_answer_that_skipped_it(tmp_path, monkeypatch, capsys):
    lines = CYFSA_ZERO[:7] + ["2", "0", "why 5", "go to 6.3", "why"]
    _, out = converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert re.search(r"^5\.1 is skipped: .*3\.1 is 0", out, flags=re.M)
    # One short error line; "why" says the reason (issue 13, item 7).
    assert re.search(r"^Error: 6\.3 is skipped on your route\. Type why to hear why\.$", out, flags=re.M)
    assert re.search(r"^\[[^\]]+\] .* why\n.*3\.1 is 0", out, flags=re.M)


def test_plain_mode_as_a_real_process(tmp_path):
    """reportbot --plain as a filer runs it: no colour, no escape sequences, flushed prompts."""
    env = {**os.environ, "REPORTBOT_DB": str(tmp_path / "r.sqlite3")}
    proc = subprocess.run(
        [sys.executable, "-m", "reportbot", "--plain", "new", "cyfsa-part-x", "--year", "2025"],
        input="".join(line + "\n" for line in CYFSA_ZERO),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    assert proc.stderr == ""
    assert "Report 1 is confirmed." in proc.stdout


def test_french_zero_report(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = CYFSA_ZERO[:5] + ["société d'aide à l'enfance", "aucun", "1", "oui"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--db", str(db), "--lang", "fr", "--plain", "new", "cyfsa-part-x", "--year", "2025"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Quel questionnaire remplissez-vous?" in out
    assert "Le rapport 1 est confirmé." in out
    _, row, answers = stored(db)
    assert row.status == "confirmed" and answers[("1.2", None)] == "childrens_aid_society"


def test_french_full_conversation_gives_the_same_report(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "cyfsa-full-fr.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--db", str(db), "--lang", "fr", "--plain", "new", "cyfsa-part-x", "--year", "2025"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Total des demandes d'accès traitées (4.4) : 40." in out
    assert re.search(r"^Erreur", out, flags=re.M)
    expected = json.loads((CONVERSATIONS / "cyfsa-full.expected.json").read_text(encoding="utf-8"))
    assert document(db) == expected


def test_language_switch_mid_conversation_is_remembered(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO[:2] + ["langue fr"], monkeypatch, capsys)
    assert "Quel numéro de téléphone" in out or "À quel numéro de téléphone" in out
    store, row, _ = stored(db)
    assert store.get_setting("language") == "fr" and row.language == "fr"
    code, out = converse(db, ["resume"], ["416-555-0100"], monkeypatch, capsys)
    assert "courriel" in out


def test_second_year_offers_last_years_identification(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    converse(db, ["new", "cyfsa-part-x", "--year", "2024"], CYFSA_ZERO, monkeypatch, capsys)
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], ["yes", "0", "1", "yes"], monkeypatch, capsys)
    assert code == 0
    assert prompts(out) == ["same", "2.1", "type", "confirm"]
    assert "  Name of the child and family service provider: Children's Aid Society of Anytown" in out
    store = Store.open(db)
    this_year = next(r for r in store.reports() if r.year == 2025)
    assert this_year.status == "confirmed" and this_year.organization == "Children's Aid Society of Anytown"
    assert store.answers(this_year.id)[("1.2", None)] == "childrens_aid_society"
    assert store.answer_sources(this_year.id)[("1.1.phone", None)] == "carried"


def test_carried_forward_figure_differing_from_last_year_is_a_warning(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()
    converse(db, ["new", "fippa-year-end", "--year", "2024"], lines, monkeypatch, capsys)
    # This year: same identification, 3.3 personal agrees with last year (10), 3.3 general (25) does not (30).
    this_year = ["yes", "12", "0", "2", "5", "5", "0", "0", "10", "25", "quit"]
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], this_year, monkeypatch, capsys)
    assert code == 0
    assert re.search(r"^Warning: 3\.3 general: 25 carried forward from last year, but last year's report \(2024\) carried 30 over", out, flags=re.M)
    assert "Warning: 3.3 personal" not in out


def test_reportbot_alone_asks_which_report_and_year(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, [], ["fippa", "last year", "2025", "quit"], monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[:4] == ["report", "year", "year", "1.1.institution"]
    assert "four digits" in out
    _, row, _ = stored(db)
    assert (row.form, row.year, row.status) == ("fippa-year-end", 2025, "draft")


def test_reportbot_alone_offers_to_resume_a_draft(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO[:2], monkeypatch, capsys)
    code, out = converse(db, [], ["1"] + CYFSA_ZERO[2:], monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[:2] == ["resume", "1.1.phone"]
    _, row, _ = stored(db)
    assert row.status == "confirmed"


def test_go_to_a_box_in_one_column(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()[:16]
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], lines + ["go to 3.1 general", "211", "quit"],
                         monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[-2:] == ["3.1 general", "3.3 general"]
    _, _, answers = stored(db)
    assert answers[("3.1", "general")] == 211


def test_the_questionnaire_is_an_answer_kept_across_quit_and_resume(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO[:7] + ["2"], monkeypatch, capsys)
    assert code == 0 and prompts(out)[-2:] == ["type", "3.1"]
    _, _, answers = stored(db)
    assert answers[("questionnaire", None)] == "full"
    code, out = converse(db, ["resume"], ["review", "quit"], monkeypatch, capsys)
    assert code == 0
    assert "type" not in prompts(out) and prompts(out)[0] == "3.1"
    assert "  questionnaire Questionnaire: Full report" in out


def test_change_reaches_the_questionnaire(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    # A zero report, then at the confirmation: change the questionnaire to full, as the IPC's system allows.
    lines = CYFSA_ZERO[:8] + ["change questionnaire to full", "2", "quit"]
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    assert prompts(out)[-3:] == ["confirm", "3.1", "4.1"]
    assert "questionnaire is now Full report." in out
    _, _, answers = stored(db)
    assert answers[("questionnaire", None)] == "full" and answers[("3.1", None)] == 2
    assert answers.get(("8.1", None)) is None and answers.get(("10.1", None)) is None  # the zero report's zeros go
    # Back to a zero report: refused while 3.1 says there were requests.
    code, out = converse(db, ["resume"], ["change questionnaire to zero", "quit"], monkeypatch, capsys)
    assert "Error: You have answered 3.1 = 2, but a zero report has 0 there. Change those first" in out
    assert stored(db)[2][("questionnaire", None)] == "full"


def test_a_figure_given_on_a_zero_report_is_an_error(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = CYFSA_ZERO[:8] + ["change 10.1 to 1", "why", "quit"]
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    # The error line gives the numbers; the rule in words is one "why" away (issue 13, item 7).
    assert re.search(r"^Error: .*10\.1", out, flags=re.M)
    assert re.search(r"^\[resolve\] .* why\nA zero report has 0 in each of 3\.1, 8\.1 and 10\.1", out, flags=re.M)
    assert prompts(out)[-2:] == ["resolve", "resolve"]


def test_the_questionnaire_is_in_the_exports_and_round_trips(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    converse(db, ["new", "cyfsa-part-x", "--year", "2025"], CYFSA_ZERO, monkeypatch, capsys)
    assert main(["--db", str(db), "export", "1", "--format", "md"]) == 0
    assert "| questionnaire | Questionnaire | Zero report |" in capsys.readouterr().out
    out_file = tmp_path / "r.json"
    assert main(["--db", str(db), "export", "1", "--format", "json", "-o", str(out_file)]) == 0
    assert json.loads(out_file.read_text(encoding="utf-8"))["answers"]["questionnaire"] == "zero"
    assert main(["--db", str(db), "import", str(out_file)]) == 0
    capsys.readouterr()
    store = Store.open(db)
    assert store.answers(2)[("questionnaire", None)] == "zero"


# One theft (10.1 = 11.1 = 1): the full report up to the one choice of 11.2.
ONE_THEFT = CYFSA_ZERO[:7] + ["2", "0", "0", "1", "1"]


@pytest.mark.parametrize("said", ["neither", "unknown", "3"])
def test_a_theft_by_neither_is_an_answer_with_its_reason_kept(said, tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], ONE_THEFT + [said, "4", "1", "yes"],
                         monkeypatch, capsys)
    assert code == 0
    assert "  3. Thief unknown: neither an internal party nor a stranger" in out
    assert 'None of 11.2.1, 11.2.2 applies: each is 0, and "Thief unknown: neither an internal party nor a stranger"' in out
    assert "accept" not in prompts(out) and "Warning: 11.2.1" not in out
    store, row, answers = stored(db)
    assert answers[("11.2.1", None)] == answers[("11.2.2", None)] == 0
    assert store.acknowledgements(row.id) == {
        ("cyfsa-11.2-sums-to-11.1", None): "Thief unknown: neither an internal party nor a stranger"
    }
    assert row.status == "confirmed"


def test_a_theft_by_neither_in_french(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = CYFSA_ZERO[:5] + ["société d'aide à l'enfance", "aucun", "2", "0", "0", "1", "1", "ni l'un ni l'autre", "quitter"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    assert main(["--db", str(db), "--lang", "fr", "--plain", "new", "cyfsa-part-x", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "  3. Auteur du vol non identifié : ni une partie interne ni une personne de l'extérieur" in out
    _, _, answers = stored(db)
    assert answers[("11.2.1", None)] == answers[("11.2.2", None)] == 0


def test_a_change_at_a_one_choice_question_is_not_overwritten(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = ONE_THEFT + ["change 11.2.1 to 0", "0", "quit"]
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    # The one choice is not offered again over the change: what is left of it is asked on its own.
    assert prompts(out)[-3:] == ["11.2", "11.2.2", "11.3"]
    assert "Warning: 11.2.1 + 11.2.2 = 0, but 11.1 = 1: 1 short." in out
    _, _, answers = stored(db)
    assert answers[("11.2.1", None)] == answers[("11.2.2", None)] == 0


def test_a_change_at_a_proposed_remainder_is_not_overwritten(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    # Two thefts; 11.2.1 = 1, so 11.2.2 = 1 is proposed; the filer changes 11.2.1 instead, then accepts.
    lines = CYFSA_ZERO[:7] + ["2", "0", "0", "2", "2", "1", "change 11.2.1 to 2", "quit"]
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    assert re.search(r"^\[11\.2\.2\] That leaves 1 for .* change 11\.2\.1 to 2$", out, flags=re.M)
    assert re.search(r"^\[11\.2\.2\] That leaves 0 for ", out, flags=re.M)  # worked out again from the change
    _, _, answers = stored(db)
    assert answers[("11.2.1", None)] == 2 and ("11.2.2", None) not in answers


def test_only_breakdowns_that_need_not_add_up_offer_neither():
    from reportbot.dialogue.groups import groups
    from reportbot.wording import wording

    loose = {form: [g.rule for g in groups(load_flow(form)) if not g.binding] for form in ("cyfsa-part-x", "fippa-year-end")}
    assert loose == {"cyfsa-part-x": ["cyfsa-11.2-sums-to-11.1"], "fippa-year-end": []}
    for form, rules in loose.items():
        flow = load_flow(form)
        for g in groups(flow):
            check = next(c for c in flow.flow.checks if c.id == g.rule)
            assert g.binding == (check.severity == "error")
        for language in ("en", "fr"):
            checks = wording(language, form).report.checks
            assert {r for r, c in checks.items() if c.neither} == set(rules)


def test_fippa_zero_report_after_a_year_that_carried_nothing_over_needs_no_confirmation(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    converse(db, ["new", "fippa-year-end", "--year", "2024"], FIPPA_TO_TYPE + ["1", "yes", "yes"], monkeypatch, capsys)
    # Last year's report (a zero report) proves nothing was carried over: 3.3 and 11.2 are 0 without asking.
    code, out = converse(db, ["new", "fippa-year-end", "--year", "2025"], ["yes", "12", "0", "1", "yes"],
                         monkeypatch, capsys)
    assert code == 0
    assert prompts(out) == ["same", "1.3", "2.1", "type", "confirm"]
    store = Store.open(db)
    this_year = next(r for r in store.reports() if r.year == 2025)
    assert this_year.status == "confirmed"
    assert store.answers(this_year.id)[("3.3", "general")] == 0


def test_neither_is_what_the_filer_said_for_each_part(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    converse(db, ["new", "cyfsa-part-x", "--year", "2025"], ONE_THEFT + ["neither", "quit"], monkeypatch, capsys)
    store, row, _ = stored(db)
    sources = store.answer_sources(row.id)
    assert sources[("11.2.1", None)] == sources[("11.2.2", None)] == "said"
