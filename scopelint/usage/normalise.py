"""A logged request -> 'METHOD /path' as the operation index spells it, with identifiers as placeholders.

Host, API version, query string and fragment are dropped; GUIDs, numbers, e-mail addresses, site ids
(`host,guid,guid`), long opaque ids with digits (message and drive item ids) and `{...}` segments become `{id}`,
unless the operation index knows the segment as a name (`getOffice365ActivationsUserDetail`); path-based
addressing (`/root:/folder/file.xlsx:`) becomes `/items/{id}`. Well-known names (`inbox`, `root`) stay: the index
matcher tries them literally first. `/me` and `/users/{id}` stay apart (the index treats them as one API).
The result never holds a user's address or an object id, so it is safe to show.
"""

import re
from functools import lru_cache
from urllib.parse import unquote

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
BATCH = "/$batch"
_GUID = re.compile(r"^[{(]?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}[)}]?$")
_OPAQUE = re.compile(r"^[A-Za-z0-9_=!+-]{16,}$")  # base64url-ish ids: AAMkAGI2..., 01BYE5RZ6QN3ZWBTUF...
_DIGIT = re.compile(r"\d")
_ITEM_BY_PATH = re.compile(r"/root:[^:]*(?::|$)")
_SITE_BY_PATH = re.compile(r"/sites/[^/:]+:/[^:]*(?::|$)")
_VERSIONS = ("v1.0", "beta")


def normalise(method: str, uri: str, vocabulary: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """('GET', '/me/messages/{id}') for a request; None when it is no Graph call scopelint can judge
    (another method, an empty path). Segments in `vocabulary` (the operation index's names) are never ids."""
    method = method.strip().upper()
    if method not in METHODS:
        return None
    path = uri.strip()
    if "://" in path[:10]:
        slash = path.find("/", path.find("://") + 3)
        path = path[slash:] if slash >= 0 else "/"
    for stop in ("?", "#"):
        cut = path.find(stop)
        if cut >= 0:
            path = path[:cut]
    if "%" in path:
        path = unquote(path)
    if ":" in path:
        path = _SITE_BY_PATH.sub("/sites/{id}", _ITEM_BY_PATH.sub("/items/{id}", path))
    segments = [s for s in path.split("/") if s]
    if segments and segments[0].lower() in _VERSIONS:
        segments = segments[1:]
    if not segments:
        return None
    return method, "/" + "/".join(_segment(s, vocabulary) for s in segments)


def _segment(seg: str, vocabulary: frozenset[str]) -> str:
    low = seg.lower()
    if low in vocabulary:
        return low
    if seg[0] == "{" or "@" in seg or "," in seg or "*" in seg or seg.isdigit() or _GUID.match(seg):
        return "{id}"
    if len(seg) >= 16 and "." not in seg and "(" not in seg and _OPAQUE.match(seg) and _DIGIT.search(seg):
        return "{id}"
    return low


def claims(value: object) -> tuple[str, ...]:
    """Token claims as logged: 'Mail.Read User.Read', a JSON-ish list, or comma-separated; sorted, unique."""
    if not value:
        return ()
    if isinstance(value, list):
        return tuple(sorted({str(v) for v in value}))
    return _claims(str(value))


@lru_cache(maxsize=4096)
def _claims(text: str) -> tuple[str, ...]:
    """Cached: a robot's tokens carry the same claims row after row."""
    items = text.strip().strip("[]").replace(",", " ").replace('"', " ").split()
    return tuple(sorted(set(items)))
