"""Safe, fast YAML reading for flows, dialogs and report files.

Uses libyaml's C loader when present. Files from outside (report files) may
not use aliases, which defeats "billion laughs" bombs; reportbot's own data
files (flows, dialogs) may, to say a long piece of evidence once.
"""

from __future__ import annotations

from functools import cache


@cache
def _yaml():
    """PyYAML and its fastest safe loader, imported on first use (a start from the flow cache reads no YAML)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_DEPTH = 64


class YamlError(ValueError):
    """Text that is not acceptable YAML."""


def load_yaml(text: str, *, aliases: bool = False) -> object:
    """Parse YAML text into plain Python data."""
    yaml, _Loader = _yaml()
    try:
        if not aliases:
            _screen(yaml, _Loader, text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise YamlError(str(e).replace("\n", " ")) from None
    except ValueError as e:  # an integer of more than 4,300 digits, for one
        raise YamlError(str(e).split("\n")[0][:120]) from None


def _screen(yaml, loader, text: str) -> None:
    """Refuse aliases and deep nesting before composing: libyaml's composer recurses and can overflow the C stack."""
    if "*" not in text and text.count("{") + text.count("[") < MAX_DEPTH and "  " * MAX_DEPTH not in text:
        return  # no alias possible, and too few openings to nest deeply
    depth = 0
    for ev in yaml.parse(text, Loader=loader):  # iterative: safe at any depth
        if isinstance(ev, yaml.AliasEvent):
            raise YamlError("YAML aliases (*name) are not accepted")
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"nested too deeply (more than {MAX_DEPTH} levels)")
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
