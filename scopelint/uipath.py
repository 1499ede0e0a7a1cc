"""UiPath project scanner: project.json / template.json + *.xaml -> the Microsoft 365 activities used, with file:line.

Workflows are read with expat (namespace-aware, streaming, line numbers), never by prefix: an element is a Microsoft
365 activity when its namespace URI names the activity assembly and an activity CLR namespace (see XAML.md §2.1).
DTDs are refused before any entity can be declared, so nothing is ever expanded or fetched. A cheap byte prefilter
skips workflows that never declare the activity assembly; large trees are read by forked worker processes. Bad files
become per-file diagnostics and the scan goes on; for a workflow that is not well-formed, a line-by-line fallback maps
prefixes through the xmlns declarations it has seen and lists what it finds as `recovered` (XAML.md §4.17).
"""

import codecs
import contextlib
import errno
import io
import json
import os
import re
import signal
import stat
import xml.parsers.expat as expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, NoReturn

from scopelint.errors import InputError
from scopelint.rules import Rule, RuleBook, load_builtin_rules
from scopelint.yamlio import DEFAULT_LIMITS, Limits, parse_json, read_text, utf16_without_bom

O365_PACKAGE = "UiPath.MicrosoftOffice365.Activities"
TEAMS_PACKAGE = "UiPath.MicrosoftTeams.Activities"
PACKAGES = (O365_PACKAGE, TEAMS_PACKAGE)
SCOPE_CLASS = "UiPath.MicrosoftOffice365.Activities.Office365ApplicationScope"
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_XML_DEPTH = DEFAULT_LIMITS.max_xml_depth
PARALLEL_MIN_FILES = 200

_DELEGATED = {"interactivetoken", "integratedwindowsauthentication", "usernameandpassword"}
_APPLICATION = {"applicationidandsecret", "applicationidandcertificate"}
_CONNECTIONS = {"integrationservice"}
_ASSEMBLIES = {p.lower() for p in PACKAGES}
_HELPER_SEGMENTS = {"Models", "Enums", "Filters", "Contracts"}
_HELPER_NAMES = {"BackupSlot", "ActivityState", "DynamicField"}
_HELPER_SUFFIXES = ("Argument", "ColumnSample", "FilterCollection", "FilterElement")
_UIPATH_SCHEMA = "http://schemas.uipath.com/workflow/activities"
_SEP = "\x1f"  # expat's namespace separator: a character XML forbids, so it cannot occur in a URI or a name
_TYPE_ARGS = "http://schemas.microsoft.com/winfx/2006/xaml" + _SEP + "TypeArguments"
_CHUNK = 256 * 1024  # read size; each process reuses its buffers (_BUFFERS) from file to file
_PREFILTER_OVERLAP = 96
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_BUFFERS: list[bytearray] = []
_ASSEMBLY_NAMES = tuple(p.lower().encode() for p in PACKAGES)
_MERGE_MARKERS = (b"<<<<<<<", b"=======", b">>>>>>>", b"|||||||")


# ---------------------------------------------------------------------------------------------- models
class Diagnostic(NamedTuple):
    """A file that could not be read (fully): where, and why."""

    file: str
    message: str
    line: int | None = None


class ScopeValue(NamedTuple):
    """One entry of a scope's AuthenticationScopes (or one Services flag); expressions are dynamic."""

    value: str
    line: int
    dynamic: bool = False


class ScopeUse(NamedTuple):
    """An Office365ApplicationScope: how it signs in and what it asks for."""

    file: str
    line: int
    disabled: bool
    authentication_type: str | None
    auth: str
    oauth_application: str | None
    services: tuple[ScopeValue, ...] | None
    authentication_scopes: tuple[ScopeValue, ...] | None


class ActivityUse(NamedTuple):
    """One Microsoft 365 activity element in a workflow."""

    cls: str
    file: str
    line: int
    disabled: bool
    auth: str
    rule: str | None = None
    kind: str | None = None
    shared: bool = False
    recovered: bool = False

    @property
    def canonical(self) -> str:
        """The rule book's class when known (generic arity dropped), else the class as written."""
        return self.rule or self.cls


class NuGetRange(NamedTuple):
    """A NuGet version range: `[x]` exactly x, bare `x` at least x, `[x, )` at least x, `(x, y]` ..."""

    raw: str
    minimum: str | None
    min_inclusive: bool
    maximum: str | None
    max_inclusive: bool

    @property
    def exact(self) -> bool:
        return self.minimum is not None and self.minimum == self.maximum and self.min_inclusive and self.max_inclusive


class PackageRef(NamedTuple):
    """A dependency of the project on a Microsoft 365 activity package."""

    name: str
    version: str
    range: NuGetRange | None
    line: int | None


class Project(NamedTuple):
    """One UiPath project (or Studio template) and the Microsoft 365 facts found in its workflows."""

    path: str
    file: str | None
    kind: str
    name: str
    expression_language: str | None = None
    target_framework: str | None = None
    output_type: str | None = None
    packages: tuple[PackageRef, ...] = ()
    activities: tuple[ActivityUse, ...] = ()
    scopes: tuple[ScopeUse, ...] = ()
    workflows: int = 0
    workflows_read: int = 0
    ignored_files: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    file_read: bool = True  # False when project.json / template.json itself could not be read or parsed

    def package(self, name: str = O365_PACKAGE) -> PackageRef | None:
        return next((p for p in self.packages if p.name.lower() == name.lower()), None)

    @property
    def package_version(self) -> str | None:
        pkg = self.package()
        return pkg.version if pkg else None

    @property
    def active_scopes(self) -> list[ScopeUse]:
        return [s for s in self.scopes if not s.disabled]

    @property
    def auth_modes(self) -> tuple[str, ...]:
        """How the active code signs in: each scope's mode, plus `connections` for Integration Service use."""
        modes = {s.auth for s in self.active_scopes}
        if any(a.auth == "connections" and not a.disabled for a in self.activities):
            modes.add("connections")
        return tuple(sorted(modes))

    @property
    def auth(self) -> str:
        """delegated / application when the scopes agree, connections when only connections are used, else unknown."""
        modes = set(self.auth_modes)
        classic = modes - {"connections"}
        if len(classic) == 1 and classic != {"unknown"}:
            return classic.pop()
        if not classic and modes:
            return "connections"
        return "unknown"

    @property
    def requested_scopes(self) -> tuple[str, ...]:
        """Literal scopes the active scope activities ask for (AuthenticationScopes values, Services flags)."""
        seen: dict[str, str] = {}
        for s in self.active_scopes:
            for v in (s.authentication_scopes or ()) + (s.services or ()):
                if not v.dynamic:
                    seen.setdefault(v.value.lower(), v.value)
        return tuple(sorted(seen.values(), key=str.lower))

    @property
    def requested_scopes_from(self) -> tuple[str, ...]:
        out = set()
        for s in self.active_scopes:
            if s.authentication_scopes is not None:
                out.add("AuthenticationScopes")
            if s.services is not None:
                out.add("Services")
        return tuple(sorted(out))

    @property
    def requested_scopes_dynamic(self) -> bool:
        return any(v.dynamic for s in self.active_scopes
                   for v in (s.authentication_scopes or ()) + (s.services or ()))

    @property
    def requested_scopes_computed(self) -> bool:
        """An empty AuthenticationScopes list: the scope works its scopes out from its child activities."""
        return any(s.authentication_scopes == () for s in self.active_scopes)

    @property
    def oauth_application(self) -> str | None:
        values = {s.oauth_application for s in self.active_scopes if s.oauth_application}
        if "UiPath" in values:
            return "UiPath"
        return sorted(values)[0] if values else None


class ScanResult(NamedTuple):
    """All projects found under one path, plus diagnostics that belong to no project (folder walking)."""

    root: str
    projects: tuple[Project, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    files_total: int = 0
    files_read: int = 0
    files_parsed: int = 0

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        out = list(self.diagnostics)
        for p in self.projects:
            out.extend(p.diagnostics)
        return sorted(set(out), key=lambda d: (d.file, d.line or 0, d.message))

    @property
    def nothing_read(self) -> bool:
        """True when workflows exist but none could be read, or (without workflows) no project file could be."""
        if self.files_total:
            return self.files_read == 0
        return not any(p.file and p.file_read for p in self.projects)


# ---------------------------------------------------------------------------------------------- NuGet ranges
_VERSION = re.compile(r"^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$|^\d+(?:\.\d+){0,2}\.\*$|^\*$")


def parse_nuget_range(raw: str) -> NuGetRange | None:
    """Parse NuGet range syntax; None when it is not one."""
    text = raw.strip()
    if not text:
        return None
    if text[0] not in "[(":
        return NuGetRange(raw, text, True, None, False) if _VERSION.match(text) else None
    if text[-1] not in "])" or len(text) < 3:
        return None
    lo_inc, hi_inc, body = text[0] == "[", text[-1] == "]", text[1:-1]
    if "," not in body:
        version = body.strip()
        if not (lo_inc and hi_inc and _VERSION.match(version)):
            return None
        return NuGetRange(raw, version, True, version, True)
    lo, _, hi = (part.strip() for part in body.partition(","))
    if "," in hi or (not lo and not hi) or any(v and not _VERSION.match(v) for v in (lo, hi)):
        return None
    low, high = _release(lo), _release(hi)
    if low and high and (low > high or (low == high and not (lo_inc and hi_inc))):
        return None  # an empty range: no version satisfies it
    return NuGetRange(raw, lo or None, lo_inc and bool(lo), hi or None, hi_inc and bool(hi))


def _release(version: str) -> tuple[int, ...] | None:
    """1.2 -> (1, 2, 0, 0) for comparing range ends; None for floating or pre-release versions (not compared)."""
    core = version.split("+", 1)[0]
    if not core or "*" in core or "-" in core:
        return None
    parts = tuple(int(x) for x in core.split("."))
    return parts + (0,) * (4 - len(parts))


# ---------------------------------------------------------------------------------------------- discovery
@dataclass
class _Root:
    path: Path
    kind: str
    meta: Path | None
    files: list[str] = field(default_factory=list)  # as str(path / name), built without a Path per file


def _project_kind(folder: Path, names: set[str]) -> tuple[str, Path] | None:
    if "project.json" in names:
        return "project", folder / "project.json"
    if ".local" in names and (folder / ".local" / "template.json").is_file():
        return "template", folder / ".local" / "template.json"
    return None


def _discover(root: Path) -> tuple[list[_Root], list[Diagnostic]]:
    """Every project under root, each with the workflows of its subtree not claimed by a nearer project.

    Hidden folders (.git, .local, .templates, ...) are not searched for workflows; symlinked folders are followed
    once, and a link back to a folder already being walked is reported as a loop, not followed.
    """
    diagnostics: list[Diagnostic] = []
    roots: list[_Root] = []
    orphans = _Root(root, "folder", None)
    seen: set[tuple[int, int]] = set()

    stack: list[tuple[Path, _Root, frozenset]] = [(root, orphans, frozenset())]
    while stack:  # iterative: folder depth is the user's, Python's recursion limit is not
        folder, owner, ancestors = stack.pop()
        try:
            st = folder.stat()
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            diagnostics.append(Diagnostic(str(folder), f"cannot read folder: {_os_message(exc)}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            diagnostics.append(Diagnostic(str(folder), "symlink loop: this folder links back to a folder above it; "
                                          "not followed"))
            continue
        if key in seen:
            continue
        seen.add(key)
        found = _project_kind(folder, {e.name for e in entries})
        if found:
            owner = _Root(folder, found[0], found[1])
            roots.append(owner)
        below = ancestors | {key}
        prefix = str(folder / "_")[:-1]  # what pathlib puts before a name in this folder ("" for ".")
        for entry in reversed(entries):
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith(".") and entry.name not in ("node_modules", "__pycache__"):
                    stack.append((folder / entry.name, owner, below))
            elif entry.name.lower().endswith(".xaml"):
                owner.files.append(prefix + entry.name)
    if orphans.files:
        roots.append(orphans)
    return roots, diagnostics


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, FileNotFoundError):
        return "no such file (dangling symlink?)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------------------------- project files
class _Meta(NamedTuple):
    name: str
    expression_language: str | None = None
    target_framework: str | None = None
    output_type: str | None = None
    packages: tuple[PackageRef, ...] = ()
    ignored: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    read: bool = True


def _read_meta(root: _Root) -> _Meta:
    default_name = _template_name(root.path) if root.kind == "template" else root.path.resolve().name
    if root.meta is None:
        return _Meta(default_name)
    name = str(root.meta)
    try:
        text = read_text(root.meta, Limits(max_bytes=16 * 1024 * 1024))
        doc = parse_json(text, name)
    except InputError as exc:
        return _Meta(default_name, diagnostics=(Diagnostic(name, exc.message, exc.line),), read=False)
    if not isinstance(doc, dict):
        return _Meta(default_name, diagnostics=(Diagnostic(name, "expected a JSON object"),), read=False)
    template = root.kind == "template"
    diagnostics: list[Diagnostic] = []

    def typed(parent: dict, key: str, kind: type, what: str, then: str):
        """parent[key] when it has the expected type; absent or null is None; a wrong type is a diagnostic."""
        value = parent.get(key)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        diagnostics.append(Diagnostic(name, f"'{key}' is {_short(value)}, not {what}; {then}",
                                      _line_of(text, json.dumps(key))))
        return None

    design = typed(doc, "designOptions", dict, "an object", "its settings are ignored") or {}
    process = typed(design, "processOptions", dict, "an object", "its settings are ignored") or {}
    deps_key = "Dependencies" if template else "dependencies"
    deps = typed(doc, deps_key, dict, "an object", "no package versions are known")
    packages = []
    for dep, version in (deps or {}).items():
        if dep.lower() not in _ASSEMBLIES:
            continue
        line = _line_of(text, json.dumps(dep))
        rng = parse_nuget_range(version) if isinstance(version, str) else None
        if rng is None:
            diagnostics.append(Diagnostic(name, f"{dep}: {_short(version)} is not a NuGet version range", line))
        packages.append(PackageRef(dep, str(version), rng, line))
    ignored = typed(process, "ignoredFiles", list, "a list of file names", "no workflow is ignored") or []
    if any(not isinstance(p, str) for p in ignored):
        diagnostics.append(Diagnostic(name, "'ignoredFiles' holds entries that are not file names; they are skipped",
                                      _line_of(text, '"ignoredFiles"')))
    raw_name = None if template else typed(doc, "name", str, "a string", "the folder name is used")
    expression = typed(doc, "ExpressionLanguage" if template else "expressionLanguage", str, "a string", "ignored")
    framework = typed(doc, "targetFramework", str, "a string", "ignored")
    output = typed(doc, "OutputType", str, "a string", "ignored") if template else typed(
        design, "outputType", str, "a string", "ignored")
    return _Meta(
        name=raw_name.strip() if raw_name and raw_name.strip() else default_name,
        expression_language=_str(expression),
        target_framework=_str(framework),
        output_type=_str(output),
        packages=tuple(sorted(packages, key=lambda p: p.name.lower())),
        ignored=tuple(_norm_rel(p) for p in ignored if isinstance(p, str)),
        diagnostics=tuple(diagnostics),
    )


def _short(value) -> str:
    """A value as the user wrote it, cut short: a diagnostic is one readable line."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _template_name(folder: Path) -> str:
    """Studio templates live in <Name>/contentFiles/any/any/ptN/: name them after the package folder."""
    parts = folder.resolve().parts
    if "contentFiles" in parts:
        i = len(parts) - 1 - parts[::-1].index("contentFiles")
        if i > 0:
            return f"{parts[i - 1]} ({parts[-1]})" if parts[-1] != parts[i - 1] else parts[i - 1]
    return parts[-1] if parts else str(folder)


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _norm_rel(path: str) -> str:
    return path.replace("\\", "/").strip("/").lower()


# ---------------------------------------------------------------------------------------------- one workflow
class _RawActivity(NamedTuple):
    cls: str
    line: int
    disabled: bool
    scope: int  # index of the enclosing scope in _FileScan.scopes, -1 outside any scope
    use_connection_service: bool | None
    has_connection: bool
    shared: bool
    recovered: bool = False
    own_scope: int = -1  # for a scope activity: its own index in _FileScan.scopes


class _RawScope(NamedTuple):
    line: int
    disabled: bool
    authentication_type: str | None
    oauth_application: str | None
    services: tuple[ScopeValue, ...] | None
    authentication_scopes: tuple[ScopeValue, ...] | None


class _FileScan(NamedTuple):
    path: str
    read: bool
    parsed: bool = False
    activities: tuple[_RawActivity, ...] = ()
    scopes: tuple[_RawScope, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


class _Refused(Exception):
    """Raised from an expat handler to stop on a DTD: entities are never declared, expanded or fetched."""


_COMMENT, _ACTIVITY, _AUTHSCOPES, _MAILBOX = 1, 2, 3, 4
_CLR_CACHE: dict[str, tuple[str, str] | None] = {}


def _clr(uri: str) -> tuple[str, str] | None:
    """`clr-namespace:NS;assembly=ASM` -> (NS, ASM); anything else None."""
    hit = _CLR_CACHE.get(uri, False)
    if hit is not False:
        return hit
    result = None
    if uri.startswith("clr-namespace:"):  # parsed as System.Xaml does: `;assembly=` exactly, no blanks
        ns, _, assembly = uri[len("clr-namespace:"):].partition(";assembly=")
        result = (ns, assembly.split(",", 1)[0])
    if len(_CLR_CACHE) < 4096:
        _CLR_CACHE[uri] = result
    return result


def _classify(name: str) -> tuple | None:
    """What an element (expat name `URI<sep>local`) is to the scanner, None when nothing; cached per name."""
    uri, sep, local = name.rpartition(_SEP)
    if not sep:
        return None
    clr = _clr(uri)
    if local == "CommentOut" and (uri == _UIPATH_SCHEMA or (clr and clr[0] == "UiPath.Core.Activities")):
        return (_COMMENT,)
    if clr is None or clr[1].lower() not in _ASSEMBLIES:
        return None
    ns = clr[0]
    if not any(ns == root or ns.startswith(root + ".") for root in PACKAGES):
        return None
    if "." in local:  # a property element such as Office365ApplicationScope.Body
        if local == "Office365ApplicationScope.AuthenticationScopes" and ns == O365_PACKAGE:
            return (_AUTHSCOPES,)
        return None
    if _HELPER_SEGMENTS.intersection(ns.split(".")) or local in _HELPER_NAMES or local.endswith(_HELPER_SUFFIXES):
        return (_MAILBOX,) if local == "MailboxArgument" else None
    cls = f"{ns}.{local}"
    return (_ACTIVITY, cls, cls == SCOPE_CLASS)


def _attr(attrs: dict, key: str) -> str | None:
    """An attribute value; `{x:Null}` and empty values are absent."""
    value = attrs.get(key)
    if value is None:
        return None
    value = value.strip()
    return None if not value or value == "{x:Null}" else value


def _is_expression(value: str) -> bool:
    return (value.startswith("[") and value.endswith("]")) or (value.startswith("{") and not value.startswith("{}"))


def _arity(type_args: str | None) -> int:
    if not type_args:
        return 0
    depth, count = 0, 1
    for ch in type_args:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            count += 1
    return count


def _truthy(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() == "true"


_KINDS: dict[str, tuple | None] = {}  # element name -> _classify(name), for every workflow this process reads
_MISSING = object()


def _kind(name: str) -> tuple | None:
    """_classify, remembered per distinct element name (bounded: the names come from the user's files)."""
    kind = _classify(name)
    if len(_KINDS) < 8192:
        _KINDS[name] = kind
    return kind


def _pairs(attrs: list[str]) -> dict[str, str]:
    """expat's ordered attributes, [name, value, name, value, ...], as a dict."""
    return dict(zip(attrs[::2], attrs[1::2], strict=True))


class _Parser:
    """expat handlers that collect activities and scopes of one workflow, with lines and CommentOut state.

    Nearly every element is nothing to the scanner, and expat calls back for each one, so that path is kept short:
    the end handler is a C method (`list.append` on `ends`) and the start handler counts, tests the depth and looks
    the name up once. Nesting follows from the counts: a new element's depth is starts - ends, and a CommentOut or
    activity element opened at depth d has been closed once an element starts at depth <= d. That is checked when the
    next element starts, which is the first moment the scanner needs to know it.
    """

    def __init__(self, max_depth: int = DEFAULT_MAX_XML_DEPTH) -> None:
        self.max_depth = max_depth
        # intern=None: expat's per-name interning costs more than the one lookup per element that hashes the name
        self.p = expat.ParserCreate(namespace_separator=_SEP, intern=None)
        self.p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.p.StartDoctypeDeclHandler = self._refuse_dtd
        self.p.EntityDeclHandler = self._refuse_dtd
        self.p.ExternalEntityRefHandler = self._refuse_dtd
        self.p.ordered_attributes = True
        self.comment = 0
        self.activities: list[_RawActivity] = []
        self.scopes: list[dict] = []
        self.scope_stack: list[int] = []
        self.open_activities: list[int] = []
        self.shared_marks: set[int] = set()
        self.ends: list[str] = []  # one entry per end tag since the last piece fed: only its length is used
        self._values: list[ScopeValue] = []
        self._depth = 0
        self._level = 0
        self._text: list[str] | None = None
        self._text_line = 0
        self._text_dynamic = False
        self._start, self._rebase = self._handlers()
        self.p.StartElementHandler = self._start
        self.p.EndElementHandler = self.ends.append

    def _refuse_dtd(self, *_args) -> None:
        raise _Refused("a DTD (<!DOCTYPE>) or entity declaration: not allowed in XAML, not parsed "
                       "(entities are never expanded or fetched)")

    def _too_deep(self) -> None:
        raise _Refused(f"XML nesting deeper than {self.max_depth:,} levels; not scanned (raise limits.max_xml_depth "
                       "in the configuration, or scan --max-xml-depth)")

    def feed(self, data, final: bool = False) -> None:
        """Parse the next piece of the workflow (bytes or a buffer); the end tags seen so far are let go."""
        self.p.Parse(data, final)
        self._rebase()

    def _handlers(self):
        """The start handler, a closure: an element that is nothing costs a count, a depth test and one lookup; and
        the function that folds the end tags counted so far into the start count, so `ends` stays small."""
        ends, limit, lookup, missing = self.ends, self.max_depth, _KINDS.get, _MISSING
        opened: list[tuple[int, int]] = []  # (depth, code) of the open CommentOut and activity elements, innermost last
        top = starts = 0  # top: the depth of the innermost of them, 0 when none is open

        def start(name: str, attrs: list[str]) -> None:
            nonlocal starts, top
            starts += 1
            depth = starts - len(ends)
            if depth <= top or depth > limit:
                if depth > limit:
                    self._too_deep()
                while opened and opened[-1][0] >= depth:
                    self._close(opened.pop()[1])
                top = opened[-1][0] if opened else 0
            kind = lookup(name, missing)
            if kind is missing:
                kind = _kind(name)
            if kind is None:
                return
            code = kind[0]
            if code == _COMMENT:
                self.comment += 1
            elif code == _ACTIVITY:
                self._activity(kind[1], kind[2], _pairs(attrs))
            else:
                self._other(code, attrs, depth)
                return
            opened.append((depth, code))
            top = depth

        def rebase() -> None:
            nonlocal starts
            starts -= len(ends)
            ends.clear()

        return start, rebase

    def _close(self, code: int) -> None:
        if code == _COMMENT:
            self.comment -= 1
        else:
            index = self.open_activities.pop()
            if self.activities[index].cls == SCOPE_CLASS:
                self.scope_stack.pop()

    def _other(self, code: int, attrs: list[str], depth: int) -> None:
        if code == _AUTHSCOPES:
            if self.scope_stack:
                self._begin_values(depth)
        elif code == _MAILBOX and self.open_activities:
            values = _pairs(attrs)
            if _truthy(_attr(values, "UseSharedMailbox")) or _attr(values, "SharedMailbox"):
                self.shared_marks.add(self.open_activities[-1])

    def _activity(self, cls: str, is_scope: bool, attrs: dict) -> None:
        line = self.p.CurrentLineNumber
        arity = _arity(attrs.get(_TYPE_ARGS))
        if arity:
            cls = f"{cls}`{arity}"
        shared = bool(_truthy(_attr(attrs, "UseSharedMailbox")) or _attr(attrs, "SharedMailbox"))
        self.activities.append(_RawActivity(
            cls, line, self.comment > 0, self.scope_stack[-1] if self.scope_stack else -1,
            _truthy(_attr(attrs, "UseConnectionService")), bool(_attr(attrs, "ConnectionId")), shared,
            own_scope=len(self.scopes) if is_scope else -1))
        self.open_activities.append(len(self.activities) - 1)
        if is_scope:
            self.scopes.append(self._scope(line, attrs))
            self.scope_stack.append(len(self.scopes) - 1)

    def _scope(self, line: int, attrs: dict) -> dict:
        services = None
        raw = _attr(attrs, "Services")
        if raw is not None:
            services = ((ScopeValue(raw, line, True),) if _is_expression(raw) else
                        tuple(ScopeValue(v.strip(), line) for v in raw.split(",") if v.strip()))
        scopes = None
        raw = _attr(attrs, "AuthenticationScopes")
        if raw is not None:
            scopes = (ScopeValue(raw, line, True),)
        return {"line": line, "disabled": self.comment > 0,
                "authentication_type": _attr(attrs, "AuthenticationType"),
                "oauth_application": _attr(attrs, "OAuthApplication"),
                "services": services, "authentication_scopes": scopes}

    # AuthenticationScopes: <scg:List><InArgument x:TypeArguments="x:String">mail.read</InArgument>...</scg:List>
    # Its own handlers run until it closes; they keep their own depth, so starts and ends stay balanced around it.
    def _begin_values(self, level: int) -> None:
        self._values, self._depth, self._level, self._text = [], 0, level, None
        self.p.StartElementHandler = self._vstart
        self.p.EndElementHandler = self._vend
        self.p.CharacterDataHandler = self._vtext

    def _vstart(self, name: str, attrs: list[str]) -> None:
        self._depth += 1
        if self._level + self._depth > self.max_depth:
            self._too_deep()
        local = name.rpartition(_SEP)[2]
        if self._text is None and local == "InArgument":
            self._text, self._text_line, self._text_dynamic = [], self.p.CurrentLineNumber, False
        elif self._text is not None:
            literal = _pairs(attrs).get("Value") if local == "Literal" else None
            if literal is None:
                self._text_dynamic = True
            else:
                self._text.append(literal)

    def _vend(self, name: str) -> None:
        if self._depth == 0:
            self.scopes[self.scope_stack[-1]]["authentication_scopes"] = tuple(self._values)
            self.ends.append(name)
            self.p.StartElementHandler = self._start
            self.p.EndElementHandler = self.ends.append
            self.p.CharacterDataHandler = None
            return
        self._depth -= 1
        if self._text is not None and name.rpartition(_SEP)[2] == "InArgument":
            text = "".join(self._text).strip()
            if self._text_dynamic or _is_expression(text):
                self._values.append(ScopeValue(text or "(expression)", self._text_line, True))
            else:
                self._values.extend(ScopeValue(v, self._text_line) for v in re.split(r"[,;\s]+", text) if v)
            self._text = None

    def _vtext(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def result(self, path: str, diagnostics: tuple[Diagnostic, ...] = ()) -> _FileScan:
        acts = tuple(a._replace(shared=True) if i in self.shared_marks else a for i, a in enumerate(self.activities))
        return _FileScan(path, True, True, acts, tuple(_RawScope(**s) for s in self.scopes), diagnostics)


def declares_activity_assembly(data: bytes | bytearray, end: int | None = None) -> bool:
    """The prefilter: does any `;assembly=` in data[:end] name an activity package (assembly names in any case)? A
    workflow without one cannot hold one of its activities. Cheap: one `find` pass over the bytes, no copy."""
    end = len(data) if end is None else end
    i = data.find(b";assembly=", 0, end)
    while i >= 0:
        if data[i + 10:min(i + 50, end)].lower().startswith(_ASSEMBLY_NAMES):
            return True
        i = data.find(b";assembly=", i + 10, end)
    return False


def _sniff(head: bytes) -> str:
    """utf-16-le / utf-16-be (BOM, or ASCII text with zero bytes as .NET detects it), binary (NUL byte), else utf-8
    (expat reads the BOM itself)."""
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    without_bom = utf16_without_bom(head)
    if without_bom:
        return without_bom
    if b"\x00" in head:
        return "binary"
    return "utf-8"


def _open_nonblocking(path: str, flags: int) -> int:
    """Opener for scan_file: a FIFO named *.xaml must not block the scan; it is opened, seen by fstat and skipped."""
    return os.open(path, flags | _OPEN_FLAGS)


def scan_file(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
              max_depth: int = DEFAULT_MAX_XML_DEPTH) -> _FileScan:
    """Read one workflow: prefilter, then parse; every failure is a diagnostic, never an exception."""
    try:
        with open(path, "rb", buffering=0, opener=_open_nonblocking) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return _failed(path, "not a regular file; skipped")
            if st.st_size > max_bytes:
                return _failed(path, f"{st.st_size:,} bytes, larger than the {max_bytes:,}-byte limit for a workflow; "
                                     "not scanned (raise it: scan --max-file-size, or limits.max_bytes in the "
                                     "configuration)")
            buffer = _BUFFERS.pop() if _BUFFERS else bytearray(_CHUNK)
            try:
                return _scan_stream(path, fh, buffer, max_depth)
            finally:
                _BUFFERS.append(buffer)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or exc.errno == errno.ENXIO:  # a folder or socket named *.xaml
            return _failed(path, "not a regular file; skipped")
        return _failed(path, f"cannot read: {_os_message(exc)}")
    except MemoryError:
        return _failed(path, "out of memory while reading")


def _failed(path: str, message: str, line: int | None = None) -> _FileScan:
    return _FileScan(path, False, diagnostics=(Diagnostic(path, message, line),))


def _scan_stream(path: str, fh: io.FileIO, buffer: bytearray, max_depth: int) -> _FileScan:
    """Prefilter chunk by chunk in `buffer` (the process reuses it for every file), then parse from the same."""
    view = memoryview(buffer)
    n = fh.readinto(view)
    head = bytes(view[:min(n, 4096)])
    encoding = _sniff(head)
    if encoding == "binary":
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        return _failed(path, "binary content (NUL byte), not XAML", line)
    if encoding.startswith("utf-16"):
        fh.seek(0)
        return _scan_utf16(path, fh.readall(), encoding, max_depth)
    if not declares_activity_assembly(buffer, n):
        end = n
        while True:
            keep = min(_PREFILTER_OVERLAP, end)  # a declaration cut by the chunk boundary is seen whole next time
            buffer[:keep] = bytes(view[end - keep:end])
            n = fh.readinto(view[keep:])
            if not n:
                return _FileScan(path, True)
            end = keep + n
            if declares_activity_assembly(buffer, end):
                break
        fh.seek(0)
        n = fh.readinto(view)
    parser = _Parser(max_depth)
    try:
        while n:
            parser.feed(view[:n])
            n = fh.readinto(view)
        parser.feed(b"", True)
    except _Refused as exc:
        return _failed(path, str(exc), parser.p.CurrentLineNumber)
    except expat.ExpatError as exc:
        return _broken(path, exc)
    except (ValueError, UnicodeError, LookupError) as exc:  # multi-byte (Shift-JIS) or unknown declared encodings
        return _failed(path, f"unsupported encoding: {exc}", parser.p.CurrentLineNumber)
    return parser.result(path)


def _scan_utf16(path: str, data: bytes, encoding: str, max_depth: int) -> _FileScan:
    try:
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else encoding)
    except UnicodeDecodeError:
        return _failed(path, "not valid UTF-16")
    if not declares_activity_assembly(text.encode("utf-8", "replace")):
        return _FileScan(path, True)
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # XML wants a BOM on UTF-16; .NET reads it without one
        data = (codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE) + data
    parser = _Parser(max_depth)
    try:
        for i in range(0, len(data), _CHUNK):
            parser.feed(data[i:i + _CHUNK])
        parser.feed(b"", True)
    except _Refused as exc:
        return _failed(path, str(exc), parser.p.CurrentLineNumber)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        if any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in text.splitlines()):
            reason = f"merge-conflict markers in the file ({reason})"
        elif exc.code in _TRUNCATED:
            reason = f"truncated or incomplete ({reason})"
        return _failed(path, f"not well-formed XAML: {reason}", exc.lineno)
    except (ValueError, UnicodeError, LookupError) as exc:
        return _failed(path, f"unsupported encoding: {exc}", parser.p.CurrentLineNumber)
    return parser.result(path)


_TRUNCATED = {expat.errors.codes[e] for e in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN,
                                              expat.errors.XML_ERROR_PARTIAL_CHAR)}


def _broken(path: str, exc: expat.ExpatError) -> _FileScan:
    """A not-well-formed UTF-8 workflow: say why, and list what a namespace-aware text scan still finds."""
    reason = expat.ErrorString(exc.code)
    line_text = _line_bytes(path, exc.lineno)
    if any(line_text.startswith(m) for m in _MERGE_MARKERS) or _has_merge_marker(path):
        reason = f"merge-conflict markers in the file ({reason})"
    elif b"\x00" in line_text:
        reason = f"NUL byte in the file ({reason})"
    elif not _is_utf8(line_text):
        reason = f"not UTF-8 and no other encoding declared ({reason})"
    elif exc.code in _TRUNCATED:
        reason = f"truncated or incomplete ({reason})"
    recovered = _recover(path)
    note = (f"; {len(recovered)} activity element(s) recovered by a namespace-aware text scan are listed as "
            "recovered" if recovered else "")
    return _FileScan(path, False, activities=tuple(recovered),
                     diagnostics=(Diagnostic(path, f"not well-formed XAML: {reason}{note}", exc.lineno),))


def _line_bytes(path: str, lineno: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            for i, line in enumerate(fh, 1):
                if i == lineno:
                    return line.lstrip()
    except OSError:
        pass
    return b""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_merge_marker(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return any(line.startswith(_MERGE_MARKERS[0]) or line.startswith(_MERGE_MARKERS[2]) for line in fh)
    except OSError:
        return False


_XMLNS = re.compile(rb'xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*"([^"]*)"')
_TAG = re.compile(rb"<(/?)(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.`-]*)(?=[\s/>]|$)")


def _recover(path: str) -> list[_RawActivity]:
    """Line-by-line fallback for broken files: map prefixes through the xmlns declarations seen, then classify tags
    by namespace URI exactly as the parser does. Disabled state follows CommentOut open/close tags."""
    prefixes: dict[bytes, str] = {}
    kinds: dict[str, tuple | None] = {}
    found: list[_RawActivity] = []
    comment = 0
    try:
        with open(path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                for m in _XMLNS.finditer(line):
                    prefixes[m.group(1) or b""] = m.group(2).decode("utf-8", "replace")
                for m in _TAG.finditer(line):
                    uri = prefixes.get(m.group(2) or b"")
                    if uri is None:
                        continue
                    name = uri + _SEP + m.group(3).decode("utf-8", "replace")
                    if name not in kinds:
                        kinds[name] = _classify(name)
                    kind = kinds[name]
                    if kind is None:
                        continue
                    if kind[0] == _COMMENT:
                        comment = max(0, comment + (-1 if m.group(1) else 1))
                    elif kind[0] == _ACTIVITY and not m.group(1):
                        found.append(_RawActivity(kind[1], lineno, comment > 0, -1, None, False, False, True))
    except OSError:
        return []
    return found


_NOTHING = _FileScan("", True)  # stands for every workflow the prefilter skipped: nothing to send between processes
_MAX_BATCHES = 1024  # their numbers, 4 bytes each, are written to the workers' pipe at once: 4 KB fits any pipe buffer


def _scan_batch(args: tuple[list[str], int, int]) -> list[_FileScan | None]:
    """Worker side: None for workflows that hold nothing, so the common case costs no pickling."""
    paths, max_bytes, max_depth = args
    out: list[_FileScan | None] = []
    for p in paths:
        result = scan_file(p, max_bytes, max_depth)
        out.append(None if result.read and not result.parsed and not result.diagnostics else result)
    return out


def _scan_files(paths: list[str], max_bytes: int, max_depth: int, jobs: int | None) -> Iterator[_FileScan]:
    """Serial for small trees; worker processes (every core) once there are enough files to pay for them."""
    workers = jobs if jobs is not None else _cpu_count()
    if workers <= 1 or len(paths) < (PARALLEL_MIN_FILES if jobs is None else 2):
        for p in paths:
            yield scan_file(p, max_bytes, max_depth)
        return
    size = max(1, min(64, len(paths) // (workers * 8)), -(-len(paths) // _MAX_BATCHES))
    batches = [paths[i:i + size] for i in range(0, len(paths), size)]
    run = _forked if hasattr(os, "fork") else _spawned
    for batch in run(batches, max_bytes, max_depth, min(workers, len(batches))):
        yield from (_NOTHING if r is None else r for r in batch)


def _forked(batches: list[list[str]], max_bytes: int, max_depth: int, workers: int) -> Iterator[list]:
    """Scan the batches in forked children and yield their results in order.

    Cheaper than a multiprocessing pool (bench/RESULTS.md; no handler threads, queues or locks in this process): the
    children already hold the code and the paths, they take batch numbers from one shared pipe (whoever is free takes
    the next, so a few large workflows do not leave a core idle), and only pickled results come back, each on the
    child's own pipe. A batch whose child died is scanned here instead.
    """
    import pickle
    import selectors

    tasks, tasks_in = os.pipe()
    _write_all(tasks_in, b"".join(i.to_bytes(4, "little") for i in range(len(batches))))
    os.close(tasks_in)  # before forking: the children see the end of the numbers once they are all taken
    children: dict[int, int] = {}  # result pipe -> pid
    try:
        for _ in range(workers):
            try:
                results, results_out = os.pipe()
            except OSError:  # out of file descriptors: the children started so far (or this process) do the rest
                break
            try:
                pid = os.fork()
            except OSError:  # out of processes: likewise
                os.close(results)
                os.close(results_out)
                break
            if pid == 0:
                os.close(results)
                for fd in children:
                    os.close(fd)
                _worker(batches, max_bytes, max_depth, tasks, results_out)
            os.close(results_out)
            children[results] = pid
    finally:
        os.close(tasks)
    done: dict[int, list] = {}
    following = 0
    try:
        with selectors.DefaultSelector() as selector:
            for fd in children:
                selector.register(fd, selectors.EVENT_READ, bytearray())
            while selector.get_map():
                for key, _ in selector.select():
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        selector.unregister(key.fd)
                        continue
                    pending = key.data
                    pending += chunk
                    while len(pending) >= 8:  # frames: batch number, length, pickled results
                        length = int.from_bytes(pending[4:8], "little")
                        if len(pending) < 8 + length:
                            break
                        done[int.from_bytes(pending[:4], "little")] = pickle.loads(pending[8:8 + length])
                        del pending[:8 + length]
                while following in done:
                    yield done.pop(following)
                    following += 1
    finally:
        for fd, pid in children.items():
            os.close(fd)
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                if following < len(batches):  # stopped early: do not wait for the children to finish their batches
                    os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
    for index in range(following, len(batches)):
        yield done.pop(index) if index in done else _scan_batch((batches[index], max_bytes, max_depth))


def _worker(batches: list[list[str]], max_bytes: int, max_depth: int, tasks: int, results: int) -> NoReturn:
    """A forked child: scan the batches whose numbers it reads from `tasks`, send each result, exit without cleanup
    (the parent's buffers and exit handlers are the parent's)."""
    import pickle

    status = 1
    try:
        while len(number := os.read(tasks, 4)) == 4:
            index = int.from_bytes(number, "little")
            data = pickle.dumps(_scan_batch((batches[index], max_bytes, max_depth)), pickle.HIGHEST_PROTOCOL)
            _write_all(results, number + len(data).to_bytes(4, "little") + data)
        status = 0
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _spawned(batches: list[list[str]], max_bytes: int, max_depth: int, workers: int) -> Iterator[list]:
    """Where there is no fork (Windows): a pool of spawned processes, each of which imports scopelint afresh."""
    import multiprocessing

    try:
        pool = multiprocessing.get_context("spawn").Pool(workers)
    except OSError:
        yield from (_scan_batch((b, max_bytes, max_depth)) for b in batches)
        return
    with pool:
        yield from pool.imap(_scan_batch, [(b, max_bytes, max_depth) for b in batches])


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------------------------------------- the scan
def scan(path: str | os.PathLike[str], rules: RuleBook | None = None, jobs: int | None = None,
         max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, max_xml_depth: int = DEFAULT_MAX_XML_DEPTH) -> ScanResult:
    """Find every UiPath project under `path` and the Microsoft 365 activities its workflows use."""
    root = Path(path)
    name = str(path)
    if not root.exists():
        raise InputError("no such file or folder", name)
    if root.is_file():
        if root.name.lower() not in ("project.json", "template.json"):
            raise InputError("expected a folder or a project.json", name)
        root = root.parent.parent if root.name.lower() == "template.json" else root.parent
    book = rules or load_builtin_rules()
    found, walk_diagnostics = _discover(root)
    if not found:
        raise InputError("no UiPath project (project.json) and no .xaml workflow found here", name)
    metas = [_read_meta(r) for r in found]
    jobs_files: list[str] = []
    owners: list[int] = []
    ignored: dict[int, list[str]] = {}
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
    per_project: list[list[_FileScan]] = [[] for _ in found]
    files_read = files_parsed = 0
    for owner, result in zip(owners, _scan_files(jobs_files, max_file_bytes, max_xml_depth, jobs), strict=True):
        per_project[owner].append(result)
        files_read += result.read
        files_parsed += result.parsed
    projects = [_assemble(r, meta, per_project[i], tuple(ignored.get(i, ())), book)
                for i, (r, meta) in enumerate(zip(found, metas, strict=True))]
    return ScanResult(
        root=name,
        projects=tuple(sorted(projects, key=lambda p: p.path)),
        diagnostics=tuple(walk_diagnostics),
        files_total=len(jobs_files),
        files_read=files_read,
        files_parsed=files_parsed,
    )


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


def _assemble(root: _Root, meta: _Meta, scans: list[_FileScan], ignored: tuple[str, ...], book: RuleBook) -> Project:
    activities: list[ActivityUse] = []
    scopes: list[ScopeUse] = []
    diagnostics = list(meta.diagnostics)
    for fs in scans:
        diagnostics.extend(fs.diagnostics)
        file_scopes = [ScopeUse(fs.path, s.line, s.disabled, s.authentication_type, scope_auth(s.authentication_type),
                                s.oauth_application, s.services, s.authentication_scopes) for s in fs.scopes]
        scopes.extend(file_scopes)
        for a in fs.activities:
            rule = resolve(book, a.cls)
            activities.append(ActivityUse(
                cls=a.cls, file=fs.path, line=a.line, disabled=a.disabled,
                auth=_activity_auth(a, rule, file_scopes), rule=rule.cls if rule else None,
                kind=rule.kind if rule else None, shared=a.shared, recovered=a.recovered))
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
        workflows=len(scans),
        workflows_read=sum(1 for fs in scans if fs.read),
        ignored_files=ignored,
        diagnostics=tuple(diagnostics),
        file_read=meta.read,
    )


def _activity_auth(a: _RawActivity, rule: Rule | None, file_scopes: list[ScopeUse]) -> str:
    """How an activity signs in: through its enclosing scope (Connections activities inherit it unless they use the
    connection service), through an Integration Service connection when standalone, else unknown."""
    connections = (rule.generation == "connections") if rule else a.cls.split("`")[0].endswith("Connections")
    if a.own_scope >= 0:
        return file_scopes[a.own_scope].auth
    if a.scope >= 0:
        if a.use_connection_service:
            return "connections"
        return file_scopes[a.scope].auth
    if connections or a.has_connection or a.use_connection_service:
        return "connections"
    return "unknown"
