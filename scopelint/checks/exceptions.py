"""The manifest's `accept:` exceptions: applying them to the findings (the one place that does), and the checks
that review them (SL401 expired, SL402 stale)."""

from collections.abc import Mapping
from dataclasses import replace

from scopelint.analysis import Analysis, ExceptionStatus
from scopelint.checks import lookup, severity_of
from scopelint.findings import Finding, make
from scopelint.manifest import Accept


def accept_matches(accept: Accept, finding: Finding) -> bool:
    """An entry matches a finding about its permission, and -- where the entry names them -- of its permission
    type, its finding kind and its activity."""
    if finding.permission is None or finding.permission.lower() != accept.permission.strip().lower():
        return False
    if accept.type and finding.permission_type and accept.type != finding.permission_type:
        return False
    check = lookup(accept.kind) if accept.kind else None
    if accept.kind and (check is None or check.kind != finding.kind):
        return False
    return not (accept.activity and (finding.activity or "").lower() != accept.activity.lower())


def apply_accepts(a: Analysis, findings: list[Finding],
                  overrides: Mapping[str, str]) -> tuple[list[Finding], list[ExceptionStatus]]:
    """Suppress what active exceptions cover; expired ones let their findings through. Every finding an exception
    touches carries it in `extra["exception"]` so reporters can show reason, owner, ticket and expiry. An entry for
    a finding kind that is configured off is not stale: its check did not run."""
    manifest = a.manifest
    out = []
    hits = {id(entry): 0 for entry in manifest.accept}
    for f in findings:
        match = next((entry for entry in manifest.accept if accept_matches(entry, f)), None)
        if match is None:
            out.append(f)
            continue
        hits[id(match)] += 1
        tagged = replace(f, extra={**f.extra, "exception": match})
        if _expired(match, a):
            out.append(tagged)
            continue
        out.append(replace(tagged, suppressed_by=f"{manifest.path}:{match.line}: {match.reason}"))
    statuses = []
    for entry in manifest.accept:
        check = lookup(entry.kind) if entry.kind else None
        if _expired(entry, a):
            status = "expired"
        elif hits[id(entry)] == 0 and not (check is not None and severity_of(check, overrides) == "off"):
            status = "stale"
        else:
            status = "active"
        statuses.append(ExceptionStatus(entry, status, hits[id(entry)]))
    return out, statuses


def _expired(entry: Accept, a: Analysis) -> bool:
    return entry.expires is not None and entry.expires < a.today


def _where(entry: Accept, a: Analysis) -> dict:
    return dict(line=entry.line, column=entry.column, permission=entry.permission, permission_type=entry.type,
                activity=entry.activity, manifest=a.manifest.path, extra={"exception": entry})


def _who(entry: Accept) -> str:
    return ", ".join(f"{k} {v}" for k, v in (("owner", entry.owner), ("ticket", entry.ticket)) if v)


def expired_exception(a: Analysis, statuses: list[ExceptionStatus]) -> list[Finding]:
    return [make("expired-exception",
                 f"exception for {s.accept.permission} expired on {s.accept.expires.isoformat()} "
                 f"({'; '.join(filter(None, (s.accept.reason, _who(s.accept))))})",
                 a.manifest.path, **_where(s.accept, a),
                 suggestion="extend 'expires' after a review, or fix the registration")
            for s in statuses if s.status == "expired" and s.accept.expires is not None]


def stale_exception(a: Analysis, statuses: list[ExceptionStatus]) -> list[Finding]:
    return [make("stale-exception", f"exception for {s.accept.permission} matches no finding; remove it"
                 + (f" ({_who(s.accept)})" if _who(s.accept) else ""), a.manifest.path, **_where(s.accept, a))
            for s in statuses if s.status == "stale"]
