"""Whether a process still runs: the owner of a report's lock, or the writer of a temporary file.

A pid alone is not enough: pids are reused, and a killed process lingers as a
zombie until its parent reaps it. On Linux a process is also known by its boot
id and start time (:func:`identity`). Windows has its own check, which has
never run (the README says so).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def identity(pid: int) -> str | None:
    """Boot id and start time of ``pid`` (Linux), so a reused pid is not taken for the owner."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


def alive(pid: int, started: str | None) -> bool:
    """Whether the process that took a lock still runs."""
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OSError:
        return False
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        if raw[raw.rindex(")") + 2 :].startswith("Z"):
            return False  # killed, not yet reaped by its parent
    except (OSError, ValueError):
        pass
    if started is not None:
        now = identity(pid)
        if now is not None and now != started:
            return False
    return True


def _alive_windows(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    if sys.platform != "win32":  # never: it tells type checkers on other systems that what follows is Windows-only
        raise NotImplementedError
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it exists
    try:
        code = wintypes.DWORD()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
    finally:
        kernel32.CloseHandle(handle)
