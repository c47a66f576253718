"""The tests run on exactly what requirements.lock pins, and a fresh clone builds that from nothing.

A fresh machine takes whatever was released last; without a lock, a library's
new release (PyYAML 6.0.4's own refusal of deep nesting) broke ``dev.py test``
on fresh machines only. These tests make the lock the single truth.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
# Installed by venv itself or being the project: not pinned by the lock.
UNPINNED = {"pip", "setuptools", "reportbot"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked() -> dict[str, str]:
    """Name -> version of every pin in the lock whose marker holds here."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        m = _PIN.match(line)
        if m and (m[3] is None or Marker(m[3]).evaluate()):
            pins[canonicalize_name(m[1])] = m[2]
    return pins


def test_every_pin_has_a_hash():
    text = LOCK.read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert len(blocks) > 20
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_environment_is_exactly_the_lock():
    pins = locked()
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    assert {n: installed.get(n) for n in pins} == pins
    assert set(installed) - set(pins) - UNPINNED == set(), "installed but not locked: run python3 dev.py lock"


def test_every_direct_dependency_is_locked():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"],
              *project["build-system"]["requires"]]
    pins = locked()
    for spec in wanted:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} is outside {req.specifier}"


@pytest.mark.skipif(not os.environ.get("CI") and not os.environ.get("REPORTBOT_FRESH_CLONE"),
                    reason="builds a whole environment from a fresh clone: run in CI, or with REPORTBOT_FRESH_CLONE=1")
def test_a_fresh_clone_sets_up_and_tests_with_nothing_but_python(tmp_path):
    """CI's own terms: a clone of HEAD, ../shared beside it, a bare environment, ``python3 dev.py test``."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "main"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    shared = ROOT.parent / "shared"
    if shared.exists():
        (tmp_path / "shared").symlink_to(shared)
    python = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{python.parent}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(home), "CI": "true",
           "NO_COLOR": "1", "LANG": "C.UTF-8"}
    run = subprocess.run(
        [str(python), "dev.py", "test", "-q", "-p", "no:cacheprovider", "tests/test_environment.py",
         "tests/test_hostile_files.py", "-k", "not fresh_clone"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"\d+ passed", run.stdout)
