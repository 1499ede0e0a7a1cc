"""The one place where text meant for people is made safe for terminals and CI logs.

Input values (manifest and project names, file and folder names, XAML attribute values, tenant display names) can
hold characters that act on whoever reads the output: ANSI/OSC escape sequences (ESC and the C1 controls) drive
terminals, bidi overrides reorder what is seen, and a newline or a line separator (U+2028, U+0085) starts a line of
its own, which a CI log parser may read as a workflow command (`::error::`, `::stop-commands::`).

- `clean(value)`: one value for one line; every such character becomes a visible escape (`\\n`, `\\x1b`,
  `\\u202e`), and a lone surrogate (a file name that is not UTF-8) its byte (`\\xff`).
- `scrub(obj)`: the same for every string inside a report's records (NamedTuples, dataclasses, lists, dicts), so a
  reporter lays out values that are already clean and its own line breaks stay the only ones.
- `for_terminal(text)`: the last pass over a whole human-readable output: controls other than line breaks and tabs
  are escaped and no line can start a GitHub workflow command unless the format is made of them.
- `human(render)`: a render function with `scrub` before and `for_terminal` after; what the commands
  (scopelint.commands) and the reporter registry wrap every human-readable format in.

Machine formats (JSON, SARIF, JUnit, CSV, HTML documents) keep exact values and never pass through here.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

# C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, bidi embeddings/overrides/isolates and
# marks, and lone surrogates (os.fsdecode's stand-ins for bytes that are not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                             "\u2066-\u2069\ud800-\udfff]")
_COMMAND_LINE = re.compile(r"^([ \t]*)::", re.MULTILINE)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

T = TypeVar("T")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: str) -> str:
    """One value made safe for one line of human-readable output (unchanged when it holds nothing unsafe)."""
    return _UNSAFE.sub(_escape, value) if _UNSAFE.search(value) else value


def for_terminal(text: str, commands: bool = False) -> str:
    """A whole human-readable output: line breaks and tabs stay, other controls are escaped, and a line starting
    with `::` has its first colon escaped (`\\x3a:`) unless `commands` (the GitHub annotation format)."""
    if _UNSAFE_IN_TEXT.search(text):
        text = _UNSAFE_IN_TEXT.sub(_escape, text)
    if not commands and "::" in text:
        text = _COMMAND_LINE.sub(r"\1\\x3a:", text)
    return text


def scrub(obj: T) -> T:
    """A copy of `obj` whose strings are all `clean`; records are rebuilt, shared objects stay shared."""
    return _Scrubber().value(obj)


def human(render: Callable[[T], str], commands: bool = False, colored: Callable[[T], bool] | None = None
          ) -> Callable[[T], str]:
    """`render` for people: values scrubbed first, the output passed through `for_terminal` after. A coloured
    output (`colored(obj)` true) keeps its own escape sequences: its values are already clean."""

    def render_for_humans(obj: T) -> str:
        text = render(scrub(obj))
        if colored is not None and colored(obj):
            return text if commands or "::" not in text else _COMMAND_LINE.sub(r"\1\\x3a:", text)
        return for_terminal(text, commands)

    return render_for_humans


class _Scrubber:
    """Walks records and containers once, memoised by identity (shared records stay shared, cycles end)."""

    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}

    def value(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return clean(obj)
        if obj is None or isinstance(obj, (bool, int, float)):
            return obj
        key = id(obj)
        if key in self.memo:
            return self.memo[key]
        out = self._rebuild(obj)
        self.memo[key] = out
        return out

    def _rebuild(self, obj: Any) -> Any:
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # NamedTuple
            return type(obj)._make(self.value(v) for v in obj)  # type: ignore[attr-defined]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            new = copy.copy(obj)
            for f in dataclasses.fields(obj):
                object.__setattr__(new, f.name, self.value(getattr(obj, f.name)))
            return new
        if isinstance(obj, dict):
            new_dict = copy.copy(obj)  # keeps a subclass and its attributes (line numbers)
            new_dict.clear()
            new_dict.update((self.value(k), self.value(v)) for k, v in obj.items())
            return new_dict
        if isinstance(obj, list):
            new_list = copy.copy(obj)
            new_list[:] = [self.value(v) for v in obj]
            return new_list
        if type(obj) in (tuple, set, frozenset):
            return type(obj)(self.value(v) for v in obj)
        return obj
