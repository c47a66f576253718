"""``reportbot log count REPORT FILE... --year Y [-o OUT]``: the boxes a request log decides, as a reportbot/1 file.

``check`` and ``import`` take the file unchanged; boxes the log cannot decide
(identification, 2.1, the factors) are left out, to be filled in. The row
findings go to standard error; the exit status is ``log check``'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportbot.commands.log_check import add_arguments as _log_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _log_arguments(parser)
    parser.add_argument("-o", "--output", metavar="OUT", help="write to OUT (.json or .yaml), not standard output")


def run(args: argparse.Namespace) -> int:
    from reportbot import export, reportfile
    from reportbot.commands.log_check import counted, say_findings
    from reportbot.commands.output import unwritten
    from reportbot.flow.loader import load_flow
    from reportbot.store import default_path

    result, words, status = counted(args)
    if result is None:
        return status
    status = say_findings(result, words, sys.stderr)
    flow = load_flow(args.report)
    order = {cell: i for i, cell in enumerate(flow.cells)}  # questionnaire order, as a filer reads the file
    values = dict(sorted(result.count.answers.items(), key=lambda item: order.get(item[0], len(order))))
    doc = reportfile.document(flow, int(args.year), values)
    text = reportfile.dumps(doc)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return status
    output = Path(args.output)
    if output.suffix.lower() in (".yaml", ".yml"):
        import json

        import yaml

        # Through JSON: money's Decimals become the same plain numbers as in a .json file.
        text = yaml.safe_dump(json.loads(text), allow_unicode=True, sort_keys=False)
    database = Path(args.db).expanduser() if args.db else default_path()
    try:
        export.write_file(output, text, database=database)
    except (export.IsTheDatabase, OSError) as e:
        return unwritten(e, args.output, words)
    return status
