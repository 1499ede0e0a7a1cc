"""The facts of drift between a manifest and the UiPath project it describes: the project itself, activities used
but not declared (and the reverse), the permissions the workflows' scopes request. The findings are the checks in
scopelint/checks/project.py.

Disabled code (inside CommentOut) never makes an activity "undeclared", but it does count as a use, so declaring an
activity that is only disabled for now is not "unused" either.
"""

from pathlib import Path
from typing import NamedTuple

from scopelint.catalog import OIDC_SCOPES, Catalog, PermissionInfo, PermissionType
from scopelint.errors import InputError
from scopelint.manifest import ActivityRef, Manifest
from scopelint.rules import Rule, RuleBook
from scopelint.uipath import (
    DEFAULT_MAX_FILE_BYTES,
    ActivityUse,
    GraphCall,
    LibraryHint,
    Project,
    ScopeUse,
    ScopeValue,
    scan,
)
from scopelint.uipath.targets import WIDTH
from scopelint.yamlio import DEFAULT_LIMITS, Limits

_GRAPH_PREFIX = "https://graph.microsoft.com/"


class ScopeRequest(NamedTuple):
    """A permission a workflow's Office 365 scope asks for at sign-in; `info` is None when Graph has no such one."""

    name: str
    info: PermissionInfo | None
    scope: ScopeUse
    value: ScopeValue


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


def _key(use_or_name: ActivityUse | str) -> str:
    return (use_or_name.canonical if isinstance(use_or_name, ActivityUse) else use_or_name).lower()


def undeclared_uses(manifest: Manifest, project: Project, rules: RuleBook) -> tuple[tuple[ActivityUse, ...], ...]:
    """Per activity the workflows use (enabled, not a scope) but the manifest does not declare: its uses, sorted."""
    declared: set[str] = set()
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        declared.add(_key(rule.cls if rule else ref.ref))
    groups: dict[str, list[ActivityUse]] = {}
    for a in project.activities:
        if not a.disabled and a.kind != "scope":
            groups.setdefault(_key(a), []).append(a)
    return tuple(tuple(uses) for key, uses in sorted(groups.items()) if key not in declared)


def wider_targets(manifest: Manifest, project: Project, rules: RuleBook
                  ) -> tuple[tuple[ActivityRef, ActivityUse], ...]:
    """Declared activities the workflows point at wider data than the manifest declares (a site, another user's
    drive, a shared mailbox; the first use of the widest such target) where the rule needs another permission
    for that target under the manifest's auth (application auth has no own/shared split): the declared permission
    cannot reach that data."""
    out = []
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        if rule is None:
            continue
        wider = [a for a in project.activities if not a.disabled and _key(a) == _key(rule.cls)
                 and WIDTH.index(a.target) > WIDTH.index(ref.target) and manifest.auth in rule.option(a.target)]
        if wider:
            out.append((ref, max(wider, key=lambda a: WIDTH.index(a.target))))
    return tuple(out)


def expression_targets(manifest: Manifest, project: Project, rules: RuleBook
                       ) -> tuple[tuple[ActivityUse, tuple[str, ...]], ...]:
    """Active uses whose target attribute holds an expression (so they are taken to work on the user's own data) of
    activities whose permission depends on the target under the manifest's auth, each with the targets its rule has
    options for; not for an activity the manifest already declares with a target other than own (answered)."""
    answered = set()
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        if rule is not None and ref.target != "own":
            answered.add(_key(rule.cls))
    out = []
    for a in project.activities:
        rule = rules.find(a.rule) if a.rule and a.target_expression and not a.disabled and a.target == "own" else None
        if rule is None or _key(rule.cls) in answered:
            continue
        options = tuple(t for t in ("site", "shared") if manifest.auth in rule.option(t))
        if options:
            out.append((a, options))
    return tuple(out)


def unused_declarations(manifest: Manifest, project: Project, rules: RuleBook) -> tuple[tuple[ActivityRef, Rule], ...]:
    """Declared activities no workflow uses, not even in disabled code (unknown ones are SL201's business)."""
    used_any = {_key(a) for a in project.activities}
    out = []
    for ref in manifest.activities:
        rule = rules.find(ref.ref)
        if rule is not None and _key(rule.cls) not in used_any:
            out.append((ref, rule))
    return tuple(out)


def undeclared_calls(manifest: Manifest, project: Project) -> tuple[tuple[GraphCall, ...], ...]:
    """Per Graph call the workflows and code make (active, method and path known) that the manifest's operations:
    do not list: its places, sorted. Calls are compared as the operation index reads them (host, version, case and
    placeholder names do not matter)."""
    from scopelint.operations import parse_request

    declared = {parse_request(op.request) for op in manifest.operations}
    groups: dict[tuple[str, str], list[GraphCall]] = {}
    for c in project.calls:
        if c.request and not c.disabled:
            key = parse_request(c.request)
            if key not in declared:
                groups.setdefault(key, []).append(c)
    return tuple(tuple(calls) for _key, calls in sorted(groups.items()))


def unresolved_calls(project: Project) -> tuple[GraphCall, ...]:
    """Active Graph calls whose method or path is computed at run time: they may need anything."""
    return tuple(c for c in project.calls if c.request is None and not c.disabled)


def libraries(project: Project, rules: RuleBook) -> tuple[tuple[LibraryHint, bool], ...]:
    """Dependencies that may call Graph themselves and that no rule pack declares under `libraries:` (those are seen:
    their calls are the project's), each with whether a loaded rule pack describes its activities (a rule whose
    class lies in the library's namespace)."""
    out = []
    for lib in project.libraries:
        if lib.declared_by:
            continue
        prefix = lib.name.lower() + "."
        out.append((lib, any(r.cls.lower().startswith(prefix) for r in rules)))
    return tuple(out)


def scope_requests(project: Project, catalog: Catalog, ptype: PermissionType) -> tuple[ScopeRequest, ...]:
    """The permissions the project's scopes ask for at sign-in, once per file and line. Services flags (old
    packages) name services, not permissions, and are not compared; expressions, `.default` and OIDC scopes
    neither; scopes signing in through UiPath's public app or a connection are not governed by the registration."""
    out: list[ScopeRequest] = []
    seen: set[tuple[str, str, int]] = set()
    for scope in project.active_scopes:
        if (scope.oauth_application == "UiPath" and not scope.own_app_only) or scope.auth == "connections":
            continue
        for v in scope.authentication_scopes or ():
            name = v.value[len(_GRAPH_PREFIX):] if v.value.lower().startswith(_GRAPH_PREFIX) else v.value
            if v.dynamic or name.lower() in OIDC_SCOPES or name.lower() == ".default" or "/" in name:
                continue
            if (name.lower(), scope.file, v.line) in seen:
                continue
            seen.add((name.lower(), scope.file, v.line))
            out.append(ScopeRequest(name, catalog.get(ptype, name), scope, v))
    return tuple(out)
