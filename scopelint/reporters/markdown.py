"""Markdown: a short summary for $GITHUB_STEP_SUMMARY or a pull-request comment, or the full audit report when
the run carries the audit view (`scopelint report --format markdown`).

Everything from input files is escaped: no raw HTML, links, images or table breaks can come from a name.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from scopelint.findings import SEVERITIES, Finding
from scopelint.results import RunResult
from scopelint.review import EvidenceLink, PermissionRow, ProjectReview, Review, TargetGroup
from scopelint.stamp import describe

if TYPE_CHECKING:
    from scopelint.usage.join import Usage

_SPECIAL = re.compile(r"([\\`*_{}\[\]()|~!#])")
_URL = re.compile(r"^https?://[^\s<>\"'`|]+$")
_MARK = {"error": "❌ error", "warning": "⚠️ warning", "info": "ℹ️ info"}


def md(value: object) -> str:
    """Inline Markdown text that shows exactly `value`: one line, punctuation escaped, HTML as entities, and `@`
    followed by a zero-width space so that `@owner` or `@org/team` never notifies anyone in a comment."""
    text = " ".join(str(value).split())
    return html.escape(_SPECIAL.sub(r"\\\1", text), quote=False).replace("@", "@&#8203;")


def md_link(url: str | None) -> str:
    """A source as an autolink when it is a plain http(s) URL, else as escaped text."""
    if not url:
        return ""
    return f"<{url}>" if _URL.match(url) else md(url)


def render(report: RunResult) -> str:
    if report.review is not None:
        return render_review(report.review)
    return render_summary(report)


def render_summary(report: RunResult) -> str:
    active = [f for f in report.findings if f.suppressed_by is None]
    accepted = [f for f in report.findings if f.suppressed_by is not None]
    counts = {s: sum(1 for f in active if f.severity == s) for s in SEVERITIES}
    n = len(report.results)
    out = [f"## scopelint: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
           f"in {n} manifest{'s' if n != 1 else ''}", ""]
    if report.results:
        out += ["| manifest | project | auth | registration | errors | warnings | info | accepted |",
                "|---|---|---|---|---:|---:|---:|---:|"]
        for r in report.results:
            mine = [f for f in report.findings if (f.manifest or f.file) == r.manifest.path]
            c = {s: sum(1 for f in mine if f.severity == s and f.suppressed_by is None) for s in SEVERITIES}
            reg = md(r.registration.path) if r.registration else "none (requirements only)"
            out.append(f"| {md(r.manifest.path)} | {md(r.manifest.name)} | {r.manifest.auth} | {reg} | "
                       f"{c['error']} | {c['warning']} | {c['info']} | {sum(1 for f in mine if f.suppressed_by)} |")
        out.append("")
    if active:
        out += ["### Findings", "", "| severity | code | where | finding |", "|---|---|---|---|"]
        out += [f"| {_MARK[f.severity]} | {f.code} {f.kind} | {_where(f)} | {_message(f)} |" for f in active]
        out.append("")
    else:
        out += ["No findings at any severity.", ""]
    if accepted:
        out += [f"<details><summary>Accepted exceptions ({len(accepted)})</summary>", "",
                "| finding | where | reason | owner | ticket | expires |", "|---|---|---|---|---|---|"]
        out += [_accepted_row(f) for f in accepted]
        out += ["", "</details>", ""]
    for u in report.usage:
        out += _usage(u)
    out.append(_footer(report.meta))
    return "\n".join(out) + "\n"


def _usage(u: Usage) -> list[str]:
    w = u.window
    span = f"{md(w.first[:10])} to {md(w.last[:10])}" if w.first else "no times logged"
    out = [f"### Observed usage of app {md(', '.join(u.app_ids) or '(not logged)')}", "",
           f"{u.calls} call(s), {span}, from {md(', '.join(u.sources))}.", "",
           "| calls | operation | type | least privileged | served by | denied |", "|---:|---|---|---|---|---:|"]
    for op in u.operations:
        served = ", ".join(f"{md(p.name)} ×{n}" for p, n in op.served_by) or "—"
        out.append(f"| {op.calls} | {md(op.key)} | {op.scheme} | {md(op.least.name) if op.least else '—'} | "
                   f"{served} | {op.denied} |")
    out += [f"| {n} | {md(path)} | — | matches nothing in Microsoft's permission data | — | — |"
            for path, n in u.unmatched]
    out.append("")
    return out


def _where(f: Finding) -> str:
    return md(f"{f.file}:{f.line}" if f.line else f.file)


def _message(f: Finding) -> str:
    return md(f.message) + (f" → {md(f.suggestion)}" if f.suggestion else "")


def _accepted_row(f: Finding) -> str:
    a = f.extra.get("exception")
    fields = [a.reason, a.owner, a.ticket, a.expires.isoformat() if a.expires else None] if a else \
        [f.suppressed_by, None, None, None]
    cells = " | ".join(md(v) if v else "—" for v in fields)
    return f"| {f.code} {f.kind}: {md(f.message)} | {_where(f)} | {cells} |"


def _footer(meta: dict) -> str:
    catalog = meta.get("catalog") or {}
    made = describe(meta)
    return (f"<sub>scopelint {md(meta.get('version', ''))} · knowledge base {md(meta.get('lattice') or '?')} · "
            f"permission catalog retrieved {md(catalog.get('retrieved') or '?')} "
            f"from {md(catalog.get('source') or '?')}" + (f" · {md(made)}" if made else "") + "</sub>")


# audit ------------------------------------------------------------------------------------------------------
def render_review(review: Review) -> str:
    out = ["# Microsoft Graph permission audit", "", _footer(review.meta), "", "## Summary across projects", "",
           "Apps ranked by the privilege they hold (the registration's permissions, or the required ones when "
           "no registration was given).", "",
           "| rank | project | app | permissions held | held permissions needing admin consent | "
           "highest privilege level | errors | warnings |", "|---:|---|---|---:|---:|---|---:|---:|"]
    for i, p in enumerate(review.ranking, 1):
        top = f"{p.highest_privilege} ({md(', '.join(p.highest))})" if p.highest_privilege is not None else "—"
        out.append(f"| {i} | {md(p.name)} | {md(p.app or '—')} | {p.held_count} | {p.held_admin_consent} | "
                   f"{top} | {p.counts['error']} | {p.counts['warning']} |")
    out += ["", _LEGEND, ""]
    for p in review.projects:
        out += _project(p)
    if review.unreadable:
        out += ["## Files that could not be checked", ""]
        out += [f"- {_where(f)}: {md(f.message)}" for f in review.unreadable]
        out.append("")
    return "\n".join(out) + "\n"


_LEGEND = ("Privilege levels are Microsoft Graph's `privilegeLevel` for the permission: 1 lowest … 5 highest "
           "(n/a where Microsoft gives none). Admin consent: a tenant administrator must grant the permission "
           "for the organisation before the app can use it.")


def _project(p: ProjectReview) -> list[str]:
    out = [f"## {md(p.name)}", "",
           f"- manifest: {md(p.manifest)}", f"- auth: {p.auth}",
           f"- registration: {md(p.registration) if p.registration else 'none given (requirements only)'}"]
    if p.app:
        out.append(f"- app: {md(p.app)}")
    out += ["", "### Required permissions", ""]
    if p.required:
        out += ["| permission | type | admin consent | privilege | status | needed by (activity → Graph call → "
                "source) |", "|---|---|---|---|---|---|"]
        for r in p.required:
            chain = "<br>".join(_group(g) for g in r.by_target) or "—"
            out.append(f"| {md(r.permission.name)} | {r.permission.type} | {'yes' if r.admin_consent else 'no'} | "
                       f"{r.privilege if r.privilege is not None else 'n/a'} | {md(r.status)} | {chain} |")
    else:
        out.append("None: the declared activities need no Microsoft Graph permission.")
    out.append("")
    out += [f"**Required permissions needing admin consent:** {_names(p.admin_consent)}", ""]
    if p.registration:
        out += [f"**Held permissions needing admin consent:** {_names(p.held_admin)}", ""]
    if p.requested:
        out += ["### What the registration requests", "", "| permission | type | admin consent | privilege | "
                "standing |", "|---|---|---|---|---|"]
        out += [f"| {md(r.permission.name)} | {r.permission.type} | {'yes' if r.admin_consent else 'no'} | "
                f"{r.privilege if r.privilege is not None else 'n/a'} | {md(r.status)} |" for r in p.requested]
        out.append("")
    out += ["### Findings", ""]
    if p.findings:
        out += ["| severity | code | where | finding |", "|---|---|---|---|"]
        out += [f"| {_MARK[f.severity]} | {f.code} {f.kind} | {_where(f)} | {_message(f)} |" for f in p.findings]
    else:
        out.append("No open findings.")
    out.append("")
    if p.exceptions:
        out += ["### Exceptions", "", "| permission | status | suppresses | reason | owner | ticket | expires |",
                "|---|---|---:|---|---|---|---|"]
        out += [f"| {md(e.permission)} | {e.status} | {e.matched} | {md(e.reason)} | {md(e.owner or '—')} | "
                f"{md(e.ticket or '—')} | {e.expires or 'never'} |" for e in p.exceptions]
        out.append("")
    return out


def _typed(r: PermissionRow) -> str:
    return r.permission.name + (" (application)" if r.permission.type == "application" else "")


def _names(rows: tuple[PermissionRow, ...]) -> str:
    return f"{len(rows)} ({', '.join(md(_typed(r)) for r in rows)})" if rows else "0"


def _group(g: TargetGroup) -> str:
    """One target's evidence: whose data and what the workflows name, then its chains."""
    named = f" ({', '.join(md(n) for n in g.named)})" if g.named else ""
    return f"**target {g.target}**{named}: " + "<br>".join(_chain(link) for link in g.links)


def _chain(link: EvidenceLink) -> str:
    parts = [f"{md(link.activity)} (manifest line {link.line})"]
    if link.operations:
        parts.append(", ".join(md(op) for op in link.operations))
    if link.found_at:
        parts.append("used at " + ", ".join(md(at) for at in link.found_at))
    parts.append(f"{link.provenance}" + (f": {md_link(link.source)}" if link.source else ""))
    return " → ".join(parts)
