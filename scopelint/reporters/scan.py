"""Output of `scopelint scan`: the projects found and the Microsoft 365 activities they use, as text or JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator

from scopelint.uipath import ActivityUse, Diagnostic, GraphCall, Project, ScanResult, ScopeUse, ScopeValue


def scan_dict(result: ScanResult) -> dict:
    """The JSON document: {"projects": [...], "diagnostics": [...], "summary": {...}}; keys sorted, no timestamps."""
    return {
        "projects": [project_dict(p) for p in result.projects],
        "diagnostics": [diagnostic_dict(d) for d in result.all_diagnostics],
        "summary": summary_dict(result),
    }


def summary_dict(result: ScanResult) -> dict:
    return {
        "projects": len(result.projects),
        "workflows": result.files_total,
        "workflows_read": result.files_read,
        "workflows_parsed": result.files_parsed,
        "activities": sum(len(p.activities) for p in result.projects),
        "operations": sum(len(p.calls) for p in result.projects),
    }


def project_dict(p: Project) -> dict:
    pkg = p.package()
    return {
        "path": p.path,
        "file": p.file,
        "kind": p.kind,
        "name": p.name,
        "auth": p.auth,
        "auth_modes": list(p.auth_modes),
        "requested_scopes": list(p.requested_scopes),
        "requested_scopes_from": list(p.requested_scopes_from),
        "requested_scopes_dynamic": p.requested_scopes_dynamic,
        "requested_scopes_computed": p.requested_scopes_computed,
        "oauth_application": p.oauth_application,
        "public_app": p.oauth_application == "UiPath",
        "package_version": p.package_version,
        "package_range": _range_dict(pkg.range) if pkg and pkg.range else None,
        "packages": {x.name: x.version for x in p.packages},
        "expression_language": p.expression_language,
        "target_framework": p.target_framework,
        "output_type": p.output_type,
        "workflows": p.workflows,
        "workflows_read": p.workflows_read,
        "ignored_files": list(p.ignored_files),
        "activities": [activity_dict(a) for a in p.activities],
        "scopes": [scope_dict(s) for s in p.scopes],
        "only_disabled_scopes": p.only_disabled_scopes,
        "operations": [call_dict(c) for c in p.calls],
        "token_requests": [{"file": t.file, "line": t.line, "auth": t.auth, "disabled": t.disabled}
                           for t in p.tokens],
        "libraries": [{"name": x.name, "version": x.version, "line": x.line, "why": x.why, "evidence": list(x.evidence),
                       "found_in": x.found_in, "declared_by": x.declared_by, "operations": list(x.operations)}
                      for x in p.libraries],
    }


def _range_dict(r) -> dict:
    return {"minimum": r.minimum, "min_inclusive": r.min_inclusive, "maximum": r.maximum,
            "max_inclusive": r.max_inclusive, "exact": r.exact}


def activity_dict(a: ActivityUse) -> dict:
    return {"class": a.cls, "name": a.name, "display_name": a.title, "file": a.file, "line": a.line,
            "disabled": a.disabled, "auth": a.auth,
            "rule": a.rule, "kind": a.kind, "known": a.rule is not None, "shared": a.shared,
            "recovered": a.recovered, "target": a.target, "target_evidence": a.target_evidence,
            "target_expression": a.target_expression}


def call_dict(c: GraphCall) -> dict:
    """A Graph call found outside the activity packages; `request` is what `operations:` lists, null when the method
    or path could not be worked out (`reason` says why)."""
    return {"file": c.file, "line": c.line, "source": c.source, "method": c.method, "path": c.path,
            "request": c.request, "version": c.version, "disabled": c.disabled, "reason": c.reason, "text": c.text}


def scope_dict(s: ScopeUse) -> dict:
    return {"file": s.file, "line": s.line, "disabled": s.disabled, "authentication_type": s.authentication_type,
            "application_id": s.application_id, "auth": s.auth, "oauth_application": s.oauth_application,
            "services": _values(s.services), "authentication_scopes": _values(s.authentication_scopes)}


def _values(values: tuple[ScopeValue, ...] | None) -> list[dict] | None:
    if values is None:
        return None
    return [{"value": v.value, "line": v.line, "dynamic": v.dynamic} for v in values]


def diagnostic_dict(d: Diagnostic) -> dict:
    return {"file": d.file, "line": d.line, "message": d.message}


def stream_json(result: ScanResult, write: Callable[[str], object]) -> None:
    """`scan_dict` as JSON (indent 2, keys sorted), written one project at a time: only one project's
    dictionaries and text exist at once, however many workflows the tree holds."""
    write("{\n")
    _array("diagnostics", (diagnostic_dict(d) for d in result.all_diagnostics), write)
    _array("projects", (project_dict(p) for p in result.projects), write)
    summary = json.dumps(summary_dict(result), indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n  ")
    write(f'  "summary": {summary}\n}}\n')


def _array(key: str, items: Iterator[dict], write: Callable[[str], object]) -> None:
    """One array of the top-level object, as json.dumps(indent=2) lays it out, written item by item."""
    write(f'  "{key}": [')
    sep = "\n"
    for item in items:
        write(sep + "    " + json.dumps(item, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n    "))
        sep = ",\n"
    write("],\n" if sep == "\n" else "\n  ],\n")


def render_text(result: ScanResult) -> str:
    lines: list[str] = []
    for p in result.projects:
        ref = p.package()
        package = f"{ref.name} {ref.version}" if ref and ref.version else "no Microsoft 365 package dependency"
        lines.append(f"{p.path}  ({p.name}, {p.kind}, auth: {p.auth}, {package})")
        if p.auth_modes and len(p.auth_modes) > 1:
            lines.append(f"  sign-in modes: {', '.join(p.auth_modes)}")
        lines.extend(f"  {line}" for line in _scope_lines(p))
        for a in p.activities:
            notes = [n for n, on in (("disabled", a.disabled), ("recovered from a broken file", a.recovered),
                                     (f"SharePoint site: {a.target_evidence}", a.target == "site"),
                                     (f"shared: {a.target_evidence}", a.target == "shared"),
                                     (f"target set at run time, assumed own: {a.target_expression}",
                                      bool(a.target_expression)),
                                     ("not in the rule book", a.rule is None)) if on]
            where = f"{_rel(a.file, p.path)}:{a.line}"
            shown = f"{a.title}  ({a.name})" if a.title else a.name
            lines.append(f"  {where:<40} {shown}  [{a.auth}]" + (f"  ({', '.join(notes)})" if notes else ""))
        if not p.activities:
            lines.append("  no Microsoft 365 activities")
        for t in p.tokens:
            what = "client credentials: application" if t.auth == "application" else "a user's grant: delegated"
            lines.append(f"  {_rel(t.file, p.path) + ':' + str(t.line):<40} token request ({what})"
                         + ("  (disabled)" if t.disabled else ""))
        for c in p.calls:
            where = f"{_rel(c.file, p.path)}:{c.line}"
            what = c.request or f"{c.method or '?'} {c.path or '?'}"
            notes = [n for n, on in (("disabled", c.disabled), (c.version or "", c.version == "beta")) if on]
            lines.append(f"  {where:<40} {what}  ({c.source}" + "".join(f", {n}" for n in notes) + ")")
            if c.reason:
                lines.append(f"  {'':<40}   cannot be checked: {c.reason}: {c.text}")
        lines.extend(_library_lines(p))
        for f in p.ignored_files:
            lines.append(f"  {f}: ignored (processOptions.ignoredFiles)")
        lines.append("")
    n = len(result.projects)
    acts = sum(len(p.activities) for p in result.projects)
    calls = sum(len(p.calls) for p in result.projects)
    lines.append(f"{n} project{'s' if n != 1 else ''}, {result.files_total} workflow(s) "
                 f"({result.files_read} read, {result.files_total - result.files_read} unreadable), "
                 f"{acts} Microsoft 365 activity use(s)" + (f", {calls} other Graph call(s)" if calls else ""))
    return "\n".join(lines) + "\n"


def _library_lines(p: Project) -> list[str]:
    """Library dependencies: declared by a rule pack (their calls are listed above, kind library), calling Graph in
    their own workflows (with the evidence), or Graph-looking by name."""
    out = []
    for x in p.libraries:
        head = f"  dependency {x.name} {x.version}"
        if x.declared_by:
            out.append(f"{head}: described by {x.declared_by}: its calls are listed above (library)")
        elif x.evidence:
            out.append(f"{head}: calls Microsoft Graph itself (its workflows, read from {x.found_in}); describe what "
                       "it calls with a rule pack (--rules)")
            out.extend(f"      {e}" for e in x.evidence)
        else:
            read = f"; its workflows: {x.found_in}" if x.found_in else ""
            out.append(f"{head}: may call Microsoft Graph itself ({x.why}{read}); describe what it calls with a rule "
                       "pack (--rules)")
    return out


def _scope_lines(p: Project) -> list[str]:
    out = []
    if p.requested_scopes or p.requested_scopes_dynamic or p.requested_scopes_computed:
        parts = list(p.requested_scopes)
        if p.requested_scopes_dynamic:
            parts.append("(expression: decided at run time)")
        if p.requested_scopes_computed and not p.requested_scopes:
            parts.append("(empty list: worked out from the child activities)")
        out.append(f"requested scopes ({'+'.join(p.requested_scopes_from)}): {', '.join(parts)}")
    if p.only_disabled_scopes:
        out.append("every Office 365 scope is inside a CommentOut (disabled): none decides how the project signs in")
    for s in p.active_scopes:
        if s.oauth_application == "UiPath" and not s.own_app_only:
            out.append(f"{_rel(s.file, p.path)}:{s.line}: OAuthApplication=UiPath: UiPath's public app holds the "
                       "consent, not your registration")
    return out


def _rel(file: str, folder: str) -> str:
    return os.path.relpath(file, folder)
