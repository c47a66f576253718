"""The compiled-flow cache (reportbot.flow.cache): what it gives back is the flow, and nothing else.

A stale, damaged, truncated or planted cache file is never trusted: the flow
is compiled again from its YAML. A cached flow evaluates exactly as a freshly
compiled one, and needs no pydantic.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reportbot.engine import evaluate
from reportbot.flow import cache
from reportbot.flow.loader import read_flow
from reportbot.resources import flows_dir
from reports import load, parse

FLOWS = ["cyfsa-part-x", "fippa-year-end"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_SWITCH, raising=False)
    return folder


def _cached(form: str, calls: list | None = None):
    path = flows_dir() / f"{form}.yaml"

    def build():
        if calls is not None:
            calls.append(form)
        return read_flow(path)

    return cache.cached("flow", form, [path], build)


@pytest.mark.parametrize("report", FLOWS)
def test_a_cached_flow_evaluates_as_the_compiled_one(cache_dir, report):
    calls: list = []
    fresh = _cached(report, calls)
    again = _cached(report, calls)
    assert calls == [report], "the second load came from the cache"
    assert again is not fresh and isinstance(again.flow, cache.Record)
    assert [b.id for b in again.boxes] == [b.id for b in fresh.boxes]
    assert [(b.box.kind, b.columns, b.formula) for b in again.boxes] == [(b.box.kind, b.columns, b.formula) for b in fresh.boxes]
    prefix = "cyfsa" if report.startswith("cyfsa") else "fippa"
    for name in [n for n in ("cyfsa-full", "cyfsa-zero", "fippa-full", "fippa-corrections-only") if n.startswith(prefix)]:
        answers = parse(load(name)).answers
        a, b = evaluate(fresh, answers), evaluate(again, answers)
        assert a.values == b.values and a.route == b.route and a.missing == b.missing
        assert [(f.rule, f.column) for f in a.findings] == [(f.rule, f.column) for f in b.findings]
    box = again.by_id[again.boxes[0].id].box
    assert box == fresh.by_id[box.id].box and hash(box) == hash(again.by_id[box.id].box)
    with pytest.raises(AttributeError):
        box.kind = "count"
    assert box.model_copy(update={"label": "x"}).label == "x" and box.label != "x"


def test_a_changed_source_is_compiled_again(cache_dir, tmp_path):
    source = tmp_path / "flow.yaml"
    source.write_bytes((flows_dir() / "cyfsa-part-x.yaml").read_bytes())
    calls: list = []

    def build():
        calls.append(1)
        return read_flow(source)

    cache.cached("flow", "t", [source], build)
    cache.cached("flow", "t", [source], build)
    source.write_text(source.read_text(encoding="utf-8").replace("Identification", "Identity", 1), encoding="utf-8")
    flow = cache.cached("flow", "t", [source], build)
    assert len(calls) == 2
    assert flow.flow.sections[0].title != "Identification"


def test_the_fingerprint_covers_every_module_a_cold_build_imports():
    """Every reportbot module that compiling the flows and validating the dialogs runs is in the fingerprint."""
    code = (
        "import sys\n"
        "from reportbot.wording import languages, load_common, load_report_dialog\n"
        "from reportbot.flow.loader import load_flow, report_ids\n"
        "for form in report_ids():\n"
        "    load_flow(form)\n"
        "    for language in languages():\n"
        "        load_common(language), load_report_dialog(language, form)\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'reportbot'))\n"
    )
    env = {**os.environ, cache.ENV_SWITCH: "0"}  # built from the sources, as on a cold start
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    ran = {Path(f).resolve() for f in out.split()}
    assert Path(cache.__file__).resolve().parent / "compiler.py" in ran
    assert ran - {p.resolve() for p in cache.code_files()} == set()


def test_a_module_added_or_changed_among_the_shaping_code_changes_the_fingerprint(tmp_path):
    package = tmp_path / "reportbot"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    digests = [cache.code_digest(package)]
    (package / "flow" / "moved.py").write_text("def somewhere_new():\n    return 1\n")
    cache.code_digest.cache_clear()
    digests.append(cache.code_digest(package))
    (package / "yamlio.py").write_text((package / "yamlio.py").read_text() + "\n# an edit\n")
    cache.code_digest.cache_clear()
    digests.append(cache.code_digest(package))
    assert len(set(digests)) == 3
    # Code above the flows (the dialogue, the front ends) is not theirs: editing it keeps the cache.
    (package / "dialogue" / "machine.py").write_text("# an edit\n")
    cache.code_digest.cache_clear()
    assert cache.code_digest(package) == digests[-1]
    cache.code_digest.cache_clear()


@pytest.mark.parametrize("damage", ["empty", "truncated", "junk", "other-digest", "planted"])
def test_a_bad_cache_file_is_never_trusted(cache_dir, tmp_path, damage):
    calls: list = []
    _cached("cyfsa-part-x", calls)
    (file,) = cache_dir.iterdir()
    data = file.read_bytes()
    marker = tmp_path / "pwned"
    if damage == "empty":
        file.write_bytes(b"")
    elif damage == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif damage == "junk":
        file.write_bytes(data[:100] + os.urandom(4000))
    elif damage == "other-digest":
        file.write_bytes(cache.FORMAT + bytes(32) + data[len(cache.FORMAT) + 32 :])
    else:  # a pickle that would run a command, with the right header
        class Evil:
            def __reduce__(self):
                return (os.system, (f"touch {marker}",))

        head = cache.FORMAT + cache.fingerprint([flows_dir() / "cyfsa-part-x.yaml"])
        file.write_bytes(head + pickle.dumps(Evil()))
    flow = _cached("cyfsa-part-x", calls)
    assert len(calls) == 2, "compiled again"
    assert flow.id == "cyfsa-part-x" and not marker.exists()


def test_no_cache_when_turned_off_or_unwritable(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_SWITCH, "0")
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "off"))
    calls: list = []
    _cached("fippa-year-end", calls)
    _cached("fippa-year-end", calls)
    assert calls == ["fippa-year-end"] * 2 and not (tmp_path / "off").exists()
    monkeypatch.delenv(cache.ENV_SWITCH)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert _cached("fippa-year-end", calls).id == "fippa-year-end"


def test_a_warm_cache_needs_no_pydantic(cache_dir):
    _cached("cyfsa-part-x")
    code = (
        "import sys\n"
        "from reportbot.flow import cache\n"
        "flow = cache.read('flow', 'cyfsa-part-x', cache.fingerprint([__import__('reportbot.resources', fromlist=['x'])"
        ".flows_dir() / 'cyfsa-part-x.yaml']))\n"
        "assert flow is not cache.MISSING, 'no cache hit'\n"
        "assert flow.by_id['3.1'].box.kind == 'count'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core', 'yaml')))\n"
    )
    env = {**os.environ, cache.ENV_DIR: str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_cache_folder_and_its_files_are_owner_only_whatever_the_umask(tmp_path, monkeypatch):
    folder = tmp_path / "home" / ".cache" / "reportbot"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_SWITCH, raising=False)
    old = os.umask(0)
    try:
        _cached("fippa-year-end")
    finally:
        os.umask(old)
    made = [tmp_path / "home", tmp_path / "home" / ".cache", folder]
    assert [stat.S_IMODE(p.stat().st_mode) for p in made] == [0o700] * 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def _checkout(root: Path) -> Path:
    """A copy of this reportbot (package and data folders) at ``root``, as a second checkout would be."""
    src = Path(cache.__file__).resolve().parents[1]
    shutil.copytree(src, root / "src" / "reportbot", ignore=shutil.ignore_patterns("__pycache__"))
    for data in ("flows", "dialogs", "schema"):
        shutil.copytree(flows_dir().parent / data, root / data)
    return root


def test_two_checkouts_never_read_each_others_cache(tmp_path):
    """A compiled flow holds the paths it was read from: a second checkout of the same bytes must not get the first's."""
    code = (
        "import reportbot\n"
        "from reportbot.flow.loader import load_flow\n"
        "print(reportbot.__file__)\n"
        "print(load_flow('cyfsa-part-x').path)\n"
    )
    shared = tmp_path / "cache"
    checkouts = {name: _checkout(tmp_path / name) for name in ("one", "two")}
    for name in ("one", "two", "one"):  # one fills the cache; two runs on it; one again on both entries
        root = checkouts[name]
        env = {**os.environ, cache.ENV_DIR: str(shared), "PYTHONPATH": str(root / "src")}
        env.pop(cache.ENV_SWITCH, None)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        package, flow_path = out.splitlines()
        assert Path(package).is_relative_to(root), "the copy was not the reportbot imported"
        assert Path(flow_path).is_relative_to(root), f"{name} read the flow {flow_path} cached by another checkout"
    assert len(list(shared.glob("flow-cyfsa-part-x*.pickle"))) == 2  # one entry each, so neither rebuilds the other's
