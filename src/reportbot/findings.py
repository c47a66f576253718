"""Every finding about a report, assembled once, as language-neutral facts.

The rule engine's findings, answers the route now skips, e-mail addresses
and phone numbers that do not look like one (see :mod:`reportbot.details`),
last year's carried-forward figures (see :mod:`reportbot.carry`), a file's
unusable values, and which warnings the filer accepted with a reason. ``check``, the
conversation, the exports and the TUI all read this one list; the words are
rendered where it is shown (:mod:`reportbot.explain`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reportbot.details import looks_right
from reportbot.engine import Evaluation, Finding

Key = tuple[str, str | None]
SEVERITY_ORDER = {"error": 0, "warning": 1}


def off_route(evaluation: Evaluation) -> list[Finding]:
    """A warning for each answer the route now skips: the answer and the route, as facts."""
    return [
        Finding(
            "warning", "off-route", "off-route", (cell[0],), cell[1],
            {"value": evaluation.answers.get(cell), "route": evaluation.skipped_by[cell]},
        )
        for cell in evaluation.stray
    ]


def detail_rule(box_id: str) -> str:
    """The rule of a box's detail warning, as acknowledged: one per box."""
    return f"detail-{box_id}"


def details(evaluation: Evaluation) -> list[Finding]:
    """A warning for each answer on the route that does not look like what its box holds (its ``format``)."""
    out = []
    for info in evaluation.flow.by_id.values():
        fmt = info.box.format
        if fmt is None:
            continue
        value = evaluation.values.get((info.box.id, None))
        if isinstance(value, str) and value.strip() and not looks_right(fmt, value.strip()):
            out.append(Finding("warning", detail_rule(info.box.id), "detail", (info.box.id,), None,
                               {"format": fmt, "value": value}))
    return out


@dataclass(frozen=True)
class Findings:
    """The findings in the order they are shown, and the reasons given for accepted warnings."""

    items: tuple[Finding, ...]
    acknowledged: Mapping[Key, str] = field(default_factory=dict)

    def reason(self, f: Finding) -> str | None:
        """Why the filer accepted ``f``: None while it is open (an error is never accepted)."""
        return self.acknowledged.get(f.key) if f.severity == "warning" else None

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.items if self.reason(f) is None]

    @property
    def accepted(self) -> list[tuple[Finding, str]]:
        return [(f, r) for f in self.items if (r := self.reason(f)) is not None]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "warning"]

    def of_box(self, box_id: str) -> list[Finding]:
        return [f for f in self.items if box_id in f.boxes]

    def severity_of(self, box_id: str) -> str | None:
        """The worst open finding touching ``box_id`` ("error", "warning"), or None."""
        found = [f.severity for f in self.open if box_id in f.boxes]
        return min(found, key=SEVERITY_ORDER.__getitem__) if found else None


def assemble(
    evaluation: Evaluation,
    carried: Iterable[Finding] = (),
    acknowledged: Mapping[Key, str] | None = None,
    problems: Iterable[Finding] = (),
) -> Findings:
    """A file's unusable values, then the rules, then the details, answers the route skips, last year's figures."""
    items = (*problems, *evaluation.findings, *details(evaluation), *off_route(evaluation), *carried)
    return Findings(items, dict(acknowledged or {}))
