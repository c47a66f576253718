"""Valid but varied report files for the ``check`` throughput figure.

Every file is a usable reportbot/1 report (``check`` exits 0 or 1 on it,
never 2), built from the fixtures in tests/data/reports/ and varied so that
the engine and the wording do real work: some are complete, some have
their totals left out, some have figures that no longer agree (findings
with their explanations), some have boxes left empty (missing), and a
fifth are written as YAML rather than JSON.
"""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from pathlib import Path

import yaml

from reportbot.flow.loader import load_flow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "reports"
ORGANIZATIONS = [
    "Lakeshore Children's Aid Society",
    "Société d'aide à l'enfance du Nord",
    "Ministry of Example Services",
    "Anishinaabe Child & Family Services — Thunder Bay",
    "Agence «Exemple» n° 7",
]


def _plain(value: object) -> object:
    """JSON/YAML-ready data (money as a float keeps its cents exactly)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _fixtures() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal) for p in sorted(FIXTURES.glob("*.json"))]


def _counts(doc: dict) -> list[tuple[str, str | None]]:
    """The (box, column) places of count answers in ``doc``."""
    flow = load_flow(doc["report"])
    out = []
    for box_id, value in doc["answers"].items():
        info = flow.by_id.get(box_id)
        if info is None or info.box.kind != "count":
            continue
        if isinstance(value, dict):
            out += [(box_id, c) for c in value]
        else:
            out.append((box_id, None))
    return out


def vary(doc: dict, i: int, rng: random.Random) -> dict:
    """Variant ``i`` of ``doc``: complete, without totals, with changed figures, or with empty boxes."""
    doc = copy.deepcopy(doc)
    flow = load_flow(doc["report"])
    answers = doc["answers"]
    doc["year"] = rng.randint(2019, 2025)
    org = flow.flow.organization
    if org in answers:
        answers[org] = f"{rng.choice(ORGANIZATIONS)} #{i}"
    variant = i % 4
    if variant == 1:  # totals left for reportbot to work out
        for box_id in [b for b in answers if flow.by_id[b].formula is not None]:
            del answers[box_id]
    elif variant == 2:  # figures changed: findings to explain
        places = _counts(doc)
        for box_id, column in rng.sample(places, k=min(len(places), rng.randint(1, 3))):
            if column is None:
                answers[box_id] = max(0, answers[box_id] + rng.randint(-3, 5))
            else:
                answers[box_id][column] = max(0, answers[box_id][column] + rng.randint(-3, 5))
    elif variant == 3:  # some boxes empty
        plain = [b for b in answers if flow.by_id[b].formula is None and b != org]
        for box_id in rng.sample(plain, k=min(len(plain), rng.randint(1, 3))):
            del answers[box_id]
    return doc


def generate(folder: Path, count: int = 1000, seed: int = 7) -> list[Path]:
    """Write ``count`` report files into ``folder``; their paths."""
    rng = random.Random(seed)
    fixtures = _fixtures()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        doc = _plain(vary(fixtures[i % len(fixtures)], i, rng))
        if i % 5 == 4:
            path = folder / f"report-{i:04d}.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        else:
            path = folder / f"report-{i:04d}.json"
            path.write_text(json.dumps(doc, ensure_ascii=bool(i % 2), indent=rng.choice([None, 2])), encoding="utf-8")
        paths.append(path)
    return paths
