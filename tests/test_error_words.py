"""Errors carry a message key and facts, never an English sentence; every one of them is said in French."""

from __future__ import annotations

import ast
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot import errors, reportfile, values
from reportbot.cli import main
from reportbot.flow.loader import load_flow
from reportbot.flow.models import Box, Option
from reportbot.reportfile import FileProblem, UnusableFile
from reportbot.saying import say
from reportbot.store import StoreError
from reportbot.values import ValueProblem, to_value
from reportbot.wording import wording

SRC = Path(reportfile.__file__).parent
TYPED = {"ReportbotError", "ValueProblem", "UnusableFile", "FileProblem", "StoreError", "Phrase"}


def _prose(node: ast.AST) -> bool:
    """An f-string, or a string with a space in it: words, where a code or a fact belongs."""
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def test_no_typed_error_is_raised_with_an_english_sentence():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in TYPED and any(_prose(a) for a in [*node.args, *(k.value for k in node.keywords)]):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


BOXES = {
    "count": Box(id="3.1", label="Requests", kind="count"),
    "money": Box(id="9.2", label="Fees", kind="money"),
    "decimal": Box(id="9.9", label="Hours", kind="decimal"),
    "text": Box(id="1.2", label="Name", kind="text"),
    "choice": Box(id="1.3", label="Type", kind="choice", options=[Option(id="agency", label="Agency")]),
    "derived": Box(id="4.4", label="Total", kind="derived", formula="3.1"),
}
# One raw value per value error of values.to_value, each refused for the reason its key names.
VALUE_ERRORS = {
    "count_expected": ("count", "three"),
    "count_decimals": ("count", 3.0),
    "count_negative": ("count", -3),
    "count_too_large": ("count", 10**50),
    "amount_expected": ("money", [1]),
    "number_expected": ("decimal", {"a": 1}),
    "not_a_number": ("money", float("nan")),
    "amount_negative": ("money", -1),
    "too_large": ("money", Decimal(10) ** 13),
    "cents": ("money", Decimal("1.234")),
    "text_expected": ("text", None),
    "text_too_long": ("text", "x" * (values.MAX_TEXT + 1)),
    "option_expected": ("choice", "council"),
    "derived": ("derived", 5),
}


def _refusal(code: str) -> ValueProblem:
    kind, raw = VALUE_ERRORS[code]
    with pytest.raises(ValueProblem) as raised:
        to_value(BOXES[kind], raw)
    assert raised.value.code == code
    return raised.value


def _french(error) -> str:
    fr, en = say(error, wording("fr")), say(error, wording("en"))
    assert error.key not in fr and fr != en, fr  # said from the French catalogue, not the key nor English
    return fr


def test_every_value_error_of_values_is_driven_here():
    raised = {
        n.args[0].value
        for n in ast.walk(ast.parse(Path(values.__file__).read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "ValueProblem"
        and isinstance(n.args[0], ast.Constant)
    }
    assert raised - {"amount_expected", "number_expected"} <= set(VALUE_ERRORS)


@pytest.mark.parametrize("code", sorted(VALUE_ERRORS))
def test_every_value_error_is_said_in_french(code):
    _french(_refusal(code))


def test_a_huge_number_and_a_list_are_named_in_french():
    assert "chiffres" in _french(_refusal("count_too_large"))
    assert "une liste" in _french(_refusal("amount_expected"))


def _unusable_codes() -> set[str]:
    tree = ast.parse(Path(reportfile.__file__).read_text(encoding="utf-8"))
    return {
        n.args[0].value for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) in ("UnusableFile", "FileProblem")
        and n.args and isinstance(n.args[0], ast.Constant)
    }


def test_every_file_error_is_said_in_french():
    fr = wording("fr").common.messages
    codes = _unusable_codes()
    assert {"unknown_box", "not_utf8", "year"} <= codes
    for code in sorted(codes):
        cls = FileProblem if f"file.problem.{code}" in fr else UnusableFile
        fields = {"name": "r.json", "detail": "x", "megabytes": 1, "line": 1, "column": 2, "number": "1e999",
                  "key": "'k'", "keys": "format", "got": "'x'", "form": "'x'", "known": "en, fr", "rule": "'r'"}
        _french(cls(code, **fields))
    for code in ("key", "alias", "tag"):  # raised by the YAML reader, passed on by its code
        _french(UnusableFile(code, name="r.yaml", key="'6.10'", line=3))


def test_a_french_check_names_no_english_problem(tmp_path, capsys):
    doc = {"format": "reportbot/1", "report": "fippa-year-end", "year": 2025,
           "answers": {"99.99": 1, "3.1": {"personal": -3, "general": 0}, "1.1": {"personal": 1},
                       "8.12": {"personal": 3}}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    main(["--lang", "fr", "check", str(path)])
    out = capsys.readouterr().out
    assert "99.99 : n'est pas une case de ce rapport" in out
    assert "ne peut pas être négatif (-3)" in out
    assert "ne s'applique qu'aux demandes de documents généraux" in out  # the flow's column rule, in French
    for english in ("is not a box", "cannot be negative", "has one value", "applies only"):
        assert english not in out


def test_a_french_conversation_refuses_a_negative_count_in_french(tmp_path, monkeypatch, capsys):
    lines = ["Org", "Pat Lee", "416-555-0100", "pat@x.example", "1 Main St", "société d'aide à l'enfance", "-3"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    main(["--db", str(tmp_path / "r.sqlite3"), "--lang", "fr", "--plain", "new", "cyfsa-part-x", "--year", "2025"])
    out = capsys.readouterr().out
    assert "Erreur : ce nombre ne peut pas être négatif (-3)" in out and "negative" not in out


def test_the_store_says_nothing_itself():
    error = StoreError("busy", path="/x")
    assert str(error) == "store.error.busy (path=/x)" and "occupé" in say(error, wording("fr"))
    assert isinstance(error, errors.ReportbotError)
    assert issubclass(ValueProblem, errors.ReportbotError) and issubclass(UnusableFile, errors.ReportbotError)


def test_a_dialog_without_a_boxs_column_rule_is_refused():
    from reportbot.wording import DialogError, load_report_dialog, validate_report_dialog

    dialog = load_report_dialog("fr", "fippa-year-end")
    broken = dialog.model_copy(update={"boxes": {**dialog.boxes, "8.12": dialog.boxes["8.12"].model_copy(
        update={"column_rule": None})}})
    with pytest.raises(DialogError, match="8.12"):
        validate_report_dialog(broken, load_flow("fippa-year-end"), Path("dialogs/fr/fippa-year-end.yaml"))


def test_the_store_and_the_values_import_no_words():
    """Not even inside a function: a refusal's sentence is made above them (reportbot.saying)."""
    files = [*sorted((SRC / "store").glob("*.py")), SRC / "values.py", SRC / "errors.py"]
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            found += [f"{path.name}: {n}" for n in names if n.startswith(("reportbot.dialog", "reportbot.saying"))]
    assert found == []
