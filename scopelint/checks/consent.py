"""Checks of the tenant's consent (SL105, SL106), from a snapshot or a live read: needed permissions nobody
consented to, and consent grants the registration no longer requests."""

from scopelint.analysis import Analysis
from scopelint.findings import Finding, make


def not_consented(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    return [make("not-consented",
                 f"{u.permission.name} is requested and needed by {', '.join(u.served)}, but no consent grant in the "
                 "tenant covers it", reg.path, line=a.grant_line(u.permission), permission=u.permission.name,
                 permission_type=m.auth, activity=u.served[0] if len(u.served) == 1 else None, manifest=m.path,
                 suggestion=f"grant admin consent for {u.permission.name}")
            for u in a.unconsented]


def consented_not_requested(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    return [make("consented-not-requested",
                 f"{g.permission.name} ({g.permission.type}) holds a grant ({g.raw}) that the registration no longer "
                 "requests", reg.path, line=g.line, permission=g.permission.name, permission_type=g.permission.type,
                 manifest=m.path, suggestion=f"revoke the grant for {g.permission.name}")
            for g in a.stale_grants]
