"""The live audit of app registrations read from a tenant: what a security reviewer asks first, per app.

High-privilege permissions (Graph's privilege level 4, directly or through what they imply), permissions that need
admin consent and whether they have it, requested permissions that no manifest needs (where manifests name the app),
and grants without a matching request. Engine-side: reporters/tenant_audit.py only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scopelint.analysis import stale_grants
from scopelint.catalog import Permission
from scopelint.errors import InputError
from scopelint.graph import live_name
from scopelint.manifest import LiveRegistration, Manifest, load_manifest
from scopelint.registration import Registration, load_registration
from scopelint.snapshot import Snapshot, registration_of

HIGH_PRIVILEGE = 4


@dataclass(frozen=True)
class LivePermission:
    """A Graph permission the app requests or holds a grant for."""

    permission: Permission
    requested: bool
    consent: tuple[str, ...]
    admin_consent: bool
    high: bool


@dataclass(frozen=True)
class AppAudit:
    """One app registration as the audit sees it."""

    app_id: str
    display_name: str | None
    tenant: str | None
    permissions: tuple[LivePermission, ...]
    manifests: tuple[str, ...]
    unused: tuple[Permission, ...] | None
    not_consented: tuple[Permission, ...]
    unknown: int
    other_resources: int

    @property
    def high_privilege(self) -> tuple[LivePermission, ...]:
        return tuple(p for p in self.permissions if p.high)

    @property
    def admin_consent(self) -> tuple[LivePermission, ...]:
        return tuple(p for p in self.permissions if p.requested and p.admin_consent)

    @property
    def stale(self) -> tuple[LivePermission, ...]:
        return tuple(p for p in self.permissions if not p.requested)


def audit_apps(snapshots: list[Snapshot], manifest_paths: list[Path], session) -> tuple[list[AppAudit], list[str]]:
    """Audits sorted by name, and notes on manifests that could not be matched to an app."""
    manifests, notes = manifests_by_app(manifest_paths, session.catalog)
    audits = [audit_app(snap, manifests.get(snap.app_id, []), session) for snap in snapshots]
    return sorted(audits, key=lambda a: ((a.display_name or "").lower(), a.app_id)), notes


def audit_app(snap: Snapshot, manifests: list[Manifest], session) -> AppAudit:
    reg = registration_of(snap, session.catalog, live_name(snap.app_id))
    lattice = session.engine.lattice
    consent: dict[Permission, list[str]] = {}
    for g in reg.consented or ():
        consent.setdefault(g.permission, []).append(g.raw)
    stale = {g.permission for g in stale_grants(reg)}
    rows = []
    for perm in sorted({g.permission for g in reg.requested} | stale):
        info = session.catalog.get(perm.type, perm.name)
        rows.append(LivePermission(
            permission=perm,
            requested=perm not in stale,
            consent=tuple(sorted(set(consent.get(perm, ())))),
            admin_consent=bool(info.admin_consent) if info else perm.type == "application",
            high=lattice.rank(perm)[0] >= HIGH_PRIVILEGE,
        ))
    unused, not_consented = _against_manifests(reg, manifests, session)
    return AppAudit(
        app_id=snap.app_id,
        display_name=snap.display_name,
        tenant=snap.tenant,
        permissions=tuple(rows),
        manifests=tuple(sorted(m.path for m in manifests)),
        unused=unused,
        not_consented=not_consented,
        unknown=len(reg.unresolved),
        other_resources=sum(r.permission_count for r in reg.other_resources),
    )


def _against_manifests(reg: Registration, manifests: list[Manifest],
                       session) -> tuple[tuple[Permission, ...] | None, tuple[Permission, ...]]:
    """Requested permissions no manifest of the app needs (excess everywhere), and needs without consent."""
    if not manifests:
        return None, ()
    unused: set[Permission] | None = None
    missing_consent: set[Permission] = set()
    for manifest in manifests:
        result = session.evaluate(manifest, reg, config=session.config_for(manifest.path))
        excess = {Permission(f.permission_type, f.permission) for f in result.findings
                  if f.kind == "excess" and f.suppressed_by is None and f.permission and f.permission_type}
        unused = excess if unused is None else unused & excess
        missing_consent |= {Permission(f.permission_type, f.permission) for f in result.findings
                            if f.kind == "not-consented" and f.permission and f.permission_type}
    return tuple(sorted(unused or ())), tuple(sorted(missing_consent))


def manifests_by_app(paths: list[Path], catalog) -> tuple[dict[str, list[Manifest]], list[str]]:
    """Manifests keyed by the app id of their registration (live `client_id`, or a registration file's appId)."""
    found: dict[str, list[Manifest]] = {}
    notes: list[str] = []
    for path in paths:
        try:
            manifest = load_manifest(path)
            source = manifest.registration
            app_id: str | None
            if isinstance(source, LiveRegistration):
                app_id = source.client_id
            elif source is not None:
                app_id = load_registration(source, catalog).app_id
            else:
                app_id = None
        except InputError as exc:
            notes.append(f"skipped {exc}")
            continue
        if not app_id:
            notes.append(f"skipped {path}: its registration names no app id")
            continue
        found.setdefault(app_id.strip().lower(), []).append(manifest)
    return found, notes
