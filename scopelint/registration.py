"""Read an app registration's requested permissions from the files people export.

Accepted shapes: the Entra portal manifest (Microsoft Graph format and the older Azure AD Graph format), the output
of `az ad app show` and of `az ad app permission list` (a bare requiredResourceAccess array), Teams Toolkit manifests
(names instead of GUIDs, "Microsoft Graph" as resource) and scopelint snapshots.
"""

import bisect
import re
from pathlib import Path
from typing import Any

from scopelint.catalog import ASCII_BLANKS, GRAPH_APP_ID, REGISTRATION_TYPE, Catalog, PermissionType
from scopelint.errors import InputError
from scopelint.registration_model import Grant, OtherResource, Registration, Unresolved
from scopelint.yamlio import DEFAULT_LIMITS, Limits, parse_json, read_text

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# compiled on first use (re's cache): only unresolved entries need it
_GUIDISH = r"^[{(]?(?:[0-9a-zA-Z]+(?:-[0-9a-zA-Z]+){3,}|[0-9a-fA-F]{32})[)}]?$"  # GUID-like, not one
_GRAPH_NAMES = {GRAPH_APP_ID, "microsoft graph", "graph", "https://graph.microsoft.com"}
_TYPES: dict[str, PermissionType] = {"scope": "delegated", "role": "application"}


def load_registration(path: str | Path, catalog: Catalog, limits: Limits = DEFAULT_LIMITS) -> Registration:
    """Parse a registration file; malformed files raise InputError with file and line."""
    name = str(path)
    text = read_text(path, limits)
    _not_text_output(text, name)
    return parse_registration(parse_json(text, name, limits), text, name, catalog)


_EXPORT = "az ad app show --id APP_ID > app.json"


def _not_text_output(text: str, name: str) -> None:
    """`az ... -o tsv` or `-o table` output instead of JSON: say which option gives the export."""
    head = text.lstrip("\ufeff \r\n")
    if not head or head[0] in "{[":
        return
    first = head.splitlines()[0]
    if "\t" in first:
        raise InputError("this is tab-separated text ('az ... -o tsv' output), not JSON; export the registration "
                         f"as JSON (az's default output): {_EXPORT}", name, 1)
    lines = head.splitlines()
    if len(lines) > 1 and lines[1].strip() and set(lines[1].strip()) <= {"-", " "}:
        raise InputError("this is a text table ('az ... -o table' output), not JSON; export the registration "
                         f"as JSON (az's default output): {_EXPORT}", name, 1)


def _wrong_export(doc: Any, name: str) -> None:
    """Exports people take for a registration: a service principal, a list of apps, consent grants. Each gets the
    command that exports what scopelint reads."""
    if isinstance(doc, dict) and ("servicePrincipalType" in doc or "servicePrincipalNames" in doc
                                  or str(doc.get("@odata.type", "")).endswith("servicePrincipal")):
        app = _app_id(doc)
        raise InputError("this is a service principal ('az ad sp show'): it lists the permissions the app offers "
                         "and holds, not those its registration requests; export the app registration: "
                         f"az ad app show --id {app} > app.json (or scopelint fetch {app} for the consent too)", name)
    if not isinstance(doc, list) or not doc or not all(isinstance(e, dict) for e in doc):
        return
    if all("requiredResourceAccess" in e for e in doc):
        apps = [_app_id(e) for e in doc]
        listed = ", ".join(apps[:3]) + (f" and {len(apps) - 3} more" if len(apps) > 3 else "")
        raise InputError(f"this is a list of {len(doc)} app registration(s) ('az ad app list': {listed}); export "
                         f"one: az ad app show --id {apps[0]} > app.json", name)
    if all("consentType" in e or ("clientId" in e and "scope" in e) for e in doc):
        raise InputError("these are consent grants ('az ad app permission list-grants'), not the permissions the "
                         "registration requests; export those: az ad app permission list --id APP_ID > app.json "
                         "(or scopelint fetch APP_ID for requests and consent together)", name)


def _app_id(doc: dict) -> str:
    app = doc.get("appId")
    return app if isinstance(app, str) and _GUID.match(app) else "APP_ID"


def parse_registration(doc: Any, text: str, name: str, catalog: Catalog) -> Registration:
    _wrong_export(doc, name)
    locator = _Locator(text)
    if isinstance(doc, dict) and doc.get("scopelint-snapshot") is not None:
        from scopelint.snapshot import parse_snapshot

        return parse_snapshot(doc, name, catalog, locator)
    if isinstance(doc, list):
        fmt, rra = "az ad app permission list", doc
    elif isinstance(doc, dict) and "requiredResourceAccess" in doc:
        rra = doc["requiredResourceAccess"]
        if "@odata.context" in doc:
            fmt = "az ad app show / Graph application"
        elif "oauth2Permissions" in doc or "replyUrlsWithType" in doc:
            fmt = "Entra portal manifest (Azure AD Graph format)"
        else:
            fmt = "Entra portal manifest (Microsoft Graph format)"
    elif isinstance(doc, dict):
        raise InputError(
            "no 'requiredResourceAccess' found: expected an app manifest, 'az ad app show' output, "
            "'az ad app permission list' output or a scopelint snapshot",
            name,
        )
    else:
        raise InputError("expected a JSON object or array describing an app registration", name)
    if not isinstance(rra, list):
        raise InputError("'requiredResourceAccess' must be a list", name, locator.line_of('"requiredResourceAccess"'))
    requested, unresolved, others = read_required_resource_access(rra, name, catalog, locator)
    app_id = doc.get("appId") if isinstance(doc, dict) else None
    display = doc.get("displayName") if isinstance(doc, dict) else None
    return Registration(
        path=name,
        format=fmt,
        requested=tuple(requested),
        unresolved=tuple(unresolved),
        other_resources=tuple(others),
        app_id=app_id if isinstance(app_id, str) else None,
        display_name=display if isinstance(display, str) else None,
    )


def read_required_resource_access(
    rra: list, name: str, catalog: Catalog, locator: "_Locator"
) -> tuple[list[Grant], list[Unresolved], list[OtherResource]]:
    requested: list[Grant] = []
    unresolved: list[Unresolved] = []
    others: list[OtherResource] = []
    for block in rra:
        if not isinstance(block, dict):
            raise InputError("each requiredResourceAccess entry must be an object", name, locator.line_of("{"))
        resource = block.get("resourceAppId")
        access = block.get("resourceAccess", [])
        if not isinstance(resource, str) or not isinstance(access, list):
            raise InputError(
                "requiredResourceAccess entry needs a string 'resourceAppId' and a 'resourceAccess' list",
                name,
                locator.line_of('"resourceAppId"'),
            )
        line = locator.line_of(resource)
        if resource.strip().lower() not in _GRAPH_NAMES:
            others.append(OtherResource(resource, len(access), line))
            continue
        for entry in access:
            grant, problem = _resolve(entry, catalog, locator)
            if grant:
                requested.append(grant)
            elif problem:
                unresolved.append(problem)
    return requested, unresolved, others


def _resolve(entry: Any, catalog: Catalog, locator: "_Locator") -> tuple[Grant | None, Unresolved | None]:
    if not isinstance(entry, dict):
        return None, Unresolved(repr(entry), None, None, "resourceAccess entry is not an object")
    raw_id, raw_type = entry.get("id"), entry.get("type")
    raw = str(raw_id)
    line = locator.line_of(raw) if isinstance(raw_id, str) else None
    ptype = _TYPES.get(str(raw_type).strip().lower()) if isinstance(raw_type, str) else None
    if not isinstance(raw_id, str) or not raw_id.strip():
        return None, Unresolved(raw, None, line, "entry has no 'id'")
    if ptype is None:
        return None, Unresolved(raw, None, line, f"type {raw_type!r} is neither 'Scope' nor 'Role'")
    value = raw_id.strip(ASCII_BLANKS)
    if "${{" in value or "{{" in value:
        return None, Unresolved(raw, ptype, line, "unresolved placeholder")
    info = catalog.by_id(ptype, value) if _GUID.match(value) else catalog.get(ptype, value)
    if info is None:
        other: PermissionType = "application" if ptype == "delegated" else "delegated"
        wrong = catalog.by_id(other, value) if _GUID.match(value) else catalog.get(other, value)
        odd = next((ch for ch in value if not ch.isascii() or not ch.isprintable()), None)
        if wrong is not None:
            why = (f"wrong type: this is the {other} permission {wrong.permission.name}, listed with type "
                   f"{str(raw_type).strip()!r} (use {REGISTRATION_TYPE[other]!r})")
        elif odd is not None:
            why = (f"holds the character U+{ord(odd):04X}: permission names and GUIDs are ASCII (a look-alike of a "
                   "real name is not that name)")
        elif _GUID.match(value):
            why = "GUID not in the Graph permission catalog"
        elif re.match(_GUIDISH, value):
            why = "not a valid GUID (8-4-4-4-12 hexadecimal digits) and not a permission name"
        else:
            why = "name not in the Graph permission catalog"
        return None, Unresolved(raw, ptype, line, why)
    return Grant(info.permission, line, raw), None


class _Locator:
    """Finds the line of a string in the raw JSON text, moving forward so repeats map to successive lines.

    Linear in the file, however many entries ask: the string literals are indexed in one pass on first use and
    lines come from a table of line starts (a 40,000-entry registration used to rescan the text per entry)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cursor: dict[str, int] = {}
        self._literals: dict[str, list[int]] | None = None
        self._line_starts: list[int] | None = None

    def line_of(self, needle: str) -> int | None:
        quoted = needle if needle.startswith(('"', "{")) else f'"{needle}"'
        start = self._cursor.get(quoted, 0)
        if quoted.startswith('"') and quoted.endswith('"') and len(quoted) > 1:
            pos = self._next_literal(quoted, start)
        else:
            pos = self.text.find(quoted, start)
            if pos < 0:
                pos = self.text.find(quoted)
        if pos < 0:
            return None
        self._cursor[quoted] = pos + len(quoted)
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self._line_starts, pos)

    def _next_literal(self, quoted: str, start: int) -> int:
        """Where the string literal `quoted` stands next at or after `start` (else its first place, else -1)."""
        if self._literals is None:
            self._literals = {}
            for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"', self.text):
                self._literals.setdefault(m.group(), []).append(m.start())
        places = self._literals.get(quoted)
        if not places:
            return -1
        i = bisect.bisect_left(places, start)
        return places[i] if i < len(places) else places[0]
