"""The front ends: the plain line mode and the Textual TUI, both over the dialogue engine."""
