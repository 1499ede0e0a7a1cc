"""Layout of the live audit (scopelint audit --live): text for people, JSON for tools. Nothing is computed here."""

from __future__ import annotations

import json

from scopelint.tenant_audit import AppAudit, LivePermission


def render(audits: list[AppAudit], fmt: str) -> str:
    return render_json(audits) if fmt == "json" else render_text(audits)


def render_text(audits: list[AppAudit]) -> str:
    lines: list[str] = []
    for a in audits:
        tenant = f"  tenant {a.tenant}" if a.tenant else ""
        lines.append(f"{a.display_name or '(no name)'}  appId {a.app_id}{tenant}")
        if not a.permissions:
            lines.append("  no Microsoft Graph permissions requested or granted")
        for p in a.permissions:
            flags = ", ".join(f for f in ("HIGH" if p.high else "", "admin consent" if p.admin_consent else "",
                                          "" if p.requested else "NOT REQUESTED") if f)
            consent = "; ".join(p.consent) or "not consented"
            flags = f"  [{flags}]" if flags else ""
            lines.append(f"  {p.permission.name:<36} {p.permission.type:<12} {consent}{flags}")
        if a.high_privilege:
            lines.append(f"  high privilege: {_names(a.high_privilege)}")
        waiting = [p for p in a.admin_consent if not p.consent]
        if waiting:
            lines.append(f"  admin consent needed, not granted: {_names(waiting)}")
        if a.stale:
            lines.append(f"  grants without a matching request (revoke them): {_names(a.stale)}")
        if a.unused is None:
            lines.append("  unused requests: no manifest names this app")
        else:
            lines.append(f"  unused by {', '.join(a.manifests)}: "
                         + (", ".join(str(p) for p in a.unused) or "none"))
            if a.not_consented:
                lines.append(f"  needed but not consented: {', '.join(str(p) for p in a.not_consented)}")
        if a.unknown:
            lines.append(f"  {a.unknown} permission(s) not in the Graph permission catalog")
        if a.other_resources:
            lines.append(f"  {a.other_resources} permission(s) for other APIs than Microsoft Graph: not judged")
        lines.append("")
    high = sum(1 for a in audits if a.high_privilege)
    stale = sum(1 for a in audits if a.stale)
    pending = sum(1 for a in audits if any(not p.consent for p in a.admin_consent))
    lines.append(f"{len(audits)} app(s): {high} with high-privilege permissions, {pending} waiting for admin consent, "
                 f"{stale} with grants the registration no longer requests")
    return "\n".join(lines) + "\n"


def _names(perms: tuple[LivePermission, ...] | list[LivePermission]) -> str:
    return ", ".join(str(p.permission) for p in perms)


def render_json(audits: list[AppAudit]) -> str:
    rows = []
    for a in audits:
        rows.append({
            "appId": a.app_id,
            "displayName": a.display_name,
            "tenant": a.tenant,
            "permissions": [
                {"permission": p.permission.name, "type": p.permission.type, "requested": p.requested,
                 "consent": list(p.consent), "adminConsent": p.admin_consent, "highPrivilege": p.high}
                for p in a.permissions
            ],
            "highPrivilege": [_ref(p) for p in a.high_privilege],
            "adminConsentNotGranted": [_ref(p) for p in a.admin_consent if not p.consent],
            "grantsWithoutRequest": [_ref(p) for p in a.stale],
            "manifests": list(a.manifests),
            "unusedRequests": None if a.unused is None else [{"permission": p.name, "type": p.type}
                                                             for p in a.unused],
            "notConsented": [{"permission": p.name, "type": p.type} for p in a.not_consented],
            "unknownPermissions": a.unknown,
            "otherResourcePermissions": a.other_resources,
        })
    return json.dumps({"apps": rows}, indent=2, sort_keys=True) + "\n"


def _ref(p: LivePermission) -> dict:
    return {"permission": p.permission.name, "type": p.permission.type}
