"""Checks of the registration against the manifest's needs (SL101-SL104, SL202, SL204, SL205): what is missing,
granted with the wrong type, not needed, broader than needed, or not judged because something's needs are
unknown. Each reads the judgements of scopelint.analysis, which the remedy of `scopelint scopes` reads too."""

from scopelint.analysis import Analysis, Surplus
from scopelint.findings import Finding, make


def _kind_word(ptype: str) -> str:
    return "Scope" if ptype == "delegated" else "Role"


def _a(ptype: str) -> str:
    """The permission type with its article, as the messages read: 'a delegated', 'an application'."""
    return ("an " if ptype[0] in "aeiou" else "a ") + ptype


def _names(perms) -> str:
    return ", ".join(p.name for p in perms)


def missing(a: Analysis) -> list[Finding]:
    m, ptype, out = a.manifest, a.manifest.auth, []
    for gap in a.gaps:
        if gap.twin is not None:
            continue
        need, perm = gap.need, gap.via
        via = "" if perm == gap.needed else f"; {perm.name} covers it and other needs together"
        out.append(make("missing", f"{need.label} needs {gap.needed.name}, which the registration does not grant{via}",
                        m.path, line=need.line, column=need.column, activity=need.subject, permission=perm.name,
                        permission_type=ptype, evidence=need.evidence, manifest=m.path,
                        suggestion=f"add {perm.name} ({_kind_word(ptype)})"))
    return out


def wrong_type(a: Analysis) -> list[Finding]:
    m, ptype, other, out = a.manifest, a.manifest.auth, a.other_type, []
    for gap in a.gaps:
        if gap.twin is None:
            continue
        need, perm = gap.need, gap.via
        as_needed = "" if perm == gap.needed else f" (for {gap.needed.name})"
        out.append(make("wrong-type",
                        f"{need.label} needs {perm.name}{as_needed} as {_a(ptype)} permission; the registration has it "
                        f"as {other} ({_kind_word(other)})",
                        m.path, line=need.line, column=need.column, activity=need.subject, permission=perm.name,
                        permission_type=ptype, evidence=need.evidence, manifest=m.path))
    return out


def _surplus(a: Analysis, *verdicts: str) -> list[Surplus]:
    return [s for s in a.surplus if s.verdict in verdicts]


def excess(a: Analysis) -> list[Finding]:
    reg, m, out = a.registration, a.manifest, []
    assert reg is not None
    for s in _surplus(a, "excess", "redundant", "other-type"):
        g = s.grant
        suggestion = None
        if s.verdict == "excess":
            message = f"{g.name} is granted but nothing in the manifest needs it"
        elif s.verdict == "other-type":
            message = f"{g.name} is {_a(a.other_type)} permission, but the manifest's auth is {m.auth}: not used"
        else:
            held = [p for p in s.replacement if p not in s.to_add]
            once = f" once {_names(s.to_add)} is granted" if s.to_add else ""
            message = (f"{g.name} is not needed{once}: {_names(s.replacement)} "
                       f"{'covers' if len(s.replacement) == 1 else 'cover'} {', '.join(s.served)}"
                       + (f" ({_names(held)} already granted)" if held else ""))
            suggestion = f"remove {g.name}"
        out.append(make("excess", message, reg.path, line=a.grant_line(g), permission=g.name,
                        permission_type=g.type, manifest=m.path, suggestion=suggestion))
    return out


def broader(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    return [make("broader",
                 f"{s.grant.name} is broader than needed for {', '.join(s.served)}: {_names(s.replacement)} would do",
                 reg.path, line=a.grant_line(s.grant), permission=s.grant.name, permission_type=s.grant.type,
                 activity=s.served[0] if len(s.served) == 1 else None, manifest=m.path,
                 suggestion=f"replace {s.grant.name} with {_names(s.to_add)}",
                 evidence=tuple(f"{label} is satisfied through {s.grant.name}" for label in s.served))
            for s in _surplus(a, "broader")]


def cannot_judge(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    unknown = ", ".join(repr(u) for u in a.unjudged)
    return [make("cannot-judge",
                 (f"{s.grant.name} serves {', '.join(s.served)}, but may be what {unknown} needs"
                  if s.served else f"{s.grant.name} is not needed by anything known, but {unknown} may need it")
                 + " (its permissions are unknown): not judged, and kept by the remedy",
                 reg.path, line=a.grant_line(s.grant), permission=s.grant.name, permission_type=s.grant.type,
                 manifest=m.path, suggestion="fix the unknown activity or Graph call, then check again")
            for s in _surplus(a, "cannot-judge")]


def unknown_permission(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    out = [make("unknown-permission", f"{bad.raw!r}: {bad.reason}", reg.path, line=bad.line, permission=bad.raw,
                permission_type=bad.type, manifest=m.path) for bad in reg.unresolved]
    for r in a.scope_requests:
        if r.info is None:
            out.append(make("unknown-permission",
                            f"the Office 365 scope requests {r.name!r}, which is not a Microsoft Graph {m.auth} "
                            "permission", r.scope.file, line=r.value.line, permission=r.name, permission_type=m.auth,
                            manifest=m.path))
    return out


def not_checked(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    assert reg is not None
    return [make("not-checked", f"{res.permission_count} permission(s) for resource {res.resource} (not Microsoft "
                 "Graph): not checked", reg.path, line=res.line, manifest=m.path) for res in reg.other_resources]
