"""The snapshot of an app registration read live from a tenant: model, JSON document, and reading it back.

`scopelint fetch` writes one; `check --registration snapshot.json` reads it offline, so CI needs no credentials.
A snapshot records what the registration requests, what the tenant has consented (admin consent, per-user consent
as counts, app role assignments), tenant, app id, the fetch time (its only timestamp) and the tool version.
The published contract is schemas/snapshot.schema.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scopelint.catalog import GRAPH_APP_ID, Catalog, Permission, PermissionType
from scopelint.errors import InputError
from scopelint.registration_model import Grant, OtherResource, Registration, Unresolved

FORMAT_VERSION = 1
FORMAT_NAME = "scopelint snapshot"
_TYPES: dict[str, PermissionType] = {"Scope": "delegated", "Role": "application"}
ADMIN_CONSENT = "AllPrincipals"
USER_CONSENT = "Principal"
APP_ROLE = "AppRoleAssignment"


@dataclass(frozen=True)
class RequestedAccess:
    """One requiredResourceAccess entry; `value` is the permission name where the tenant or catalog knows it."""

    resource_app_id: str
    type: str
    id: str
    value: str | None


@dataclass(frozen=True)
class Consent:
    """A consent the tenant holds for the app: admin (AllPrincipals), per-user (counted), or an app role."""

    resource_app_id: str | None
    type: str
    id: str | None
    value: str | None
    consent: str
    users: int | None = None
    principals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """An app registration as the tenant holds it at one moment."""

    app_id: str
    object_id: str | None
    display_name: str | None
    tenant: str | None
    service_principal_id: str | None
    requested: tuple[RequestedAccess, ...]
    consented: tuple[Consent, ...]
    graph: str
    fetched: str
    tool_version: str


def to_document(snap: Snapshot) -> dict[str, Any]:
    """The JSON document of a snapshot, lists sorted so that two fetches of the same state differ only in time."""
    consented = []
    for c in sorted(snap.consented, key=_consent_key):
        row: dict[str, Any] = {"resourceAppId": c.resource_app_id, "type": c.type, "id": c.id, "value": c.value,
                               "consent": c.consent}
        if c.users is not None:
            row["users"] = c.users
        if c.principals:
            row["principals"] = sorted(c.principals)
        consented.append(row)
    return {
        "scopelint-snapshot": FORMAT_VERSION,
        "tool": {"name": "scopelint", "version": snap.tool_version},
        "fetched": snap.fetched,
        "graph": snap.graph,
        "tenant": snap.tenant,
        "application": {"appId": snap.app_id, "id": snap.object_id, "displayName": snap.display_name},
        "servicePrincipal": {"id": snap.service_principal_id} if snap.service_principal_id else None,
        "requested": [
            {"resourceAppId": r.resource_app_id, "type": r.type, "id": r.id, "value": r.value}
            for r in sorted(snap.requested, key=lambda r: (r.resource_app_id != GRAPH_APP_ID, r.resource_app_id,
                                                           r.type, (r.value or "").lower(), r.id))
        ],
        "consented": consented,
    }


def dumps(snap: Snapshot) -> str:
    return json.dumps(to_document(snap), indent=2, sort_keys=True) + "\n"


def summary(snap: Snapshot) -> str:
    """One line on what a snapshot holds, for the user who fetched it."""
    graph = [c for c in snap.consented if c.resource_app_id == GRAPH_APP_ID]
    admin = sum(1 for c in graph if c.consent == ADMIN_CONSENT)
    users = sum(1 for c in graph if c.consent == USER_CONSENT)
    roles = sum(1 for c in graph if c.consent == APP_ROLE)
    text = (f"{len(snap.requested)} requested permission(s); Microsoft Graph consent: {admin} admin, "
            f"{users} per-user, {roles} app role assignment(s)")
    if snap.service_principal_id is None:
        text += "; the app has no service principal in the tenant, so nothing is consented"
    return text


def _consent_key(c: Consent) -> tuple:
    return (c.resource_app_id != GRAPH_APP_ID, c.resource_app_id or "", c.type, (c.value or "").lower(), c.consent,
            c.id or "")


def registration_of(snap: Snapshot, catalog: Catalog, name: str) -> Registration:
    """A live snapshot as a Registration, through the same reader as a snapshot file (so both judge alike). The
    document is built here, so it skips the schema check a file gets (~10 ms per app in a whole-tenant audit)."""
    return _registration(to_document(snap), name, catalog, _Lines(""))


def parse_snapshot(doc: dict, name: str, catalog: Catalog, locator: Any) -> Registration:
    """A snapshot document -> Registration with `consented` filled; malformed snapshots raise InputError."""
    lines = _Lines(getattr(locator, "text", "") or "")
    version = doc.get("scopelint-snapshot")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise InputError(f"unsupported snapshot format version {version!r} (this scopelint reads "
                         f"{FORMAT_VERSION}); fetch it again", name, lines.key('"scopelint-snapshot"'))
    from scopelint.rules import validate_document  # jsonschema: only snapshot readers pay for it

    errors = validate_document(doc, "snapshot.schema.json")
    if errors:
        _, message = errors[0]
        section = message.split("/", 1)[0].split(":", 1)[0]
        raise InputError(f"invalid snapshot: {message}", name, lines.key(f'"{section}"'))
    if not _is_date_time(doc["fetched"]):  # jsonschema checks "format" only with optional extras installed
        raise InputError(f"invalid snapshot: fetched: {doc['fetched']!r} is not a 'date-time'", name,
                         lines.key('"fetched"'))
    return _registration(doc, name, catalog, lines)


def _registration(doc: dict, name: str, catalog: Catalog, lines: _Lines) -> Registration:
    requested, unresolved, others = _requested(doc["requested"], catalog, lines)
    consented, unknown = _consented(doc["consented"], catalog, lines)
    app = doc["application"]
    return Registration(
        path=name,
        format=FORMAT_NAME,
        requested=tuple(requested),
        unresolved=tuple(unresolved + unknown),
        other_resources=tuple(others),
        consented=tuple(consented),
        app_id=app.get("appId"),
        display_name=app.get("displayName"),
    )


def _is_date_time(value: str) -> bool:
    """An RFC 3339 date and time (the `fetched` stamp), with or without fractions, `Z` or an offset."""
    import datetime as dt

    if len(value) < 19 or value[10] not in "Tt ":
        return False
    try:
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def _requested(rows: list, catalog: Catalog,
               lines: _Lines) -> tuple[list[Grant], list[Unresolved], list[OtherResource]]:
    grants: list[Grant] = []
    unresolved: list[Unresolved] = []
    others: dict[str, list] = {}
    for row, line in zip(rows, lines.entries("requested", rows), strict=True):
        resource = row["resourceAppId"]
        if resource.lower() != GRAPH_APP_ID:
            entry = others.setdefault(resource, [0, line])
            entry[0] += 1
            continue
        perm, reason = _permission(row, catalog)
        if perm is None:
            unresolved.append(Unresolved(row["id"], _TYPES.get(row["type"]), line, reason))
        else:
            grants.append(Grant(perm, line, row["id"]))
    return grants, unresolved, [OtherResource(r, n, line) for r, (n, line) in sorted(others.items())]


def _consented(rows: list, catalog: Catalog, lines: _Lines) -> tuple[list[Grant], list[Unresolved]]:
    grants: list[Grant] = []
    unknown: list[Unresolved] = []
    for row, line in zip(rows, lines.entries("consented", rows), strict=True):
        if (row.get("resourceAppId") or "").lower() != GRAPH_APP_ID:
            continue
        perm, reason = _permission(row, catalog)
        if perm is None:
            unknown.append(Unresolved(row.get("id") or row.get("value") or "?", _TYPES.get(row["type"]), line,
                                      f"consented {reason}"))
            continue
        grants.append(Grant(perm, line, describe_consent(row["consent"], row.get("users"))))
    return grants, unknown


def describe_consent(consent: str, users: int | None) -> str:
    """How a permission was consented, in words for findings."""
    if consent == ADMIN_CONSENT:
        return "admin consent for all users"
    if consent == USER_CONSENT:
        return f"consent by {users or 0} user(s)"
    if consent == APP_ROLE:
        return "app role assignment"
    return consent


def _permission(row: dict, catalog: Catalog) -> tuple[Permission | None, str]:
    """Catalog first (by GUID, then by name); a name the tenant reported stands on its own."""
    ptype = _TYPES.get(row["type"])
    if ptype is None:
        return None, f"type {row['type']!r} is neither 'Scope' nor 'Role'"
    guid, value = row.get("id"), row.get("value")
    info = (catalog.by_id(ptype, guid) if guid else None) or (catalog.get(ptype, value) if value else None)
    if info is not None:
        return info.permission, ""
    if value:
        return Permission(ptype, value.strip()), ""
    return None, "GUID not in the Graph permission catalog nor in the tenant's Graph service principal"


class _Lines:
    """Lines of snapshot entries in the file text (none for a live snapshot), scanning forward per section."""

    def __init__(self, text: str) -> None:
        self.text = text

    def key(self, needle: str) -> int | None:
        pos = self.text.find(needle)
        return self.text.count("\n", 0, pos) + 1 if pos >= 0 else None

    def entries(self, section: str, rows: list) -> list[int | None]:
        pos = self.text.find(f'"{section}"')
        out: list[int | None] = []
        for row in rows:
            needle = row.get("id") or row.get("value") if isinstance(row, dict) else None
            hit = self.text.find(json.dumps(needle), pos) if pos >= 0 and isinstance(needle, str) else -1
            if hit < 0:
                out.append(None)
                continue
            out.append(self.text.count("\n", 0, hit) + 1)
            pos = hit + 1
        return out
