"""Generate the JSON Schemas of reportbot's data files into schema/.

    python -m reportbot.schemas          write them
    python -m reportbot.schemas --check  exit 1 if a committed schema is stale

The flow and dialog YAML files name these schemas in their first line, so
editors complete and check them as they are typed. Cross-references
(formulas naming real boxes, routes that lead somewhere) are beyond JSON
Schema: the loaders check those.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from reportbot.flow.models import Flow
from reportbot.resources import schema_dir
from reportbot.wording import CommonDialog, ReportDialog

if TYPE_CHECKING:
    from pydantic import BaseModel

SCHEMAS: dict[str, type[BaseModel]] = {
    "flow.schema.json": Flow,
    "dialog.schema.json": ReportDialog,
    "common-dialog.schema.json": CommonDialog,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for name, model in SCHEMAS.items():
        path = schema_dir() / name
        text = render(model)
        if "--check" in argv:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)}; run python -m reportbot.schemas", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
