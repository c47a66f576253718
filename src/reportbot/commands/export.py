"""``reportbot export [ID] --format json|csv|md|html [-o FILE]``: a report as a file.

Without ID, the most recently changed report; without -o, to standard
output. Without --format, the suffix of -o decides, else md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reportbot import export
from reportbot.commands.store_errors import refused, say_notices
from reportbot.dialogs import languages
from reportbot.flow.loader import FlowError
from reportbot.language import choose_language
from reportbot.store import Store, StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=int, nargs="?", metavar="ID", help="the report's number (default: the most recently changed)")
    parser.add_argument("--format", "-f", choices=export.FORMATS, help="json (a reportbot/1 file), csv, md or html (default: from -o, else md)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole, so a failed export never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    words = export.words_for(choose_language(args.lang))
    fmt = args.format or (export.SUFFIXES.get(Path(args.output).suffix.lower()) if args.output else None) or "md"
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            row = store.get(args.id) if args.id is not None else store.latest()
            if row is None:
                print(words.t("export.none"), file=sys.stderr)
                return 1
            language = args.lang or (row.language if row.language in languages() else None)
            report_words = export.words_for(language, row.kind)
            text = export.render(fmt, export.subject_from_store(store, row.id, report_words), report_words)
    except StoreError as e:
        return refused(e, words)
    except FlowError as e:  # a report of a kind this reportbot no longer knows
        print(f"reportbot: {e}", file=sys.stderr)
        return 2
    if not args.output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        _write(Path(args.output), text)
    except OSError as e:
        print(f"reportbot: {words.t('export.cannot_write', path=args.output, detail=e.strerror or e)}", file=sys.stderr)
        return 2
    print(words.t("export.written", id=row.id, path=args.output, format=fmt))
    return 0
