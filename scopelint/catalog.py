"""The Microsoft Graph permission catalog: names <-> GUIDs per type, admin consent, privilege level.

Loaded once per process from the bundled data (or the user's refreshed copy) and cached.
"""

import json
import os
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

PermissionType = Literal["delegated", "application"]
TYPES: tuple[PermissionType, ...] = ("delegated", "application")
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
ASCII_BLANKS = " \t\r\n\f\v"
REGISTRATION_TYPE = {"delegated": "Scope", "application": "Role"}


class Permission(NamedTuple):
    """One Graph permission of one type, named in catalog casing.

    A NamedTuple rather than a dataclass: the cover search hashes permissions about a million times per thousand
    manifests, and tuple hashing runs in C. Immutable and ordered (type, name) all the same.
    """

    type: PermissionType
    name: str

    def __str__(self) -> str:
        return self.name if self.type == "delegated" else f"{self.name} (application)"


class PermissionInfo(NamedTuple):
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
        self.source_note: str | None = doc.get("source_note")
        self.privilege_source: str | None = doc.get("privilege_source")
        self.fallback: str | None = None  # why a refreshed catalog was not used, to announce
        self._rows: dict[tuple[PermissionType, str], dict] = {}
        self._ids: dict[tuple[PermissionType, str], tuple[PermissionType, str]] = {}
        self._infos: dict[tuple[PermissionType, str], PermissionInfo] = {}
        for ptype in TYPES:
            for row in doc.get(ptype, []):
                key = (ptype, row["value"].lower())
                self._rows[key] = row
                self._ids[(ptype, row["id"].lower())] = key

    def _info(self, key: tuple[PermissionType, str]) -> PermissionInfo | None:
        """Built on first use: a run touches a handful of the 1,500 permissions."""
        info = self._infos.get(key)
        if info is None and key in self._rows:
            row = self._rows[key]
            info = PermissionInfo(
                permission=Permission(key[0], row["value"]),
                id=row["id"].lower(),
                admin_consent=bool(row.get("admin")),
                privilege=row.get("privilege"),
                title=row.get("title", ""),
                enabled=bool(row.get("enabled", True)),
            )
            self._infos[key] = info
        return info

    def get(self, ptype: PermissionType, name: str) -> PermissionInfo | None:
        """The permission of that type and name (any case, surrounding ASCII blanks ignored). Names are ASCII: a
        look-alike (Kelvin sign for K, no-break or ideographic space, a line separator) finds nothing, where
        Unicode case folding and stripping would quietly turn it into a real name."""
        key = name.strip(ASCII_BLANKS)
        return self._info((ptype, key.lower())) if key.isascii() else None

    def by_id(self, ptype: PermissionType, guid: str) -> PermissionInfo | None:
        guid = guid.strip(ASCII_BLANKS)
        key = self._ids.get((ptype, guid.lower())) if guid.isascii() else None
        return self._info(key) if key else None

    def permission(self, ptype: PermissionType, name: str) -> Permission | None:
        info = self.get(ptype, name)
        return info.permission if info else None

    def names(self, ptype: PermissionType) -> list[str]:
        return sorted(row["value"] for (t, _), row in self._rows.items() if t == ptype)

    def __len__(self) -> int:
        return len(self._rows)


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
    fallback = None
    if cached.is_file():
        from scopelint.catalog_check import check_catalog
        from scopelint.errors import InputError

        try:
            doc = json.loads(cached.read_text(encoding="utf-8"))
            check_catalog(doc, str(cached))
            return Catalog(doc, origin=str(cached))
        except InputError as exc:
            why = exc.message
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
        fallback = (f"warning: the refreshed permission catalog {cached} does not load ({why}); using the bundled "
                    "one (run 'scopelint catalog refresh' again)")
    from scopelint.paths import DATA

    catalog = Catalog(json.loads((DATA / "catalog.json").read_text(encoding="utf-8")), origin="bundled")
    catalog.fallback = fallback
    return catalog
