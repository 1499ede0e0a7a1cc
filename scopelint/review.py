"""The review of a checked run, behind `scopelint report`: per project the evidence chain of every required
permission, what the registration holds and how privileged it is, findings and exceptions; then a ranking across
projects.

Engine-side: it works things out from the results so that the review reporters (HTML, Markdown, CSV) only lay
them out. (The live audit of a tenant's app registrations, `scopelint audit`, is tenant_audit.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scopelint.analysis import ExceptionStatus, Need
from scopelint.catalog import Catalog, Permission
from scopelint.checks import GRANT_KINDS
from scopelint.findings import SEVERITIES, Finding
from scopelint.lattice import Lattice
from scopelint.results import Result, RunResult
from scopelint.rules import TARGETS

if TYPE_CHECKING:
    from scopelint.uipath.model import Project


@dataclass(frozen=True)
class EvidenceLink:
    """Why a permission is required: an activity or Graph call (manifest line), the Graph calls it makes, the
    source, and where the scanned project uses it (`file:line (kind)`, when the manifest names its project)."""

    activity: str
    line: int
    operations: tuple[str, ...]
    provenance: str
    source: str | None
    found_at: tuple[str, ...] = ()
    target: str = "own"
    named: tuple[str, ...] = ()  # where the workflows name that target's data: `file:line: Attribute="..."`


@dataclass(frozen=True)
class TargetGroup:
    """The evidence for one permission that concerns one target (own, shared or site), with the sites, drives and
    mailboxes the scanned workflows name for it."""

    target: str
    named: tuple[str, ...]
    links: tuple[EvidenceLink, ...]


@dataclass(frozen=True)
class PermissionRow:
    """A permission with what the catalog says of it and its standing in this project."""

    permission: Permission
    id: str | None
    title: str
    admin_consent: bool
    privilege: int | None
    status: str
    needed_by: tuple[EvidenceLink, ...] = ()
    by_target: tuple[TargetGroup, ...] = ()  # needed_by grouped by target: own, shared, site


@dataclass(frozen=True)
class ExceptionRow:
    """One `accept:` entry with its review data and what became of it (active, expired, stale)."""

    permission: str
    type: str | None
    kind: str | None
    activity: str | None
    reason: str
    owner: str | None
    ticket: str | None
    expires: str | None
    status: str
    matched: int
    line: int


@dataclass(frozen=True)
class ProjectReview:
    """Everything the audit report shows for one manifest."""

    manifest: str
    name: str
    auth: str
    registration: str | None
    app: str | None
    required: tuple[PermissionRow, ...]
    requested: tuple[PermissionRow, ...]
    admin_consent: tuple[PermissionRow, ...]
    held_admin: tuple[PermissionRow, ...]
    findings: tuple[Finding, ...]
    accepted: tuple[Finding, ...]
    exceptions: tuple[ExceptionRow, ...]
    counts: dict[str, int]
    held_count: int
    held_admin_consent: int
    highest_privilege: int | None
    highest: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    """The projects in run order, the same projects most privileged first, and files that could not be read."""

    projects: tuple[ProjectReview, ...]
    ranking: tuple[ProjectReview, ...]
    unreadable: tuple[Finding, ...]
    meta: dict


def build_review(report: RunResult, catalog: Catalog, lattice: Lattice) -> Review:
    """The review of every result of a run (what `scopelint report` lays out)."""
    projects = tuple(_project(r, catalog, lattice) for r in report.results)
    ranking = tuple(sorted(projects, key=_privilege_key))
    described = {p.manifest for p in projects}
    unreadable = tuple(f for f in report.findings if (f.manifest or f.file) not in described)
    return Review(projects, ranking, unreadable, report.meta)


def _privilege_key(p: ProjectReview) -> tuple:
    return (-(p.highest_privilege or 0), -p.held_admin_consent, -p.held_count, p.name.lower(), p.manifest)


def _project(result: Result, catalog: Catalog, lattice: Lattice) -> ProjectReview:
    m, reg = result.manifest, result.registration
    held = set(reg.requested_permissions("delegated") | reg.requested_permissions("application")) if reg else set()
    required = []
    for p in result.minimal:
        if reg is None:
            status = "not checked"
        elif p in held:
            status = "granted"
        else:
            cover = sorted((h for h in held if lattice.covers(h, p)), key=lattice.rank) or _alternative_cover(
                result.needed_by.get(p, []), held, lattice)
            status = f"covered by {cover[0].name}" if cover else "missing"
        links = tuple(_link(n, result.analysis.project) for n in result.needed_by.get(p, []))
        required.append(_row(p, catalog, status, links))
    by_grant = {(f.permission_type, f.permission): f for f in result.findings if f.kind in GRANT_KINDS}
    requested = []
    for p in sorted(held):
        f = by_grant.get((p.type, p.name))
        status = "needed" if f is None else f.kind + (" (accepted)" if f.suppressed_by else "")
        requested.append(_row(p, catalog, status))
    held_rows = requested if reg else required
    levels = [r.privilege for r in held_rows if r.privilege is not None]
    top = max(levels) if levels else None
    active = tuple(f for f in result.findings if f.suppressed_by is None)
    return ProjectReview(
        manifest=m.path,
        name=m.name,
        auth=m.auth,
        registration=reg.path if reg else None,
        app=(reg.display_name or reg.app_id) if reg else None,
        required=tuple(required),
        requested=tuple(requested),
        admin_consent=tuple(r for r in required if r.admin_consent),
        held_admin=tuple(r for r in held_rows if r.admin_consent),
        findings=active,
        accepted=tuple(f for f in result.findings if f.suppressed_by is not None),
        exceptions=tuple(_exception(s) for s in result.exceptions),
        counts={s: sum(1 for f in active if f.severity == s) for s in SEVERITIES},
        held_count=len(held_rows),
        held_admin_consent=sum(1 for r in held_rows if r.admin_consent),
        highest_privilege=top,
        highest=tuple(r.permission.name for r in held_rows if top is not None and r.privilege == top),
    )


def _alternative_cover(needs: list[Need], held: set[Permission], lattice: Lattice) -> list[Permission]:
    """The grants that satisfy every need through another of its alternatives (e.g. an explicit Sites.ReadWrite.All
    set where no edge makes it cover Files.ReadWrite), least privileged first; empty if some need is not met."""
    used: set[Permission] = set()
    for need in needs:
        alt = next((a for a in need.alternatives if all(any(lattice.covers(h, q) for h in held) for q in a)), None)
        if alt is None:
            return []
        used.update(min((h for h in held if lattice.covers(h, q)), key=lattice.rank) for q in alt)
    return sorted(used, key=lattice.rank)


def _row(p: Permission, catalog: Catalog, status: str, links: tuple[EvidenceLink, ...] = ()) -> PermissionRow:
    info = catalog.get(p.type, p.name)
    return PermissionRow(p, info.id if info else None, info.title if info else "", bool(info and info.admin_consent),
                         info.privilege if info else None, status, links, _by_target(links))


def _by_target(links: tuple[EvidenceLink, ...]) -> tuple[TargetGroup, ...]:
    """The links grouped by target, narrowest first (own, shared, site), each with what its links name."""
    groups = []
    for target in TARGETS:
        mine = tuple(link for link in links if link.target == target)
        if mine:
            groups.append(TargetGroup(target, tuple(dict.fromkeys(n for link in mine for n in link.named)), mine))
    return tuple(groups)


def _link(need: Need, scanned: Project | None) -> EvidenceLink:
    return EvidenceLink(need.label, need.line, need.operations, need.provenance, need.source,
                        _found_at(need, scanned) if scanned else (), need.target,
                        _named(need, scanned) if scanned else ())


def _named(need: Need, project: Project) -> tuple[str, ...]:
    """Where the workflows name the data of the need's target (a site URL, another user's drive, a mailbox): the
    evidence of active uses scanned with that target; for a declared shared or site target also the uses whose
    target is set at run time (the declaration answers them). At most five."""
    if need.rule is None or need.target == "own":
        return ()
    cls = need.rule.cls.lower()
    named = [f"{a.file}:{a.line}: {a.target_evidence}" if a.target == need.target else
             f"{a.file}:{a.line}: set at run time: {a.target_expression}"
             for a in project.activities if not a.disabled and a.canonical.lower() == cls
             and (a.target == need.target or (a.target == "own" and a.target_expression))]
    return tuple(named[:5])


def _found_at(need: Need, project: Project) -> tuple[str, ...]:
    """Where the project uses what the need is about: the activity's elements, or the Graph calls (HTTP Request,
    code, SDK) that make the manifest's operation; active code only, at most five places."""
    if need.rule is not None:
        cls = need.rule.cls.lower()
        places = [f"{a.file}:{a.line} (activity)" for a in project.activities
                  if not a.disabled and a.canonical.lower() == cls]
    else:
        from scopelint.operations import parse_request

        try:
            want = parse_request(need.subject)
        except ValueError:
            return ()
        places = [f"{c.file}:{c.line} ({c.source})" for c in project.calls
                  if c.request and not c.disabled and parse_request(c.request) == want]
    return tuple(places[:5])


def _exception(status: ExceptionStatus) -> ExceptionRow:
    a = status.accept
    return ExceptionRow(a.permission, a.type, a.kind, a.activity, a.reason, a.owner, a.ticket,
                        a.expires.isoformat() if a.expires else None, status.status, status.matched, a.line)
