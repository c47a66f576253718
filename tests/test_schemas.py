"""The committed JSON Schemas match the models, and the data files use them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reportbot import schemas
from reportbot.resources import data_root
from reportbot.yamlio import load_yaml

ROOT = data_root()


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_committed_schema_is_current(name):
    committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
    assert committed == schemas.render(schemas.SCHEMAS[name]), f"run: python -m reportbot.schemas ({name} is stale)"


def _data_files():
    yield from ((p, "flow.schema.json") for p in sorted((ROOT / "flows").glob("*.yaml")))
    for lang in sorted((ROOT / "dialogs").iterdir()):
        for p in sorted(lang.glob("*.yaml")):
            yield p, "common-dialog.schema.json" if p.name == "common.yaml" else "dialog.schema.json"


@pytest.mark.parametrize("path,schema", list(_data_files()), ids=lambda v: getattr(v, "name", v))
def test_data_file_names_its_schema_and_validates(path: Path, schema: str):
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == f"# yaml-language-server: $schema={'../' * (len(path.relative_to(ROOT).parts) - 1)}schema/{schema}"
    jsonschema.validate(load_yaml(text, aliases=True), json.loads((ROOT / "schema" / schema).read_text()))


def test_schema_rejects_unknown_field():
    schema = json.loads((ROOT / "schema" / "flow.schema.json").read_text())
    flow = load_yaml((ROOT / "flows" / "cyfsa-part-x.yaml").read_text(), aliases=True)
    flow["sections"][0]["boxes"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(flow, schema)


def test_schema_knows_figures_offered_from_last_year():
    schema = json.loads((ROOT / "schema" / "flow.schema.json").read_text())
    flow = load_yaml((ROOT / "flows" / "fippa-year-end.yaml").read_text(), aliases=True)
    assert flow["from_last_year"][0]["box"] == "1.3"
    jsonschema.validate(flow, schema)
    flow["from_last_year"][0]["compare"] = True
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(flow, schema)
