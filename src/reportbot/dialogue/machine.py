"""The conversation's states and the moves between them, as a ``transitions`` machine.

The planner decides *which* exchange comes next; this machine holds *which
sort* of exchange is under way (a question, a conflict to resolve, a
confirmation) and refuses a move its tables do not allow (``MachineError``):
the launcher's questions come in order, an open report never goes back to
them, last year's identification is offered only to a report just created,
and nothing follows ``done``. Each exchange class names its state and the
trigger that leads there (:mod:`reportbot.dialogue.exchanges`,
:mod:`reportbot.dialogue.launcher`).
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

LAUNCH = [
    "starting",
    "choosing_draft",  # reportbot alone: resume a draft or start a new report
    "choosing_report",  # [report]
    "choosing_year",  # [year]
    "choosing_duplicate",  # [open] a report for this form and year exists: open it instead?
]
INTERVIEW = [
    "identifying",  # [same] last year's identification, in one answer
    "asking",  # [4.1] one box
    "choosing_type",  # [type] zero report or full report, after section 2
    "choosing_group",  # [11.3] a breakdown of a total of 1, as one choice
    "proposing",  # [11.3.5] the remainder of a breakdown, proposed
    "resolving",  # [resolve] an error: which box to change
    "accepting",  # [accept] a warning, accepted with a reason
    "choosing_column",  # [10.3] change 10.3 to 1 in a two-column box: which column
    "confirming",  # [confirm] the report as final
    "mapping_header",  # [map header] a column the log's counts need that no header names: which header holds it
    "mapping_value",  # [map outcome] a value of the log's coded column it cannot read: which code
    "looking_at_row",  # [log] a row of the request log with a problem
    "keeping_answer",  # [keep 4.1] an answer typed that the log counts differently
    "choosing_date_order",  # [dates] a date column of the log that reads day or month first
]
STATES = [*LAUNCH, *INTERVIEW, "done"]

# From a launch state or any interview state, the next exchange is the rule engine's choice.
_NEXT = [*LAUNCH, *INTERVIEW]

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "offer_drafts", "source": "starting", "dest": "choosing_draft"},
    {"trigger": "choose_report", "source": ["starting", "choosing_draft"], "dest": "choosing_report"},
    {"trigger": "choose_year", "source": ["starting", "choosing_report"], "dest": "choosing_year"},
    {"trigger": "offer_duplicate", "source": ["starting", "choosing_report", "choosing_year"],
     "dest": "choosing_duplicate"},
    # Last year's identification is offered only to a report just created: from the command line, or after its year.
    {"trigger": "offer_identification",
     "source": ["starting", "choosing_report", "choosing_year", "choosing_duplicate"], "dest": "identifying"},
    {"trigger": "ask", "source": _NEXT, "dest": "asking"},
    {"trigger": "offer_type", "source": _NEXT, "dest": "choosing_type"},
    {"trigger": "offer_group", "source": _NEXT, "dest": "choosing_group"},
    {"trigger": "propose", "source": _NEXT, "dest": "proposing"},
    {"trigger": "conflict", "source": _NEXT, "dest": "resolving"},
    {"trigger": "accept_warning", "source": _NEXT, "dest": "accepting"},
    {"trigger": "which_column", "source": INTERVIEW, "dest": "choosing_column"},
    {"trigger": "wrap_up", "source": _NEXT, "dest": "confirming"},
    {"trigger": "ask_header", "source": _NEXT, "dest": "mapping_header"},
    {"trigger": "ask_value", "source": _NEXT, "dest": "mapping_value"},
    {"trigger": "look_at_row", "source": _NEXT, "dest": "looking_at_row"},
    {"trigger": "keep_or_take", "source": _NEXT, "dest": "keeping_answer"},
    {"trigger": "ask_date_order", "source": _NEXT, "dest": "choosing_date_order"},
    {"trigger": "finish", "source": [*LAUNCH, *INTERVIEW], "dest": "done"},
]


def attach(model: object) -> Machine:
    """Give ``model`` the conversation's states and triggers."""
    return Machine(
        model=model,
        states=STATES,
        transitions=TRANSITIONS,
        initial="starting",
        auto_transitions=False,
        send_event=False,
    )


def mermaid() -> str:
    """The state machine as a Mermaid state diagram, drawn from the same tables as the machine.

    A trigger that leads from every interview state is drawn once, from the
    "interview" composite state; the launch states' ways into the interview
    are drawn as one edge each, to keep the diagram readable.
    """
    lines = ["stateDiagram-v2", "  [*] --> starting", '  state "interview" as interview {']
    lines += [f"    {s}" for s in INTERVIEW]
    lines.append("  }")
    for t in TRANSITIONS:
        sources = [t["source"]] if isinstance(t["source"], str) else list(t["source"])
        dest, trigger = t["dest"], t["trigger"]
        if set(INTERVIEW) <= set(sources):
            lines.append(f"  interview --> {dest}: {trigger}")
            sources = [s for s in sources if s not in INTERVIEW]
        for src in sources:
            into_interview = dest in INTERVIEW and trigger in _NEXT_TRIGGERS
            edge = f"  {src} --> interview: next question" if into_interview else f"  {src} --> {dest}: {trigger}"
            if edge not in lines:
                lines.append(edge)
    lines.append("  done --> [*]")
    return "\n".join(lines) + "\n"


_NEXT_TRIGGERS = {t["trigger"] for t in TRANSITIONS if t["source"] is _NEXT}
