"""The plain line mode, for screen readers, braille displays and scripts.

Strictly line by line: no colour, no redraws, no cursor movement. Every
prompt is one line that starts with a bracketed tag naming what is asked;
choices are numbered lines before it; error lines start with "Error:".
Output is flushed before every read. End of input leaves everything saved
and exits 0. This module must never import textual.
"""

from __future__ import annotations

from typing import IO

from reportbot import startup
from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.messages import Message
from reportbot.saying import say
from reportbot.store import StoreError
from reportbot.values import clean_text


def render(messages: list[Message], out: IO[str]) -> None:
    """Write messages as plain lines (the prompt itself is written by :func:`ask`)."""
    for m in messages:
        if m.role == "prompt":
            continue
        if m.role == "section":
            out.write("\n")
        out.write(m.text + "\n")


def ask(prompt: Message, out: IO[str]) -> None:
    for number, choice in enumerate(() if prompt.again else prompt.choices, 1):
        out.write(f"  {number}. {choice}\n")
    out.write(f"[{prompt.tag}] {prompt.text} ")
    out.flush()


def run(
    conversation: Conversation, stdin: IO[str], out: IO[str], echo: bool = False, chosen: str | None = None
) -> int:
    """Hold the conversation over ``stdin``/``out`` until it ends or input does; 2 when the store fails.

    ``chosen`` says why the line mode was chosen (see commands.converse.plain_wanted): its first line
    says so and how to switch, since a screen-reader user cannot see which mode started.
    """
    startup.resume()
    try:
        if chosen is not None:
            out.write(conversation.words.t(f"plain.chosen.{chosen}") + "\n")
        render(conversation.start(), out)
        while not conversation.finished and conversation.prompt is not None:
            ask(conversation.prompt, out)
            line = stdin.readline()
            if not line:
                out.write("\n")
                # Left, not "quit" typed: in French "quit" is no command, and was stored as an answer.
                render(conversation.leave(), out)
                break
            line = line.rstrip("\r\n")
            out.write(clean_text(line) + "\n" if echo else "")
            render(conversation.reply(line), out)
        out.flush()
        return 0
    except KeyboardInterrupt:  # Ctrl-C: as quit (every answer is already saved); 130 tells a script it was interrupted
        out.write("\n")
        render(conversation.leave(), out)
        out.flush()
        return 130
    except StoreError as e:  # a full disk, a read-only file: say so in one line, and stop asking
        out.write(stopped(conversation, e) + "\n")
        out.flush()
        return 2
    finally:
        conversation.close()


def stopped(conversation: Conversation, error: StoreError) -> str:
    """The one line that ends a conversation the store cannot go on with."""
    words = conversation.words
    problem = say(error, words)
    if conversation.report_id is not None:
        problem = words.t("store.stopped", problem=problem, id=conversation.report_id)
    return words.t("error.line", text=problem)
