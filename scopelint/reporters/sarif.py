"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDEs).

Every finding code is a rule with its help text. Results point at the manifest entry or the registration entry;
`partialFingerprints` come from (manifest, kind, activity, permission), never from line numbers, so alerts
survive edits that move lines. Accepted findings are results with an in-source suppression.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from scopelint import HOMEPAGE
from scopelint.checks import CHECKS
from scopelint.findings import Finding
from scopelint.results import RunResult

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "scopelint/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_RULES = sorted(CHECKS, key=lambda c: c.id)
_INDEX = {c.kind: i for i, c in enumerate(_RULES)}


def render(report: RunResult) -> str:
    meta = report.meta
    catalog = meta.get("catalog") or {}
    run = {
        "tool": {"driver": {
            "name": "scopelint",
            "version": meta.get("version", ""),
            "semanticVersion": meta.get("version", ""),
            "informationUri": HOMEPAGE,
            "rules": [_rule(c) for c in _RULES],
            "properties": {
                "catalogSource": catalog.get("source"),
                "catalogRetrieved": catalog.get("retrieved"),
                "latticeVersion": meta.get("lattice"),
            },
        }},
        "invocations": [_invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f) for f in report.findings],
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _invocation(report: RunResult) -> dict:
    """Whether every input could be read; with --stamp also when the run ended and the commit it checked."""
    out: dict = {"executionSuccessful": not any(f.kind == "invalid-input" for f in report.findings)}
    stamp = report.meta.get("stamp")
    if stamp:
        out["endTimeUtc"] = stamp["generated"].replace("+00:00", "Z")
        out["properties"] = {"commit": stamp["commit"], "uncommittedChanges": stamp["dirty"]}
    return out


def _rule(code) -> dict:
    return {
        "id": code.id,
        "name": "".join(part.capitalize() for part in code.kind.split("-")),
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": code.help},
        "help": {"text": f"{code.help}\n\nMore: scopelint explain {code.id}",
                 "markdown": f"{code.help}\n\nMore: `scopelint explain {code.id}`"},
        "defaultConfiguration": {"level": _LEVEL[code.severity]},
        "helpUri": f"{HOMEPAGE}/blob/main/README.md#findings",
        "properties": {"kind": code.kind, "tags": ["security", "microsoft-graph", "permissions"]},
    }


def _result(f: Finding) -> dict:
    text = f.message + (f". Suggestion: {f.suggestion}" if f.suggestion else "")
    out: dict = {
        "ruleId": f.code,
        "ruleIndex": _INDEX[f.kind],
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [_location(f.file, f.line, f.column)],
        "partialFingerprints": {FINGERPRINT: fingerprint(f)},
        "properties": {k: v for k, v in (
            ("kind", f.kind), ("activity", f.activity), ("permission", f.permission),
            ("permissionType", f.permission_type), ("manifest", f.manifest),
            ("evidence", list(f.evidence) or None), ("suggestion", f.suggestion)) if v is not None},
    }
    if f.manifest and f.manifest != f.file:
        related = _location(f.manifest, None, None)
        related["id"] = 1
        related["message"] = {"text": "the manifest this registration was checked against"}
        out["relatedLocations"] = [related]
    if f.suppressed_by is not None:
        out["suppressions"] = [_suppression(f)]
    return out


def _suppression(f: Finding) -> dict:
    accept = f.extra.get("exception")
    props = {}
    if accept is not None:
        props = {k: v for k, v in (("owner", accept.owner), ("ticket", accept.ticket),
                                   ("expires", accept.expires.isoformat() if accept.expires else None),
                                   ("line", accept.line)) if v is not None}
    reason = accept.reason if accept is not None else f.suppressed_by
    return {"kind": "inSource", "status": "accepted", "justification": reason, "properties": props}


def _location(path: str, line: int | None, column: int | None) -> dict:
    physical: dict = {"artifactLocation": _artifact(path)}
    if line:
        physical["region"] = {"startLine": line, **({"startColumn": column} if column else {})}
    return {"physicalLocation": physical}


def _artifact(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": "%SRCROOT%"}


def fingerprint(f: Finding) -> str:
    """Stable identity of a finding across edits: manifest, kind, activity and permission (with its type).

    Findings that name neither an activity nor a permission (unreadable files, other APIs) add their file and
    message, which carry no line numbers.
    """
    manifest = Path(f.manifest or f.file).as_posix()
    parts = [manifest, f.kind, f.activity or "", f"{f.permission_type or ''}:{f.permission or ''}"]
    if f.activity is None and f.permission is None:
        parts += [Path(f.file).as_posix(), f.message]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]  # non-UTF-8 paths
