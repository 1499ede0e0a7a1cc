"""Machine-readable output: one JSON object, keys sorted, no timestamps."""

from __future__ import annotations

import json

from scopelint.findings import Finding
from scopelint.results import RunResult


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
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
