"""Starting a conversation: the plain mode or the TUI, over the same engine.

``reportbot`` alone offers to resume a draft or start a report; ``new`` and
``resume`` go straight to one.
"""

from __future__ import annotations

import argparse
import os
import sys

from reportbot.dialogue.conversation import Conversation
from reportbot.language import choose_language


def plain_wanted(args: argparse.Namespace) -> bool:
    """--plain, $REPORTBOT_PLAIN=1, or input or output that is not a terminal."""
    if args.plain or os.environ.get("REPORTBOT_PLAIN", "") not in ("", "0"):
        return True
    return not (sys.stdin.isatty() and sys.stdout.isatty())


def converse(args: argparse.Namespace, store=None, **where: object) -> int:
    """Hold the conversation in the chosen front end over ``store`` (else the one --db names), then close it."""
    from reportbot.commands.store_errors import say_notices
    from reportbot.dialogs import wording
    from reportbot.store import Store, StoreError

    try:
        store = store if store is not None else Store.open(args.db)
    except StoreError as e:
        print(f"reportbot: {e}", file=sys.stderr)
        return 2
    with store:
        try:
            language = choose_language(args.lang, store.get_setting("language"))
        except StoreError as e:
            print(f"reportbot: {e}", file=sys.stderr)
            return 2
        say_notices(store, wording(language))
        if not plain_wanted(args):
            from reportbot.frontends.tui.app import run_tui

            return run_tui(store, language, **where)
        try:
            conversation = Conversation(store, language=language, **where)  # type: ignore[arg-type]
        except ValueError as e:
            print(f"reportbot: {e}", file=sys.stderr)
            return 2
        from reportbot.frontends import plain

        return plain.run(conversation, sys.stdin, sys.stdout, echo=not sys.stdin.isatty())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``reportbot`` alone takes no arguments of its own."""


def run(args: argparse.Namespace) -> int:
    return converse(args)
