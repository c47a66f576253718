"""reportbot's benchmark: one command, one table.

    .venv/bin/python bench/run.py            # the full run (about two minutes)
    .venv/bin/python bench/run.py --quick    # a short run (fewer repetitions, under half a minute)
    .venv/bin/python bench/run.py --only plain,turn

The table is Markdown (it goes into the README as printed); the exit status
is 1 when a target is missed, else 0. A row that cannot be measured (the TUI
not built, a process that fails) says so instead of failing the run.

Every figure is a median over repeated runs, and each is measured in the
same run as its baseline (start-up runs alternate with their baseline's, so
the machine's mood hits both alike):

  plain   process start to the first prompt byte of ``reportbot --plain new
          cyfsa-part-x --year 2025`` (fresh --db), against
          ``python -c "import pydantic, yaml, transitions"`` run to exit.
  tui     process start to the first question on a pseudo-terminal's screen
          for ``reportbot new cyfsa-part-x --year 2025``, against a bare
          Textual app with one Static and one Input (bench/bare_textual.py).
  tui-turn
          Enter to the next question on a pseudo-terminal's screen in
          ``reportbot new cyfsa-part-x --year 2025``, over the first 16
          answers of tests/data/conversations/cyfsa-full.txt (each typed and
          echoed before Enter; the question it brings is learnt from the
          plain-mode engine first), pooled over a few processes; median and
          90th percentile, against no baseline (the target is 50 ms).
  turn    one dialogue turn (Conversation.reply: answer in, next prompt
          out, totals and checks included) over the full FIPPA conversation
          of tests/data/conversations/fippa-full.txt, in one process with a
          store in a temporary folder; median and 99th percentile, against
          one committed Store.set_answer (the durable write every turn makes).
  check   ``reportbot check`` (cli.main, output to memory) over 1,000
          generated report files in one process pinned to one core: files
          per second, against reading and decoding the same files.
  memory  peak RSS of ``reportbot --plain new fippa-year-end`` over the full
          FIPPA conversation, against the baseline's; and the conversation's
          own peak Python allocation (tracemalloc, after imports).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import procs  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
REPORTBOT = str(BIN / "reportbot") if (BIN / "reportbot").exists() else None
FIPPA = ROOT / "tests" / "data" / "conversations" / "fippa-full.txt"
CYFSA = ROOT / "tests" / "data" / "conversations" / "cyfsa-full.txt"
QUESTION = "What is the name of your organization?"
ROWS = ("plain", "tui", "tui-turn", "turn", "check", "memory", "log")
TITLES = {"plain": "plain: start to first prompt", "tui": "tui: start to first question on screen",
          "tui-turn": "tui: Enter to next question on screen", "turn": "turn", "check": "check: 1,000 files",
          "memory": "memory", "log": "log count: 100,000 rows"}


@dataclass
class Row:
    measure: str
    value: str
    baseline: str
    ratio: str
    target: str
    met: str


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _env(**extra: str) -> dict[str, str]:
    # Not the filer's database or mode; the flow cache settings (REPORTBOT_CACHE*) pass through.
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTBOT_DB", "REPORTBOT_PLAIN", "PYTHONTRACEMALLOC")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled bytecode is part of a normal start
    env.update(NO_COLOR="1", LANG="en_CA.UTF-8", **extra)
    return env


def _reportbot(*args: str) -> list[str]:
    return [REPORTBOT, *args] if REPORTBOT else [PYTHON, "-m", "reportbot", *args]


def _alternate(subject, baseline, runs: int, warmup: int = 2) -> tuple[list[float], list[float]]:
    """Run subject and baseline alternately ``runs`` times each (after warm-up runs); their timings."""
    for _ in range(warmup):
        subject()
        baseline()
    a, b = [], []
    for i in range(runs):
        if i % 2:
            b.append(baseline())
            a.append(subject())
        else:
            a.append(subject())
            b.append(baseline())
    return a, b


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- (1) plain mode start-up ------------------------------------------------------------------


def bench_plain(runs: int, tmp: Path) -> list[Row]:
    counter = iter(range(10**9))

    def subject() -> float:
        db = tmp / f"plain-{next(counter)}.sqlite3"
        command = _reportbot("--db", str(db), "--plain", "new", "cyfsa-part-x", "--year", "2025")
        return procs.until_prompt(command, _env())

    def baseline() -> float:
        return procs.until_exit([PYTHON, "-c", "import pydantic, yaml, transitions"], _env())

    a, b = _alternate(subject, baseline, runs)
    ratio = statistics.median(a) / statistics.median(b)
    return [Row("plain: start to first prompt", _ms(statistics.median(a)),
                f"{_ms(statistics.median(b))} (import pydantic, yaml, transitions)",
                f"{ratio:.2f}×", "≤ 1.6×", "yes" if ratio <= 1.6 else "NO")]


# --- (2) TUI start-up -----------------------------------------------------------------------------


def _tui_built() -> bool:
    """True when reportbot.frontends.tui.app defines run_tui (found without importing textual here)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("reportbot.frontends.tui.app")
    except ImportError:
        return False
    if spec is None or not spec.origin:
        return False
    return "def run_tui(" in Path(spec.origin).read_text(encoding="utf-8")


def bench_tui(runs: int, tmp: Path) -> list[Row]:
    name = "tui: start to first question on screen"
    if not _tui_built():
        return [Row(name, "not measured: TUI not built", "", "", "≤ 1.3×", "—")]
    counter = iter(range(10**9))
    env = _env(TERM="xterm-256color", COLORTERM="truecolor", TEXTUAL_ANIMATIONS="none")

    def subject() -> float:
        db = tmp / f"tui-{next(counter)}.sqlite3"
        command = _reportbot("--db", str(db), "new", "cyfsa-part-x", "--year", "2025")
        return procs.until_on_screen(command, QUESTION, env)

    def baseline() -> float:
        return procs.until_on_screen([PYTHON, str(HERE / "bare_textual.py"), QUESTION], QUESTION, env)

    a, b = _alternate(subject, baseline, runs)
    ratio = statistics.median(a) / statistics.median(b)
    return [Row(name, _ms(statistics.median(a)), f"{_ms(statistics.median(b))} (bare Textual app: Static + Input)",
                f"{ratio:.2f}×", "≤ 1.3×", "yes" if ratio <= 1.3 else "NO")]


def tui_steps(lines: list[str], tmp: Path) -> list[tuple[str, str]]:
    """Each answer with the start of the question it brings ("[tag] first word"), from the plain-mode engine."""
    from reportbot.dialogue.conversation import Conversation
    from reportbot.store import Store

    store = Store.open(Path(tempfile.mkdtemp(dir=tmp)) / "steps.sqlite3")
    conv = Conversation(store, language="en", form="cyfsa-part-x", year=2025)
    steps = []
    try:
        conv.start()
        for line in lines:
            conv.reply(line)
            if conv.prompt is None:
                break
            # Not the tag alone: it is also in the answer box's border, which the cursor's blink
            # redraws, so a question asked again (after "help") could be seen before the reply.
            steps.append((line, f"[{conv.prompt.tag}] {conv.prompt.text.split()[0]}"))
    finally:
        conv.close()
        store.close()
    return steps


def bench_tui_turn(runs: int, tmp: Path) -> list[Row]:
    name, target = TITLES["tui-turn"], "≤ 50 ms (median)"
    if not _tui_built():
        return [Row(name, "not measured: TUI not built", "", "", target, "—")]
    steps = tui_steps(CYFSA.read_text(encoding="utf-8").splitlines()[:16], tmp)
    env = _env(TERM="xterm-256color", COLORTERM="truecolor", TEXTUAL_ANIMATIONS="none")
    processes = max(3, runs // 3)
    times = []
    for i in range(processes):
        db = tmp / f"tui-turn-{i}.sqlite3"
        times += procs.turns_on_screen(_reportbot("--db", str(db), "new", "cyfsa-part-x", "--year", "2025"),
                                       QUESTION, steps, env, timeout=20)
    med = statistics.median(times)
    return [Row(name, _ms(med), f"p90 {_ms(_p(times, 0.9))}, {len(times)} turns in {processes} runs", "",
                target, "yes" if med <= 0.05 else "NO")]


# --- (3) one dialogue turn --------------------------------------------------------------------


def conversation_turns(folder: Path, lines: list[str]) -> list[float]:
    """Seconds per reply over one full conversation, in a new store in ``folder``."""
    from reportbot.dialogue.conversation import Conversation
    from reportbot.store import Store

    store = Store.open(folder / "turns.sqlite3")
    conv = Conversation(store, language="en", form="fippa-year-end", year=2025)
    conv.start()
    times = []
    clock = time.perf_counter
    try:
        for line in lines:
            start = clock()
            conv.reply(line)
            times.append(clock() - start)
        if conv.state != "done":
            raise RuntimeError(f"the FIPPA conversation did not finish (state {conv.state})")
    finally:
        conv.close()
        store.close()
    return times


def commit_times(folder: Path, count: int) -> list[float]:
    from reportbot.store import Store

    store = Store.open(folder / "commits.sqlite3")
    report_id = store.create_report("fippa-year-end", 2025)
    times = []
    try:
        for i in range(count):
            start = time.perf_counter()
            store.set_answer(report_id, ("3.1", "personal"), i)
            times.append(time.perf_counter() - start)
    finally:
        store.close()
    return times


def turn_worker(runs: int, tmp: Path) -> dict:
    lines = FIPPA.read_text(encoding="utf-8").splitlines()
    conversation_turns(Path(tempfile.mkdtemp(dir=tmp)), lines)  # warm: flows and dialogs load once per process
    medians, p99s, pooled, commits = [], [], [], []
    for _ in range(runs):
        times = conversation_turns(Path(tempfile.mkdtemp(dir=tmp)), lines)
        medians.append(statistics.median(times))
        p99s.append(_p(times, 0.99))
        pooled += times
        commits.append(statistics.median(commit_times(Path(tempfile.mkdtemp(dir=tmp)), 50)))
    ram = []
    if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK):
        # The same turns with the store in RAM, where a commit's fsync costs nothing: the disk's share.
        for _ in range(runs):
            folder = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="reportbot-bench-"))
            try:
                ram.append(_p(conversation_turns(folder, lines), 0.99))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    return {"turns": len(lines), "medians": medians, "p99s": p99s, "pooled_p99": _p(pooled, 0.99),
            "max": max(pooled), "commits": commits, "ram_p99s": ram}


def bench_turn(runs: int, tmp: Path) -> list[Row]:
    r = _worker("turn", runs, tmp)
    med, p99, commit = statistics.median(r["medians"]), statistics.median(r["p99s"]), statistics.median(r["commits"])
    detail = f"{r['turns']} turns × {runs} runs; pooled p99 {_ms(r['pooled_p99'])}, max {_ms(r['max'])}"
    return [
        Row("turn: median", _ms(med), f"{_ms(commit)} (one committed set_answer)", f"{med / commit:.1f}×", "—", "—"),
        Row("turn: p99", _ms(p99), detail, "", "< 2 ms", "yes" if p99 < 0.002 else "NO"),
    ] + ([Row("turn: p99, store in RAM (/dev/shm)", _ms(statistics.median(r["ram_p99s"])),
              "the same turns without the disk's fsync", "", "(diagnostic)", "—")] if r["ram_p99s"] else [])


def _worker(name: str, runs: int, tmp: Path) -> dict:
    """Run one in-process figure in a fresh interpreter (this one has imported more than reportbot would)."""
    proc = subprocess.run([PYTHON, __file__, "--worker", name, "--runs", str(runs), "--tmp", str(tmp)],
                          capture_output=True, text=True, env=_env())
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.splitlines()[-1])


# --- (4) check throughput ---------------------------------------------------------------------


@contextlib.contextmanager
def _one_core():
    """Pin this process to one CPU for the duration (Linux); elsewhere, a no-op."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


def check_worker(runs: int, tmp: Path, count: int = 1000) -> dict:
    import yaml

    import gen
    from reportbot.cli import main

    paths = gen.generate(Path(tempfile.mkdtemp(dir=tmp)), count)
    names = [str(p) for p in paths]
    sink = io.StringIO()

    def check_all() -> float:
        sink.seek(0)
        sink.truncate()
        start = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            status = main(["--lang", "en", "check", *names])
        elapsed = time.perf_counter() - start
        if status == 2:
            raise RuntimeError("a generated file was refused as unusable:\n" + sink.getvalue()[-2000:])
        return elapsed

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def decode_all() -> float:
        start = time.perf_counter()
        for p in paths:
            text = p.read_bytes().decode("utf-8")
            json.loads(text) if p.suffix == ".json" else yaml.load(text, Loader=loader)  # noqa: S506
        return time.perf_counter() - start

    with _one_core() as cpu:
        a, b = _alternate(check_all, decode_all, runs, warmup=1)
    return {"count": count, "cpu": cpu, "check": a, "decode": b}


def bench_check(runs: int, tmp: Path) -> list[Row]:
    r = _worker("check", runs, tmp)
    count = r["count"]
    rate, base = count / statistics.median(r["check"]), count / statistics.median(r["decode"])
    pinned = f"CPU {r['cpu']}" if r["cpu"] is not None else "unpinned"
    return [Row(f"check: {count:,} files, one core ({pinned})", f"{rate:,.0f} files/s",
                f"{base:,.0f} files/s (read + decode only)", f"{rate / base:.2f}×", "≥ 2,000/s",
                "yes" if rate >= 2000 else "NO")]


# --- (5) memory -------------------------------------------------------------------------------------


def memory_worker(runs: int, tmp: Path) -> dict:
    """The FIPPA conversation through the plain mode, with tracemalloc on after the imports."""
    import tracemalloc

    from reportbot.dialogue.conversation import Conversation
    from reportbot.frontends import plain
    from reportbot.store import Store

    text = FIPPA.read_text(encoding="utf-8")
    store = Store.open(Path(tempfile.mkdtemp(dir=tmp)) / "m.sqlite3")
    tracemalloc.start()
    conv = Conversation(store, language="en", form="fippa-year-end", year=2025)
    plain.run(conv, io.StringIO(text), io.StringIO())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    return {"tracemalloc_peak": peak}


# Runs a program in this interpreter and, at exit, writes its peak resident set (VmHWM, KiB) to a file.
# ru_maxrss would not do: Linux carries a parent's peak over fork and exec into the child's.
_PEAK = """
import atexit, resource, sys
def _peak(path=sys.argv[1]):
    try:
        kib = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    open(path, "w").write(str(kib))
atexit.register(_peak)
code = sys.argv[2]
sys.argv = sys.argv[2:]
exec(code)
"""


def _peak_kib(code: str, args: list[str], stdin_text: str, tmp: Path, ok: tuple[int, ...] = (0,)) -> int:
    out = Path(tempfile.mkstemp(dir=tmp)[1])
    proc = subprocess.run([PYTHON, "-c", _PEAK, str(out), code, *args], input=stdin_text.encode("utf-8"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    if proc.returncode not in ok:
        raise RuntimeError(f"{code} {args} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return int(out.read_text())


def bench_memory(runs: int, tmp: Path) -> list[Row]:
    text = FIPPA.read_text(encoding="utf-8")
    counter = iter(range(10**9))
    cli = "from reportbot.cli import main; raise SystemExit(main(sys.argv[1:]))"

    def subject() -> float:
        db = tmp / f"mem-{next(counter)}.sqlite3"
        return _peak_kib(cli, ["--db", str(db), "--plain", "new", "fippa-year-end", "--year", "2025"], text, tmp)

    def baseline() -> float:
        return _peak_kib("import pydantic, yaml, transitions", [], "", tmp)

    n = max(3, runs // 3)
    a, b = _alternate(subject, baseline, n, warmup=1)
    peaks = [_worker("memory", 1, tmp)["tracemalloc_peak"] for _ in range(n)]
    rss, base = statistics.median(a), statistics.median(b)
    return [
        Row("memory: peak RSS, full FIPPA conversation", f"{rss / 1024:.1f} MiB",
            f"{base / 1024:.1f} MiB (import pydantic, yaml, transitions)", f"{rss / base:.2f}×", "—", "—"),
        Row("memory: the conversation's own peak (tracemalloc)", f"{statistics.median(peaks) / 1024 / 1024:.2f} MiB",
            "Python allocations after the imports", "", "—", "—"),
    ]


# --- (6) counting a request log ------------------------------------------------------------------

LOG_ROWS = 100_000


def _timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> float:
    """Seconds from spawn to exit; ``log count`` exits 1 when the log has row findings, as a big real log does."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(), stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RuntimeError(f"{cmd[:4]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed


_CSV_PASS = "import csv, sys\nfor _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')): pass"
_CALAMINE = ("import sys\nfrom python_calamine import CalamineWorkbook\nwb = CalamineWorkbook.from_path(sys.argv[1])\n"
             "for name in wb.sheet_names:\n    for _ in wb.get_sheet_by_name(name).iter_rows(): pass")


def bench_log(runs: int, tmp: Path) -> list[Row]:
    rows = []
    for suffix, baseline_code, label, target in (
        (".csv", _CSV_PASS, "a bare csv.reader pass", 2.5), (".xlsx", _CALAMINE, "python-calamine's own read", 1.5),
    ):
        log = tmp / f"log{suffix}"
        subprocess.run([PYTHON, str(HERE / "logs.py"), "big", "fippa-year-end", str(LOG_ROWS), "-o", str(log)],
                       check=True, capture_output=True)
        command = _reportbot("log", "count", "fippa-year-end", str(log), "--year", "2025", "-o", str(tmp / "out.json"))
        n = max(3, runs // 4)
        bare = [PYTHON, "-c", baseline_code, str(log)]
        a, b = _alternate(lambda c=command: _timed(c, ok=(0, 1)), lambda c=bare: _timed(c), n, warmup=1)
        took, base = statistics.median(a), statistics.median(b)
        rows.append(Row(f"log count: {LOG_ROWS:,} FIPPA rows, {suffix[1:]} (whole process)", _ms(took),
                        f"{_ms(base)} ({label})", f"{took / base:.2f}×", f"≤ {target}×",
                        "yes" if took / base <= target else "NO"))
    cli = "from reportbot.cli import main; raise SystemExit(main(sys.argv[1:]))"
    peak = _peak_kib(cli, ["log", "count", "fippa-year-end", str(tmp / "log.csv"), "--year", "2025", "-o",
                           str(tmp / "out.json")], "", tmp, ok=(0, 1))
    rows.append(Row(f"log count: peak RSS, {LOG_ROWS:,} CSV rows", f"{peak / 1024:.1f} MiB", "", "", "< 150 MiB",
                    "yes" if peak / 1024 < 150 else "NO"))
    return rows


# --- the table ----------------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import pydantic
    import yaml

    try:
        import textual

        tx = f", textual {textual.__version__}"
    except (ImportError, AttributeError):
        tx = ""
    return [
        f"Machine: {cpu}, nproc {usable} ({os.cpu_count()} CPUs), {platform.system()} {platform.release()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), pydantic {pydantic.VERSION}, "
        f"PyYAML {yaml.__version__} (libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'}){tx}",
    ]


def table(rows: list[Row]) -> str:
    head = ("Measure", "reportbot", "Baseline", "Ratio", "Target", "Met")
    cells = [head] + [(r.measure, r.value, r.baseline, r.ratio, r.target, r.met) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    line = lambda c: "| " + " | ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions (a rough figure in well under a minute)"
    )
    parser.add_argument("--runs", type=int, help="repetitions per figure (default 21, or 5 with --quick)")
    parser.add_argument("--only", help=f"comma-separated rows among {', '.join(ROWS)}")
    parser.add_argument("--worker", choices=["turn", "check", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        workers = {"turn": turn_worker, "check": check_worker, "memory": memory_worker}
        print(json.dumps(workers[args.worker](args.runs or 1, args.tmp or Path(tempfile.mkdtemp()))))
        return 0
    runs = args.runs or (5 if args.quick else 21)
    only = args.only.split(",") if args.only else list(ROWS)
    unknown = set(only) - set(ROWS)
    if unknown:
        parser.error(f"unknown row {sorted(unknown)[0]!r}; choose among {', '.join(ROWS)}")
    benches = {"plain": bench_plain, "tui": bench_tui, "tui-turn": bench_tui_turn, "turn": bench_turn,
               "check": bench_check, "memory": bench_memory,
               "log": bench_log}
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="reportbot-bench-"))
    try:
        for name in ROWS:
            if name in only:
                print(f"bench: {name} ({runs} runs)...", file=sys.stderr, flush=True)
                try:
                    rows += benches[name](runs, tmp)
                except (procs.ProcessFailed, RuntimeError, subprocess.SubprocessError) as e:
                    print(f"bench: {name} failed: {e}", file=sys.stderr)
                    why = getattr(e, "short", None) or (str(e).strip().splitlines() or [type(e).__name__])[-1][:80]
                    rows.append(Row(TITLES[name], f"not measured: it failed ({why})", "", "", "", "—"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(machine()))
    print(f"Each figure: median of {runs} runs{' (--quick)' if args.quick else ''}; "
          f"memory: of {max(3, runs // 3)}; tui turns: pooled over {max(3, runs // 3)} processes.")
    print()
    print(table(rows))
    return 1 if any(r.met == "NO" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
