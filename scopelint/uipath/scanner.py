"""The scan: every UiPath project under a path and the Microsoft 365 activities its workflows use, with file:line.

Orchestration only: discover projects, read their project files, read the workflows (serially for small trees, in
worker processes for large ones), then put each project's facts together (which rule each activity is, how it signs
in). Named `scanner`, not `scan`, so the module does not shadow the `scan` function the package exports.
"""

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from scopelint.errors import InputError
from scopelint.parallel import MAX_TASKS, cpu_count, parallel_map
from scopelint.rules import Rule, RuleBook, load_builtin_rules
from scopelint.uipath.discover import Root, discover
from scopelint.uipath.libraries import Finder, hints
from scopelint.uipath.model import ActivityUse, Diagnostic, GraphCall, Project, ScanResult, ScopeUse, TokenRequest
from scopelint.uipath.projectfile import Meta, read_meta
from scopelint.uipath.workflow import DEFAULT_MAX_FILE_BYTES, scan_code_file, scan_file
from scopelint.uipath.xaml import DEFAULT_MAX_XML_DEPTH, FileScan, RawActivity

PARALLEL_MIN_FILES = 200
_DELEGATED = {"interactivetoken", "integratedwindowsauthentication", "usernameandpassword"}
_APPLICATION = {"applicationidandsecret", "applicationidandcertificate"}
_CONNECTIONS = {"integrationservice"}
_NOTHING = FileScan("", True)  # stands for every workflow the prefilter skipped: nothing to send between processes


def _scan_batch(args: tuple[list[str], int, int]) -> list[FileScan | None]:
    """Worker side: None for workflows that hold nothing, so the common case costs no pickling."""
    paths, max_bytes, max_depth = args
    out: list[FileScan | None] = []
    for p in paths:
        result = scan_file(p, max_bytes, max_depth)
        out.append(None if result.read and not result.parsed and not result.diagnostics else result)
    return out


def _scan_files(paths: list[str], max_bytes: int, max_depth: int, jobs: int | None) -> Iterator[FileScan]:
    """Serial for small trees; worker processes (every core) once there are enough files to pay for them."""
    workers = jobs if jobs is not None else cpu_count()
    if workers <= 1 or len(paths) < (PARALLEL_MIN_FILES if jobs is None else 2):
        for p in paths:
            yield scan_file(p, max_bytes, max_depth)
        return
    size = max(1, min(64, len(paths) // (workers * 8)), -(-len(paths) // MAX_TASKS))
    tasks = [(paths[i:i + size], max_bytes, max_depth) for i in range(0, len(paths), size)]
    for batch in parallel_map(_scan_batch, tasks, workers):
        yield from (_NOTHING if r is None else r for r in batch)


def scan(path: str | os.PathLike[str], rules: RuleBook | None = None, jobs: int | None = None,
         max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, max_xml_depth: int = DEFAULT_MAX_XML_DEPTH,
         libraries: bool = True) -> ScanResult:
    """Find every UiPath project under `path` and the Microsoft 365 activities its workflows use; with `libraries`,
    also what its library dependencies are known to call (libraries.py)."""
    root = Path(path)
    name = str(path)
    if not root.exists():
        raise InputError("no such file or folder", name)
    if root.is_file():
        if root.name.lower() not in ("project.json", "template.json"):
            raise InputError("expected a folder or a project.json", name)
        root = root.parent.parent if root.name.lower() == "template.json" else root.parent
    book = rules or load_builtin_rules()
    found, walk_diagnostics = discover(root)
    if not found:
        raise InputError("no UiPath project (project.json) and no .xaml workflow found here", name)
    metas = [read_meta(r) for r in found]
    jobs_files: list[str] = []
    owners: list[int] = []
    ignored: dict[int, list[str]] = {}
    code: list[list[FileScan]] = [[] for _ in found]
    for i, (r, meta) in enumerate(zip(found, metas, strict=True)):
        skip = set(meta.ignored)
        base = len(str(r.path / "_")) - 1
        for f in r.files:
            rel = f[base:].replace(os.sep, "/")
            if rel.lower() in skip:
                ignored.setdefault(i, []).append(rel)
                continue
            jobs_files.append(f)
            owners.append(i)
        code[i] = [scan_code_file(f, max_file_bytes) for f in r.code
                   if f[base:].replace(os.sep, "/").lower() not in skip]
    per_project: list[list[FileScan]] = [[] for _ in found]
    files_read = files_parsed = 0
    for owner, result in zip(owners, _scan_files(jobs_files, max_file_bytes, max_xml_depth, jobs), strict=True):
        per_project[owner].append(result)
        files_read += result.read
        files_parsed += result.parsed
    projects = [_assemble(r, meta, per_project[i], tuple(ignored.get(i, ())), book, code[i])
                for i, (r, meta) in enumerate(zip(found, metas, strict=True))]
    if libraries:
        projects = _with_libraries(projects, metas, book, max_file_bytes, max_xml_depth)
    return ScanResult(
        root=name,
        projects=tuple(sorted(projects, key=lambda p: p.path)),
        diagnostics=tuple(walk_diagnostics),
        files_total=len(jobs_files),
        files_read=files_read,
        files_parsed=files_parsed,
    )


def _with_libraries(projects: list[Project], metas: list[Meta], book: RuleBook, max_file_bytes: int,
                    max_xml_depth: int) -> list[Project]:
    """Each project with its library hints and the Graph calls rule packs declare for its dependencies. A library's
    own workflows are looked for in this scan, beside the project, or as a package on this machine (never fetched)."""
    def scan_folder(folder: Path) -> Project | None:
        try:
            result = scan(folder, book, 1, max_file_bytes, max_xml_depth, libraries=False)
        except InputError:
            return None
        return next((p for p in result.projects if Path(p.path).resolve() == folder.resolve()), None)

    finder = Finder({p.name.lower(): p for p in projects if p.kind == "project"}, scan_folder)
    out = []
    for p, meta in zip(projects, metas, strict=True):
        found, calls = hints(p.file or p.path, meta.dependencies, book.libraries, partial(finder.find, Path(p.path)))
        if calls:
            p = p._replace(calls=tuple(sorted(p.calls + calls,
                                              key=lambda c: (c.file, c.line, c.source, c.text, c.request or ""))))
        out.append(p._replace(libraries=found) if found else p)
    return out


_SCOPE_AUTH = [(_DELEGATED, "delegated"), (_APPLICATION, "application"), (_CONNECTIONS, "connections")]


def scope_auth(authentication_type: str | None) -> str:
    """AuthenticationType -> delegated / application / connections / unknown (absent or an expression)."""
    if authentication_type is None:
        return "unknown"
    key = authentication_type.strip().lower()
    return next((mode for names, mode in _SCOPE_AUTH if key in names), "unknown")


def resolve(book: RuleBook, cls: str) -> Rule | None:
    """The rule for a class as written in XAML: exact, else without the generic arity (`1)."""
    rule = book.find(cls)
    if rule is None and "`" in cls:
        rule = book.find(cls.split("`", 1)[0])
    return rule


def _assemble(root: Root, meta: Meta, scans: list[FileScan], ignored: tuple[str, ...], book: RuleBook,
              code: list[FileScan]) -> Project:
    activities: list[ActivityUse] = []
    scopes: list[ScopeUse] = []
    calls: list[GraphCall] = []
    tokens: list[TokenRequest] = []
    diagnostics = list(meta.diagnostics)
    for fs in code:
        diagnostics.extend(fs.diagnostics)
        calls.extend(GraphCall(fs.path, *c) for c in fs.calls)
    for fs in scans:
        diagnostics.extend(fs.diagnostics)
        calls.extend(GraphCall(fs.path, *c) for c in fs.calls)
        tokens.extend(TokenRequest(fs.path, line, auth, disabled) for line, auth, disabled in fs.tokens)
        file_scopes = [ScopeUse(fs.path, s.line, s.disabled, s.authentication_type, scope_auth(s.authentication_type),
                                s.oauth_application, s.services, s.authentication_scopes, s.application_id)
                       for s in fs.scopes]
        scopes.extend(file_scopes)
        for a in fs.activities:
            rule = resolve(book, a.cls)
            activities.append(ActivityUse(
                cls=a.cls, file=fs.path, line=a.line, disabled=a.disabled,
                auth=_activity_auth(a, rule, file_scopes), rule=rule.cls if rule else None,
                kind=rule.kind if rule else None, shared=a.shared, recovered=a.recovered, scope_free=a.scope < 0,
                target=a.target, target_evidence=a.target_evidence, title=rule.display_name if rule else None,
                target_expression=a.target_expression))
    if root.kind == "folder":
        diagnostics.append(Diagnostic(str(root.path), "workflows outside any UiPath project (no project.json above "
                                                      "them): grouped under this folder"))
    return Project(
        path=str(root.path),
        file=str(root.meta) if root.meta else None,
        kind=root.kind,
        name=meta.name,
        expression_language=meta.expression_language,
        target_framework=meta.target_framework,
        output_type=meta.output_type,
        packages=meta.packages,
        activities=tuple(sorted(activities, key=lambda a: (a.file, a.line, a.cls))),
        scopes=tuple(sorted(scopes, key=lambda s: (s.file, s.line))),
        calls=tuple(sorted(calls, key=lambda c: (c.file, c.line, c.source, c.text))),
        tokens=tuple(sorted(tokens)),
        workflows=len(scans),
        workflows_read=sum(1 for fs in scans if fs.read),
        ignored_files=ignored,
        diagnostics=tuple(diagnostics),
        file_read=meta.read,
    )


def _activity_auth(a: RawActivity, rule: Rule | None, file_scopes: list[ScopeUse]) -> str:
    """How an activity signs in: through its enclosing scope (Connections activities inherit it unless they use the
    connection service), through its card, through an Integration Service connection when standalone, else unknown."""
    connections = (rule.generation == "connections") if rule else a.cls.split("`")[0].endswith("Connections")
    if a.own_scope >= 0:
        return file_scopes[a.own_scope].auth
    if a.scope >= 0:
        if a.use_connection_service:
            return "connections"
        return file_scopes[a.scope].auth
    if a.card_auth:  # inside a card ("Use OneDrive & SharePoint", "Use Outlook 365"), or the card itself
        return a.card_auth
    if connections or a.has_connection or a.use_connection_service:
        return "connections"
    return "unknown"
