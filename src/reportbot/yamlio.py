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


class YamlError(ValueError):
    """Text that is not acceptable YAML."""


def load_yaml(text: str, *, aliases: bool = False) -> object:
    """Parse YAML text into plain Python data."""
    yaml, _Loader = _yaml()
    try:
        # An alias needs a '*' somewhere; only then pay for a second pass over the events.
        if not aliases and "*" in text and any(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(text, Loader=_Loader)):
            raise YamlError("YAML aliases (*name) are not accepted")
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise YamlError(str(e).replace("\n", " ")) from None
