"""The TUI's own words (screen titles, key names, report names), from dialogs/<lang>/common.yaml ``tui.*``.

The TUI speaks through a core :class:`~reportbot.wording.Wording` (``words_for(language)``, English
for any message a language lacks); these are the few phrases it builds from one.
"""

from __future__ import annotations

from dataclasses import replace

from reportbot.wording import Wording, words_for


def first_word(words: Wording, meaning: str) -> str:
    """The first word the conversation understands for ``meaning`` ("help", "quit", "go to")."""
    return words.common.vocabulary[meaning][0]


def report_name(words: Wording, form: str) -> str:
    """A form's short name for tables and title bars ("CYFSA Part X"); its full title where it has none."""
    key = f"tui.form.{form}"
    if key in words.common.messages:
        return words.t(key)
    return report_title(words, form)


def report_title(words: Wording, form: str) -> str:
    """A form's full title, as the IPC names the report."""
    report = words_for(words.language, form).report
    return report.title if report else form


def status_text(words: Wording, row) -> str:
    """A report's status in words, as ``reportbot list`` says it."""
    return words.t("status.changed" if row.changed_since_confirmation else f"status.{row.status}")


def localize_bindings(node, words: Wording) -> None:
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
