"""[map outcome] a value a coded column of the log cannot read: which of the column's codes it is.

Asked once per distinct text, after the log's missing columns and before its
rows, likeliest first (the codes for the rows' kind before the others); the
answer goes into the map beside the log with the headers', so next year's
load reads the text as that code. The same is asked of a header a log keeps
as one of a column's flags (one column per outcome, marked with an x) when it
names none of the column's codes: which code its marks stand for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot.dialogue import understand
from reportbot.dialogue.exchanges import Exchange
from reportbot.dialogue.from_log import keep_answers, said_choices, step
from reportbot.dialogue.understand import NotUnderstood

if TYPE_CHECKING:
    from reportbot.dialogue.interview import Interview
    from reportbot.dialogue.messages import Message


class MappingValue(Exchange):
    """[map outcome] a value a coded column cannot read: which code it is, likeliest first, or skip."""

    state, trigger = "mapping_value", "ask_value"
    LIMIT = 8  # choices offered: the likeliest few, not the whole column; list says them all

    def __init__(self, column: str, text: str, rows: int, kinds: tuple[str, ...] = (), flag: bool = False) -> None:
        self.column, self.text, self.rows, self.kinds = column, text, rows, kinds
        self.flag = flag  # text is a header marking rows with one code, not a cell

    def _options(self, talk: Interview) -> list[tuple[str, str]]:
        """Every code of the column, the likeliest first (rapidfuzz over the code, its words and labels).

        The codes for the kind of the rows that hold the text (an access request's outcomes, not a correction's)
        come before the others.
        """
        from rapidfuzz import fuzz

        from reportbot.log.cells import word_key
        from reportbot.log.headers import flag_words
        from reportbot.log_words import code_label, log_column_spec, vocabulary

        flow = talk.report.flow
        column = log_column_spec(flow, self.column)
        # A flag's header is compared as words: "2_INFORMATION_DISCLOSED_IN_PART" as "information disclosed in part".
        text = flag_words(self.text) if self.flag else self.text
        labels, said = vocabulary(flow.id).codes, word_key(text)
        codes = {c.id: c for c in column.codes or []}
        scores = {i: max(fuzz.WRatio(said, word_key(w)) for w in (i, *c.words, *labels.get(i, ())))
                  for i, c in codes.items()}
        fits = {i: not self.kinds or c.when is None or c.when in self.kinds for i, c in codes.items()}
        ranked = sorted(codes, key=lambda i: (not fits[i], -scores[i]))
        return [(i, talk.words.t("log.map.choice", label=code_label(flow, talk.words, i), code=i)) for i in ranked]

    def begin(self, talk: Interview) -> list[Message]:
        return talk.ask_prompt(f"map {self.column}", self._question(talk), self.listed(talk)[: self.LIMIT])

    def _question(self, talk: Interview) -> str:
        from reportbot.log.headers import header_key

        log = talk.words.report.log if talk.words.report else None
        named = log.columns.get(self.column) if log else None
        label = named.label if named else self.column
        if self.flag:
            return talk.words.t("log.map.flag_question", column=label, header=" ".join(self.text.split()))
        run = talk.log_run
        own = run.result.headers.get(self.column) if run is not None else None
        # The column as the filer's log heads it ("Decision"), with the report's name for it when that differs.
        plain = own is None or header_key(own) in (header_key(label), header_key(self.column))
        column = label if plain else talk.words.t("log.map.own_column", header=own, label=label)
        return talk.words.plural("log.map.question", self.rows, column=column, cell=self.text)

    def listed(self, talk: Interview) -> tuple[str, ...]:
        return tuple(label for _, label in self._options(talk))

    def reply(self, talk: Interview, text: str) -> list[Message]:
        run = talk.log_run
        assert run is not None
        if text.strip() and not understand.is_word(talk.words, "skip", text):
            try:  # any code of the column, by its number (once list has said it) or its code
                code = understand.pick(talk.words, self._options(talk), text)
            except NotUnderstood:
                return talk.again(talk.words.plural("log.map.expected", said_choices(talk)))
            (run.flagged if self.flag else run.mapped).setdefault(self.column, {})[self.text] = code
            keep_answers(talk, run)
        (run.flags if self.flag else run.values).pop(0)
        return step(talk)
