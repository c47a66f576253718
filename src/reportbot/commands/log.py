"""``reportbot log COMMAND``: the request log's commands (template, check, count), each imported when run."""

from __future__ import annotations

import argparse
import importlib

# command -> (module, one-line help); the module has add_arguments(parser) and run(args) -> int.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "template": ("reportbot.commands.log_template", "write an empty request log to keep all year: .xlsx or .csv"),
    "check": ("reportbot.commands.log_check", "a request log's row problems, one per line, naming file number and row"),
    "count": ("reportbot.commands.log_count", "the boxes a request log decides, as a reportbot/1 report file"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="log_command", metavar="COMMAND", required=True, parser_class=type(parser))
    for name, (module, help_text) in SUBCOMMANDS.items():
        importlib.import_module(module).add_arguments(sub.add_parser(name, help=help_text, description=help_text))


def run(args: argparse.Namespace) -> int:
    return int(importlib.import_module(SUBCOMMANDS[args.log_command][0]).run(args))
