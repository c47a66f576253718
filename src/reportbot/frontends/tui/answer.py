"""The answer line: what the filer types, sent an answer an Enter, in the order typed."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from reportbot.values import joined_lines


class AnswerInput(Input):
    """The answer line: each Enter sends exactly what was typed before it, in the order typed.

    Textual runs a widget's key bindings once the key has bubbled up to the app,
    behind the keys typed after it: keys typed while the app was busy were
    edited and sent out of order (Enter sent the next answers' digits too).
    Here the line's own keys (Enter, Backspace, arrows) act as they arrive.
    """

    # A line feed ends an answer as Enter does: Enter pressed before reportbot took the terminal over arrives as one.
    BINDINGS = [Binding("ctrl+j", "submit", show=False)]

    def __init__(self, send: Callable[[str], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._send = send
        self.holds_lines = False  # the box asked keeps line breaks (a mailing address): set with each question
        self._pasted: tuple[str, str] | None = None  # (the line as shown, the lines pasted), sent as pasted

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of several lines takes every line (Textual's Input keeps only the first).

        Into a box of lines (an address, an explanation), the lines are one
        answer, shown joined as the form shows them; anywhere else each line break ends an
        answer, as when the paste arrives as keys, so that both pastes agree.
        """
        event.stop()
        event.prevent_default()
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if self.holds_lines:
            kept = [line.strip() for line in lines if line.strip()]
            self._put(joined_lines("\n".join(kept)))
            self._pasted = (self.value, "\n".join(kept)) if len(kept) > 1 else None
            return
        for line in lines[:-1]:
            self._put(line)
            self._submit()
        self._put(lines[-1])

    def _put(self, text: str) -> None:
        """``text`` at the cursor, over the selection if there is one."""
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return

    async def action_submit(self) -> None:
        """Empty the line and send what it held: keys typed after this Enter begin the next answer.

        Sent here rather than in a Submitted message: the message's trip up to
        the screen let the emptied line be drawn a frame before the reply.
        """
        self._submit()

    def _submit(self) -> None:
        text = self.value
        if self._pasted is not None and self._pasted[0] == text:  # the pasted lines, not the line showing them
            text = self._pasted[1]
        self._pasted = None
        self.clear()
        self._send(text)
