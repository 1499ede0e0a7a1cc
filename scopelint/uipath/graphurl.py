"""Microsoft Graph URLs as workflows and code write them -> a Graph path with `{id}` for what is computed at run time.

A URL is Graph when its host is one of Microsoft Graph's endpoints (global and national clouds, see
https://learn.microsoft.com/en-us/graph/deployments). It may be a literal, or a VB/C# expression that builds it:
`"https://graph.microsoft.com/v1.0/users/" + id + "/sendMail"` (VB `&` too), `$"...users/{id}/sendMail"`,
`String.Format("...users/{0}/sendMail", id)`. Every piece that is not a string literal becomes `{id}`; the query
string is dropped. When the path itself is computed (nothing but the host and version is literal) the URL is still
Graph but unresolvable, and the reason says so.
"""

import re
from typing import NamedTuple

GRAPH_HOSTS = ("graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
               "microsoftgraph.chinacloudapi.cn", "graph.microsoft.de")
# Lower-case byte strings whose absence from a file's lower-cased bytes proves it names no Graph host and no Graph
# SDK client (the scan's prefilter): hosts are case-insensitive, and people write client names in either case.
GRAPH_MARKERS = (b"graph.microsoft", b"microsoftgraph.", b"graphclient", b"graphserviceclient")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_HOST = re.compile(r"https?://(?:" + "|".join(re.escape(h) for h in GRAPH_HOSTS) + r")(?=[/:\"'?\s]|$)", re.I)
_LITERAL = re.compile(r'\$?@?"((?:[^"\\]|\\.|"")*)"')
_DYNAMIC = "\0"
_JOINERS = re.compile(r"^[\s+&]*$")
_VERSION = re.compile(r"^/(v1\.0|beta)(?=/|$)", re.I)


class GraphTarget(NamedTuple):
    """What a Graph URL resolves to: the path (None when it cannot be worked out, with the reason) and version."""

    path: str | None
    version: str | None
    reason: str | None


def has_graph_host(text: str) -> bool:
    return _HOST.search(text) is not None


def resolve_url(text: str) -> GraphTarget | None:
    """The Graph path a URL or URL-building expression names; None when it names no Graph host at all."""
    match = _HOST.search(text)
    if match is None:
        return None
    template = _template(text, match.start())
    tail = _HOST.sub("", template, count=1)
    tail = tail.split("?", 1)[0].split("#", 1)[0]
    version = _VERSION.match(tail)
    if version is None:
        if tail.startswith(_DYNAMIC) or tail.startswith("/" + _DYNAMIC):
            return GraphTarget(None, None, "the API version and path are computed at run time")
        return GraphTarget(None, None, "no API version (/v1.0 or /beta) after the host")
    path = tail[version.end():]
    segments = [s for s in path.split("/") if s]
    if not segments:
        return GraphTarget(None, version.group(1).lower(), "the path after the API version is computed at run time"
                           if _DYNAMIC in path else "no path after the API version")
    if segments[0] == _DYNAMIC:
        return GraphTarget(None, version.group(1).lower(), "the path after the API version is computed at run time")
    out: list[str] = []
    for seg in segments:
        if _DYNAMIC in seg:
            literal = seg.replace(_DYNAMIC, "")
            seg = "{id}" if not literal.strip("'()=") else re.sub(r"\0+", "{id}", seg)
        key = re.fullmatch(r"(\w+)\('?\{id\}'?\)", seg)  # users('{id}') is OData key syntax for users/{id}
        out.extend([key.group(1), "{id}"] if key else [seg])
    return GraphTarget("/" + "/".join(out), version.group(1).lower(), None)


def _template(text: str, start: int) -> str:
    """The URL with every computed piece as one marker character.

    A plain attribute value (no quotes) is the URL itself. In an expression, the string literals from the one that
    holds the host on are joined; whatever stands between two of them (other than `+` or `&`), and anything after the
    last one up to the end of the expression, is computed. Interpolation holes and format items are computed too.
    """
    if '"' not in text:
        return re.sub(r"\{[^}]*\}", _DYNAMIC, text[start:].split()[0])
    literals = list(_LITERAL.finditer(text))
    first = next((i for i, m in enumerate(literals) if m.start() <= start < m.end()), None)
    if first is None:
        return text[start:].split()[0]
    parts: list[str] = []
    for i in range(first, len(literals)):
        m = literals[i]
        if i > first:
            between = text[literals[i - 1].end():m.start()]
            if not _JOINERS.match(between):
                if "," in between or ";" in between or "\n" in between:
                    break  # the next literal is another argument or statement, not part of this URL
                parts.append(_DYNAMIC)
        body = m.group(1).replace('""', '"')
        if m.group(0).startswith("$") or "{" in body:
            body = re.sub(r"\{[^}]*\}", _DYNAMIC, body)
        parts.append(body)
        end = m.end()
    else:
        rest = text[end:]
        if re.match(r"\s*[+&]\s*[\w(]", rest):
            parts.append(_DYNAMIC)
    return "".join(parts)


_TOKEN_HOST = re.compile(r"https?://login\.(?:microsoftonline\.(?:com|us)|chinacloudapi\.cn|partner\.microsoftonline\.cn)"
                         r"\b.*oauth2", re.I | re.S)
# grant_type=x in a form body, or a dictionary entry: VB {"grant_type", "x"}, C# ["grant_type"] = "x" (FormData)
_GRANT = re.compile(r"""grant_type(?:=|"\s*,\s*"|"\s*\]\s*=\s*")([A-Za-z_:.-]+)""")
# OAuth grants of the Microsoft identity platform: client credentials sign the app in by itself (application
# permissions); the others act for a user (delegated). https://learn.microsoft.com/en-us/entra/identity-platform/
_APP_ONLY_GRANTS = {"client_credentials"}
_USER_GRANTS = {"password", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer"}


def token_grant(url: str, body: str | None) -> str | None:
    """For an HTTP request to the Microsoft identity platform's token endpoint: the sign-in it makes,
    `application` (client credentials) or `delegated` (a user's grant), from the body's grant_type; else None."""
    if not _TOKEN_HOST.search(url) or not body:
        return None
    m = _GRANT.search(body)
    if m is None:
        return None
    grant = m.group(1).lower()
    return "application" if grant in _APP_ONLY_GRANTS else "delegated" if grant in _USER_GRANTS else None


def method_of(value: str | None) -> str | None:
    """An HTTP method from an attribute or code: `POST`, `Post`, `HttpMethod.Post`, `"PATCH"`; None otherwise."""
    if not value:
        return None
    word = re.sub(r"[^A-Za-z]", " ", value).split()
    name = word[-1].upper() if word else ""
    return name if name in METHODS else None
