"""Machine-readable output: one JSON object, keys sorted, no timestamps."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from scopelint.findings import Finding
from scopelint.results import Result, RunResult

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


def manifest_dict(r: Result) -> dict:
    return {
        "path": r.manifest.path,
        "name": r.manifest.name,
        "auth": r.manifest.auth,
        "registration": r.registration.path if r.registration else None,
        "registration_format": r.registration.format if r.registration else None,
        "required": [
            {"permission": p.name, "type": p.type, "needed_by": r.used_by.get(p, [])} for p in r.minimal
        ],
    }


def render(report: RunResult) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s and f.suppressed_by is None)
              for s in ("error", "warning", "info")}
    doc = {
        "tool": report.meta,
        "manifests": [manifest_dict(r) for r in report.results],
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


def stream(pairs: Iterable[tuple[Result | None, list[Finding]]], meta: dict, write: Callable[[str], object]) -> None:
    """The document of `render` (without usage), written while the run checks manifest after manifest
    (Session.each): each manifest's entry and findings are encoded as they come and kept as text in a temporary
    file, with a small index; the findings are then written in the document's order, one manifest's at a time."""
    import tempfile

    counts = {"error": 0, "warning": 0, "info": 0}
    groups: list[tuple[tuple, int, int]] = []  # (sort key of the group's first finding, offset, length)
    entries: list[tuple[int, int]] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogateescape") as spool:
        for result, findings in pairs:
            for f in findings:
                if f.suppressed_by is None:
                    counts[f.severity] += 1
            if result is not None:
                entries.append(_spool(spool, [manifest_dict(result)]))
            by_key: dict[str, list[Finding]] = {}
            for f in findings:
                by_key.setdefault(f.manifest or f.file, []).append(f)
            for items in by_key.values():
                groups.append((items[0].sort_key(), *_spool(spool, [finding_dict(f) for f in items])))
        groups.sort(key=lambda g: g[0])
        write("{\n")
        _write_list(spool, "findings", [(o, n) for _, o, n in groups], write)
        _write_list(spool, "manifests", entries, write)
        write(f'  "summary": {_nested(counts)},\n  "tool": {_nested(meta)}\n}}\n')


def _spool(spool, items: list[dict]) -> tuple[int, int]:
    """Items encoded as they stand in the document's arrays (four spaces in); their place in the spool."""
    text = ",\n".join("    " + json.dumps(i, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n    ")
                      for i in items)
    spool.seek(0, 2)
    offset = spool.tell()
    spool.write(text)
    return offset, len(text)


def _write_list(spool, key: str, parts: list[tuple[int, int]], write: Callable[[str], object]) -> None:
    if not parts:
        write(f'  "{key}": [],\n')
        return
    write(f'  "{key}": [\n')
    for k, (offset, length) in enumerate(parts):
        spool.seek(offset)
        write(spool.read(length) + (",\n" if k < len(parts) - 1 else "\n"))
    write("  ],\n")


def _nested(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n  ")
