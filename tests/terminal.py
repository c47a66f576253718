"""reportbot on a pseudo-terminal, as a filer's terminal runs it (POSIX only).

    with Terminal(cmd, env) as term:
        term.read_until(lambda new: b"name of your organization" in visible(new))
        term.write(b"Lakeshore CAS\\r")

The process gets a session of its own without the terminal as its controlling
one, so closing the terminal sends it no SIGHUP; it is killed on leaving.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable

# Escape sequences a terminal application writes (CSI, OSC, DCS/APC/PM/SOS, and the two-byte rest).
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_X][^\x1b]*\x1b\\|\x1b.")


def visible(data: bytes) -> bytes:
    """``data`` without its escape sequences: roughly the text it puts on screen."""
    return ESCAPES.sub(b"", data)


class Terminal:
    """``cmd`` running on a new pseudo-terminal of ``rows`` × ``columns``."""

    def __init__(self, cmd: list[str], env: dict, rows: int = 40, columns: int = 160) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.proc = subprocess.Popen(cmd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.seen = b""  # everything it has drawn so far

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.close()

    def read_until(self, done: Callable[[bytes], bool], seconds: float = 30) -> bytes:
        """Read what it draws until ``done`` holds for what this call read, it ends, or time runs out; what this call read."""
        start = len(self.seen)
        deadline = time.monotonic() + seconds
        while not done(self.seen[start:]) and time.monotonic() < deadline:
            if not select.select([self.master], [], [], min(0.2, max(deadline - time.monotonic(), 0)))[0]:
                if self.proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: it closed the terminal
                break
            if not chunk:
                break
            self.seen += chunk
        return self.seen[start:]

    def write(self, data: bytes) -> None:
        """Type ``data``."""
        os.write(self.master, data)

    def close(self) -> None:
        """Close the terminal, as a terminal window that goes away does."""
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
