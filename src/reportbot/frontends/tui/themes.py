"""The themes a filer can choose: the default, high contrast, and the terminal's own colours."""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

DEFAULT = "reportbot-dark"

# Textual's dark theme, with its selected row (white on #0178D4, 3.8:1) and its input placeholder
# (#797979 on #272727, 3.4:1) brought to at least 4.5:1, the WCAG AA contrast for text.
DEFAULT_THEME = replace(
    BUILTIN_THEMES["textual-dark"],
    name=DEFAULT,
    variables={
        "block-cursor-background": "#0067B8",
        "block-cursor-foreground": "#FFFFFF",
        "text-disabled": "#A0A0A0",
    },
)
HIGH_CONTRAST = "reportbot-high-contrast"

# White on black, pure primaries, no translucency: for low vision and bright rooms.
HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#00FFFF",
    warning="#FFFF00",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "border": "#FFFFFF",
        "border-blurred": "#FFFFFF",
        "text-muted": "#FFFFFF",
        "text-primary": "#FFFF00",
        "text-accent": "#00FFFF",
        "text-warning": "#FFFF00",
        "text-error": "#FF6060",
        "text-success": "#00FF00",
        "foreground-muted": "#FFFFFF",
        "footer-background": "#000000",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 60%",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#FFFFFF",
        "block-cursor-blurred-foreground": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
        "scrollbar-hover": "#FFFF00",
        "scrollbar-active": "#FFFF00",
    },
)

NO_COLOR = "reportbot-no-color"

# For NO_COLOR: the terminal's own colours, and every state shown by a text style
# (reverse, bold, underline), since Textual then strips colour altogether.
NO_COLOR_THEME = Theme(
    name=NO_COLOR,
    ansi=True,
    primary="ansi_default",
    secondary="ansi_default",
    accent="ansi_default",
    warning="ansi_default",
    error="ansi_default",
    success="ansi_default",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    dark=True,
    variables={
        "ansi-background": "ansi_default",
        "ansi-foreground": "ansi_default",
        "block-cursor-background": "ansi_default",
        "block-cursor-foreground": "ansi_default",
        "block-cursor-text-style": "reverse bold",
        "block-cursor-blurred-background": "ansi_default",
        "block-cursor-blurred-foreground": "ansi_default",
        "block-cursor-blurred-text-style": "underline",
        "input-cursor-background": "ansi_default",
        "input-cursor-foreground": "ansi_default",
        "input-cursor-text-style": "reverse",
        "input-selection-background": "ansi_default",
        "footer-key-foreground": "ansi_default",
        "footer-description-foreground": "ansi_default",
        "footer-background": "ansi_default",
        "border": "ansi_default",
        "border-blurred": "ansi_default",
        "scrollbar": "ansi_default",
        "scrollbar-background": "ansi_default",
    },
)

ANSI_LIGHT = "reportbot-ansi-light"

# Textual's light theme of the terminal's colours shows a warning in bright red, redder than an
# error's red: a warning is magenta here (as compilers print them), an error stays red.
ANSI_LIGHT_THEME = replace(BUILTIN_THEMES["ansi-light"], name=ANSI_LIGHT, warning="ansi_magenta")

# reportbot's own themes, registered with the app.
REGISTERED = [DEFAULT_THEME, HIGH_CONTRAST_THEME, ANSI_LIGHT_THEME, NO_COLOR_THEME]

# The names of the themes replaced, as a filer's remembered choice may hold them (Textual's dark
# theme, no longer offered, gives way to the default as any unknown name does).
RENAMED = {"ansi-light": ANSI_LIGHT}

# (theme name, message key of its name): the themes offered, in order.
CHOICES: list[tuple[str, str]] = [
    (DEFAULT, "tui.theme.default"),
    (HIGH_CONTRAST, "tui.theme.high_contrast"),
    ("ansi-dark", "tui.theme.ansi_dark"),
    (ANSI_LIGHT, "tui.theme.ansi_light"),
    (NO_COLOR, "tui.theme.no_color"),
]
