"""Drift between a manifest and the UiPath project it describes: activities used but not declared (and the
reverse), scopes the workflow requests that the registration does not grant, package facts, the public app.

Disabled code (inside CommentOut) never makes an activity "undeclared", but it does count as a use, so declaring an
activity that is only disabled for now is not "unused" either.
"""

from __future__ import annotations

from pathlib import Path

from scopelint.catalog import OIDC_SCOPES, Catalog
from scopelint.errors import InputError
from scopelint.findings import Finding, make
from scopelint.manifest import Manifest
from scopelint.registration import Registration
from scopelint.rules import RuleBook
from scopelint.uipath import DEFAULT_MAX_FILE_BYTES, PACKAGES, ActivityUse, Project, scan
from scopelint.yamlio import DEFAULT_LIMITS, Limits

_GRAPH_PREFIX = "https://graph.microsoft.com/"


def load_project(folder: Path, rules: RuleBook, origin: str | None = None, line: int | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Project:
    """The UiPath project in `folder` (or the only one below it); a folder with none or several is an InputError.
    Workflows are capped by the configuration's max_xml_depth, and by max_bytes where it exceeds their 20 MB default."""
    if folder.name.lower() == "project.json" and folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"project folder {folder} not found", origin or str(folder), line)
    result = scan(folder, rules, max_file_bytes=max(DEFAULT_MAX_FILE_BYTES, limits.max_bytes),
                  max_xml_depth=limits.max_xml_depth)
    here = [p for p in result.projects if Path(p.path).resolve() == folder.resolve() and p.kind != "folder"]
    real = [p for p in result.projects if p.kind != "folder"]
    if here:
        return here[0]
    if len(real) == 1:
        return real[0]
    if not real:
        raise InputError(f"no UiPath project (project.json) in {folder}", origin or str(folder), line)
    names = ", ".join(p.path for p in real[:4])
    raise InputError(f"{len(real)} UiPath projects below {folder} ({names}...); point 'project:' at one of them",
                     origin or str(folder), line)


def compare(manifest: Manifest, project: Project, registration: Registration | None, rules: RuleBook,
            catalog: Catalog) -> list[Finding]:
    """All drift findings for one manifest and its scanned project."""
    out = [make("invalid-input", d.message, d.file, line=d.line, manifest=manifest.path)
           for d in project.diagnostics]
    out.extend(_activities(manifest, project, rules))
    out.extend(_auth(manifest, project))
    out.extend(_packages(manifest, project))
    for scope in project.active_scopes:
        if scope.oauth_application == "UiPath":
            out.append(make("public-app", "the Office 365 scope signs in through UiPath's public app "
                                          "(OAuthApplication=UiPath): your registration does not govern it",
                            scope.file, line=scope.line, manifest=manifest.path,
                            suggestion="set OAuthApplication to Custom and use your own app registration"))
    if registration is not None:
        out.extend(_requested_scopes(manifest, project, registration, catalog))
    return out


def _key(use_or_name: ActivityUse | str) -> str:
    return (use_or_name.canonical if isinstance(use_or_name, ActivityUse) else use_or_name).lower()


def _activities(manifest: Manifest, project: Project, rules: RuleBook) -> list[Finding]:
    out: list[Finding] = []
    declared: set[str] = set()
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        declared.add(_key(rule.cls if rule else ref.ref))
    used_any = {_key(a) for a in project.activities}
    first: dict[str, list[ActivityUse]] = {}
    for a in project.activities:
        if not a.disabled and a.kind != "scope":
            first.setdefault(_key(a), []).append(a)
    for key, uses in sorted(first.items()):
        if key in declared:
            continue
        use = uses[0]
        unknown = "" if use.rule else " (not in the rule book: add a rule pack for it)"
        others = tuple(f"also used at {u.file}:{u.line}" for u in uses[1:6])
        out.append(make("undeclared-activity",
                        f"{use.canonical} is used here but not declared in the manifest{unknown}",
                        use.file, line=use.line, activity=use.canonical, manifest=manifest.path, evidence=others,
                        suggestion=f"add '- {use.canonical}' under activities: (or run scopelint scan --write)"))
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        if rule is None:
            continue  # the engine reports it as unknown-activity
        if _key(rule.cls) not in used_any:
            out.append(make("unused-activity",
                            f"'{ref.ref}' ({rule.cls}) is declared, but no workflow of {project.name} uses it",
                            manifest.path, line=ref.line, activity=ref.ref, manifest=manifest.path,
                            suggestion="remove it from activities: (or run scopelint scan --write)"))
    return out


def _auth(manifest: Manifest, project: Project) -> list[Finding]:
    if project.auth not in ("delegated", "application") or project.auth == manifest.auth:
        return []
    scope = next((s for s in project.active_scopes if s.auth == project.auth), None)
    where = (scope.file, scope.line) if scope else (manifest.path, None)
    return [make("auth-mismatch",
                 f"the manifest says auth: {manifest.auth}, but the project's Office 365 scopes sign in as "
                 f"{project.auth} ({scope.authentication_type if scope else 'AuthenticationType'})",
                 where[0], line=where[1], manifest=manifest.path,
                 suggestion=f"set auth: {project.auth} in the manifest")]


def _packages(manifest: Manifest, project: Project) -> list[Finding]:
    if project.file is None:
        return []
    out: list[Finding] = []
    for package in PACKAGES:
        prefix = package.lower() + "."
        uses = [a for a in project.activities if a.cls.lower().startswith(prefix)]
        pkg = project.package(package)
        if uses and pkg is None:
            out.append(make("package-missing",
                            f"workflows use {package} activities, but {Path(project.file).name} does not declare "
                            "the package", project.file, line=None, manifest=manifest.path,
                            evidence=tuple(f"{u.cls} at {u.file}:{u.line}" for u in uses[:3]),
                            suggestion=f"add \"{package}\" to dependencies"))
        elif pkg is not None and not uses:
            out.append(make("package-unused",
                            f"{package} {pkg.version} is declared, but no workflow uses its activities",
                            project.file, line=pkg.line, manifest=manifest.path,
                            suggestion="remove the dependency if no coded workflow needs it"))
    return out


def _requested_scopes(manifest: Manifest, project: Project, registration: Registration,
                      catalog: Catalog) -> list[Finding]:
    """AuthenticationScopes values the registration does not grant. Services flags (old packages) name services,
    not permissions, and are not compared; expressions, `.default` and OIDC scopes neither; scopes signing in
    through UiPath's public app or a connection are not governed by this registration."""
    ptype = manifest.auth
    held = {p.name.lower() for p in registration.granted(ptype)}
    out: list[Finding] = []
    seen: set[tuple[str, str, int]] = set()
    for scope in project.active_scopes:
        if scope.oauth_application == "UiPath" or scope.auth == "connections":
            continue
        for v in scope.authentication_scopes or ():
            name = v.value[len(_GRAPH_PREFIX):] if v.value.lower().startswith(_GRAPH_PREFIX) else v.value
            if v.dynamic or name.lower() in OIDC_SCOPES or name.lower() == ".default" or "/" in name:
                continue
            info = catalog.get(ptype, name)
            if (name.lower(), scope.file, v.line) in seen:
                continue
            seen.add((name.lower(), scope.file, v.line))
            if info is None:
                out.append(make("unknown-permission",
                                f"the Office 365 scope requests {name!r}, which is not a Microsoft Graph {ptype} "
                                "permission", scope.file, line=v.line, permission=name, permission_type=ptype,
                                manifest=manifest.path))
                continue
            if info.permission.name.lower() in held:
                continue
            kind = "Scope" if ptype == "delegated" else "Role"
            out.append(make("scope-not-granted",
                            f"the Office 365 scope requests {info.permission.name}, which the registration "
                            f"{Path(registration.path).name} does not grant", scope.file, line=v.line,
                            permission=info.permission.name, permission_type=ptype, manifest=manifest.path,
                            evidence=(f"AuthenticationScopes of the scope at {scope.file}:{scope.line}",),
                            suggestion=f"add {info.permission.name} ({kind}) to the registration, or drop it from "
                                       "AuthenticationScopes"))
    return out
