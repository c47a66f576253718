"""The TUI's baseline: a bare Textual app with one Static and one Input.

    python bench/bare_textual.py "What is the name of your organization?"

Shows the question, waits for input, never exits on its own (the bench kills it).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Bare(App[None]):
    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(self.question)
        yield Input()


if __name__ == "__main__":
    Bare(sys.argv[1] if len(sys.argv) > 1 else "What is the name of your organization?").run()
