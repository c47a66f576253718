"""[map header] a column the log's counts need that no header names: which of the log's own headers holds it.

Asked once per column, before the log's values and rows, when its table has
headers that name no column; the likeliest header first. The answer (a
header, or none: the log does not keep it) goes into the map beside the log
with the values' answers, so next year's load names the column, or knows not
to ask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot.dialogue import understand
from reportbot.dialogue.exchanges import Exchange
from reportbot.dialogue.from_log import keep_answers, key_columns, said_choices, step
from reportbot.dialogue.understand import NotUnderstood

if TYPE_CHECKING:
    from reportbot.dialogue.interview import Interview
    from reportbot.dialogue.messages import Message
    from reportbot.flow.models import LogColumn


class MappingHeader(Exchange):
    """[map header] which of the log's unnamed headers holds ``column``, or none, or skip (asked next time)."""

    state, trigger = "mapping_header", "ask_header"
    LIMIT = 8  # headers offered: the likeliest few; list says them all

    def __init__(self, column: str, headers: tuple[str, ...], source: str) -> None:
        self.column, self.headers, self.source = column, headers, source

    def _column(self, talk: Interview) -> LogColumn:
        from reportbot.log_words import log_column_spec

        return log_column_spec(talk.report.flow, self.column)

    def _ranked(self, talk: Interview) -> list[str]:
        from reportbot.log.headers import likeliest
        from reportbot.log_words import vocabulary

        return likeliest(self._column(talk), vocabulary(talk.report.flow.id), self.headers)

    def listed(self, talk: Interview) -> tuple[str, ...]:
        return tuple(_shown(h) for h in self._ranked(talk))

    def begin(self, talk: Interview) -> list[Message]:
        from reportbot.log.mapping import blank_reads
        from reportbot.log_words import column_label, column_note

        column = self._column(talk)
        # No key column: the sheet was not read at all, and the question names it (others may have been read).
        key = self.column in key_columns(talk.report)
        said = {"source": self.source, "column": column_label(talk.words, column),
                "note": column_note(talk.words, column), "year": talk.report.year}
        text = talk.words.t("log.header.key_question" if key else "log.header.question", **said)
        if not key and blank_reads(column):  # a log with no transfers this year has no transfer column
            text += " " + talk.words.t("log.header.never_hint", **said)
        return talk.ask_prompt("map header", text, self.listed(talk)[: self.LIMIT])

    def reply(self, talk: Interview, text: str) -> list[Message]:
        from reportbot.log.headers import header_key
        from reportbot.log.mapping import blank_reads

        run = talk.log_run
        assert run is not None
        if understand.is_word(talk.words, "absent_rest", text):  # this column and every one still to ask
            run.absent += [column for column, _, _ in run.headers]
            del run.headers[1:]
            keep_answers(talk, run)
        elif understand.is_word(talk.words, "absent", text):
            run.absent.append(self.column)
            keep_answers(talk, run)
        elif understand.is_word(talk.words, "never", text):
            if not blank_reads(self._column(talk)):  # an outcome, a source: every request has one
                return talk.again(talk.words.t("log.header.never_refused", year=talk.report.year))
            run.never.append(self.column)
            keep_answers(talk, run)
        elif text.strip() and not understand.is_word(talk.words, "skip", text):
            ranked = self._ranked(talk)
            # A header typed as the sheet writes it, however spaced or cased; else by number or words.
            header = next((h for h in ranked if header_key(h) == header_key(text) != ""), None)
            try:
                header = header or understand.pick(talk.words, [(h, _shown(h)) for h in ranked], text)
            except NotUnderstood:
                return talk.again(talk.words.plural("log.header.expected", said_choices(talk)))
            run.named[header] = self.column
            keep_answers(talk, run)
        run.headers.pop(0)
        return step(talk)


def _shown(header: str) -> str:
    """A header as said in a choice: on one line (a header may hold a line break), shortened."""
    from reportbot.log.cells import shown

    return shown(" ".join(header.split()))
