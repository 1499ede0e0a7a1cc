"""Workflows that are not well-formed: say why (merge markers, NUL bytes, not UTF-8, truncated), and list what a
line-by-line, namespace-aware text scan still finds as `recovered` (XAML.md §4.17)."""

import re
import xml.parsers.expat as expat

from scopelint.uipath.model import Diagnostic
from scopelint.uipath.xaml import ACTIVITY, COMMENT, MAIL, SEP, FileScan, RawActivity, classify

_MERGE_MARKERS = (b"<<<<<<<", b"=======", b">>>>>>>", b"|||||||")
TRUNCATED = {expat.errors.codes[e] for e in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN,
                                              expat.errors.XML_ERROR_PARTIAL_CHAR)}


def broken(path: str, exc: expat.ExpatError) -> FileScan:
    """A not-well-formed UTF-8 workflow: say why, and list what a namespace-aware text scan still finds."""
    reason = expat.ErrorString(exc.code)
    line_text = _line_bytes(path, exc.lineno)
    if any(line_text.startswith(m) for m in _MERGE_MARKERS) or _has_merge_marker(path):
        reason = f"merge-conflict markers in the file ({reason})"
    elif b"\x00" in line_text:
        reason = f"NUL byte in the file ({reason})"
    elif not _is_utf8(line_text):
        reason = f"not UTF-8 and no other encoding declared ({reason})"
    elif exc.code in TRUNCATED:
        reason = f"truncated or incomplete ({reason})"
    recovered = _recover(path)
    note = (f"; {len(recovered)} activity element(s) recovered by a namespace-aware text scan are listed as "
            "recovered" if recovered else "")
    return FileScan(path, False, activities=tuple(recovered),
                     diagnostics=(Diagnostic(path, f"not well-formed XAML: {reason}{note}", exc.lineno),))


def _line_bytes(path: str, lineno: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            for i, line in enumerate(fh, 1):
                if i == lineno:
                    return line.lstrip()
    except OSError:
        pass
    return b""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_merge_marker(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return any(line.startswith(_MERGE_MARKERS[0]) or line.startswith(_MERGE_MARKERS[2]) for line in fh)
    except OSError:
        return False


_XMLNS = re.compile(rb'xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*"([^"]*)"')
_TAG = re.compile(rb"<(/?)(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.`-]*)(?=[\s/>]|$)")


def _recover(path: str) -> list[RawActivity]:
    """Line-by-line fallback for broken files: map prefixes through the xmlns declarations seen, then classify tags
    by namespace URI exactly as the parser does. Disabled state follows CommentOut open/close tags."""
    prefixes: dict[bytes, str] = {}
    kinds: dict[str, tuple | None] = {}
    found: list[RawActivity] = []
    comment = 0
    try:
        with open(path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                for m in _XMLNS.finditer(line):
                    prefixes[m.group(1) or b""] = m.group(2).decode("utf-8", "replace")
                for m in _TAG.finditer(line):
                    uri = prefixes.get(m.group(2) or b"")
                    if uri is None:
                        continue
                    name = uri + SEP + m.group(3).decode("utf-8", "replace")
                    if name not in kinds:
                        kinds[name] = classify(name)
                    kind = kinds[name]
                    if kind is None:
                        continue
                    if kind[0] == COMMENT:
                        comment = max(0, comment + (-1 if m.group(1) else 1))
                    elif kind[0] == ACTIVITY and kind[2] != MAIL and not m.group(1):
                        found.append(RawActivity(kind[1], lineno, comment > 0, -1, None, False, False, True))
    except OSError:
        return []
    return found

