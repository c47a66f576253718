"""Logs for the counting tests: Tables built straight from rows, random logs, and the issue's rules by hand.

The reference counts (:func:`expected`) are the issue's "Counting rules" written
in plain Python row by row, apart from the flows' rule text, so a rule changed or
removed in a flow file disagrees with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from hypothesis import strategies as st

from reportbot.flow.loader import load_flow
from reportbot.log.table import Table

Row = dict[str, object]
YEAR = 2025


def d(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def table(report: str, kind: str, rows: list[Row], columns: list[str] | None = None, source: str = "log.csv") -> Table:
    """A Table as reading would hand it over: dates as ordinals, money in cents, blanks by the column's kind."""
    spec = next(t for t in load_flow(report).flow.log.tables if t.id == kind)
    wanted = columns or [c.id for c in spec.columns]
    values: dict[str, list[object]] = {}
    for col in spec.columns:
        if col.id not in wanted:
            continue
        blank = False if col.value == "yesno" else frozenset() if col.value == "codes" else None
        out = values[col.id] = []
        for row in rows:
            v = row.get(col.id, blank)
            if v is not None and col.value == "date" and isinstance(v, str):
                v = d(v)
            if v is not None and col.value == "money":
                v = int(Decimal(str(v)) * 100)
            if col.value == "codes" and v is not None and not isinstance(v, frozenset):
                v = frozenset(v)
            out.append(v)
    return Table(kind, source, list(range(2, len(rows) + 2)), values)


# The counting rules, row by row.


def _in_year(o: int | None) -> bool:
    return o is not None and d(f"{YEAR}-01-01") <= o <= d(f"{YEAR}-12-31")


def _days(r: Row) -> int:
    start = r.get("first_received") or r["received"]
    return r["completed"] - start - (r.get("paused_days") or 0)


def _by_days(bands: list[tuple[str, int, int]], rows: list[Row]) -> dict[str, int]:
    return {box: sum(1 for r in rows if lo <= _days(r) <= hi) for box, lo, hi in bands}


def expected_cyfsa(requests: list[Row], breaches: list[Row] | None) -> dict[tuple[str, str | None], object]:
    out: dict[str, object] = {}
    access = [r for r in requests if r.get("request", "access") == "access"]
    corr = [r for r in requests if r.get("request") == "correction"]
    c = [r for r in access if _in_year(r.get("completed"))]
    k = [r for r in corr if _in_year(r.get("completed"))]
    ext = [r for r in c if r.get("extension")]
    out["3.1"] = sum(1 for r in access if _in_year(r["received"]))
    out["4.1"] = sum(1 for r in c if _days(r) <= 30)
    out["4.2"] = sum(1 for r in ext if _days(r) > 30)
    out["4.3"] = sum(1 for r in c if _days(r) > 30 and not r.get("extension"))
    out["5.1"] = sum(1 for r in c if not r.get("extension") and _days(r) <= 30)
    out["5.2"] = out["4.3"]
    out["5.4"] = sum(1 for r in ext if r["completed"] <= r["due"])
    out["5.5"] = sum(1 for r in ext if r["completed"] > r["due"])
    for n in range(1, 10):
        out[f"6.{n}"] = sum(1 for r in c if f"6.{n}" in r.get("outcome", ()))
    denied = [r for r in c if {"6.2", "6.6"} & set(r.get("outcome", ()))]
    for n in range(1, 8):
        out[f"7.{n}"] = sum(1 for r in denied if f"7.{n}" in r.get("provisions", ()))
    out["8.1"] = sum(1 for r in corr if _in_year(r["received"]))
    for n in range(2, 6):
        out[f"8.{n}"] = sum(1 for r in k if f"8.{n}" in r.get("outcome", ()))
    out["8.7"] = sum(1 for r in k if {"8.3", "8.4"} & set(r.get("outcome", ())) and r.get("disagreement"))
    out["8.8"] = sum(r.get("notices_sent") or 0 for r in k)
    out["9.1"] = sum(1 for r in k if _days(r) <= 30)
    out["9.2"] = sum(1 for r in k if _days(r) > 30 and r.get("extension") and r["completed"] <= r["due"])
    out["9.3"] = sum(1 for r in k if _days(r) > 30 and not r.get("extension"))
    out["9.4"] = sum(1 for r in k if _days(r) > 30 and r.get("extension") and r["completed"] > r["due"])
    year = [b for b in breaches or [] if _in_year(b["date"])]
    out["10.1"] = len(year)
    bands = [(1, 1), (2, 10), (11, 50), (51, 100), (101, 10**9)]
    for cat, cause, people, causes in (("11", "3", "4", 5), ("12", "2", "3", 5), ("13", "2", "3", 3), ("14", "2", "3", 3)):
        mine = [b for b in year if b.get("category") == f"{cat}.1"]
        out[f"{cat}.1"] = len(mine)
        for n in range(1, causes + 1):
            out[f"{cat}.{cause}.{n}"] = sum(1 for b in mine if b.get("cause") == f"{cat}.{cause}.{n}")
        for n, (lo, hi) in enumerate(bands, 1):
            out[f"{cat}.{people}.{n}"] = sum(1 for b in mine if b.get("affected") and lo <= b["affected"] <= hi)
    thefts = [b for b in year if b.get("category") == "11.1"]
    out["11.2.1"] = sum(1 for b in thefts if b.get("thief") == "11.2.1")
    out["11.2.2"] = sum(1 for b in thefts if b.get("thief") == "11.2.2")
    if breaches is None:  # no breaches table: its boxes are not decided
        out = {b: v for b, v in out.items() if int(b.split(".")[0]) < 10}
    return {(b, None): v for b, v in out.items()}


def expected_fippa(requests: list[Row]) -> dict[tuple[str, str | None], object]:
    start, end = d(f"{YEAR}-01-01"), d(f"{YEAR}-12-31")
    out: dict[tuple[str, str | None], object] = {}
    for col in ("personal", "general"):
        access = [r for r in requests if r.get("request", "access") == "access" and r.get("records") == col]
        new = [r for r in access if _in_year(r["received"])]
        carried = [
            r for r in access
            if r["received"] < start
            and not (r.get("completed") and r["completed"] < start)
            and not (r.get("transferred_out") and r["transferred_out"] < start)
        ]
        rr = new + carried
        c = [r for r in rr if _in_year(r.get("completed"))]
        got: dict[str, object] = {
            "3.1": sum(1 for r in new if not r.get("transferred_in")),
            "3.2": sum(1 for r in new if r.get("transferred_in")),
            "3.3": len(carried),
            "3.5": sum(1 for r in rr if _in_year(r.get("transferred_out"))),
            "3.6": sum(1 for r in rr if not (r.get("completed") and r["completed"] <= end)
                       and not (r.get("transferred_out") and r["transferred_out"] <= end)),
        }
        for n in range(1, 9):
            got[f"4.{n}"] = sum(1 for r in c if r.get("source") == f"4.{n}")
        got.update(_by_days([("5.1", -10**9, 30), ("5.2", 31, 60), ("5.3", 61, 90), ("5.4", 91, 120),
                             ("5.5", 121, 150), ("5.6", 151, 10**9)], c))
        for box, ext, aff in (("6.1", False, False), ("6.4", True, True), ("6.7", True, False), ("6.10", False, True)):
            mine = [r for r in c if bool(r.get("extension")) == ext and bool(r.get("affected_notice")) == aff]
            late = f"6.{int(box[2:]) + 1}"
            if box == "6.1":
                got[box] = sum(1 for r in mine if _days(r) <= 30)
                got[late] = sum(1 for r in mine if _days(r) > 30)
            else:
                got[box] = sum(1 for r in mine if r["completed"] <= r["due"])
                got[late] = sum(1 for r in mine if r["completed"] > r["due"])
        for n in range(1, 7):
            got[f"7.{n}"] = sum(1 for r in c if r.get("outcome") == f"7.{n}")
        got["7.7"] = sum(1 for r in c if r.get("outcome") == "7.6" and r.get("after_fee_estimate"))
        denied = [r for r in c if r.get("outcome") in ("7.2", "7.4")]
        for n in range(1, 19):
            got[f"8.{n}"] = sum(1 for r in denied if f"8.{n}" in r.get("exemptions", ()))
        fees = [r for r in c if (r.get("additional_fees") or 0) > 0]
        got["9.1"] = len(fees)
        got["9.2"] = sum((Decimal(str(r.get("application_fee") or 0)) for r in c), Decimal("0.00"))
        got["9.2.2"] = sum((Decimal(str(r.get("additional_fees") or 0)) for r in c), Decimal("0.00"))
        got["9.3"] = sum(1 for r in c if r.get("fees_waived") == "all")
        got["9.4"] = sum(1 for r in c if r.get("fees_waived") == "part")
        got["9.6"] = sum((Decimal(str(r.get("waived_amount") or 0)) for r in c), Decimal("0.00"))
        for n in range(1, 7):
            got[f"10.{n}"] = sum(1 for r in fees if f"10.{n}" in r.get("fee_reasons", ()))
        flow = load_flow("fippa-year-end")
        out.update({(b, col): v for b, v in got.items() if col in flow.by_id[b].columns})
    corr = [r for r in requests if r.get("request") == "correction"]
    kn = [r for r in corr if _in_year(r["received"])]
    kf = [r for r in corr if r["received"] < start and not (r.get("completed") and r["completed"] < start)]
    k = [r for r in kn + kf if _in_year(r.get("completed"))]
    open_ = sum(1 for r in kn + kf if not (r.get("completed") and r["completed"] <= end))
    single: dict[str, object] = {"11.1": len(kn), "11.2": len(kf), "11.3": open_}
    for n in range(5, 9):
        single[f"11.{n}"] = sum(1 for r in k if r.get("outcome") == f"11.{n}")
    single["11.10"] = sum(1 for r in k if r.get("outcome") in ("11.6", "11.7") and r.get("disagreement"))
    single["11.11"] = sum(r.get("notices_sent") or 0 for r in k)
    out.update({(b, None): v for b, v in single.items()})
    return out


# Random logs with no row errors and no warnings: rows a careful coordinator keeps.


def _dates(draw: Callable, transfers: bool) -> Row:
    received = draw(st.integers(d(f"{YEAR - 1}-06-01"), d(f"{YEAR + 1}-03-01")))
    row: Row = {"received": received}
    end = draw(st.sampled_from(["open", "completed", "transferred"] if transfers else ["open", "completed"]))
    took = draw(st.integers(0, 200))
    if end == "completed":
        row["completed"] = received + took
    elif end == "transferred":
        row["transferred_out"] = received + took
    if draw(st.booleans()):
        row["extension"] = True
    return row


@st.composite
def cyfsa_request(draw: Callable, n: int, noisy: bool = False) -> Row:
    correction = draw(st.booleans())
    row = _dates(draw, transfers=False) | {"file": f"F-{n}", "request": "correction" if correction else "access"}
    if row.get("extension"):
        row["due"] = row["received"] + 30 + draw(st.integers(0, 90))
    if "completed" in row:
        if correction:
            outcome = draw(st.sampled_from(["8.2", "8.3", "8.4", "8.5"]))
            row["outcome"] = frozenset([outcome])
            row["disagreement"] = outcome in ("8.3", "8.4") and draw(st.booleans())
            row["notices_sent"] = draw(st.integers(0, 3))
        else:
            outcome = draw(st.sets(st.sampled_from([f"6.{k}" for k in range(1, 10)]), min_size=1))
            if "6.2" in outcome:  # partly and wholly denied at once would count one denial twice in 6.11
                outcome.discard("6.6")
            row["outcome"] = frozenset(outcome)
            if row["outcome"] & {"6.2", "6.6"} or (noisy and draw(st.booleans())):
                row["provisions"] = frozenset(draw(st.sets(st.sampled_from([f"7.{k}" for k in range(1, 8)]), min_size=1)))
    return row


@st.composite
def breach(draw: Callable, n: int, noisy: bool = False) -> Row:
    category = draw(st.sampled_from(["11.1", "12.1", "13.1", "14.1"]))
    causes = {"11.1": [f"11.3.{k}" for k in range(1, 6)], "12.1": [f"12.2.{k}" for k in range(1, 6)],
              "13.1": [f"13.2.{k}" for k in range(1, 4)], "14.1": [f"14.2.{k}" for k in range(1, 4)]}
    row: Row = {
        "incident": f"B-{n}", "category": category, "cause": draw(st.sampled_from(causes[category])),
        "date": draw(st.integers(d(f"{YEAR}-01-01"), d(f"{YEAR}-12-31"))),
        "affected": draw(st.sampled_from([1, 2, 10, 11, 50, 51, 100, 101, 5000])),
    }
    if category == "11.1" or noisy:
        row["thief"] = draw(st.sampled_from([None, "11.2.1", "11.2.2"]))
    return row


@st.composite
def fippa_request(draw: Callable, n: int, noisy: bool = False) -> Row:
    correction = draw(st.integers(0, 4)) == 0
    row = _dates(draw, transfers=not correction) | {"file": f"F-{n}"}
    if correction:
        row.pop("extension", None)
        row["request"] = "correction"
        if "completed" in row:
            outcome = draw(st.sampled_from(["11.5", "11.6", "11.7", "11.8"]))
            row |= {"outcome": outcome, "disagreement": outcome in ("11.6", "11.7") and draw(st.booleans()),
                    "notices_sent": draw(st.integers(0, 2))}
        return row
    records = draw(st.sampled_from(["personal", "general"]))
    row |= {"request": "access", "records": records, "transferred_in": draw(st.booleans())}
    if row["transferred_in"] and draw(st.booleans()):
        row["first_received"] = row["received"] - draw(st.integers(0, 20))
    if draw(st.booleans()):
        row["affected_notice"] = True
    if row.get("extension") or row.get("affected_notice"):
        row["due"] = row["received"] + 30 + draw(st.integers(0, 90))
    if "completed" not in row:
        return row
    if draw(st.booleans()):
        row["paused_days"] = draw(st.integers(0, 20))
    outcome = draw(st.sampled_from([f"7.{k}" for k in range(1, 7)]))
    allowed = [f"8.{k}" for k in range(1, 19) if (k, records) not in ((12, "personal"), (14, "general"))]
    row |= {"source": draw(st.sampled_from([f"4.{k}" for k in range(1, 9)])), "outcome": outcome,
            "after_fee_estimate": (outcome == "7.6" or noisy) and draw(st.booleans())}
    if outcome in ("7.2", "7.4") or (noisy and draw(st.booleans())):
        row["exemptions"] = frozenset(draw(st.sets(st.sampled_from(allowed), min_size=1)))
    fee = draw(st.sampled_from([0, 0, 5, 12.5, 30]))
    row["application_fee"] = 5
    if fee:
        reasons = ["10.3", "10.4"] if records == "personal" else [f"10.{k}" for k in range(1, 7)]
        row |= {"additional_fees": fee, "fee_reasons": frozenset(draw(st.sets(st.sampled_from(reasons), min_size=1)))}
        waived = draw(st.sampled_from([None, "all", "part"]))
        if waived:
            row |= {"fees_waived": waived, "waived_amount": fee if waived == "all" else 2.5}
    return row


@st.composite
def log_rows(draw: Callable, row: Callable, most: int = 30, noisy: bool = False) -> list[Row]:
    """Rows with unique file numbers, some repeated identically (as published logs repeat them).

    Noisy rows also give what the report counts only beside another code (provisions beside no denial, a thief
    of a lost file): warnings, counted nowhere those rules do not count them.
    """
    rows = [draw(row(n, noisy)) for n in range(draw(st.integers(0, most)))]
    repeats = draw(st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=3)) if rows else []
    return rows + [dict(rows[i]) for i in repeats]
