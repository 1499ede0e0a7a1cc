"""Checks on what the manifest declares (SL107, SL201, SL203): entries whose needs cannot be worked out, or that
cannot run under the manifest's auth mode at all. They need no registration."""

from scopelint.analysis import Analysis
from scopelint.findings import Finding, make


def unsupported_auth(a: Analysis) -> list[Finding]:
    m = a.manifest
    return [make("unsupported-auth", f"{u.rule.display_name} cannot run with {m.auth} auth: {u.reason}", m.path,
                 line=u.ref.line, column=u.ref.column, activity=u.ref.ref, permission_type=m.auth, manifest=m.path)
            for u in a.unsupported]


def unknown_activity(a: Analysis) -> list[Finding]:
    out = []
    for u in a.unknown_activities:
        hint = f"; did you mean {' or '.join(repr(h) for h in u.hints)}?" if u.hints else ""
        out.append(make("unknown-activity", f"unknown activity '{u.ref.ref}'{hint}", a.manifest.path,
                        line=u.ref.line, column=u.ref.column, activity=u.ref.ref, manifest=a.manifest.path))
    return out


def unknown_operation(a: Analysis) -> list[Finding]:
    return [make("unknown-operation", f"'{op.request}' matches no path in Microsoft's permission data",
                 a.manifest.path, line=op.line, column=op.column, activity=op.request, manifest=a.manifest.path)
            for op in a.unknown_operations]
