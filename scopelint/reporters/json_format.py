"""Machine-readable output: one JSON object, keys sorted, no timestamps."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from scopelint.findings import Finding
from scopelint.results import RunResult

if TYPE_CHECKING:
    from scopelint.usage.join import Usage


def finding_dict(f: Finding) -> dict:
    return {
        "code": f.code,
        "kind": f.kind,
        "severity": f.severity,
        "message": f.message,
        "activity": f.activity,
        "permission": f.permission,
        "permission_type": f.permission_type,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "manifest": f.manifest,
        "evidence": list(f.evidence),
        "suggestion": f.suggestion,
        "suppressed": f.suppressed_by is not None,
        "suppressed_by": f.suppressed_by,
        "exception": _exception(f.extra.get("exception")),
    }


def _exception(accept) -> dict | None:
    """The `accept:` entry that suppressed (or, expired, no longer suppresses) the finding, with its review data."""
    if accept is None:
        return None
    return {"line": accept.line, "reason": accept.reason, "owner": accept.owner, "ticket": accept.ticket,
            "expires": accept.expires.isoformat() if accept.expires else None}


def render(report: RunResult) -> str:
    manifests = []
    for r in report.results:
        manifests.append({
            "path": r.manifest.path,
            "name": r.manifest.name,
            "auth": r.manifest.auth,
            "registration": r.registration.path if r.registration else None,
            "registration_format": r.registration.format if r.registration else None,
            "required": [
                {"permission": p.name, "type": p.type, "needed_by": r.used_by.get(p, [])} for p in r.minimal
            ],
        })
    counts = {s: sum(1 for f in report.findings if f.severity == s and f.suppressed_by is None)
              for s in ("error", "warning", "info")}
    doc = {
        "tool": report.meta,
        "manifests": manifests,
        "findings": [finding_dict(f) for f in report.findings],
        "summary": counts,
    }
    if report.usage:
        doc["usage"] = [usage_dict(u) for u in report.usage]
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def usage_dict(u: Usage) -> dict:
    """Observed usage of one app: window, counts, per operation what served it, unmatched paths."""
    doc = {
        "sources": list(u.sources),
        "apps": list(u.app_ids),
        "window": {"first": u.window.first or None, "last": u.window.last or None, "days": u.window.days},
        "rows": u.rows,
        "calls": u.calls,
        "left_out": u.filtered,
        "batch_envelopes": u.batches,
        "operations": [{
            "operation": op.key, "type": op.scheme, "calls": op.calls, "succeeded": op.ok, "denied": op.denied,
            "least_privileged": op.least.name if op.least else None,
            "served_by": {p.name: n for p, n in op.served_by},
            "paths": {p: n for p, n in op.paths},
        } for op in u.operations],
        "unmatched": {p: n for p, n in u.unmatched},
    }
    if u.people_counted:
        doc["users"] = list(u.users)
        doc["ip_addresses"] = list(u.ips)
    return doc
