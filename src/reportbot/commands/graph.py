"""``reportbot graph [REPORT]``: the conversation's state machine, and a report's route, as Mermaid."""

from __future__ import annotations

import argparse
import itertools

from reportbot.flow.loader import END, CompiledFlow, load_flow, report_ids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", nargs="?", choices=report_ids(), help="also print this report's route")


def route_mermaid(flow: CompiledFlow) -> str:
    """Sections in order, with every routing instruction as a labelled jump."""
    lines = ["---", f"title: {flow.id} route", "---", "flowchart TD"]
    sections = flow.flow.sections
    node = {s.id: f"s{s.id.replace('.', '_')}" for s in sections}
    for s in sections:
        lines.append(f'  {node[s.id]}["Section {s.id}: {s.title.replace(chr(34), chr(39))}"]')
    lines.append('  end_(["Review and confirm"])')
    for a, b in itertools.pairwise(sections):
        lines.append(f"  {node[a.id]} --> {node[b.id]}")
    lines.append(f"  {node[sections[-1].id]} --> end_")
    for r in flow.flow.routes:
        src = node[flow.section_of(r.at).id]
        dst = "end_" if r.goto == END else node[flow.section_of(r.goto).id]
        label = f"{r.at}: {r.when}".replace('"', "'")
        if r.columns == "each":
            label += " (per column)"
        lines.append(f'  {src} -. "{label}" .-> {dst}')
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from reportbot.dialogue.machine import mermaid

    print(mermaid())
    if args.report:
        print(route_mermaid(load_flow(args.report)))
    return 0
