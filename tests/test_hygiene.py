"""The layers stay apart: nothing below the front ends imports textual or prints."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "reportbot"
# schemas.py and log_format.py are maintainer's scripts (python -m reportbot.schemas, python -m
# reportbot.log_format), not part of the running app.
FRONT_ENDS = {"frontends", "commands", "cli.py", "__main__.py", "schemas.py", "log_format.py"}


def _core_modules() -> list[Path]:
    return [
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] not in FRONT_ENDS
    ]


def test_core_modules_exist():
    names = {p.relative_to(SRC).as_posix() for p in _core_modules()}
    assert {"engine.py", "flow/loader.py", "dialogue/conversation.py"} <= names


def test_core_never_prints_nor_imports_textual():
    offenders = []
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "input"):
                offenders.append(f"{path.name}:{node.lineno} calls {node.func.id}")
            if isinstance(node, ast.Import):
                offenders += [f"{path.name}:{node.lineno} imports {a.name}" for a in node.names if a.name.split(".")[0] in ("textual", "rich")]
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("textual", "rich"):
                offenders.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert offenders == []


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_engine_and_dialogue_do_not_load_textual():
    loaded = _loaded_after(
        "from reportbot.flow.loader import load_flow\n"
        "from reportbot.engine import evaluate\n"
        "from reportbot.dialogue.conversation import Conversation\n"
        "import reportbot.frontends.plain\n"
        "evaluate(load_flow('cyfsa-part-x'), {})"
    )
    assert "reportbot.engine" in loaded and "reportbot.frontends.plain" in loaded
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_check_command_does_not_load_textual(tmp_path):
    report = tmp_path / "r.json"
    report.write_text('{"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025, "answers": {}}')
    loaded = _loaded_after(
        "from reportbot.cli import main\n"
        f"main(['check', {str(report)!r}, '--format', 'json'])"
    )
    assert "reportbot.commands.check" in loaded
    assert "textual" not in loaded


def test_every_module_imports_on_its_own():
    """Each module imports first, in a fresh package (no import cycle hides behind the usual import order)."""
    names = sorted(
        ".".join(("reportbot", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        for p in SRC.rglob("*.py")
        if p.name != "__main__.py"  # runs the CLI
    )
    code = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m == 'reportbot' or m.startswith('reportbot.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as e:\n"
        "        print(name, type(e).__name__, e)\n"
    )
    # Two interpreters at once: each fresh import rebuilds the pydantic models, a tenth of a second.
    runs = [
        subprocess.Popen([sys.executable, "-c", code, *names[i::2]], stdout=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    problems = [line for run in runs for line in run.communicate()[0].splitlines()]
    assert len(names) > 40 and [run.returncode for run in runs] == [0, 0]
    assert problems == []


def _readme_layers() -> str:
    """The first column of the layer table in README's "How it is built": the modules, top layer first."""
    import re

    readme = (SRC.parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## How it is built\n", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return "\n".join(re.split(r"\s{2,}", line)[0] for line in table.splitlines() if line and not line[0].isspace())


def test_the_readme_names_every_module_as_it_is():
    """The layer table of "How it is built" names real modules, and every top-level one (a rename updates it)."""
    import re

    named = set(re.findall(r"[\w/]+\.py|\b\w+/", _readme_layers()))
    assert named, "no module named in README's layer table"
    missing = sorted(n for n in named if not (SRC / n).exists() and not (SRC / "frontends" / n).exists())
    assert missing == []
    top = {p.name + ("/" if p.is_dir() else "") for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    unnamed = sorted(top - named - {"__init__.py", "__main__.py", "schemas.py", "log_format.py", "frontends/"})
    assert unnamed == []
