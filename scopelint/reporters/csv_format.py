"""The audit report as one CSV table for spreadsheets: a row per evidence link of each required permission, per
requested permission, per open finding and per exception; the `record` column says which. A finding's `file` and
`line` say where it is (the manifest, the registration, or a workflow / project.json of the scanned project).

Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io

from scopelint.results import RunResult
from scopelint.review import EvidenceLink

COLUMNS = ("record", "project", "manifest", "registration", "permission", "type", "id", "admin_consent",
           "privilege", "status", "activity", "line", "operations", "provenance", "source", "code", "severity",
           "message", "reason", "owner", "ticket", "expires", "used_at", "target", "target_data", "file")


def render(report: RunResult) -> str:
    review = report.review
    if review is None:
        raise ValueError("the CSV report needs the review (RunResult.review)")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in review.projects:
        base = {"project": p.name, "manifest": p.manifest, "registration": p.registration or ""}
        for r in p.required:
            perm = _perm(r)
            links: list[EvidenceLink | None] = [link for g in r.by_target for link in g.links]
            for link in links or [None]:
                row = {**base, **perm, "record": "required"}
                if link is not None:
                    row.update(activity=link.activity, line=link.line, operations=" ".join(link.operations),
                               provenance=link.provenance, source=link.source or "",
                               used_at="; ".join(link.found_at), target=link.target,
                               target_data="; ".join(link.named))
                writer.writerow(_safe(row))
        for r in p.requested:
            writer.writerow(_safe({**base, **_perm(r), "record": "requested"}))
        for f in p.findings:
            writer.writerow(_safe({**base, "record": "finding", "permission": f.permission or "",
                                   "type": f.permission_type or "", "activity": f.activity or "",
                                   "file": f.file or "", "line": f.line or "", "code": f.code,
                                   "severity": f.severity, "message": f.message, "status": f.kind}))
        for e in p.exceptions:
            writer.writerow(_safe({**base, "record": "exception", "permission": e.permission, "type": e.type or "",
                                   "activity": e.activity or "", "line": e.line, "status": e.status,
                                   "reason": e.reason, "owner": e.owner or "", "ticket": e.ticket or "",
                                   "expires": e.expires or ""}))
    for f in review.unreadable:
        writer.writerow(_safe({"record": "finding", "manifest": f.manifest or f.file, "file": f.file or "",
                               "line": f.line or "", "code": f.code, "severity": f.severity, "message": f.message,
                               "status": f.kind}))
    return buf.getvalue()


def _perm(r) -> dict:
    return {"permission": r.permission.name, "type": r.permission.type, "id": r.id or "",
            "admin_consent": "yes" if r.admin_consent else "no",
            "privilege": "" if r.privilege is None else r.privilege, "status": r.status}


def _safe(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        text = " ".join(str(value).split()) if isinstance(value, str) else value
        if isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
            text = "'" + text
        out[key] = text
    return out
