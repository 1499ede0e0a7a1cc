"""Graph calls in code: coded workflows (.cs), .vb files and Invoke Code bodies.

Two shapes are recognised:

* a string literal with a Graph URL (see graphurl), with the statement that builds it; the HTTP method is taken from
  the URL's line, else the nearest of the next few lines that names one (`HttpMethod.Post`, `PostAsync(`,
  `Method.Post`, `"POST"`, ...), when exactly one method is named there; else the call is reported as unresolvable;
* a Microsoft Graph SDK request-builder chain on a client whose name says Graph, in C#
  (`graphClient.Me.Messages.GetAsync()`, `_graph.Users[id].SendMail.PostAsync(body)`, the v4 form
  `graphClient.Me.Messages.Request().GetAsync()`) and in VB (`graphClient.Users(id).SendMail.PostAsync(body)`,
  `Await GraphClient.Me.Messages.Request().GetAsync()`, `.Users.Item(id)`; VB is case-insensitive and continues lines
  with ` _`): each property is a path segment in camelCase, each indexer `{id}` (in VB `Name(x)` is an indexer when
  Name is a collection, a plural such as `Users(id)` or `Children(id)`, and a v4 method such as `SendMail(msg, True)`
  otherwise), what follows `Request()` (v4 query options such as `.Top(10)`) is not part of the path, and the final
  call gives the method.

Anything else is not recognised (README lists this); it is never guessed.
"""

import re
from typing import NamedTuple

from scopelint.uipath.graphurl import GRAPH_HOSTS, resolve_url

_WINDOW = 4  # lines after the URL searched for its HTTP method
_URL_LITERAL = re.compile(r'\$?@?"[^"\n]*(?:' + "|".join(re.escape(h) for h in GRAPH_HOSTS) + r')', re.I)
_METHOD_HINTS = re.compile(
    r"HttpMethod\s*\.\s*(Get|Post|Put|Patch|Delete)\b|HttpMethod\s*\(\s*\"(GET|POST|PUT|PATCH|DELETE)\"|"
    r"\b(Get|Post|Put|Patch|Delete)(?:Async|StringAsync|StreamAsync|ByteArrayAsync|AsJsonAsync)\s*\(|"
    r"Method\s*\.\s*(Get|Post|Put|Patch|Delete)\b|[\"'](GET|POST|PUT|PATCH|DELETE)[\"']", re.I)
_VERBS = r"(GetAsync|PostAsync|PatchAsync|PutAsync|DeleteAsync|AddAsync|UpdateAsync)"
_SDK_ROOT = re.compile(r"\b(_?\w*[Gg]raph\w*)((?:\s*\.\s*\w+(?:\s*\([^()]*\))?|\s*\[[^\[\]]*\])+?)"
                       r"\s*\.\s*" + _VERBS + r"\s*\(")
_SDK_ROOT_VB = re.compile(r"\b(_?\w*graph\w*)((?:\s*\.\s*\w+(?:\s*\([^()]*\))?)+?)\s*\.\s*" + _VERBS + r"\s*\(",
                          re.I)
_SDK_VERBS = {"getasync": "GET", "postasync": "POST", "addasync": "POST", "patchasync": "PATCH",
              "updateasync": "PATCH", "putasync": "PUT", "deleteasync": "DELETE"}
_SDK_SKIP = {"withurl"}
_SEGMENT = re.compile(r"\.\s*(\w+)(\s*\([^()]*\))?|\[([^\[\]]*)\]")
_VB_CONTINUATION = re.compile(r"[ \t]_(?=[ \t]*\r?\n)")


class CodeCall(NamedTuple):
    """A Graph call found in code: 0-based line within the text, method and path when known, or why not."""

    line: int
    method: str | None
    path: str | None
    text: str
    reason: str | None
    version: str | None
    sdk: bool


def find_calls(text: str, csharp: bool) -> list[CodeCall]:
    """Every Graph URL literal and (in C#) Graph SDK call in a piece of code, in order."""
    lines = text.splitlines() or [text]
    out: list[CodeCall] = []
    for i, line in enumerate(lines):
        m = _URL_LITERAL.search(line)
        if m is None or _comment(line, m.start(), csharp):
            continue
        statement = _statement(lines, i, m.start())
        target = resolve_url(statement)
        if target is None:
            continue
        methods = _methods(lines, i)
        method = methods[0] if len(methods) == 1 else None
        reason = target.reason
        if reason is None and method is None:
            reason = ("no HTTP method named near the URL" if not methods else
                      f"several HTTP methods named near the URL ({', '.join(methods)})")
        out.append(CodeCall(i, method, target.path, _short(statement), reason, target.version, False))
    out.extend(_sdk_calls(text, lines, csharp))
    return sorted(out, key=lambda c: (c.line, c.text))


def _comment(line: str, at: int, csharp: bool) -> bool:
    before = line[:at]
    if csharp:
        return "//" in before
    return "'" in before.replace('"\'"', "") or before.lstrip().lower().startswith("rem ")


def _statement(lines: list[str], i: int, start: int) -> str:
    """The URL literal and what follows it on its line, plus continuation lines of a concatenation."""
    text = lines[i][start:]
    j = i
    while j + 1 < len(lines) and re.search(r"[+&_]\s*$", lines[j]) and j - i < 5:
        j += 1
        text = text.rstrip().rstrip("_") + " " + lines[j].strip()
    return text


def _methods(lines: list[str], i: int) -> list[str]:
    """The methods named on the URL's line, else on the nearest following line (before the next Graph URL) that
    names any: the request is usually built on the line that holds the URL or on the next one."""
    for j in range(i, min(len(lines), i + 1 + _WINDOW)):
        if j > i and _URL_LITERAL.search(lines[j]):
            break
        found: list[str] = []
        for m in _METHOD_HINTS.finditer(lines[j]):
            name = next(g for g in m.groups() if g).upper()
            if name not in found:
                found.append(name)
        if found:
            return found
    return []


def _sdk_calls(text: str, lines: list[str], csharp: bool) -> list[CodeCall]:
    """Graph SDK request-builder chains, at the line the client is named on; none on a comment line."""
    if not csharp:  # a VB line continuation (` _` at the end of a line) is a blank, so the chain reads on
        text = _VB_CONTINUATION.sub("  ", text)
    out = []
    for m in (_SDK_ROOT if csharp else _SDK_ROOT_VB).finditer(text):
        line = text.count("\n", 0, m.start())
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        if line < len(lines) and _comment(lines[line], column, csharp):
            continue
        segments = _segments(m.group(2), csharp)
        if segments:
            out.append(CodeCall(line, _SDK_VERBS[m.group(3).lower()], "/" + "/".join(segments),
                                _short(m.group(0) + ")"), None, "v1.0", True))
    return out


def _segments(chain: str, csharp: bool) -> list[str]:
    """The path a request-builder chain names: properties in camelCase, indexers `{id}`, nothing after Request()."""
    segments: list[str] = []
    for seg in _SEGMENT.finditer(chain):
        name, args, index = seg.group(1), seg.group(2), seg.group(3)
        if index is not None:
            segments.append("{id}")
            continue
        if name.lower() == "request":  # v4: what follows are query options (Top, Select, Filter), not path
            break
        if name.lower() in _SDK_SKIP:
            continue
        indexer = not csharp and args is not None and args.strip("() \t") != ""
        if indexer and name.lower() == "item":  # VB's default property: Users.Item(id) is Users(id)
            segments.append("{id}")
            continue
        segments.append(name[:1].lower() + name[1:])
        if indexer and _collection(name):
            segments.append("{id}")
    return segments


def _collection(name: str) -> bool:
    """A Graph collection navigation property (Users, Messages, MailFolders, Children): VB indexes it with (x)."""
    return name.lower().endswith("s") or name.lower() in ("children", "people")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."
