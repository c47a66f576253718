"""Set up a private virtual environment and run reportbot or its tests.

    python3 dev.py start [reportbot arguments...]   set up, then start the assistant
    python3 dev.py test  [pytest arguments...]      set up, then run the whole test suite
    python3 dev.py check                            set up, then run ruff, mypy and lint-imports (CI does too)
    python3 dev.py lock                             refresh requirements.lock from pyproject.toml

Needs only Python 3.11+. The environment lives in .venv; it holds exactly the
versions in requirements.lock (checked against their hashes), and is built
anew whenever requirements.lock or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".reportbot-installed"
LOCK = ROOT / "requirements.lock"
# uv lives apart from .venv: it writes the lock, it is not part of what the lock pins.
LOCK_TOOLS = ROOT / ".lock-tools"
PIP = ["-m", "pip", "--disable-pip-version-check"]


def _python(folder: Path = VENV) -> Path:
    return folder / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")


def _digest() -> str:
    return hashlib.sha256(LOCK.read_bytes() + b"\0" + (ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_env() -> None:
    """Build .venv from requirements.lock, once per version of the lock and pyproject."""
    digest = _digest()
    if STAMP.exists() and STAMP.read_text() == digest and _python().exists():
        return
    # A fresh environment each time, so nothing installed by hand or left by an older lock survives.
    print("dev.py: building .venv from requirements.lock", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    python = str(_python())
    subprocess.run([python, *PIP, "install", "--quiet", "--require-hashes", "--no-deps", "-r", str(LOCK)], check=True)
    # reportbot itself, editable, built by the locked hatchling: nothing unpinned is fetched.
    subprocess.run(
        [python, *PIP, "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-e", str(ROOT)],
        check=True,
    )
    STAMP.write_text(digest)


def lock() -> int:
    """Resolve pyproject.toml's ranges (app, test tools, build backend) to exact versions with hashes.

    The resolution is universal (every platform's markers kept, as colorama for pytest on Windows)
    and for the oldest Python reportbot supports.
    """
    import tomllib

    if not (_python(LOCK_TOOLS).parent / ("uv.exe" if os.name == "nt" else "uv")).exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(LOCK_TOOLS)
        subprocess.run([str(_python(LOCK_TOOLS)), *PIP, "install", "--quiet", "uv>=0.5"], check=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # The build backend is pinned too (dev.py builds without isolation); hatchling's editable hook needs editables.
    build = [*project["build-system"]["requires"], "editables>=0.5"]
    return subprocess.run(
        [str(_python(LOCK_TOOLS)), "-m", "uv", "pip", "compile", "--quiet", "--upgrade", "--universal",
         "--python-version", project["project"]["requires-python"].removeprefix(">="), "--generate-hashes",
         "--extra", "test", "--annotation-style", "line", "--custom-compile-command", "python3 dev.py lock",
         "-o", str(LOCK), str(ROOT / "pyproject.toml"), "-"],
        input="\n".join(build), text=True, cwd=ROOT,
    ).returncode


# The static checks, each configured in pyproject.toml: the style, the types, the layers.
CHECKS = [["ruff", "check", "."], ["mypy"], ["lint-imports"]]


def check() -> int:
    """Run every check (all of them, so one run shows every problem); 1 when any fails."""
    failed = [c[0] for c in CHECKS if subprocess.call([str(BIN / c[0]), *c[1:]], cwd=ROOT) != 0]
    if failed:
        print(f"dev.py: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "test", "check", "lock"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "lock":
        return lock()
    ensure_env()
    if argv[0] == "check":
        return check()
    command, rest = argv[0], argv[1:]
    args = [str(BIN / "reportbot"), *rest] if command == "start" else [str(_python()), "-m", "pytest", *rest]
    os.chdir(ROOT)
    if os.name == "nt":
        return subprocess.call(args)
    os.execv(args[0], args)
    return 0  # unreachable: execv replaces this process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
