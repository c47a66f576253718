"""Counting the report from the filer's request log, in the conversation: ``from log FILE`` and ``new --from-log``.

The log is read and counted; what it found is said in one line; each column
its counts need that no header names is asked for among the log's other headers
(:mod:`reportbot.dialogue.log_headers`), then each value a coded column cannot
read is asked once (:mod:`reportbot.dialogue.log_values`; the answers kept in a
map file beside the log, read again next time); each row with a problem is
looked at, one at a time (fix the log and ``reload``, or leave the row out with
a reason the history keeps); an answer the filer typed that the
log counts differently is kept or replaced only as the filer says; then every
box the log decides is stored at once (how: log), what changed since the last
load is said, and the interview goes on with what the log cannot tell.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reportbot import explain
from reportbot.dialogue import understand
from reportbot.dialogue.exchanges import Exchange
from reportbot.dialogue.messages import Message
from reportbot.dialogue.understand import NotUnderstood
from reportbot.errors import ReportbotError
from reportbot.flow.loader import Cell
from reportbot.saying import say

if TYPE_CHECKING:
    from reportbot.dialogue.interview import Interview
    from reportbot.dialogue.report import OpenReport
    from reportbot.log.cells import DateOrder
    from reportbot.log.count import LogCount
    from reportbot.log.mapping import LogMap
    from reportbot.log.table import RowFinding
    from reportbot.log_load import Loaded
    from reportbot.wording import Wording


@dataclass(frozen=True)
class LogSource:
    """Where the log is and how to read it: its files, a column map, and the order of its dates if they cannot say."""

    paths: tuple[Path, ...]
    mapping: Path | None = None
    date_order: DateOrder | None = None


@dataclass
class LogRun:
    """One load under way: what the log counted, the rows still to look at, the typed answers still to settle."""

    source: LogSource
    result: LogCount
    rows: list[list[RowFinding]]
    typed: list[Cell]
    headers: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    """Each column a count needs that no header names, with its table's headers that name none and the file (or
    sheet) they are in: asked first."""
    named: dict[str, str] = field(default_factory=dict)
    """The filer's answers so far: header as written → column id."""
    absent: list[str] = field(default_factory=list)
    """The columns the filer said the log does not keep."""
    never: list[str] = field(default_factory=list)
    """The columns the filer said no request of the year had (read as blank on every row)."""
    values: list[tuple[str, str, int, tuple[str, ...]]] = field(default_factory=list)
    """Each cell text a coded column refused: (column, text, rows), asked before the rows."""
    mapped: dict[str, dict[str, str]] = field(default_factory=dict)
    """The filer's answers so far: column → (text → code)."""
    flags: list[tuple[str, str]] = field(default_factory=list)
    """Each header taken for one of a column's flags that names none of its codes: (column, header), asked after
    the values."""
    flagged: dict[str, dict[str, str]] = field(default_factory=dict)
    """The filer's answers so far: column → (header → the code its marks stand for)."""
    keep: set[Cell] = field(default_factory=set)
    left_out: bool = False
    """A row was left out during this load: count again before filling."""
    missing: tuple[str, ...] = ()
    """The flow ids of the columns the log lacks, kept with the load for ``why``."""
    base: LogMap | None = None
    """The map the log was read with: this load's answers are written into it, beside the log."""


def count(report: OpenReport, source: LogSource) -> Loaded:
    """Read and count the log for ``report``, less the rows the filer left out (ReportbotError: a file unreadable)."""
    from reportbot.log_load import load

    left_out = report.store.left_out(report.id)
    return load(report.flow, source.paths, report.year, mapping=_map_file(source), date_order=source.date_order,
                left_out=left_out, database=report.store.path)


def _map_file(source: LogSource) -> Path | None:
    """The map given, or else the one an earlier load wrote beside the log."""
    from reportbot.log.files import map_for

    return map_for(source.paths, source.mapping)


def _missing(loaded: Loaded) -> tuple[str, ...]:
    """The columns the log lacks: those a count needs that no header names, and those the map says the log does not
    keep (unless a header names one after all: a column added since is read)."""
    found = [c for gaps in loaded.gaps for c in gaps.missing]
    if loaded.mapping is not None:
        found += [c for c in loaded.mapping.absent if c not in loaded.count.headers]
    return tuple(dict.fromkeys(found))


def _headers(loaded: Loaded, report: OpenReport) -> list[tuple[str, tuple[str, ...], str]]:
    """Each missing column a count needs, once, with the unnamed headers of the first table that lacks it.

    A sheet not read for want of its key column is asked about first, alone: once it is read, its own
    missing columns are known. The others come likeliest first (the column with the header most like it),
    so that a filer who has named the few their log keeps can answer "none for the rest".
    """
    unread = [g for g in loaded.gaps if key_columns(report) & set(g.missing)]
    asked: dict[str, tuple[str, ...]] = {}
    sources: dict[str, str] = {}
    for gaps in unread or loaded.gaps:
        for column in gaps.missing if gaps.unnamed else ():
            asked.setdefault(column, tuple(text for _, text in gaps.unnamed))
            sources.setdefault(column, gaps.source)
    found = [(column, headers, sources[column]) for column, headers in asked.items()]
    if unread or len(found) < 2:
        return found
    from reportbot.log.headers import likeness
    from reportbot.log_words import log_column_spec, vocabulary

    words = vocabulary(report.flow.id)
    best = {column: max(likeness(log_column_spec(report.flow, column), words, headers).values())
            for column, headers, _ in found}
    return sorted(found, key=lambda q: -best[q[0]])


def _values(result: LogCount) -> list[tuple[str, str, int, tuple[str, ...]]]:
    """The distinct texts a coded column refused, by column, with the rows that hold each and those rows' kinds.

    A cell of several codes, or one shortened to be said, is left to its row: a map names one whole cell.
    """
    from reportbot.log.cells import word_key

    found: dict[tuple[str, str], int] = {}
    texts: dict[tuple[str, str], str] = {}
    kinds: dict[tuple[str, str], dict[str, None]] = {}
    for f in result.findings:
        text = f.facts.get("cell", "")
        whole = ";" not in text and not (len(text) == 40 and text.endswith("..."))
        if f.code in ("code", "code_unknown") and f.column is not None and whole:
            key = (f.column, word_key(text))  # "Withdrawm" and "withdrawm" read alike: asked once
            texts.setdefault(key, text)
            found[key] = found.get(key, 0) + 1
            kinds.setdefault(key, {}).update(dict.fromkeys([f.facts["kind"]] if "kind" in f.facts else []))
    return [(key[0], texts[key], rows, tuple(kinds[key])) for key, rows in found.items()]


def _rows(result: LogCount) -> list[list[RowFinding]]:
    """The findings to look at, grouped by row in log order (notices are only counted in the summary)."""
    rows: dict[tuple[str, int], list[RowFinding]] = {}
    for f in result.findings:
        if f.severity != "notice":
            rows.setdefault((f.source, f.line), []).append(f)
    return list(rows.values())


def _typed(report: OpenReport, result: LogCount) -> list[Cell]:
    """The answers the filer typed that the log counts differently: never replaced without asking."""
    sources = report.store.answer_sources(report.id)
    return [
        cell for cell, value in result.answers.items()
        if sources.get(cell) in ("said", "imported", "carried") and report.answers.get(cell) not in (None, value)
    ]


def begin(talk: Interview, source: LogSource, ask_headers: bool = True, ask_values: bool = True) -> list[Message]:
    """Read the log, say what it holds, and start asking for its missing columns and its unknown values (unless
    just asked), then its rows."""
    report = talk.report
    if report.read_only:
        return talk.refuse_read_only()
    try:
        loaded = count(report, source)
    except ReportbotError as e:
        if e.key == "log.error.date_order":  # the filer knows the order the log's dates cannot say
            return talk.enter(ChoosingDateOrder(source, e.facts))
        return talk.again(say(e, talk.words))
    result = loaded.count
    flags = list(loaded.unread_flags) if ask_values else []
    talk.log_run = LogRun(source, result, _rows(result), _typed(report, result),
                          _headers(loaded, report) if ask_headers else [],
                          values=_values(result) if ask_values else [], missing=_missing(loaded), flags=flags,
                          base=loaded.mapping)
    # Headers left unread as flags are asked about here: the notice telling how to map them by hand is not said.
    said = [Message("notice", explain.log_notice(talk.words, n)) for n in loaded.notices
            if not (flags and n.code == "unread_flags")]
    said.append(Message("say", explain.log_summary(talk.words, report.year, result.summary)))
    return said + step(talk)


def step(talk: Interview) -> list[Message]:
    """The next missing column or value to ask about, the next row to look at, the next typed answer to settle, or
    the filling."""
    run = talk.log_run
    assert run is not None
    if run.headers:
        from reportbot.dialogue.log_headers import MappingHeader
        from reportbot.log.headers import header_key

        chosen = {header_key(h) for h in run.named}  # a header holds one column: not offered for another
        while run.headers:
            column, headers, source = run.headers[0]
            free = tuple(h for h in headers if header_key(h) not in chosen)
            if free:
                return talk.enter(MappingHeader(column, free, source))
            run.headers.pop(0)
    if run.named or run.absent or run.never:
        return _save_map(talk, run)
    if run.values or run.flags:
        from reportbot.dialogue.log_values import MappingValue

        if run.values:
            return talk.enter(MappingValue(*run.values[0]))
        return talk.enter(MappingValue(run.flags[0][0], run.flags[0][1], 0, flag=True))
    if run.mapped or run.flagged:
        return _save_map(talk, run)
    if run.rows:
        row = run.rows[0]
        return talk.enter(LookingAtRow(row, (row[0].source, row[0].line) in run.result.rows_out))
    if run.typed:
        return talk.enter(KeepingAnswer(run.typed[0]))
    return fill(talk)


def _save_map(talk: Interview, run: LogRun) -> list[Message]:
    """Keep the answers in the map beside the log (with what a map already held), and read the log again with it:
    after the columns, to ask the values of those just named."""
    from reportbot.log.files import beside

    path = beside(run.source.paths[0])
    try:
        _write_map(talk, run)
    except (ReportbotError, OSError) as e:
        run.named, run.absent, run.never, run.mapped, run.flagged = {}, [], [], {}, {}
        problem = say(e, talk.words) if isinstance(e, ReportbotError) else talk.words.t(
            "log.map.unsaved", name=path.name, detail=e.strerror or str(e))
        return [Message("error", problem)] + step(talk)
    said = [Message("say", talk.words.t("log.map.saved", name=path.name))]
    # A key named: its sheet is read now, and its own missing columns are asked; after other columns, the values.
    key_named = bool(key_columns(talk.report) & set(run.named.values()))
    columns_named = bool(run.named or run.absent or run.never)
    return said + begin(talk, replace(run.source, mapping=path), ask_headers=key_named, ask_values=columns_named)


def key_columns(report: OpenReport) -> set[str]:
    """The key column of each of the log's tables (file, incident)."""
    from reportbot.log_words import log_spec

    return {t.key for t in log_spec(report.flow).tables}


def keep_answers(talk: Interview, run: LogRun) -> None:
    """Write the answers so far, so that a quit before the last question loses none (the log is read again with
    them only once all are given). A map that cannot be written is said then, by :func:`_save_map`."""
    try:
        _write_map(talk, run)
    except (ReportbotError, OSError):
        pass


def _write_map(talk: Interview, run: LogRun) -> None:
    """The map beside the log: what the map the log was read with held, and this load's answers (raises
    ReportbotError, OSError)."""
    from reportbot.log.files import beside
    from reportbot.log.mapping import LogMap, write_mapping

    base = run.base or LogMap()
    columns = dict.fromkeys([*base.values, *run.mapped])
    values = {c: {**base.values.get(c, {}), **run.mapped.get(c, {})} for c in columns}
    flags = {c: {**base.flags.get(c, {}), **run.flagged.get(c, {})} for c in dict.fromkeys([*base.flags, *run.flagged])}
    # What the filer says now of a column replaces what the map said of it before.
    kept = {c: y for c, y in base.never.items() if c not in run.absent}
    never = {**kept, **dict.fromkeys(run.never, talk.report.year)}
    absent = [c for c in dict.fromkeys([*base.absent, *run.absent]) if c not in run.never]
    write_mapping(beside(run.source.paths[0]), LogMap(columns={**base.columns, **run.named}, absent=absent,
                                                      never=never, values=values, flags=flags),
                 talk.report.store.path)


def fill(talk: Interview) -> list[Message]:
    """Store every box the log decides (all or none), say what changed, and go on with the rest."""
    report, run = talk.report, talk.log_run
    assert run is not None
    if run.left_out:
        run.result = count(report, run.source).count
    result = run.result
    before = dict(report.answers)
    logged_before = report.store.log_cells(report.id)
    report.store.fill_from_log(
        report.id, dict(result.answers), dict(result.rules), {c: list(f) for c, f in result.files.items()},
        [str(p) for p in run.source.paths], asdict(result.summary), keep=frozenset(run.keep), missing=run.missing,
    )
    report.reload()
    talk.log_run = None
    changed = [
        report.words.t("log.changed", cell=report.name(cell), old=report.display(cell, before[cell]),
                       new=report.display(cell, report.answers[cell]))
        for cell in result.answers
        if cell in logged_before and cell not in run.keep and before.get(cell) not in (None, report.answers.get(cell))
    ]
    filled = len([c for c in result.answers if c not in run.keep])
    out = [Message("say", report.words.t("log.filled", count=filled))]
    uncounted = _uncounted(report, result)
    if uncounted:  # said, so that a filer whose log lacks a column knows why those boxes are still asked
        out.append(Message("say", report.words.plural("log.uncounted", uncounted)))
    if changed:
        out.append(Message("say", report.words.t("log.changes", changes="; ".join(changed))))
    before_ev = report.refresh()
    return out + report.announce(before_ev, report.ev) + talk.next()


def _uncounted(report: OpenReport, result: LogCount) -> int:
    """How many cells a counting rule could fill that this log does not decide (a column they need is missing)."""
    log = report.flow.log
    assert log is not None  # the report was counted from a log
    cells = {c for box in log.boxes for c in report.flow.by_id[box.box].cells()}
    return len(cells - set(result.answers))


class LookingAtRow(Exchange):
    """[log] one row of the log with a problem: reload once fixed, or leave it out with a reason."""

    state, trigger = "looking_at_row", "look_at_row"

    def __init__(self, findings: list[RowFinding], out: bool) -> None:
        self.findings = findings
        self.blocking = out  # left out of every count: a reason, or the log fixed
        self.partial = not out and any(f.severity == "error" for f in findings)

    def begin(self, talk: Interview) -> list[Message]:
        words = talk.words
        out = [Message("say", explain.row_finding(words, f)) for f in self.findings]
        first = self.findings[0]
        # No file number: the row cannot be counted, nor named to leave out.
        key = "log.row.unnamed" if first.file is None else "log.row.error" if self.blocking else "log.row.warning"
        if self.partial and first.file is not None:
            key = "log.row.partial"
        text = words.t(key, file=first.file or "", line=first.line)
        return out + talk.ask_prompt("log", text)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        run = talk.log_run
        assert run is not None
        if understand.is_word(talk.words, "reload", text):
            return begin(talk, run.source)
        first = self.findings[0]
        if not text.strip() and (first.file is None or not self.blocking):
            run.rows.pop(0)  # counted as it is (a warning), or out already (no file number)
            return step(talk)
        if first.file is None or not understand.is_reason(text, for_the_ipc=False):
            return talk.again(talk.words.t("log.row.need_reason"))
        talk.report.store.leave_out(talk.report.id, first.file, text.strip())
        run.rows = [r for r in run.rows if r[0].file != first.file]
        run.left_out = True
        out = [Message("say", talk.words.t("log.row.left_out", file=first.file))]
        return out + step(talk)


def said_choices(talk: Interview) -> int:
    """How many choices the question under way says (the likeliest few, or all of them after list)."""
    return len(talk.prompt.choices) if talk.prompt is not None else 0


class KeepingAnswer(Exchange):
    """[keep] an answer the filer typed that the log counts differently: keep it, or take the log's."""

    state, trigger, asks_box = "keeping_answer", "keep_or_take", True

    def __init__(self, cell: Cell) -> None:
        self.cell = cell

    def begin(self, talk: Interview) -> list[Message]:
        report, run = talk.report, talk.log_run
        assert run is not None
        talk.asking = self.cell
        typed = report.display(self.cell, report.answers[self.cell])
        counted = report.display(self.cell, run.result.answers[self.cell])
        text = talk.words.t("log.keep.question", cell=report.name(self.cell), typed=typed, counted=counted)
        return talk.ask_prompt(f"keep {report.name(self.cell)}", text, cell=self.cell)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        run = talk.log_run
        assert run is not None
        if not text.strip() or understand.is_word(talk.words, "keep", text):
            run.keep.add(self.cell)
        elif not understand.is_word(talk.words, "log", text):
            return talk.again(talk.words.t("log.keep.expected"))
        run.typed.pop(0)
        return step(talk)


class ChoosingDateOrder(Exchange):
    """[dates] a date column the log's values cannot order (3/4/2025): day or month first, then the log read so."""

    state, trigger = "choosing_date_order", "ask_date_order"

    def __init__(self, source: LogSource, facts: dict[str, object]) -> None:
        self.source = source
        self.facts = facts  # the refusal's: the column, an example and its two numbers

    @staticmethod
    def _orders(words: Wording) -> list[tuple[str, str]]:
        return [(order, words.t(f"log.dates.{order}")) for order in ("day_first", "month_first")]

    def begin(self, talk: Interview) -> list[Message]:
        words, facts = talk.words, self.facts
        months = words.t("log.dates.months").split()
        first, second = cast(int, facts["first"]), cast(int, facts["second"])
        text = words.t(
            "log.dates.question", column=explain.log_column(words, str(facts["column"])), example=facts["example"],
            day_first=words.t("log.dates.day_first_date", day=first, month=months[second - 1]),
            month_first=words.t("log.dates.month_first_date", day=second, month=months[first - 1]),
        )
        return talk.ask_prompt("dates", text, [label for _, label in self._orders(words)])

    def reply(self, talk: Interview, text: str) -> list[Message]:
        try:
            order = understand.pick(talk.words, self._orders(talk.words), text)
        except NotUnderstood as e:
            return talk.again(e)
        # Kept in the source, so that reload reads the log in the same order.
        return begin(talk, replace(self.source, date_order=cast("DateOrder", order)))
