"""Damaged and hostile report files for ``check`` and ``import``.

Every file is either refused (exit 2, one line on stderr naming the file, no
traceback) or, when it is a usable report with bad values, reported with
error findings (check: exit 1; import: the findings printed, and no bad value
stored). Each answer comes within a bounded CPU time (CPU, not wall clock, so
a busy CI machine does not make it flaky); the big and deep files run in a
subprocess under a 1 GiB address-space limit.

The small files are in tests/data/hostile/; the big ones (a 50 MB file,
nesting 100,000 deep, files just under the 5 MB limit) are made in tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.flow.loader import load_flow
from reportbot.reportfile import MAX_BYTES
from reportbot.store import Store
from reports import load

try:
    import resource
except ImportError:  # Windows: no memory limit, wall-clock time
    resource = None

HOSTILE = Path(__file__).parent / "data" / "hostile"
SECONDS = 5.0  # in-process: CPU time per file
CPU_SECONDS = 10.0  # in a subprocess: CPU time (user + system), interpreter start included; robust to a busy machine
TIMEOUT = 120.0  # in a subprocess: wall clock, against a hang
MEMORY = 1 << 30  # address space for a subprocess: 1 GiB

# file -> (exit code of check, what the one stderr line says / the error rules check reports)
REFUSED = {
    "truncated.json": "not valid JSON",
    "array.json": "not a reportbot/1 file",
    "empty.json": "not a reportbot/1 file",
    "whitespace.yaml": "neither JSON nor YAML",
    "scalar.yaml": "not a reportbot/1 file",
    "null.json": "not a reportbot/1 file",
    "string.json": "not a reportbot/1 file",
    "not-a-report.json": "not a reportbot/1 file",
    "wrong-format.json": "not a reportbot/1 file",
    "unknown-report.json": "unknown report",
    "year-as-text.json": '"year" must be',
    "year-far-future.json": '"year" must be',
    "yaml-year-date.yaml": '"year" must be',
    "answers-a-list.json": '"answers" must be',
    "unknown-key.json": "unknown key",
    "bad-status.json": '"status" must be',
    "bad-acknowledged.json": '"acknowledged" must be',
    "too-deep.json": "nested too deeply",
    "yaml-bomb.yaml": "aliases",
    "yaml-merge-bomb.yaml": "aliases",
    "yaml-python-object.yaml": "tags",
    "yaml-tags.yaml": "tags",
    "duplicate-keys.json": "the key '3.1' is given twice (line 1)",
    "duplicate-keys.yaml": "the key '3.1' is given twice (line 6)",
    "huge-exponent.json": "far too many digits, or too large an exponent",
    "huge-exponent.yaml": "far too many digits, or too large an exponent",
    "yaml-syntax-error.yaml": "neither JSON nor YAML",
    "latin-1.json": "not UTF-8",
    "utf-16.json": "not UTF-8",
    "nul-bytes.json": "not valid JSON",
    "binary-junk.bin": "not UTF-8",
}
BAD_VALUES = {
    "wrong-types.json": {"value-kind"},
    "unknown-boxes.json": {"unknown-box"},
    "unknown-columns.json": {"unknown-column"},
    "nan-and-infinity.json": {"value-kind"},
    "yaml-odd-scalars.yaml": {"value-kind"},
}
# Files that once crashed reportbot (a number of more than 4,300 digits); kept so they stay refused.
ONCE_CRASHED = ["huge-integer.json", "huge-integer.yaml"]


def test_the_corpus_is_all_accounted_for():
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted([*REFUSED, *BAD_VALUES, *ONCE_CRASHED, "bom.json"])


def _run(capsys, *args: str) -> tuple[int, str, str, float]:
    start = time.process_time()
    code = main(["--lang", "en", *args])
    elapsed = time.process_time() - start
    out, err = capsys.readouterr()
    return code, out, err, elapsed


def _one_line_refusal(err: str, name: str, says: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"reportbot: {name}: ") or lines[0].startswith("reportbot: ") and name in lines[0], err
    assert says in lines[0], err
    assert "Traceback" not in err and len(lines[0]) < 400


def _no_reports(db: Path) -> bool:
    if not db.exists():
        return True
    with Store.open(db) as store:
        return store.reports() == []


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_check_refuses_an_unusable_file(capsys, monkeypatch, name):
    monkeypatch.chdir(HOSTILE)
    code, out, err, elapsed = _run(capsys, "check", name)
    assert code == 2 and out == ""
    _one_line_refusal(err, name, REFUSED[name])
    assert elapsed < SECONDS


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_import_refuses_an_unusable_file_and_stores_nothing(capsys, monkeypatch, tmp_path, name):
    monkeypatch.chdir(HOSTILE)
    db = tmp_path / "r.sqlite3"
    code, out, err, elapsed = _run(capsys, "--db", str(db), "import", name)
    assert code == 2 and out == ""
    _one_line_refusal(err, name, REFUSED[name])
    assert elapsed < SECONDS
    assert _no_reports(db)


def test_a_python_tag_in_yaml_runs_nothing(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_bytes((HOSTILE / "yaml-python-object.yaml").read_bytes())
    assert main(["check", "r.yaml"]) == 2
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_check_reports_bad_values_as_error_findings(capsys, monkeypatch, name):
    monkeypatch.chdir(HOSTILE)
    code, out, err, elapsed = _run(capsys, "check", name)
    assert code == 1 and err == ""
    rules = {line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if line.lstrip().startswith("error [")}
    assert BAD_VALUES[name] <= rules, out
    assert "Traceback" not in out and elapsed < SECONDS


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_import_shows_bad_values_and_stores_only_good_ones(capsys, monkeypatch, tmp_path, name):
    monkeypatch.chdir(HOSTILE)
    db = tmp_path / "r.sqlite3"
    code, out, err, elapsed = _run(capsys, "--db", str(db), "import", name)
    assert code in (0, 1) and err == "", err
    assert "error [" in out and elapsed < SECONDS
    with Store.open(db) as store:
        (row,) = store.reports()
        flow = load_flow(row.form)
        for (box, column), value in store.answers(row.id).items():
            info = flow.by_id[box]
            assert column in info.columns
            kind = info.box.kind
            if kind == "count":
                assert type(value) is int and value >= 0
            elif kind in ("money", "decimal"):
                assert isinstance(value, Decimal) and value.is_finite() and value >= 0
            elif kind == "choice":
                assert value in {o.id for o in info.box.options}
            else:
                assert kind == "text" and isinstance(value, str), (box, value)


def test_a_bom_is_no_problem(capsys, monkeypatch):
    monkeypatch.chdir(HOSTILE)
    code, out, err, _ = _run(capsys, "check", "bom.json")
    assert code == 0 and err == "" and "complete" in out


@pytest.mark.parametrize("name", [
    *ONCE_CRASHED
])
def test_a_number_too_long_to_read_is_refused(capsys, monkeypatch, name):
    monkeypatch.chdir(HOSTILE)
    code, out, err, _ = _run(capsys, "check", name)
    assert code == 2
    _one_line_refusal(err, name, "")


def test_files_that_are_not_there_or_not_files(capsys, tmp_path):
    code, out, err, _ = _run(capsys, "check", str(tmp_path / "missing.json"), str(tmp_path))
    assert code == 2 and out == ""
    missing, folder = err.splitlines()
    assert missing.startswith("reportbot: ") and "cannot be read" in missing
    assert folder == f"reportbot: {tmp_path}: not a regular file (a folder, a device or a pipe); give the path of a report file"


NOT_REGULAR = [p for p in ("/dev/null", "/dev/zero") if Path(p).exists()]


@pytest.mark.parametrize("command", ["check", "import"])
@pytest.mark.parametrize("path", [*NOT_REGULAR, "folder"])
def test_a_folder_or_a_device_is_refused_before_reading(capsys, tmp_path, command, path):
    (tmp_path / "folder").mkdir()
    given = path if path.startswith("/") else str(tmp_path / path)
    code, out, err, _ = _run(capsys, "--db", str(tmp_path / "r.sqlite3"), command, given)
    assert code == 2 and out == ""
    assert err == f"reportbot: {given}: not a regular file (a folder, a device or a pipe); give the path of a report file\n"
    assert _no_reports(tmp_path / "r.sqlite3")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["check", "import"])
def test_a_fifo_with_no_writer_is_refused_not_waited_on(tmp_path, command):
    os.mkfifo(tmp_path / "pipe.json")
    proc, _ = _reportbot(tmp_path, "--db", str(tmp_path / "r.sqlite3"), command, "pipe.json", timeout=30)
    assert proc.returncode == 2 and proc.stdout == ""
    _one_line_refusal(proc.stderr, "pipe.json", "not a regular file")


@pytest.mark.parametrize("command", ["check", "import"])
def test_a_file_name_cannot_split_the_line_or_send_escapes(capsys, monkeypatch, tmp_path, command):
    monkeypatch.chdir(tmp_path)
    name = "evil\n\x1b]0;pwned\x07\x1b[2Jname\x9b31m.json"
    Path(name).write_text("[]")
    code, out, err, _ = _run(capsys, "--db", str(tmp_path / "r.sqlite3"), command, name)
    assert code == 2 and out == ""
    assert err == "reportbot: evil?name.json: not a reportbot/1 file (expected a mapping with \"format\": \"reportbot/1\")\n"


def test_a_file_name_is_clean_in_the_report_too(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    name = "a\nb\x1b[2J.json"
    Path(name).write_text('{"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025}')
    for command in ("check", "import"):
        _, out, err, _ = _run(capsys, "--db", str(tmp_path / "r.sqlite3"), command, name)
        assert err == "" and out.splitlines()[0] == "a?b.json: cyfsa-part-x, 2025"


# --- big and deep files, in a subprocess under limits --------------------------------------------------


def _limit(memory: int):
    if resource is None:
        return None

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return limited


def _cpu() -> float:
    if resource is None:
        return time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reportbot(tmp_path: Path, *args: str, timeout: float = TIMEOUT,
               memory: int = MEMORY) -> tuple[subprocess.CompletedProcess, float]:
    """Run reportbot under a memory limit; the result and the CPU seconds it took."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_DB")}
    before = _cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "reportbot", "--lang", "en", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit(memory),
    )
    return proc, _cpu() - before


def _distinct(path: Path, head: str, item: str, tail: str, size: int) -> Path:
    """``head``, then ``item.format(i)`` for i = 0, 1, ... to about ``size`` bytes, then ``tail``."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        written, i = len(head) + len(tail), 0
        while True:
            text = item.format(i)
            if written + len(text) > size:
                break
            f.write(text)
            written += len(text)
            i += 1
        f.write(tail)
    return path


def _write_big(path: Path, head: str, unit: str, tail: str, size: int) -> Path:
    """``head`` + ``unit`` repeated to about ``size`` bytes + ``tail``."""
    count = max(0, (size - len(head) - len(tail)) // len(unit))
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for _ in range(count // 10_000):
            f.write(unit * 10_000)
        f.write(unit * (count % 10_000))
        f.write(tail)
    return path


REPORT_HEAD = '{"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025, "answers": {'

BIG = {
    # name: (maker, check exit, what stderr says (exit 2) or None)
    "50-megabytes.json": (lambda p: _write_big(p, REPORT_HEAD, " ", "}}", 50 * 1024 * 1024), 2, "larger than"),
    "deep-arrays.json": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), 2, "nested too deeply"),
    "deep-objects.json": (lambda p: p.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000), 2, "nested too deeply"),
    "deep-answers.json": (lambda p: p.write_text(REPORT_HEAD + '"3.1": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
                          2, "nested too deeply"),
    "deep-block.yaml": (lambda p: p.write_text("".join(" " * i + "a:\n" for i in range(1400))), 2, "nested too deeply"),
    "unknown-boxes-5mb.json": (lambda p: _distinct(p, REPORT_HEAD, '"x{}": 1, ', '"3.1": 1}}', MAX_BYTES - 100),
                               1, None),
    "long-text-5mb.json": (lambda p: _write_big(p, REPORT_HEAD + '"1.1.organization": "', "A", '"}}', MAX_BYTES - 100),
                           1, None),
    "many-keys-5mb.yaml": (lambda p: _distinct(p, "answers:\n", "  k{}: 1\n", "", MAX_BYTES - 100), 2, None),
    "binary-64k.bin": (lambda p: p.write_bytes(os.urandom(65536)), 2, None),
}


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_and_deep_files_in_bounded_time_and_memory(tmp_path, name):
    maker, expected, says = BIG[name]
    maker(tmp_path / name)
    proc, cpu = _reportbot(tmp_path, "check", name)
    assert proc.returncode == expected, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    if expected == 2:
        _one_line_refusal(proc.stderr, name, says or "")
    else:
        assert proc.stderr == "" and "error [" in proc.stdout
    assert cpu < CPU_SECONDS


@pytest.mark.parametrize("name", ["50-megabytes.json", "deep-objects.json", "long-text-5mb.json"])
def test_import_of_big_and_deep_files(tmp_path, name):
    maker, expected, _ = BIG[name]
    maker(tmp_path / name)
    proc, cpu = _reportbot(tmp_path, "--db", str(tmp_path / "r.sqlite3"), "import", name)
    assert "Traceback" not in proc.stderr and cpu < CPU_SECONDS
    if expected == 2:
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
        assert _no_reports(tmp_path / "r.sqlite3")
    else:
        assert proc.returncode in (0, 1) and "error [" in proc.stdout


DEEP_YAML = {
    # Flow nesting: libyaml 0.2.6 (PyYAML 6.0.4) refuses it itself, in its own words, before reportbot sees a level.
    "flow-mappings": "a: " + "{a: " * 100_000 + "1" + "}" * 100_000,
    "flow-sequences": "a: " + "[" * 100_000 + "1" + "]" * 100_000,
    "flow-sequences-one-a-line": "a: " + "[\n" * 100_000 + "1" + "]" * 100_000,
    # Block nesting: PyYAML 6.0.3's composer recursed on it until the C stack overflowed (a segfault).
    "block-sequences": "- " * 40_000 + "x",
    # Block nesting by indentation, as deep as fits in the size limit.
    "block-sequences-per-line": "".join(" " * i + "-\n" for i in range(1400)) + " " * 1400 + "x\n",
    "block-mappings": "".join(" " * i + "a:\n" for i in range(1400)),
    "block-mappings-in-sequences": "".join("  " * i + "- a:\n" for i in range(1000)),
    "just-over-the-limit": "a:\n  " + "- " * 100 + "x",
}


@pytest.mark.parametrize("name", sorted(DEEP_YAML))
def test_deep_yaml_is_refused_in_our_words_not_a_crash(tmp_path, name):
    (tmp_path / "deep.yaml").write_text(DEEP_YAML[name])
    proc, cpu = _reportbot(tmp_path, "check", "deep.yaml")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "reportbot: deep.yaml: nested too deeply to be a report file\n")
    assert cpu < CPU_SECONDS


@pytest.mark.parametrize("name", sorted(DEEP_YAML))
def test_deep_yaml_is_refused_by_the_pure_python_parser_too(capsys, monkeypatch, tmp_path, name):
    import yaml

    monkeypatch.setattr("reportbot.yamlio._yaml", lambda: (yaml, yaml.SafeLoader))  # PyYAML without libyaml
    (tmp_path / "deep.yaml").write_text(DEEP_YAML[name])
    code, out, err, elapsed = _run(capsys, "check", str(tmp_path / "deep.yaml"))
    assert (code, out, err) == (2, "", f"reportbot: {tmp_path / 'deep.yaml'}: nested too deeply to be a report file\n")
    assert elapsed < SECONDS


def test_deep_yaml_is_refused_in_french_too(tmp_path):
    (tmp_path / "deep.yaml").write_text(DEEP_YAML["flow-sequences"])
    proc = subprocess.run([sys.executable, "-m", "reportbot", "--lang", "fr", "check", "deep.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    assert (proc.returncode, proc.stderr) == (2, "reportbot: deep.yaml : imbriqué trop profondément pour être un fichier de rapport\n")


NUMBERS = {
    "an exponent of 10**14 (a MemoryError once)": '"3.1": 1e99999999999999',
    "a total of 1e-999999999 (a gigabyte of output once)": '"4.4": 1e-999999999',
    "an integer of 5,000 digits": '"3.1": ' + "9" * 5000,
    "a fraction of 5,000 digits": '"9.2": 0.' + "1" * 5000,
}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("case", sorted(NUMBERS))
def test_a_number_out_of_all_bounds_is_refused_in_seconds(tmp_path, case, suffix):
    answer = NUMBERS[case]
    if suffix == ".json":
        text = REPORT_HEAD + answer + "}}"
    else:
        text = "format: reportbot/1\nreport: cyfsa-part-x\nyear: 2025\nanswers:\n  " + answer + "\n"
    (tmp_path / f"n{suffix}").write_text(text)
    proc, cpu = _reportbot(tmp_path, "check", f"n{suffix}", timeout=30)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout[:300]
    _one_line_refusal(proc.stderr, f"n{suffix}", "far too many digits, or too large an exponent")
    assert cpu < CPU_SECONDS


@pytest.mark.skipif(not Path("/dev/zero").exists() or resource is None, reason="no /dev/zero, or no memory limit")
def test_an_endless_file_is_refused(tmp_path):
    proc, _ = _reportbot(tmp_path, "check", "/dev/zero", timeout=60, memory=300 << 20)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr and "Traceback" not in proc.stderr


# --- what import stores from a file's metadata ------------------------------------------------

ACK = {"rule": "fippa-7.7-within-7.6", "column": "personal", "reason": "two were re-filed"}
METADATA = {
    "a rule with an escape": ({"acknowledged": [{**ACK, "rule": "\x9b31mfippa-7.7-within-7.6"}]}, "not a check"),
    "a rule of no check": ({"acknowledged": [{**ACK, "rule": "no-such-rule"}]}, "not a check"),
    "a column with an escape": ({"acknowledged": [{**ACK, "column": "personal\x1b[2J"}]}, "not a check"),
    "a column of no check": ({"acknowledged": [{**ACK, "column": "both"}]}, "not a check"),
    "an empty reason": ({"acknowledged": [{**ACK, "reason": "\x1b[2J "}]}, '"acknowledged" must be'),
    "a language with an escape": ({"language": "fr\x9b31m"}, '"language" must be one of en, fr'),
    "an unknown language": ({"language": "xx"}, '"language" must be one of en, fr'),
}


@pytest.mark.parametrize("case", sorted(METADATA))
def test_import_refuses_metadata_it_cannot_trust(capsys, tmp_path, case):
    changes, says = METADATA[case]
    path = tmp_path / "r.json"
    path.write_text(json.dumps({**load("fippa-full"), **changes}, ensure_ascii=False, default=float), encoding="utf-8")
    code, out, err, _ = _run(capsys, "--db", str(tmp_path / "r.sqlite3"), "import", str(path))
    assert code == 2 and out == ""
    _one_line_refusal(err, str(path), says)
    assert not set(err) & {"\x1b", "\x9b"}
    assert _no_reports(tmp_path / "r.sqlite3")


def test_import_keeps_a_known_acknowledgement_with_its_reason_cleaned(capsys, tmp_path):
    path = tmp_path / "r.json"
    doc = {**load("fippa-full"), "language": "fr", "acknowledged": [{**ACK, "reason": "two were\x1b[2J re-filed"}]}
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    code, _, err, _ = _run(capsys, "--db", str(tmp_path / "r.sqlite3"), "import", str(path))
    assert code == 0 and err == ""
    with Store.open(tmp_path / "r.sqlite3") as store:
        (row,) = store.reports()
        assert row.language == "fr"
        assert store.acknowledgements(row.id) == {("fippa-7.7-within-7.6", "personal"): "two were re-filed"}
