"""`scopelint diff` output: text for terminals, JSON for tools, Markdown for pull-request comments."""

from __future__ import annotations

import json

from scopelint.diff import ManifestDiff, PermissionChange
from scopelint.reporters.markdown import md


def render_text(diffs: list[ManifestDiff]) -> str:
    out = []
    for d in diffs:
        out.append(f"{d.head}  ({d.name}, {d.auth})" + ("" if d.base else "  new manifest"))
        if not d.changed:
            out.append("  no change to the required permissions")
        out += [f"  + {_text(c)}" for c in d.added]
        out += [f"  - {_text(c)}  (now removable)" for c in d.removed]
        if d.new_admin_consent:
            out.append(f"  ! newly needs admin consent: {', '.join(c.permission.name for c in d.new_admin_consent)}")
        out += [f"  {f.severity}: {f.message}" for f in d.findings if f.severity == "error"]
        out.append("")
    added = sum(len(d.added) for d in diffs)
    removed = sum(len(d.removed) for d in diffs)
    admin = sum(len(d.new_admin_consent) for d in diffs)
    out.append(f"{added} newly required, {admin} newly needing admin consent, {removed} now removable "
               f"in {len(diffs)} manifest{'s' if len(diffs) != 1 else ''}")
    return "\n".join(out) + "\n"


def _text(c: PermissionChange) -> str:
    admin = ", admin consent" if c.admin_consent else ""
    need = f": {', '.join(c.needed_by)}" if c.needed_by else ""
    return f"{c.permission.name} ({c.permission.type}{admin}){need}"


def render_json(diffs: list[ManifestDiff]) -> str:
    def change(c: PermissionChange) -> dict:
        return {"permission": c.permission.name, "type": c.permission.type, "id": c.id,
                "admin_consent": c.admin_consent, "privilege": c.privilege, "needed_by": list(c.needed_by)}

    doc = {"manifests": [{
        "base": d.base, "head": d.head, "name": d.name, "auth": d.auth,
        "newly_required": [change(c) for c in d.added],
        "newly_admin_consent": [change(c) for c in d.new_admin_consent],
        "now_removable": [change(c) for c in d.removed],
        "unchanged": [{"permission": p.name, "type": p.type} for p in d.unchanged],
        "admin_consent": {"before": d.admin_consent_before, "after": d.admin_consent_after},
        "errors": [f.message for f in d.findings if f.severity == "error"],
    } for d in diffs]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_markdown(diffs: list[ManifestDiff]) -> str:
    added = sum(len(d.added) for d in diffs)
    removed = sum(len(d.removed) for d in diffs)
    admin = sum(len(d.new_admin_consent) for d in diffs)
    out = [f"## Microsoft Graph permission impact: {added} newly required, {admin} newly needing admin consent, "
           f"{removed} now removable", ""]
    for d in diffs:
        out += [f"### {md(d.name)}", "", f"{md(d.head)} ({d.auth} auth)" + ("" if d.base else ", new manifest"), ""]
        if not d.changed:
            out += ["No change to the required permissions.", ""]
            continue
        out += ["| change | permission | type | admin consent | privilege | needed by |", "|---|---|---|---|---|---|"]
        out += [_row("➕ newly required", c) for c in d.added]
        out += [_row("➖ now removable", c) for c in d.removed]
        out.append("")
        if d.new_admin_consent:
            names = ", ".join(md(c.permission.name) for c in d.new_admin_consent)
            lead = "**The app now needs admin consent**" if not d.admin_consent_before else \
                "**Newly needs admin consent**"
            out += [f"{lead}: {names}", ""]
        errors = [f for f in d.findings if f.severity == "error"]
        out += [f"- ❌ {md(f.message)}" for f in errors] + ([""] if errors else [])
    return "\n".join(out) + "\n"


def _row(change: str, c: PermissionChange) -> str:
    return (f"| {change} | {md(c.permission.name)} | {c.permission.type} | {'yes' if c.admin_consent else 'no'} | "
            f"{c.privilege if c.privilege is not None else 'n/a'} | {md(', '.join(c.needed_by)) or '—'} |")
