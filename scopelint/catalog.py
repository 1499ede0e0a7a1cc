"""The Microsoft Graph permission catalog: names <-> GUIDs per type, admin consent, privilege level.

Loaded once per process from the bundled data (or the user's refreshed copy) and cached.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

PermissionType = Literal["delegated", "application"]
TYPES: tuple[PermissionType, ...] = ("delegated", "application")
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
REGISTRATION_TYPE = {"delegated": "Scope", "application": "Role"}


@dataclass(frozen=True, order=True)
class Permission:
    """One Graph permission of one type, named in catalog casing."""

    type: PermissionType
    name: str

    def __str__(self) -> str:
        return self.name if self.type == "delegated" else f"{self.name} (application)"


@dataclass(frozen=True)
class PermissionInfo:
    """What the catalog knows of a permission."""

    permission: Permission
    id: str
    admin_consent: bool
    privilege: int | None
    title: str
    enabled: bool


class Catalog:
    """Lookup by (type, name) case-insensitively and by (type, GUID): one GUID can be both a scope and a role."""

    def __init__(self, doc: dict, origin: str) -> None:
        self.origin = origin
        self.source: str = doc.get("source") or "unknown"
        self.retrieved: str | None = doc.get("retrieved")
        self._by_name: dict[tuple[str, str], PermissionInfo] = {}
        self._by_id: dict[tuple[str, str], PermissionInfo] = {}
        for ptype in TYPES:
            for row in doc.get(ptype, []):
                info = PermissionInfo(
                    permission=Permission(ptype, row["value"]),
                    id=row["id"].lower(),
                    admin_consent=bool(row.get("admin")),
                    privilege=row.get("privilege"),
                    title=row.get("title", ""),
                    enabled=bool(row.get("enabled", True)),
                )
                self._by_name[(ptype, row["value"].lower())] = info
                self._by_id[(ptype, info.id)] = info

    def get(self, ptype: str, name: str) -> PermissionInfo | None:
        """The permission of that type and name (any case, surrounding blanks ignored)."""
        return self._by_name.get((ptype, name.strip().lower()))

    def by_id(self, ptype: str, guid: str) -> PermissionInfo | None:
        return self._by_id.get((ptype, guid.strip().lower()))

    def permission(self, ptype: str, name: str) -> Permission | None:
        info = self.get(ptype, name)
        return info.permission if info else None

    def names(self, ptype: str) -> list[str]:
        return sorted(info.permission.name for (t, _), info in self._by_name.items() if t == ptype)

    def other_type(self, ptype: str, name: str) -> PermissionInfo | None:
        """The same name under the other type, for wrong-type findings."""
        return self.get("application" if ptype == "delegated" else "delegated", name)

    def __len__(self) -> int:
        return len(self._by_name)


def user_cache_dir() -> Path:
    """Where refreshed knowledge lives: $SCOPELINT_CACHE, else $XDG_CACHE_HOME/scopelint, else ~/.cache/scopelint."""
    if os.environ.get("SCOPELINT_CACHE"):
        return Path(os.environ["SCOPELINT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scopelint"


@cache
def load_catalog() -> Catalog:
    """The refreshed catalog from the user's cache if there is one, else the bundled one."""
    cached = user_cache_dir() / "catalog.json"
    if cached.is_file():
        try:
            return Catalog(json.loads(cached.read_text(encoding="utf-8")), origin=str(cached))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    from scopelint.paths import DATA

    return Catalog(json.loads((DATA / "catalog.json").read_text(encoding="utf-8")), origin="bundled")
