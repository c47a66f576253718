from reportbot.cli import entry

raise SystemExit(entry())
