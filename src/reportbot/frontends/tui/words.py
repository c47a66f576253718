"""The TUI's own words (screen titles, key names), from dialogs/<lang>/common.yaml ``tui.*``."""

from __future__ import annotations

from dataclasses import replace

from reportbot.wording import Wording, wording


class Words:
    """``t(key)`` for the TUI's own keys, in the filer's language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.common: Wording = wording(language)

    def t(self, key: str, /, **fields: object) -> str:
        # A language that lacks one of the TUI's own words shows it in English rather than failing.
        if key not in self.common.common.messages and self.language != "en":
            return wording("en").t(key, **fields)
        return self.common.t(key, **fields)

    def vocabulary(self, meaning: str) -> str:
        """The first word the conversation understands for ``meaning`` ("help", "quit", "go to")."""
        return self.common.common.vocabulary[meaning][0]

    def kind_name(self, kind: str) -> str:
        """A report kind's short name for tables and title bars ("CYFSA Part X")."""
        key = f"tui.kind.{kind}"
        if key in self.common.common.messages:
            return self.t(key)
        return self.report_title(kind)

    def report_title(self, kind: str) -> str:
        """A report kind's full title, as the IPC names the report."""
        report = wording(self.language, kind).report
        return report.title if report else kind

    def status(self, row) -> str:
        """A report's status in words, as ``reportbot list`` says it."""
        return self.t("status.changed" if row.changed_since_confirmation else f"status.{row.status}")


def localize_bindings(node, words: Words) -> None:
    """Replace binding descriptions that are message keys ("tui.key.review") by their words.

    Bindings are class attributes, but their descriptions depend on the
    filer's language, known only at run time.
    """
    key_map = node._bindings.key_to_bindings
    # The message keys, kept from the first call, so that a change of language can say them again.
    originals = node.__dict__.setdefault("_reportbot_binding_keys", {})
    for key, bindings in key_map.items():
        said = originals.setdefault(key, [b.description for b in bindings])
        key_map[key] = [
            replace(b, description=words.t(message)) if message.startswith("tui.") else b
            for b, message in zip(bindings, said, strict=False)
        ]
