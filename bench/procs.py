"""Timing whole processes: until a prompt byte on a pipe, until text on a pty's screen, until exit;
and the turns of one process on a pty, from each Enter to the next text on screen.

The start-up timings start the clock just before the process is spawned, so
the interpreter's own start-up, the imports and everything up to the awaited
output count, the same way for reportbot and for its baseline.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

# Escape sequences a terminal application writes (CSI, OSC, DCS/APC/PM, charset selection, others).
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1b[P^_X][^\x1b]*\x1b\\"
    rb"|\x1b[()*+][0-9A-Za-z]"
    rb"|\x1b."
)


class ProcessFailed(RuntimeError):
    """The process ended, or timed out, before showing what was awaited; ``short`` says why in a few words."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message + (f"\n{output[-2000:]}" if output else ""))
        errors = [line.strip() for line in output.splitlines() if re.match(r"\s*\w*(Error|Exception)\b.*:", line)]
        self.short = errors[-1][:80] if errors else message[:80]


def until_exit(cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float = 60) -> float:
    """Seconds from spawn to exit (stdout and stderr discarded); raises if the exit code is not 0."""
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise ProcessFailed(f"exited {proc.returncode}", proc.stderr.decode(errors="replace"))
    return elapsed


def until_prompt(cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float = 60) -> float:
    """Seconds from spawn until a line starting with "[" (a plain-mode prompt) arrives on stdout.

    stdin stays open (a pipe) until the prompt is seen, then is closed: the
    plain mode takes end of input as "quit" and exits.
    """
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env=env, stdin=subprocess.PIPE, stdout=write_fd, stderr=subprocess.PIPE)
    os.close(write_fd)
    seen = b""
    elapsed = None
    try:
        deadline = start + timeout
        while elapsed is None:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                raise ProcessFailed(f"no prompt within {timeout} s")
            chunk = os.read(read_fd, 65536)
            now = time.perf_counter()
            if not chunk:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise ProcessFailed("ended before its first prompt", err)
            seen += chunk
            if seen.startswith(b"[") or b"\n[" in seen:
                elapsed = now - start
    finally:
        if proc.stdin:
            proc.stdin.close()
        while os.read(read_fd, 65536) if select.select([read_fd], [], [], 10)[0] else b"":
            pass
        os.close(read_fd)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    return elapsed


def until_on_screen(cmd: Sequence[str], text: str, env: dict[str, str] | None = None, timeout: float = 60,
                    size: tuple[int, int] = (40, 160)) -> float:
    """Seconds from spawn until ``text`` appears in what the process draws on a pseudo-terminal.

    The process gets a pty of ``size`` (rows, columns) as stdin, stdout and
    stderr; escape sequences are removed from its output before looking
    for ``text``. The process is killed once the text is seen.
    """
    master, slave = _pty(size)
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    try:
        return _read_until(master, text, start + timeout) - start
    finally:
        _kill(proc, master)


def turns_on_screen(cmd: Sequence[str], first_text: str, steps: Sequence[tuple[str, str]],
                    env: dict[str, str] | None = None, timeout: float = 60, size: tuple[int, int] = (40, 160),
                    settle: float = 0.1) -> list[float]:
    """Seconds from each Enter until the text it should bring appears on a pseudo-terminal's screen.

    Once ``first_text`` is on screen, each step ``(answer, text)`` types the
    answer, waits until it is echoed and the screen has been still for
    ``settle`` seconds (typing is not timed; a person is slower), then
    presses Enter and times until ``text`` appears in the output written
    after the Enter. ``timeout`` bounds each wait; the process is killed
    at the end.
    """
    master, slave = _pty(size)
    proc = subprocess.Popen(list(cmd), env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    times = []
    try:
        _read_until(master, first_text, time.perf_counter() + timeout)
        for answer, text in steps:
            os.write(master, answer.encode("utf-8"))
            if answer:
                _read_until(master, answer, time.perf_counter() + timeout)
            _settle(master, settle, time.perf_counter() + timeout)
            start = time.perf_counter()
            os.write(master, b"\r")
            times.append(_read_until(master, text, start + timeout) - start)
    finally:
        _kill(proc, master)
    return times


def _pty(size: tuple[int, int]) -> tuple[int, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    return master, slave


def _read(master: int, deadline: float) -> bytes | None:
    """The next output from the pty: b"" once the child has closed it, None if nothing came by the deadline."""
    left = deadline - time.perf_counter()
    if left <= 0 or not select.select([master], [], [], left)[0]:
        return None
    try:
        return os.read(master, 65536)
    except OSError:  # EIO: the child closed the terminal
        return b""


def _read_until(master: int, text: str, deadline: float) -> float:
    """The time at which ``text`` was read, looking only at what this call reads.

    Escape sequences are removed from all of it at each read, so that a
    sequence split across reads is removed once it is complete.
    """
    wanted = text.encode("utf-8")
    raw = b""
    while True:
        chunk = _read(master, deadline)
        now = time.perf_counter()
        if not chunk:
            why = "ended before showing" if chunk == b"" else "did not show in time"
            raise ProcessFailed(f"{why} {text!r}", _ESCAPES.sub(b"", raw).decode(errors="replace"))
        raw += chunk
        if wanted in _ESCAPES.sub(b"", raw):
            return now


def _settle(master: int, quiet: float, deadline: float) -> None:
    """Read and drop output until none has come for ``quiet`` seconds."""
    while time.perf_counter() < deadline:
        chunk = _read(master, min(deadline, time.perf_counter() + quiet))
        if chunk is None:
            return
        if not chunk:
            raise ProcessFailed("ended while its screen was settling")
    raise ProcessFailed("its screen did not settle in time")


def _kill(proc: subprocess.Popen, master: int) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    os.close(master)
