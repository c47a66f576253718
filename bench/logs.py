"""Request logs as coordinators keep them, generated: the examples in tests/data/logs/ and the benchmark's big logs.

    .venv/bin/python bench/logs.py examples                                  # rewrite tests/data/logs/
    .venv/bin/python bench/logs.py big fippa-year-end 100000 -o /tmp/fippa.csv  # or .xlsx (not committed)

Deterministic: the same arguments write the same bytes. The rows are what a
real log holds (see shared/notes/request-logs.md): the coordinator's own
headers, columns reportbot does not use (names, summaries: invented here),
several ways of writing one value, blanks, a repeated row, file numbers
with stray spaces, dates written two ways in one column (ISO and
day/month/year, with days over 12 so the order is decided), a corrupted
year, a typo in a code, rows of the years before and after.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "data" / "logs"
YEAR = 2025

FIPPA_HEADER = [
    "FILE_NUMBER", "Request Type", "PERSONAL_OR_GENERAL", "Requester Name", "DATE_RECEIVED", "Transferred In",
    "First Received", "Transferred Out", "Source of Request", "Summary", "Notice of Extension",
    "Notice to Affected Person", "Due Date", "Days Paused", "Date Completed", "Decision",
    "Withdrawn After Fee Estimate", "Exemptions", "APPLICATION_FEES_COLLECTED", "ADDITION_FEES_COLLECTED",
    "Fee Waiver", "Amount Waived", "Fee Reasons", "Statement of Disagreement", "Notices Sent",
]
CYFSA_HEADER = [
    "File Number", "Request Type", "Client", "Date Received", "Worker", "Notice of Extension", "Due Date",
    "Date Completed", "Outcome", "Provisions Applied", "Statement of Disagreement", "Notices Sent",
]
BREACH_HEADER = ["Incident Number", "Incident Date", "Type of Breach", "Stolen By", "How", "Individuals Affected",
                 "Description"]

# The ways one coordinator or another writes a value (each a code, a word of the flow's, or a box's label).
RECORDS = {"personal": ["Personal", "P", "personal information"], "general": ["General", "G", "general records"]}
SOURCES = {"4.1": ["Individual/Public", "individual", "Public"], "4.2": ["Business", "business"],
           "4.3": ["Academic/Researcher"], "4.4": ["Association/Group"], "4.5": ["Media", "media"],
           "4.6": ["Government"], "4.7": ["Other"], "4.8": ["Don't know"]}
FIPPA_OUTCOMES = {"7.1": ["All disclosed", "all information disclosed", "7.1"],
                  "7.2": ["Partly exempt", "disclosed in part exempt", "7.2"],
                  "7.3": ["Partly non-existent", "7.3"], "7.4": ["Nothing disclosed", "fully exempt", "7.4"],
                  "7.5": ["No records", "no record exists"], "7.6": ["Withdrawn", "abandoned", "7.6"]}
FIPPA_FIXES = {"11.5": ["Made", "corrected"], "11.6": ["Partly made"], "11.7": ["Refused"], "11.8": ["Withdrawn"]}
EXEMPTIONS = {"personal": ["49", "s. 49", "14; 49", "8.14"], "general": ["13", "s. 21", "17", "13; 21", "14", "8.12"]}
CYFSA_OUTCOMES = {"6.1": ["Full access", "granted", "6.1"], "6.2": ["Partial denied", "6.2"],
                  "6.3": ["Partly non-existent"], "6.5": ["Partial other"], "6.6": ["Denied", "6.6"],
                  "6.7": ["No records"], "6.8": ["Part X does not apply"], "6.9": ["Withdrawn", "abandoned"]}
CYFSA_FIXES = {"8.2": ["Made", "Corrections made"], "8.3": ["Partly made"], "8.4": ["Refused"], "8.5": ["Withdrawn"]}
PROVISIONS = ["312(1)(a)", "312(1)(b)", "312(1)(d)(i)", "7.6", "312(1)(a); 312(1)(d)(i)", "s. 314(6)"]
CATEGORIES = {"11.1": ("Stolen", ["Paper", "Laptop", "Ransomware", "Other"]),
              "12.1": ("Lost", ["Paper records", "USB", "Other"]),
              "13.1": ("Used without authority", ["Electronic", "Paper"]),
              "14.1": ("Disclosed", ["Email", "Misdirected fax", "Other"])}
FIRST = ["Alex", "Sam", "Jordan", "Marie", "Priya", "Wei", "Fatima", "Luc", "Aisha", "Tom"]
LAST = ["Tremblay", "Singh", "Nguyen", "Roy", "Smith", "Côté", "Hassan", "Li", "Martin", "Okafor"]
SUBJECTS = ["own file", "incident report", "tender documents", "council emails", "inspection records",
            "by-law complaint", "contract with vendor", "personnel file", "911 call", "budget briefing"]


class Writer:
    """How this log writes dates: mostly ISO (or native in a workbook), some day/month/year by hand."""

    def __init__(self, rng: random.Random, native: bool) -> None:
        self.rng, self.native = rng, native

    def date(self, day: date | None, by_hand: bool = True) -> object:
        if day is None:
            return ""
        if by_hand and self.rng.random() < 0.25:
            return f"{day.day:02d}/{day.month:02d}/{day.year}"
        return day if self.native else day.isoformat()

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def yes(self, flag: bool) -> str:
        return self.pick(["Y", "yes", "Yes", "x"]) if flag else self.pick(["", "", "N", "no"])


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def fippa_rows(rng: random.Random, count: int, native: bool = False, year: int = YEAR) -> Iterator[list[object]]:
    """``count`` requests of a FIPPA institution's log for ``year`` (with some of the years around it)."""
    w = Writer(rng, native)
    for n in range(1, count + 1):
        row = _fippa_request(rng, w, n, year)
        yield row
        if n % 23 == 7:  # a published log repeats a request once per release package
            yield list(row)


def _fippa_request(rng: random.Random, w: Writer, n: int, year: int) -> list[object]:
    r = rng.random()
    received = (_day(rng, date(year - 1, 10, 1), date(year - 1, 12, 31)) if r < 0.08
                else _day(rng, date(year + 1, 1, 2), date(year + 1, 1, 20)) if r > 0.96
                else _day(rng, date(year, 1, 2), date(year, 12, 31)))
    if n % 41 == 34 and received.year == year:  # kept in this year's log, received in the next
        received = received.replace(year=year + 1, month=1)
    file = f"FOI{received.year}-{n:03d}" if n < 1000 else f"FOI{received.year}-{n:06d}"
    if n % 17 == 5:
        file = f" {file} "  # stray spaces around a file number
    correction = rng.random() < 0.08
    records = rng.choice(["personal", "general", "general"])
    transferred_in = not correction and rng.random() < 0.05
    first = received - timedelta(days=rng.randrange(3, 15)) if transferred_in else None
    out = received + timedelta(days=rng.randrange(2, 10)) if not correction and n % 37 == 20 else None
    took = rng.choice([rng.randrange(5, 31), rng.randrange(5, 31), rng.randrange(31, 120)])
    completed = None if out or rng.random() < 0.06 else received + timedelta(days=took)
    extension = completed is not None and took > 30 and rng.random() < 0.7
    affected = not correction and rng.random() < 0.05
    due = received + timedelta(days=rng.choice([60, 75, 90])) if extension or affected else None
    paused = rng.randrange(5, 25) if not correction and records == "general" and rng.random() < 0.1 else None
    outcome, after_fee, exemptions = "", "", ""
    if completed:
        codes = FIPPA_FIXES if correction else FIPPA_OUTCOMES
        code = rng.choice(list(codes))
        outcome = w.pick(codes[code])
        if code == "7.6" and rng.random() < 0.4:
            after_fee = w.yes(True)
        if code in ("7.2", "7.4"):
            exemptions = w.pick(EXEMPTIONS[records])
        if n % 29 == 11 and not correction:
            outcome, exemptions = "Withdrawm", ""  # a typo the reading names, with the nearest allowed value
    fees = _fippa_fees(rng, w, records, correction)
    disagreement = w.yes(correction and outcome in ("Partly made", "Refused") and rng.random() < 0.6)
    notices = str(rng.randrange(1, 4)) if correction and outcome in ("Made", "corrected") and rng.random() < 0.5 else ""
    source = "" if correction or rng.random() < 0.07 else w.pick(SOURCES[rng.choice(list(SOURCES)[:7])])
    kind = w.pick(["Correction", "COR", "correction request"]) if correction else w.pick(["Access", "", "A"])
    row: list[object] = [
        file, kind, "" if correction else w.pick(RECORDS[records]), _person(rng), w.date(received),
        w.yes(transferred_in),
        w.date(first, by_hand=False), w.date(out, by_hand=False), source, rng.choice(SUBJECTS), w.yes(extension),
        w.yes(affected), w.date(due, by_hand=False), "" if paused is None else str(paused), w.date(completed), outcome,
        after_fee, exemptions, *fees, disagreement, notices,
    ]
    if n % 31 == 13:
        row[4] = "1301-01-01"  # a corrupted year, as in a published log (text: no spreadsheet date is that old)
    return row


def _fippa_fees(rng: random.Random, w: Writer, records: str, correction: bool) -> list[str]:
    """Application fee, additional fees, waiver, amount waived, reasons."""
    if correction:
        return ["", "", "", "", ""]
    application = w.pick(["5.00", "$5.00", "5"])
    if records != "general" or rng.random() < 0.6:
        return [application, w.pick(["", "0"]), "", "", ""]
    additional = rng.choice([15.0, 30.0, 45.5, 120.0, 1234.5])
    shown = w.pick([f"{additional:.2f}", f"${additional:,.2f}", f"{additional:,.2f}"])
    reasons = w.pick(["search", "search; reproduction", "preparation", "reproduction", "10.1; 10.5"])
    if rng.random() < 0.2:
        return [application, shown, "all", shown, reasons]
    if rng.random() < 0.15:
        return [application, shown, "part", "10.00", reasons]
    return [application, shown, "", "", reasons]


def cyfsa_rows(rng: random.Random, count: int, native: bool = False, year: int = YEAR) -> Iterator[list[object]]:
    """``count`` requests of a CYFSA service provider's log for ``year``."""
    w = Writer(rng, native)
    for n in range(1, count + 1):
        row = _cyfsa_request(rng, w, n, year)
        yield row
        if n % 19 == 4:
            yield list(row)


def _cyfsa_request(rng: random.Random, w: Writer, n: int, year: int) -> list[object]:
    r = rng.random()
    received = (_day(rng, date(year - 1, 11, 1), date(year - 1, 12, 31)) if r < 0.06
                else _day(rng, date(year + 1, 1, 2), date(year + 1, 1, 15)) if r > 0.97
                else _day(rng, date(year, 1, 2), date(year, 12, 31)))
    file = f"CAS-{received.year % 100:02d}-{n:04d}" if n < 10000 else f"CAS-{received.year % 100:02d}-{n:06d}"
    if n % 13 == 6:
        file = f"{file} "
    correction = rng.random() < 0.15
    took = rng.choice([rng.randrange(3, 31), rng.randrange(3, 31), rng.randrange(31, 75)])
    completed = None if rng.random() < 0.08 else received + timedelta(days=took)
    extension = completed is not None and took > 30 and rng.random() < 0.75
    due = received + timedelta(days=rng.choice([45, 60, 90])) if extension else None
    outcome, provisions = "", ""
    if completed:
        codes = CYFSA_FIXES if correction else CYFSA_OUTCOMES
        chosen = [rng.choice(list(codes))]
        if not correction and chosen[0] in ("6.2", "6.3", "6.5") and rng.random() < 0.3:
            chosen.append(rng.choice(["6.3", "6.5"]) if chosen[0] == "6.2" else "6.2")
        outcome = "; ".join(w.pick(codes[c]) for c in dict.fromkeys(chosen))
        if {"6.2", "6.6"} & set(chosen):
            provisions = w.pick(PROVISIONS)
        if n % 23 == 9 and not correction:
            outcome, provisions = "Full acess", ""  # a typo: the nearest allowed value is "full access"
    disagreement = w.yes(correction and outcome in ("Partly made", "Refused") and rng.random() < 0.6)
    notices = str(rng.randrange(1, 3)) if correction and completed and rng.random() < 0.3 else ""
    kind = w.pick(["Correction", "correction", "C"]) if correction else w.pick(["Access", "", "access"])
    return [file, kind, _person(rng), w.date(received), rng.choice(FIRST), w.yes(extension), w.date(due, by_hand=False),
            w.date(completed), outcome, provisions, disagreement, notices]


def breach_rows(rng: random.Random, count: int, native: bool = False, year: int = YEAR) -> Iterator[list[object]]:
    """``count`` privacy breach incidents of a CYFSA service provider."""
    w = Writer(rng, native)
    for n in range(1, count + 1):
        category = rng.choice(list(CATEGORIES))
        word, causes = CATEGORIES[category]
        when = _day(rng, date(year, 1, 2), date(year, 12, 31)) if n % 11 else date(year - 1, 12, 20)
        thief = w.pick(["Employee", "Stranger", ""]) if category == "11.1" else ""
        affected = rng.choice([1, 1, 2, 3, 8, 12, 40, 75, 150])
        yield [f"PB-{when.year}-{n:02d}", w.date(when, by_hand=False), w.pick([word, category]), thief,
               rng.choice(causes), str(affected), rng.choice(["misdirected letter", "bag left on bus", "shared login",
                                                              "office break-in", "reply-all"])]


def write_csv(path: Path, header: list[str], rows: Iterator[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, sheets: list[tuple[str, list[str], Iterator[list[object]]]]) -> None:
    """A workbook, dates as a spreadsheet's own dates, the same bytes every time (a fixed creation time)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": datetime(YEAR + 1, 1, 15, 9, 0, 0)})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, header, rows in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif value != "":
                    sheet.write_string(r, c, str(value))
    book.close()


def write_examples(folder: Path = EXAMPLES) -> list[Path]:
    """The committed examples: a FIPPA log as CSV, a CYFSA log (requests and breaches) as a workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    fippa, cyfsa = folder / "fippa-2025.csv", folder / "cyfsa-2025.xlsx"
    write_csv(fippa, FIPPA_HEADER, fippa_rows(random.Random(2025_1), 56))
    rng = random.Random(2025_2)
    write_xlsx(cyfsa, [("Requests", CYFSA_HEADER, cyfsa_rows(rng, 48, native=True)),
                       ("Breaches", BREACH_HEADER, breach_rows(rng, 12, native=True))])
    return [fippa, cyfsa]


def write_big(form: str, count: int, path: Path) -> None:
    """A benchmark log of ``count`` requests (CYFSA: and count // 50 incidents) as .csv or .xlsx."""
    rng = random.Random(count)
    xlsx = path.suffix.lower() == ".xlsx"
    if form == "fippa-year-end":
        tables = [("Requests", FIPPA_HEADER, fippa_rows(rng, count, native=xlsx))]
    else:
        tables = [("Requests", CYFSA_HEADER, cyfsa_rows(rng, count, native=xlsx))]
        if xlsx:
            tables.append(("Breaches", BREACH_HEADER, breach_rows(rng, max(count // 50, 1), native=True)))
    if xlsx:
        write_xlsx(path, tables)
    else:
        write_csv(path, tables[0][1], tables[0][2])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("examples", help="rewrite tests/data/logs/")
    big = sub.add_parser("big", help="a benchmark log")
    big.add_argument("report", choices=["cyfsa-part-x", "fippa-year-end"])
    big.add_argument("rows", type=int)
    big.add_argument("-o", "--output", required=True, type=Path, help="a .csv or .xlsx file")
    args = parser.parse_args(argv)
    if args.what == "examples":
        for path in write_examples():
            print(path.relative_to(ROOT))
    else:
        write_big(args.report, args.rows, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
