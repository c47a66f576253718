"""A cache of compiled flows and validated dialogs, checked against their sources.

Validating a flow or a dialog takes pydantic, and importing pydantic and
building its models costs more than the rest of reportbot's start-up. The
result of that work is plain data, so it is kept between runs:

    flow = cached("flow", "cyfsa-part-x", [path], lambda: read_flow(path))

returns what ``build`` returns, from the cache when the cache was written
from the same bytes of every source (and of the code that builds it) by the
same copy of reportbot, else by calling ``build`` and storing the result.
The cache folder is shared by every checkout and installation, and a
compiled flow holds the paths it was read from, so each copy's entries are
its own: named and fingerprinted by the package's location. In the stored
copy every pydantic model becomes a :class:`Record`: a frozen object with
the same attributes and the same equality, whose class needs no pydantic. So
a start from a warm cache imports neither pydantic nor the model classes.

The cache is only ever an optimisation: a missing, stale, damaged or
unreadable cache file is rebuilt silently, and a folder that cannot be
written just means no cache. It lives in ``$REPORTBOT_CACHE_DIR``, else the
user's cache folder (``$XDG_CACHE_HOME/reportbot``, ``~/.cache/reportbot``,
``~/Library/Caches/reportbot``, ``%LOCALAPPDATA%\\reportbot\\Cache``),
created owner-only; ``REPORTBOT_CACHE=0`` turns it off. Only the classes
compiled flows are made of can be loaded from it (see :data:`ALLOWED`), so a
file planted in the cache folder cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from reportbot.ownfiles import make_folders, write_atomic

T = TypeVar("T")

FORMAT = b"reportbot-cache/1\n"
ENV_DIR = "REPORTBOT_CACHE_DIR"
ENV_SWITCH = "REPORTBOT_CACHE"
_HERE = Path(__file__).resolve().parent
# Which reportbot this is: two checkouts (of the same code or not) never read each other's entries.
LOCATION = str(_HERE.parent).encode("utf-8", "surrogateescape")
_TAG = hashlib.blake2b(LOCATION, digest_size=6).hexdigest()
PACKAGE = _HERE.parent

# (module, name) pairs a cache file may name; anything else is refused and the cache rebuilt.
ALLOWED: set[tuple[str, str]] = {
    ("reportbot.flow.cache", "Record"),
    *(("reportbot.flow.loader", n) for n in (
        "BoxInfo", "Side", "CompiledCheck", "CompiledClause", "CompiledCondition", "CompiledRoute",
        "CompiledNotice", "CompiledFlow",
    )),
    *(("reportbot.flow.expr", n) for n in ("Linear", "Relation", "Choice", "Condition", "Bounds")),
    *(("reportbot.flow.logcheck", n) for n in ("LogRule", "BoxRule", "CompiledLog")),
    *(("reportbot.flow.logexpr", n) for n in ("Name", "Number", "Has", "Not", "AllOf", "AnyOf", "Compare")),
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"), ("pathlib", "PureWindowsPath"),
    ("decimal", "Decimal"), ("fractions", "Fraction"),
    ("copyreg", "_reconstructor"), ("builtins", "object"), ("builtins", "set"), ("builtins", "frozenset"),
}


class Record:
    """A frozen stand-in for a pydantic model: the same attributes, compared and hashed by value.

    ``_model`` is the model's class name ("Box"), kept for repr and equality.
    """

    __slots__ = ("_model", "__dict__")
    _model: str

    def __init__(self, model: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_model", model)
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{self._model} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._model} is frozen")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._model == other._model and self.__dict__ == other.__dict__
        fields = getattr(type(other), "model_fields", None)
        if type(other).__name__ == self._model and fields is not None:
            return self.__dict__ == {k: getattr(other, k) for k in fields}
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._model, *(_hashable(v) for v in self.__dict__.values())))

    def __repr__(self) -> str:
        return f"{self._model}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __reduce__(self) -> tuple[type[Record], tuple[str, dict[str, Any]]]:
        return (Record, (self._model, dict(self.__dict__)))

    # The two pydantic methods code outside validation uses on these models.

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Record:
        import copy

        fields = copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        return Record(self._model, {**fields, **(update or {})})

    def model_dump(self) -> dict[str, Any]:
        return {k: _dump(v) for k, v in self.__dict__.items()}


def _dump(value: object) -> object:
    if isinstance(value, Record):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "off", "no", "false")


def folder() -> Path:
    """Where cache files go (not created here)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "reportbot" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "reportbot"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "reportbot"


def code_files(package: Path = PACKAGE) -> list[Path]:
    """The code that can shape a compiled flow or dialog: the flow package and the package's top-level modules.

    Found by globbing, so a module added or a function moved among them is covered without a list to keep.
    Flows and dialogs sit low in the layers (pyproject.toml's import contracts): they cannot import the
    subpackages above them (dialogue, commands, front ends), whose edits so leave the cache alone.
    tests/test_hostile_cache.py checks that every module a cold build imports is among these.
    """
    return sorted([*package.glob("*.py"), *(package / "flow").rglob("*.py")])


@cache
def code_digest(package: Path = PACKAGE) -> bytes:
    """A digest of :func:`code_files` (names and bytes), read once per process (the code does not change under it)."""
    h = hashlib.blake2b(digest_size=32)
    for path in code_files(package):
        data = path.read_bytes()
        name = path.relative_to(package).as_posix().encode()
        h.update(name + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.digest()


def fingerprint(sources: Iterable[Path]) -> bytes:
    """A digest of the package's location, the sources' bytes, the code that compiles them, and the Python version."""
    h = hashlib.blake2b(digest_size=32)
    h.update(FORMAT)
    h.update(sys.version.encode())
    h.update(len(LOCATION).to_bytes(8, "little") + LOCATION)
    h.update(code_digest())
    for path in sources:
        data = path.read_bytes() if path.is_file() else b"<missing>"
        h.update(str(path.name).encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.digest()


def _file(category: str, name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{category}-{name}")
    return folder() / f"{safe}-{_TAG}.pickle"


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> Any:
        cls = type(obj)
        fields = getattr(cls, "__pydantic_fields__", None)
        if fields is not None and not isinstance(obj, type):
            return (Record, (cls.__name__, {k: getattr(obj, k) for k in fields}))
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a reportbot cache")
        return super().find_class(module, name)


def dumps(value: object) -> bytes:
    """``value`` as cache payload bytes (pydantic models as :class:`Record`)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buf.getvalue()


def loads(payload: bytes) -> Any:
    """The value of cache payload bytes; raises for a class outside :data:`ALLOWED`."""
    return _Unpickler(io.BytesIO(payload)).load()


def read(category: str, name: str, digest: bytes) -> Any:
    """The cached value, or :data:`MISSING` when there is none for ``digest``."""
    try:
        data = _file(category, name).read_bytes()
    except OSError:
        return MISSING
    head = FORMAT + digest
    if not data.startswith(head):
        return MISSING
    try:
        return loads(data[len(head):])
    except Exception:  # a damaged or planted file: rebuild
        return MISSING


def write(category: str, name: str, digest: bytes, value: object) -> bool:
    """Store ``value``; False (and nothing raised) when the cache folder cannot take it."""
    path = _file(category, name)
    try:
        payload = dumps(value)
        make_folders(path.parent)
        # Not durable: a cache file lost or cut short by a crash is only rebuilt.
        write_atomic(path, FORMAT + digest + payload, durable=False)
        return True
    except Exception:  # read-only home, full disk, an unpicklable value: no cache, no harm
        return False


MISSING: Any = object()


def cached(category: str, name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, or its stored copy from an earlier run on the same sources.

    Errors from ``build`` (a broken flow file) propagate and nothing is stored.
    """
    sources = list(sources)
    if not enabled():
        return build()
    try:
        digest = fingerprint(sources)
    except OSError:
        return build()
    stored: T = read(category, name, digest)
    if stored is not MISSING:
        return stored
    value = build()
    write(category, name, digest, value)
    return value
