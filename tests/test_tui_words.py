"""The TUI's own phrases, built from a core Wording (no words class of the TUI's own)."""

from __future__ import annotations

from types import SimpleNamespace

from reportbot.frontends.tui import words as tui_words
from reportbot.wording import WithFallback, Wording, wording, words_for


def _french_without(*keys: str) -> Wording:
    """French whose catalogue lacks ``keys``, with English behind it, as words_for builds it for any language."""
    fr = wording("fr")
    common = fr.common.model_copy(update={"messages": {k: v for k, v in fr.common.messages.items() if k not in keys}})
    return WithFallback(Wording(common, None), wording("en"))


def test_the_tui_speaks_through_the_core_wording():
    assert not hasattr(tui_words, "Words")
    fr = words_for("fr")
    assert isinstance(fr, Wording) and fr.language == "fr"
    assert tui_words.report_name(fr, "cyfsa-part-x") == "LSEJF, partie X"
    assert tui_words.report_name(words_for("en"), "fippa-year-end") == "FIPPA year-end"
    assert tui_words.first_word(fr, "help") == fr.common.vocabulary["help"][0]
    row = SimpleNamespace(status="draft", changed_since_confirmation=True)
    assert tui_words.status_text(fr, row) == fr.t("status.changed")


def test_a_tui_word_a_language_lacks_is_said_in_english():
    words = _french_without("tui.key.help")
    assert words.t("tui.key.help") == wording("en").t("tui.key.help")
    assert words.t("tui.key.quit") == wording("fr").t("tui.key.quit")


def test_a_form_without_a_short_name_shows_its_title_in_the_language():
    words = _french_without("tui.form.cyfsa-part-x")
    title = wording("fr", "cyfsa-part-x").report
    assert title is not None
    assert tui_words.report_name(words, "cyfsa-part-x") == tui_words.report_title(words, "cyfsa-part-x") == title.title
    assert tui_words.report_title(words, "no-such-form") == "no-such-form"
