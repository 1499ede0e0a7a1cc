"""Microsoft's Graph operation index: 'METHOD /path' -> least-privileged and accepted permissions.

Loaded lazily (about 3 MB): only manifests with `operations:` and the data tools pay for it. Real request
URLs match index paths segment by segment, literal first, then `{id}`, with `...` spanning any depth, and
`/me/...` falls back to `/users/{id}/...` and back.
"""

import json
import re
from functools import cache
from typing import NamedTuple

from scopelint.catalog import PermissionType, user_cache_dir
from scopelint.paths import DATA

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Patterns as strings: re compiles (and caches) them on first use, so runs without `operations:` never pay.
_PREFIX = r"(?i)^(https?://[^/]+)?/?(v1\.0|beta)(?=/|$)"
_END = "\0end"
_PLACEHOLDER = r"\{[^}]*\}"
_ITEM_BY_PATH = r"/root:[^:]*(:|$)"


class OperationMatch(NamedTuple):
    """The index entry a request matched, and what it accepts."""

    request: str
    key: str
    least: tuple[str, ...]
    accepted: tuple[str, ...]


class OperationIndex:
    """A segment trie per (type, method) over the index paths."""

    def __init__(self, doc: dict) -> None:
        self.source: str = doc.get("source") or "unknown"
        self._entries: dict[str, dict[str, list[list[str]]]] = {t: doc.get(t, {}) for t in ("delegated", "application")}
        self._tries: dict[tuple[str, str], dict] = {}

    def entries(self, ptype: str) -> dict[str, list[list[str]]]:
        """Every index entry of one type: 'METHOD /path' -> [least-privileged names, accepted names]."""
        return self._entries[ptype]

    def _trie(self, ptype: str, method: str) -> dict:
        key = (ptype, method)
        if key not in self._tries:
            root: dict = {}
            for entry in self._entries[ptype]:
                m, _, path = entry.partition(" ")
                if m != method:
                    continue
                node = root
                for seg in path.strip("/").split("/"):
                    if seg:
                        node = node.setdefault(seg, {})
                node[_END] = entry
            self._tries[key] = root
        return self._tries[key]

    def vocabulary(self) -> frozenset[str]:
        """Every literal path segment of the index: names a logged request may hold verbatim (not identifiers)."""
        return frozenset(seg for entries in self._entries.values() for entry in entries
                         for seg in entry.partition(" ")[2].split("/") if seg and "{" not in seg)

    def match(self, ptype: PermissionType, request: str) -> OperationMatch | None:
        """Resolve 'METHOD /path' (a real URL or a documented path); None when Graph's data has no match."""
        method, path = parse_request(request)
        candidates = _equivalents(_segments(path))
        trie = self._trie(ptype, method)
        for segs in candidates:
            key = _walk(trie, segs)
            if key:
                least, accepted = self._entries[ptype][key]
                return OperationMatch(request, key, tuple(least), tuple(accepted))
        return None


def parse_request(request: str) -> tuple[str, str]:
    """Split 'METHOD /path' and normalise the path (host, /v1.0, query string and case dropped)."""
    method, _, path = request.strip().partition(" ")
    method = method.upper()
    if method not in METHODS or not path.strip():
        raise ValueError(f"expected 'METHOD /path' with METHOD one of {', '.join(METHODS)}")
    path = re.sub(_PREFIX, "", path.strip())
    path = re.sub(_ITEM_BY_PATH, "/items/{id}", path.split("?", 1)[0])
    return method, normalize_path(path)


def normalize_path(path: str) -> str:
    """Lower-case Graph path with every {placeholder} as {id}, no query string, no trailing slash."""
    path = path.split("?", 1)[0].strip().lower()
    path = re.sub(_PLACEHOLDER, "{id}", path)
    return "/" + "/".join(s for s in path.split("/") if s)


def _equivalents(segments: list[str]) -> list[list[str]]:
    """The path as written, then the same resource under its other documented roots.

    `/me/...` and `/users/{id}/...` are one API; a drive item reached through `/drives/{id}`, `/sites/{id}/drive`
    or `/groups/{id}/drive` is documented only under `/me/drive` for some APIs (the workbook ones).
    """
    out = [segments]
    if segments[:1] == ["me"]:
        out.append(["users", "{id}", *segments[1:]])
    elif segments[:1] == ["users"] and len(segments) > 1:
        out.append(["me", *segments[2:]])
    drive_tail = None
    if segments[:1] == ["drives"] and len(segments) > 1:
        drive_tail = segments[2:]
    elif segments[:1] in (["sites"], ["groups"], ["users"]) and segments[2:3] == ["drive"]:
        drive_tail = segments[3:]
    if drive_tail is not None:
        out.append(["me", "drive", *drive_tail])
    return out


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _walk(node: dict, segs: list[str]) -> str | None:
    """Depth-first match with backtracking: literal, then a function call by name, then {id}, then `...`."""
    if not segs:
        if _END in node:
            return node[_END]
        return _walk(node["..."], segs) if "..." in node else None
    head, rest = segs[0], segs[1:]
    for child in _children(node, head):
        found = _walk(child, rest)
        if found:
            return found
    if "..." in node:
        for i in range(len(segs) + 1):
            found = _walk(node["..."], segs[i:])
            if found:
                return found
    return None


def _children(node: dict, head: str) -> list[dict]:
    out = [node[head]] if head in node else []
    if "(" in head:
        name = head.split("(", 1)[0] + "("
        out.extend(v for k, v in node.items() if k != head and k.startswith(name))
    if "{id}" in node and head != "{id}":
        out.append(node["{id}"])
    return out


@cache
def load_operations() -> OperationIndex:
    cached = user_cache_dir() / "operations.json"
    if cached.is_file():
        try:
            return OperationIndex(json.loads(cached.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    return OperationIndex(json.loads((DATA / "operations.json").read_text("utf-8")))
