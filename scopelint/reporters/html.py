"""The audit report as one self-contained HTML page: no network, no JavaScript, accessible, printable.

Landmarks (header, nav, main, footer), captioned tables with header cells, status in words as well as colour
(contrast at least 4.5:1), and print rules. A Content-Security-Policy forbids every fetch, so the page stays
offline even if something slipped through; everything from input files is escaped.
"""

from __future__ import annotations

import re
from html import escape

from scopelint.findings import Finding
from scopelint.results import RunResult
from scopelint.review import EvidenceLink, PermissionRow, ProjectReview, Review, TargetGroup
from scopelint.stamp import describe

_URL = re.compile(r"^https?://[^\s<>\"'`]+$")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; background: #ffffff; }
a { color: #0645ad; overflow-wrap: anywhere; }
a:focus, a:hover { outline: 2px solid #0645ad; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; background: #ffffff; padding: .5em; }
.skip:focus { left: .5em; }
header, main, footer, nav { padding: 0 2rem; }
header { border-bottom: 3px solid #1f3a5f; padding-top: 1rem; }
h1 { font-size: 1.7rem; margin: .3em 0; color: #1f3a5f; }
h2 { font-size: 1.35rem; margin-top: 2em; border-bottom: 1px solid #c8ced6; color: #1f3a5f; }
h3 { font-size: 1.1rem; margin-top: 1.5em; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.2em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; font-size: .93rem; }
caption { text-align: left; font-weight: 600; padding: .3em 0; }
th, td { border: 1px solid #c8ced6; padding: .35em .5em; text-align: left; vertical-align: top; }
thead th { background: #e8edf3; color: #1a1a1a; }
tbody th { font-weight: 600; }
th .muted, th .mono { font-weight: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
ol.chain { margin: 0; padding-left: 1.2em; }
.target + .target { margin-top: .4em; }
.target-name { font-weight: 600; }
.sev, .status { font-weight: 600; white-space: nowrap; }
.sev-error, .status-missing, .status-excess, .status-expired { color: #a40000; }
.sev-warning, .status-broader, .status-stale, .status-wrong-type { color: #7a4100; }
.sev-info { color: #0b4f8a; }
.status-granted, .status-needed, .status-active { color: #1d6b2f; }
.status-accepted { color: #4a4a4a; }
.muted { color: #4a4a4a; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em;
              overflow-wrap: anywhere; }
footer { border-top: 1px solid #c8ced6; margin-top: 3rem; padding-bottom: 2rem; font-size: .9rem; }
@media print {
  body { font-size: 10pt; }
  nav, .skip { display: none; }
  header, main, footer { padding: 0; }
  h2 { break-before: page; break-after: avoid; }
  #summary h2 { break-before: auto; }
  h3 { break-after: avoid; }
  tr, dl.facts { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: #1a1a1a; text-decoration: none; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
}
"""


def render(report: RunResult) -> str:
    review = report.review
    if review is None:
        raise ValueError("the HTML report needs the review (RunResult.review)")
    return render_review(review)


def render_review(review: Review) -> str:
    meta = review.meta
    title = "Microsoft Graph permission audit"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="scopelint">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the report</a>',
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="muted">{len(review.projects)} project(s) · scopelint {_e(meta.get("version", ""))} · '
        f"knowledge base {_e(meta.get('lattice') or 'unknown')}</p>",
        "</header>",
        '<nav aria-label="Projects in this report"><ul>',
        '<li><a href="#summary">Summary across projects</a></li>',
        *(f'<li><a href="#p{i}">{_e(p.name)}</a></li>' for i, p in enumerate(review.projects, 1)),
        "</ul></nav>",
        '<main id="main">',
        *_summary(review),
        *(line for i, p in enumerate(review.projects, 1) for line in _project(p, i)),
        *_unreadable(review.unreadable),
        "</main>",
        *_footer(meta),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _summary(review: Review) -> list[str]:
    out = ['<section id="summary" aria-labelledby="summary-h">', '<h2 id="summary-h">Summary across projects</h2>',
           "<table>",
           "<caption>Apps ranked by the privilege they hold: the registration's permissions, or the required ones "
           "where no registration was given (held permissions)</caption>",
           "<thead><tr>" + "".join(f'<th scope="col"{c}>{h}</th>' for h, c in (
               ("Rank", ' class="num"'), ("Project", ""), ("App", ""), ("Permissions held", ' class="num"'),
               ("Held permissions needing admin consent", ' class="num"'), ("Highest privilege level", ""),
               ("Open errors", ' class="num"'), ("Open warnings", ' class="num"'))) + "</tr></thead>",
           "<tbody>"]
    for rank, p in enumerate(review.ranking, 1):
        index = review.projects.index(p) + 1
        top = (f"{p.highest_privilege} ({_e(', '.join(p.highest))})" if p.highest_privilege is not None
               else '<span class="muted">not known</span>')
        out.append(f'<tr><td class="num">{rank}</td><th scope="row"><a href="#p{index}">{_e(p.name)}</a></th>'
                   f"<td>{_e(p.app) if p.app else '<span class=muted>no registration</span>'}</td>"
                   f'<td class="num">{p.held_count}</td><td class="num">{p.held_admin_consent}</td><td>{top}</td>'
                   f'<td class="num">{p.counts["error"]}</td><td class="num">{p.counts["warning"]}</td></tr>')
    out += ["</tbody></table>",
            '<p class="muted">Privilege levels are Microsoft Graph\'s <code>privilegeLevel</code> '
            "(1 lowest … 5 highest); “not known” where Microsoft gives none.</p>",
            "</section>"]
    return out


def _project(p: ProjectReview, i: int) -> list[str]:
    h = f"p{i}-h"
    out = [f'<section id="p{i}" aria-labelledby="{h}">', f'<h2 id="{h}">{_e(p.name)}</h2>', '<dl class="facts">',
           f'<dt>Manifest</dt><dd class="mono">{_e(p.manifest)}</dd>', f"<dt>Auth</dt><dd>{_e(p.auth)}</dd>",
           "<dt>Registration</dt><dd>" + (f'<span class="mono">{_e(p.registration)}</span>' if p.registration
                                          else "none given: requirements only") + "</dd>"]
    if p.app:
        out.append(f"<dt>App</dt><dd>{_e(p.app)}</dd>")
    out.append(f"<dt>Required permissions needing admin consent</dt><dd>{_names(p.admin_consent)}</dd>")
    if p.registration:
        out.append(f"<dt>Held permissions needing admin consent</dt><dd>{_names(p.held_admin)}</dd>")
    out += [
            f"<dt>Open findings</dt><dd>{p.counts['error']} error(s), {p.counts['warning']} warning(s), "
            f"{p.counts['info']} info</dd>", "</dl>"]
    out += _required(p, i)
    if p.requested:
        out += _requested(p, i)
    out += _findings(p, i)
    if p.exceptions:
        out += _exceptions(p, i)
    out.append("</section>")
    return out


def _typed(r: PermissionRow) -> str:
    return r.permission.name + (" (application)" if r.permission.type == "application" else "")


def _names(rows: tuple[PermissionRow, ...]) -> str:
    """A count with the names: the same figure the summary table shows."""
    return f"{len(rows)}: " + ", ".join(_e(_typed(r)) for r in rows) if rows else "0"


def _head(*cols: str) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{c}</th>' for c in cols) + "</tr></thead>"


def _required(p: ProjectReview, i: int) -> list[str]:
    out = [f'<h3 id="p{i}-required">Required permissions</h3>']
    if not p.required:
        return [*out, "<p>None: the declared activities need no Microsoft Graph permission.</p>"]
    out += ["<table>", f"<caption>Least-privileged permissions {_e(p.name)} needs, with the evidence for each "
            "(activity → Graph call → source)</caption>",
            _head("Permission", "Type", "Admin consent", "Privilege", "Status", "Evidence"), "<tbody>"]
    for r in p.required:
        evidence = "".join(_group(g) for g in r.by_target)
        out.append(f"<tr>{_perm_cells(r)}<td>{_status(r.status)}</td><td>{evidence or '—'}</td></tr>")
    return [*out, "</tbody></table>"]


def _group(g: TargetGroup) -> str:
    """One target's evidence: whose data (own, shared, site) and what the workflows name, then the chains."""
    named = ", ".join(f"<code>{_e(n)}</code>" for n in g.named)
    chain = "".join(f"<li>{_chain(link)}</li>" for link in g.links)
    return (f'<div class="target target-{_e(g.target)}"><span class=target-name>target {_e(g.target)}</span>'
            + (f": {named}" if named else "") + f"<ol class=chain>{chain}</ol></div>")


def _requested(p: ProjectReview, i: int) -> list[str]:
    return [f'<h3 id="p{i}-granted">What the registration requests</h3>', "<table>",
            f"<caption>Microsoft Graph permissions requested by {_e(p.app or p.registration or '')}</caption>",
            _head("Permission", "Type", "Admin consent", "Privilege", "Standing"), "<tbody>",
            *(f"<tr>{_perm_cells(r)}<td>{_status(r.status)}</td></tr>" for r in p.requested),
            "</tbody></table>"]


def _perm_cells(r: PermissionRow) -> str:
    title = f'<br><span class="muted">{_e(r.title)}</span>' if r.title else ""
    guid = f'<br><span class="mono muted">{_e(r.id)}</span>' if r.id else ""
    level = r.privilege if r.privilege is not None else '<span class="muted">not known</span>'
    return (f'<th scope="row">{_e(r.permission.name)}{title}{guid}</th><td>{_e(r.permission.type)}</td>'
            f"<td>{'yes' if r.admin_consent else 'no'}</td><td>{level}</td>")


def _status(status: str) -> str:
    key = "accepted" if status.endswith("(accepted)") else status.split(" ", 1)[0]
    return f'<span class="status status-{_e(key)}">{_e(status)}</span>'


def _chain(link: EvidenceLink) -> str:
    parts = [f"<strong>{_e(link.activity)}</strong> <span class=muted>(manifest line {link.line})</span>"]
    if link.operations:
        parts.append(", ".join(f"<code>{_e(op)}</code>" for op in link.operations))
    if link.found_at:
        parts.append("used at " + ", ".join(f"<code>{_e(at)}</code>" for at in link.found_at))
    source = _link(link.source) if link.source else ""
    parts.append(f"{_e(link.provenance)}" + (f": {source}" if source else ""))
    return " → ".join(parts)


def _link(url: str) -> str:
    if _URL.match(url):
        return f'<a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>'
    return f'<span class="mono">{_e(url)}</span>'


def _findings(p: ProjectReview, i: int) -> list[str]:
    out = [f'<h3 id="p{i}-findings">Findings</h3>']
    if not p.findings:
        return [*out, "<p>No open findings.</p>"]
    return [*out, "<table>", f"<caption>Open findings for {_e(p.name)}</caption>",
            _head("Severity", "Code", "Where", "Finding"), "<tbody>",
            *(_finding_row(f) for f in p.findings), "</tbody></table>"]


def _finding_row(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.line else f.file
    extra = "".join(f'<br><span class="muted">· {_e(e)}</span>' for e in f.evidence)
    if f.suggestion:
        extra += f"<br>→ {_e(f.suggestion)}"
    return (f'<tr><td><span class="sev sev-{f.severity}">{f.severity}</span></td><td>{f.code} {_e(f.kind)}</td>'
            f'<td class="mono">{_e(where)}</td><td>{_e(f.message)}{extra}</td></tr>')


def _exceptions(p: ProjectReview, i: int) -> list[str]:
    rows = []
    for e in p.exceptions:
        scope = ", ".join(_e(x) for x in (e.type, e.kind, e.activity) if x)
        rows.append(f'<tr><th scope="row">{_e(e.permission)}{f"<br><span class=muted>{scope}</span>" if scope else ""}'
                    f"</th><td>{_status(e.status)}</td><td class=num>{e.matched}</td><td>{_e(e.reason)}</td>"
                    f"<td>{_e(e.owner or '—')}</td><td>{_e(e.ticket or '—')}</td><td>{_e(e.expires or 'never')}</td>"
                    f"<td class=num>{e.line}</td></tr>")
    return [f'<h3 id="p{i}-exceptions">Accepted exceptions</h3>', "<table>",
            f"<caption>Exceptions recorded under accept: in {_e(p.manifest)}</caption>",
            _head("Permission", "Status", "Findings matched", "Reason", "Owner", "Ticket", "Expires",
                  "Manifest line"), "<tbody>", *rows, "</tbody></table>"]


def _unreadable(findings: tuple[Finding, ...]) -> list[str]:
    if not findings:
        return []
    return ['<section id="unreadable" aria-labelledby="unreadable-h">',
            '<h2 id="unreadable-h">Files that could not be checked</h2>', "<table>",
            "<caption>Manifests or registrations that could not be read</caption>",
            _head("Severity", "Code", "Where", "Finding"), "<tbody>",
            *(_finding_row(f) for f in findings), "</tbody></table>", "</section>"]


def _footer(meta: dict) -> list[str]:
    catalog = meta.get("catalog") or {}
    return ["<footer>", '<dl class="facts">',
            f"<dt>Tool</dt><dd>scopelint {_e(meta.get('version', ''))}</dd>",
            f"<dt>Knowledge base</dt><dd>version {_e(meta.get('lattice') or 'unknown')}</dd>",
            f"<dt>Permission catalog</dt><dd>retrieved {_e(catalog.get('retrieved') or 'unknown')} from "
            f"<span class=mono>{_e(catalog.get('source') or 'unknown')}</span></dd>",
            *([f"<dt>Made from</dt><dd>{_e(made)}</dd>"] if (made := describe(meta)) else []),
            "</dl>", "</footer>"]
