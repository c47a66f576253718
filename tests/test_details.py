"""Checked details (issue 13, item 12): e-mail addresses and phone numbers that do not look like one are a
warning the filer can keep, never a refusal; the libraries that judge them are loaded only when needed, and
look nothing up; the identification offered from last year reads in the form's order."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from reportbot import carry
from reportbot.cli import main
from reportbot.details import looks_right
from reportbot.export import Subject, to_markdown
from reportbot.reportfile import parse_report
from reportbot.store import Store
from reportbot.wording import wording
from reports import changed, load

pytestmark = pytest.mark.usefixtures("never_the_real_database")

IDENTIFICATION = ["Children's Aid Society of Anytown", "Pat Lee"]
REST_OF_ZERO_REPORT = ["1 Main St, Anytown ON", "children's aid society", "none", "1", "yes"]


@pytest.mark.parametrize("text", ["416-555-0100", "(613) 555-0199 ext. 3", "416 555 0100 poste 12", "+44 20 7946 0958",
                                  "1-800-387-0073", "416-326-3333 or 1-800-387-0073",
                                  "Main 416-555-0100; toll-free 1-800-387-0073"])
def test_a_phone_number_that_looks_right(text):
    assert looks_right("phone", text)


@pytest.mark.parametrize("text", ["12", "555-0100", "416-555-010", "call the front desk", "+1 999 555 0100",
                                  "12 or 416-555-0100", "416-555-0100 / 555-01"])
def test_a_phone_number_that_does_not(text):
    assert not looks_right("phone", text)


@pytest.mark.parametrize("text, right", [
    ("privacy@lakeshorecas.example.ca", True), ("pat@cas.example", True), ("Pat.Lee+ipc@cas.on.ca", True),
    ("pat@cas", False), ("pat.cas.example", False), ("pat@@cas.example", False), ("pat lee@cas.example", False),
])
def test_an_email_address(text, right):
    assert looks_right("email", text) is right


def _converse(db, args: list[str], lines: list[str], monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    assert main(["--db", str(db), "--plain", *args]) == 0
    return capsys.readouterr().out


def test_a_doubtful_detail_is_a_warning_said_at_once_and_kept_with_a_reason(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = [*IDENTIFICATION, "ext 12", "pat at cas", *REST_OF_ZERO_REPORT[:-1],
             "the switchboard gives the extension", "we write it this way on purpose", "yes"]
    out = _converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    tags = re.findall(r"^\[([^\]]+)\] ", out, flags=re.M)
    assert tags[:4] == ["1.1.organization", "1.1.contact_name", "1.1.phone", "1.1.email"]  # not asked again
    phone = "1.1.phone: ext 12 does not look like a phone number (for example 416-555-0100 ext. 12"
    assert re.search(rf"^Warning: {re.escape(phone)}", out, flags=re.M)
    assert "Warning: 1.1.email: pat at cas does not look like an e-mail address" in out
    assert tags[-3:] == ["accept", "accept", "confirm"]
    with Store.open(db) as store:
        row = store.latest()
        assert row.status == "confirmed"
        assert store.answers(row.id)[("1.1.phone", None)] == "ext 12"  # kept as typed
        assert store.acknowledgements(row.id) == {("detail-1.1.phone", None): "the switchboard gives the extension",
                                                  ("detail-1.1.email", None): "we write it this way on purpose"}


def test_a_right_detail_says_nothing(tmp_path, monkeypatch, capsys):
    lines = [*IDENTIFICATION, "416-555-0100", "pat@cas.example", *REST_OF_ZERO_REPORT]
    out = _converse(tmp_path / "r.sqlite3", ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert "Warning" not in out and "[accept]" not in out


def test_the_warning_is_in_french_too():
    doc = changed(load("cyfsa-zero"), {"1.1.phone": "poste 12?"})
    report = parse_report(doc)
    subject = Subject(report.flow, report.year, dict(report.answers))
    sheet = to_markdown(subject, wording("fr", "cyfsa-part-x"))
    assert "1.1.phone\u00a0: poste 12? ne semble pas être un numéro de téléphone" in sheet  # the filer's text as typed


def test_a_file_may_carry_an_accepted_detail_and_check_names_an_open_one(tmp_path, capsys):
    doc = changed(load("cyfsa-zero"), {"1.1.phone": "ext 12", "1.1.email": "pat at cas"})
    doc["acknowledged"] = [{"rule": "detail-1.1.phone", "column": None, "reason": "the switchboard"}]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc, default=str), encoding="utf-8")
    status = main(["--lang", "en", "check", str(path)])
    out = capsys.readouterr().out
    assert "pat at cas does not look like an e-mail address" in out
    assert "warning [detail-1.1.phone]" in out
    assert status == 0  # a warning does not fail a file, and the accepted one names a rule of its report
    assert main(["--db", str(tmp_path / "r.sqlite3"), "import", str(path)]) == 0


def test_start_up_loads_neither_library(tmp_path):
    """Only an answered (or checked) e-mail address or phone number loads email-validator or phonenumbers."""
    code = (
        "import io, sys\n"
        "from reportbot.cli import main\n"
        "sys.stdin = io.StringIO('Agency name\\nquit\\n')\n"
        f"main(['--db', {str(tmp_path / 'r.sqlite3')!r}, '--plain', 'new', 'cyfsa-part-x', '--year', '2025'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('email_validator', 'phonenumbers', 'dns')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_last_years_identification_reads_in_the_forms_order(tmp_path):
    with Store.open(tmp_path / "r.sqlite3") as store:
        last = store.create_report("cyfsa-part-x", 2024)
        answers = load("cyfsa-zero")["answers"]
        # stored in an order of its own: the mailing address first, the organization last
        for box in ["1.1.mailing_address", "1.2", "1.1.email", "1.1.phone", "1.1.contact_name", "1.1.organization"]:
            store.set_answer(last, (box, None), answers[box])
        offered = carry.offer(store, "cyfsa-part-x", 2025)
    assert [c[0] for c in offered.answers] == ["1.1.organization", "1.1.contact_name", "1.1.phone", "1.1.email",
                                              "1.1.mailing_address", "1.2"]

