"""Graph calls in code: coded workflows (.cs), .vb files and Invoke Code bodies.

Two shapes are recognised:

* a string literal with a Graph URL (see graphurl), with the statement that builds it; the HTTP method is taken from
  the URL's line, else the nearest of the next few lines that names one (`HttpMethod.Post`, `PostAsync(`,
  `Method.Post`, `"POST"`, ...), when exactly one method is named there; else the call is reported as unresolvable;
* in C#, a Microsoft Graph SDK request-builder chain on a client whose name says Graph
  (`graphClient.Me.Messages.GetAsync()`, `_graph.Users[id].SendMail.PostAsync(body)`, the v4 form
  `graphClient.Me.Messages.Request().GetAsync()`): each property is a path segment in camelCase, each indexer `{id}`,
  and the final call gives the method.

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
_SDK_ROOT = re.compile(r"\b(_?\w*[Gg]raph\w*)((?:\s*\.\s*\w+(?:\s*\([^()]*\))?|\s*\[[^\[\]]*\])+?)"
                       r"\s*\.\s*(GetAsync|PostAsync|PatchAsync|PutAsync|DeleteAsync|AddAsync|UpdateAsync)\s*\(")
_SDK_VERBS = {"GetAsync": "GET", "PostAsync": "POST", "AddAsync": "POST", "PatchAsync": "PATCH",
              "UpdateAsync": "PATCH", "PutAsync": "PUT", "DeleteAsync": "DELETE"}
_SDK_SKIP = {"Request", "WithUrl"}
_SEGMENT = re.compile(r"\.\s*(\w+)(\s*\([^()]*\))?|\[([^\[\]]*)\]")


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
    if csharp:
        out.extend(_sdk_calls(text))
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


def _sdk_calls(text: str) -> list[CodeCall]:
    out = []
    for m in _SDK_ROOT.finditer(text):
        segments: list[str] = []
        for seg in _SEGMENT.finditer(m.group(2)):
            name, index = seg.group(1), seg.group(3)
            if index is not None:
                segments.append("{id}")
            elif name not in _SDK_SKIP:
                segments.append(name[:1].lower() + name[1:])
        line = text.count("\n", 0, m.start())
        snippet = _short(m.group(0) + ")")
        if not segments:
            continue
        out.append(CodeCall(line, _SDK_VERBS[m.group(3)], "/" + "/".join(segments), snippet, None, "v1.0", True))
    return out


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."
