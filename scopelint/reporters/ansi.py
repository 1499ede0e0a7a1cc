"""Colour for the terminal reporters (text, concise): ANSI SGR sequences, so no reporter needs the CLI toolkit.
Loaded only when the output is coloured."""

_FOREGROUND = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36, "white": 37}


def style(text: str, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """`text` in a foreground colour, bold and/or dim, then the reset sequence."""
    codes = ([_FOREGROUND[fg]] if fg else []) + [1] * bold + [2] * dim
    return "".join(f"\x1b[{code}m" for code in codes) + text + "\x1b[0m"
