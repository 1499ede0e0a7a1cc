"""Checks of a manifest against the UiPath project it describes (SL301-SL312): activities used but not declared
and the reverse, scopes requesting what the registration lacks, the package dependency, UiPath's public app, the
sign-in mode, Graph calls made outside the activity packages, and libraries that may call Graph themselves.
Disabled code (inside CommentOut) never makes an activity "undeclared", but it does count as a use, so declaring an
activity that is only disabled for now is not "unused" either."""

from pathlib import Path

from scopelint.analysis import Analysis
from scopelint.findings import Finding, make
from scopelint.uipath import PACKAGES


def undeclared_activity(a: Analysis) -> list[Finding]:
    out = []
    for uses in a.undeclared:
        use = uses[0]
        unknown = "" if use.rule else " (not in the rule book: add a rule pack for it)"
        out.append(make("undeclared-activity",
                        f"{use.name} is used here but not declared in the manifest{unknown}",
                        use.file, line=use.line, activity=use.canonical, manifest=a.manifest.path,
                        evidence=tuple(f"also used at {u.file}:{u.line}" for u in uses[1:6]),
                        suggestion=f"add '- {use.canonical}' under activities: (or run scopelint scan --write)"))
    return out


def unused_activity(a: Analysis) -> list[Finding]:
    project, m = a.project, a.manifest
    assert project is not None
    return [make("unused-activity", f"'{ref.ref}' ({rule.cls}) is declared, but no workflow of {project.name} uses it",
                 m.path, line=ref.line, activity=ref.ref, manifest=m.path,
                 suggestion="remove it from activities: (or run scopelint scan --write)")
            for ref, rule in a.unused_declared]


_WHOSE = {"site": "a SharePoint site or a group's drive",
          "shared": "data shared with the user (another user's OneDrive, a shared mailbox or calendar)"}


def target_wider(a: Analysis) -> list[Finding]:
    m = a.manifest
    return [make("target-wider",
                 f"'{ref.ref}' is declared for target {ref.target}, but {use.file}:{use.line} points it at "
                 f"{_WHOSE[use.target]}", m.path, line=ref.line, activity=ref.ref,
                 manifest=m.path, evidence=(f"{use.file}:{use.line}: {use.target_evidence}",),
                 suggestion=f"add 'target: {use.target}' to the activity entry by hand")
            for ref, use in a.wider_targets]


def target_expression(a: Analysis) -> list[Finding]:
    return [make("target-expression",
                 f"{use.title or use.name}: whose data it works on is set at run time ({use.target_expression}); "
                 "it is checked as working on the user's own data (target own)",
                 use.file, line=use.line, activity=use.canonical, manifest=a.manifest.path,
                 evidence=(f"{use.file}:{use.line}: {use.target_expression}",),
                 suggestion=" or ".join(f"'target: {t}'" for t in options) + " on its entry under activities: in "
                 f"the manifest if it points at {' or '.join(_WHOSE[t] for t in options)}")
            for use, options in a.expression_targets]


def scope_not_granted(a: Analysis) -> list[Finding]:
    reg, m = a.registration, a.manifest
    if reg is None:
        return []
    held = {p.name.lower() for p in a.held}
    kind = "Scope" if m.auth == "delegated" else "Role"
    out = []
    for r in a.scope_requests:
        if r.info is None or r.info.permission.name.lower() in held:
            continue
        name = r.info.permission.name
        out.append(make("scope-not-granted",
                        f"the Office 365 scope requests {name}, which the registration {Path(reg.path).name} does not "
                        "grant", r.scope.file, line=r.value.line, permission=name, permission_type=m.auth,
                        manifest=m.path, evidence=(f"AuthenticationScopes of the scope at {r.scope.file}:"
                                                   f"{r.scope.line}",),
                        suggestion=f"add {name} ({kind}) to the registration, or drop it from AuthenticationScopes"))
    return out


def _package_uses(a: Analysis):
    project = a.project
    assert project is not None
    for package in PACKAGES:
        prefix = package.lower() + "."
        yield package, [u for u in project.activities if u.cls.lower().startswith(prefix)], project.package(package)


def package_missing(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    if project.file is None:
        return []
    return [make("package-missing", f"workflows use {package} activities, but {Path(project.file).name} does not "
                 "declare the package", project.file, line=None, manifest=a.manifest.path,
                 evidence=tuple(f"{u.cls} at {u.file}:{u.line}" for u in uses[:3]),
                 suggestion=f"add \"{package}\" to dependencies")
            for package, uses, pkg in _package_uses(a) if uses and pkg is None]


def package_unused(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    if project.file is None:
        return []
    return [make("package-unused", f"{package} {pkg.version} is declared, but no workflow uses its activities",
                 project.file, line=pkg.line, manifest=a.manifest.path,
                 suggestion="remove the dependency if no coded workflow needs it")
            for package, uses, pkg in _package_uses(a) if pkg is not None and not uses]


def public_app(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    return [make("public-app", "the Office 365 scope signs in through UiPath's public app (OAuthApplication=UiPath): "
                 "your registration does not govern it", scope.file, line=scope.line, manifest=a.manifest.path,
                 suggestion="set OAuthApplication to Custom and use your own app registration")
            for scope in project.active_scopes if scope.oauth_application == "UiPath" and not scope.own_app_only]


def auth_mismatch(a: Analysis) -> list[Finding]:
    project, m = a.project, a.manifest
    assert project is not None
    if project.auth not in ("delegated", "application") or project.auth == m.auth:
        return []
    scope = next((s for s in project.active_scopes if s.auth == project.auth), None)
    file, line = (scope.file, scope.line) if scope else (m.path, None)
    return [make("auth-mismatch",
                 f"the manifest says auth: {m.auth}, but the project's Office 365 scopes sign in as {project.auth} "
                 f"({scope.authentication_type if scope else 'AuthenticationType'})",
                 file, line=line, manifest=m.path, suggestion=f"set auth: {project.auth} in the manifest")]


def undeclared_operation(a: Analysis) -> list[Finding]:
    out = []
    for calls in a.undeclared_calls:
        c = calls[0]
        out.append(make("undeclared-operation",
                        f"{c.request} is called here ({c.source}) but not listed under operations: in the manifest",
                        c.file, line=c.line, activity=c.request, manifest=a.manifest.path,
                        evidence=(c.text, *(f"also called at {u.file}:{u.line}" for u in calls[1:6])),
                        suggestion=f"add '- {c.request}' under operations: (or run scopelint scan --write)"))
    return out


def unresolved_graph_call(a: Analysis) -> list[Finding]:
    return [make("unresolved-graph-call", f"a Graph call ({c.source}) that cannot be checked: {c.reason}", c.file,
                 line=c.line, manifest=a.manifest.path, evidence=(c.text,),
                 suggestion="write the call's 'METHOD /path' under operations: in the manifest")
            for c in a.unresolved_calls]


def graph_library(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    out = []
    for lib, described in a.libraries:
        evidence: tuple[str, ...] = ()
        if described:
            message = (f"{lib.name} {lib.version} may call Microsoft Graph itself; a rule pack describes its "
                       "activities, but scan does not read them from workflows: declare the ones used under "
                       "activities:")
            hint = "list its activities under activities: in the manifest"
        else:
            if lib.evidence:
                more = f", and {len(lib.evidence) - 1} more" if len(lib.evidence) > 1 else ""
                message = (f"{lib.name} {lib.version} calls Microsoft Graph itself: its own workflows do "
                           f"({lib.evidence[0]}{more}; read from {lib.found_in}); which of its calls this project "
                           "makes is not visible to scopelint, so the permissions worked out may be too few")
                evidence = lib.evidence
            else:
                read = f"; its workflows: {lib.found_in}" if lib.found_in else ""
                message = (f"{lib.name} {lib.version} may call Microsoft Graph itself ({lib.why}{read}); its calls "
                           "are not visible to scopelint, so the permissions worked out may be too few")
            ops = ", ".join(lib.operations) or "METHOD /path, ..."
            hint = (f"describe {lib.name} in a rule pack and pass it with --rules: libraries: [{{package: {lib.name}, "
                    f"operations: [{ops}], sources: [where its calls are documented]}}] (see "
                    "manifests/examples/graph-library), or list its Graph calls under operations:")
        out.append(make("graph-library", message, project.file or project.path, line=lib.line,
                        manifest=a.manifest.path, evidence=evidence, suggestion=hint))
    return out
