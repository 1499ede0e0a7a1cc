"""The remedy for one manifest: the minimal permission set, and what to add to and remove from the registration
to get there (for `scopelint scopes --format manifest|az|terraform`).

Safe by construction: a permission is removed only when the Analysis judged it (excess, redundant, broader, other
type or wrong type). Permissions something with unknown needs may use (cannot-judge), permissions an activity the
workflows use needs (even if the manifest does not declare it), those held for a reason the manifest records (an
active `accept:` exception) and the sign-in scopes (openid, profile, email, offline_access) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from scopelint.catalog import OIDC_SCOPES, Catalog, Permission
from scopelint.checks import GRANT_KINDS
from scopelint.results import Result

_KEPT = {"cannot-judge": "cannot judge: {unknown} may need it",
         "project": "an activity the project's workflows use needs it"}
# Microsoft's "selected" permissions (Sites.Selected, Lists.SelectedOperations.Selected, ...) reach nothing until an
# administrator grants the app access to each resource, a grant made outside the app registration
# (https://learn.microsoft.com/en-us/graph/permissions-selected-overview).
_SELECTED_SUFFIX = ".selected"
_SELECTED_NOTE = ("{name} ({type}) reaches only the sites (or lists, items) an administrator grants to the app, each "
                  "one granted outside the app registration (POST /sites/{{site-id}}/permissions; "
                  "https://learn.microsoft.com/en-us/graph/permissions-selected-overview): grant the app each site "
                  "the workflows use, which scopelint does not check{sites}")


@dataclass(frozen=True)
class RemedyEntry:
    """A permission in the plan, with its GUID and why it is there (or why it goes)."""

    permission: Permission
    id: str | None
    admin_consent: bool
    needed_by: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Remedy:
    """Target set and the steps from today's registration to it. `registration` is None when today's state is
    not known (no registration file): then `add` is the whole target and nothing is removed."""

    manifest: str
    name: str
    auth: str
    app_id: str | None
    registration: str | None
    target: tuple[RemedyEntry, ...]
    add: tuple[RemedyEntry, ...]
    remove: tuple[RemedyEntry, ...]
    keep: tuple[RemedyEntry, ...]
    unresolved: tuple[str, ...]
    other_resources: tuple[str, ...]
    version: str
    outside: tuple[str, ...] = ()  # grants the target set relies on that are made outside the registration


def plan_remedy(result: Result, catalog: Catalog, version: str, app_id: str | None = None) -> Remedy:
    """Work out the target set and the add/remove steps for a checked manifest."""
    reg = result.registration
    held = set(reg.requested_permissions("delegated") | reg.requested_permissions("application")) if reg else set()
    accepted = {(f.permission_type, f.permission): f for f in result.findings
                if f.suppressed_by is not None and f.kind in GRANT_KINDS}
    why_remove = {(f.permission_type, f.permission): f.message for f in result.findings if f.kind in GRANT_KINDS}
    required = [_entry(p, catalog, tuple(result.used_by.get(p, ())), "required") for p in result.minimal]
    keep = []
    verdicts = {s.grant: s.verdict for s in result.analysis.surplus}
    unknown = ", ".join(repr(u) for u in result.analysis.unjudged)
    for p in sorted(held - set(result.minimal)):
        f = accepted.get((p.type, p.name))
        if f is not None:
            keep.append(_entry(p, catalog, why=f"accepted exception: {f.extra['exception'].reason}"))
        elif p.name.lower() in OIDC_SCOPES:
            keep.append(_entry(p, catalog, why="sign-in scope (OpenID Connect)"))
        elif verdicts.get(p) in _KEPT:
            keep.append(_entry(p, catalog, why=_KEPT[verdicts[p]].format(unknown=unknown)))
    target = tuple(sorted(required + keep, key=lambda e: e.permission))
    wanted = {e.permission for e in target}
    remove = tuple(_entry(p, catalog, why=why_remove.get((p.type, p.name), "not in the minimal set"))
                   for p in sorted(held - wanted))
    return Remedy(
        manifest=result.manifest.path,
        name=result.manifest.name,
        auth=result.manifest.auth,
        app_id=app_id or (reg.app_id if reg else None),
        registration=reg.path if reg else None,
        target=target,
        add=tuple(e for e in target if e.permission not in held),
        remove=remove,
        keep=tuple(keep),
        unresolved=tuple(u.raw for u in reg.unresolved) if reg else (),
        other_resources=tuple(o.resource for o in reg.other_resources) if reg else (),
        version=version,
        outside=tuple(_SELECTED_NOTE.format(name=e.permission.name, type=e.permission.type, sites=_sites(result))
                      for e in target if e.permission.name.lower().endswith(_SELECTED_SUFFIX)),
    )


def _sites(result: Result) -> str:
    """The SharePoint sites the scanned workflows name (active uses with a site target), for the grant note."""
    project = result.analysis.project
    if project is None:
        return ""
    from scopelint.uipath.targets import site_roots

    sites = dict.fromkeys(s for a in project.activities if not a.disabled and a.target == "site"
                          for s in site_roots(a.target_evidence))
    return f" (the workflows name {', '.join(sites)})" if sites else ""


def _entry(p: Permission, catalog: Catalog, needed_by: tuple[str, ...] = (), why: str = "") -> RemedyEntry:
    info = catalog.get(p.type, p.name)
    return RemedyEntry(p, info.id if info else None, bool(info and info.admin_consent), needed_by, why)
