"""The conversation's states and the moves between them, as a ``transitions`` machine.

The rule engine decides *which* box comes next; this machine decides *what
kind* of exchange is under way (a question, a conflict to resolve, a
confirmation), so a front end always knows what an answer means.
"""

from __future__ import annotations

from transitions import Machine

STATES = [
    "starting",
    "choosing_draft",  # reportbot alone: resume a draft or start a new report
    "choosing_report",  # [report]
    "choosing_year",  # [year]
    "identifying",  # [same] last year's identification, in one answer
    "asking",  # [4.1] one box
    "choosing_type",  # [type] zero report or full report, after section 2
    "choosing_group",  # [11.3] a breakdown of a total of 1, as one choice
    "proposing",  # [11.3.5] the remainder of a breakdown, proposed
    "resolving",  # [resolve] an error: which box to change
    "accepting",  # [accept] a warning, accepted with a reason
    "confirming",  # [confirm] the report as final
    "done",
]

# Every question can lead to any other: the next one is the rule engine's choice.
_ANY = [s for s in STATES if s != "done"]

TRANSITIONS = [
    {"trigger": "offer_drafts", "source": "starting", "dest": "choosing_draft"},
    {"trigger": "choose_report", "source": ["starting", "choosing_draft"], "dest": "choosing_report"},
    {"trigger": "choose_year", "source": ["starting", "choosing_report"], "dest": "choosing_year"},
    {"trigger": "offer_identification", "source": ["starting", "choosing_year", "choosing_draft"], "dest": "identifying"},
    {"trigger": "ask", "source": _ANY, "dest": "asking"},
    {"trigger": "offer_type", "source": _ANY, "dest": "choosing_type"},
    {"trigger": "offer_group", "source": _ANY, "dest": "choosing_group"},
    {"trigger": "propose", "source": _ANY, "dest": "proposing"},
    {"trigger": "conflict", "source": _ANY, "dest": "resolving"},
    {"trigger": "accept_warning", "source": _ANY, "dest": "accepting"},
    {"trigger": "wrap_up", "source": _ANY, "dest": "confirming"},
    {"trigger": "finish", "source": "*", "dest": "done"},
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
    """The state machine as a Mermaid diagram."""
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    model = _Model()
    GraphMachine(
        model=model,
        states=STATES,
        transitions=TRANSITIONS,
        initial="starting",
        auto_transitions=False,
        graph_engine="mermaid",
        title="reportbot conversation",
    )
    return model.get_graph().draw(None)  # type: ignore[attr-defined]
