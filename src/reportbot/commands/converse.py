"""Starting a conversation: the plain mode or the TUI, over the same engine.

``reportbot`` alone offers to resume a draft or start a report; ``new`` and
``resume`` go straight to one.
"""

from __future__ import annotations

import argparse
import sys

from reportbot.commands import linemode
from reportbot.dialogue.conversation import Conversation
from reportbot.language import choose_language


def plain_wanted(args: argparse.Namespace) -> str | None:
    """Why the line mode is chosen (a ``plain.chosen.*`` key's tail), or None for the TUI.

    Asked for (see :func:`reportbot.commands.linemode.asked`), or input or output that is not a terminal.
    """
    if (why := linemode.asked(args)) is not None:
        return why
    return None if sys.stdin.isatty() and sys.stdout.isatty() else "not_terminal"


def converse(args: argparse.Namespace, **where: object) -> int:
    """Open the store (once: see reportbot.store) and hold the conversation in the chosen front end.

    ``latest=True`` continues the most recently changed report (``reportbot resume`` without a number).
    """
    from reportbot.commands.store_errors import refused, say_notices
    from reportbot.errors import ReportbotError
    from reportbot.saying import say
    from reportbot.store import Store, StoreError
    from reportbot.wording import wording

    words = wording(choose_language(args.lang))
    try:
        store = Store.open(args.db)
    except StoreError as e:
        return refused(e, words)
    with store:
        try:
            language = choose_language(args.lang, store.get_setting("language"))
            words = wording(language)
            say_notices(store, words)
            if where.pop("latest", False):
                latest = store.latest()
                if latest is None:
                    print(f"reportbot: {words.t('resume.none')}", file=sys.stderr)
                    return 1
                where["report_id"] = latest.id
            elif isinstance(report_id := where.get("report_id"), int):
                store.get(report_id)  # resume 99: said here in one line, before any front end starts
            chosen = plain_wanted(args)
            if chosen is None:
                from reportbot.frontends.tui.app import run_tui

                return run_tui(store, language, **where)
            # Ignored below: where holds report_id, or form and year, as the commands pass them (latest popped).
            conversation = Conversation(store, language=language, **where)  # type: ignore[arg-type]
        except StoreError as e:  # resume 99, a report open elsewhere, a store that cannot be used
            return refused(e, words)
        except ReportbotError as e:  # a flow or dialog file that cannot be used
            print(f"reportbot: {say(e, words)}", file=sys.stderr)
            return 2
        from reportbot.frontends import plain

        return plain.run(conversation, sys.stdin, sys.stdout, echo=not sys.stdin.isatty(), chosen=chosen)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``reportbot`` alone takes no arguments of its own."""


def run(args: argparse.Namespace) -> int:
    return converse(args)
