"""reportbot: fills in the IPC Ontario annual statistical reports, one plain question at a time."""

__version__ = "0.1.0"
