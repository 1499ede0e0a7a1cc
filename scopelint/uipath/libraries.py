"""Dependencies that may call Microsoft Graph themselves (wrapper libraries such as an in-house `LIB_GraphAPI`).

A dependency that is not a UiPath package is looked at three ways, never over the network:

* a rule pack may declare it (`libraries:`): its Graph calls are then known, with their source, and become the
  project's calls (kind `library`, at the dependency's project.json line);
* its own workflows, where they are on this machine: a library project in the scanned tree or in a folder beside the
  project (its project.json names the dependency), or its package (`<id>.<version>.nupkg`) in the NuGet global
  packages folder Studio restores into (`NUGET_PACKAGES`, else `~/.nuget/packages`), in the project folder or in the
  folder above it; the Graph calls, Microsoft 365 activities and Microsoft 365 package dependencies found there are
  the evidence;
* its name (`LIB_GraphAPI`, `*.Office365.Activities`, ...).

What this finds is evidence for a finding (SL310), not needs: only a rule pack turns a library into needs.
"""

import os
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from scopelint.rules import LibraryRule
from scopelint.uipath.code import find_calls
from scopelint.uipath.model import ASSEMBLIES, GraphCall, LibraryHint, Project
from scopelint.uipath.nuget import parse_nuget_range

# Names that suggest a library wraps Microsoft Graph (an in-house LIB_GraphAPI, a vendor's *.Office365.Activities).
# UiPath's own packages are known: the Microsoft 365, Teams and Mail packages are scanned, the others call no Graph.
_GRAPH_NAME = re.compile(r"graph(?!ic)|office ?365|\bo365|m365|microsoft ?365|outlook|sharepoint|onedrive|teams", re.I)
MAX_EVIDENCE = 12  # evidence lines kept per library (the count of the rest is said)
_MAX_ENTRIES = 5_000  # files looked at in one package
_MAX_ENTRY_BYTES = 20 * 1024 * 1024
_CODE_SUFFIXES = (".xaml", ".cs", ".vb")


class Dependency(NamedTuple):
    """A project.json dependency that is not a Microsoft 365 activity package."""

    name: str
    version: str
    line: int | None


def name_hint(dependency: str) -> str | None:
    """Why a dependency's name suggests Graph, or None (UiPath's own packages never)."""
    if dependency.lower().startswith("uipath."):
        return None
    m = _GRAPH_NAME.search(dependency)
    return f"its name contains '{m.group(0)}'" if m else None


class LocalLibrary(NamedTuple):
    """A library's workflows found on this machine: where, and what in them says Graph."""

    found_in: str
    evidence: tuple[str, ...]
    operations: tuple[str, ...]


def hints(project_file: str, dependencies: Iterable[Dependency],
          declared: dict[str, LibraryRule], local: Callable[[Dependency], LocalLibrary | None]
          ) -> tuple[tuple[LibraryHint, ...], tuple[GraphCall, ...]]:
    """The hints for a project's dependencies, and the Graph calls the rule packs declare for them."""
    out: list[LibraryHint] = []
    calls: list[GraphCall] = []
    for dep in dependencies:
        rule = declared.get(dep.name.lower())
        if rule is not None:
            out.append(LibraryHint(dep.name, dep.version, dep.line, f"the rule pack {rule.pack} describes it",
                                   declared_by=rule.origin, operations=rule.operations))
            calls.extend(_declared_calls(project_file, dep, rule))
            continue
        if dep.name.lower().startswith("uipath."):
            continue
        found = local(dep)
        if found is not None and found.evidence:
            out.append(LibraryHint(dep.name, dep.version, dep.line, "its own workflows call Microsoft Graph",
                                   evidence=found.evidence, found_in=found.found_in, operations=found.operations))
            continue
        why = name_hint(dep.name)
        if why:
            out.append(LibraryHint(dep.name, dep.version, dep.line, why,
                                   found_in=found.found_in if found else None))
    return tuple(sorted(out, key=lambda h: h.name.lower())), tuple(calls)


def _declared_calls(project_file: str, dep: Dependency, rule: LibraryRule) -> list[GraphCall]:
    """The calls a rule pack declares for a library, at the dependency's line (`METHOD /path`, schema-checked)."""
    out = []
    for op in rule.operations:
        method, _, path = op.partition(" ")
        out.append(GraphCall(project_file, dep.line or 1, "library", method.upper(), path,
                             f"{dep.name} {dep.version}: rule pack {rule.pack} ({rule.origin})"))
    return out


class Finder:
    """Finds a dependency's workflows on this machine (see the module's docstring), each place looked at once."""

    def __init__(self, projects: dict[str, Project], scan_folder: Callable[[Path], Project | None]) -> None:
        self.projects = projects  # library projects of the scanned tree, by lower-case name
        self.scan_folder = scan_folder
        self._siblings: dict[Path, dict[str, Path]] = {}
        self._packages: dict[str, LocalLibrary] = {}
        self._listings: dict[Path, list[str]] = {}
        root = os.environ.get("NUGET_PACKAGES")
        self.global_packages = Path(root) if root else Path.home() / ".nuget" / "packages"

    def find(self, project_dir: Path, dep: Dependency) -> LocalLibrary | None:
        key = dep.name.lower()
        project = self.projects.get(key)
        if project is None:
            folder = self._sibling(project_dir.parent, key)
            if folder is not None and folder.resolve() != project_dir.resolve():
                project = self.scan_folder(folder)
        if project is not None:
            return LocalLibrary(project.path, *_project_evidence(project))
        for place in (project_dir, project_dir.parent):
            nupkg = _nupkg_in(place, self._listing(place), dep)
            if nupkg is not None:
                return self._package(nupkg)
        cached = self.global_packages / key
        nupkg = _nupkg_in(cached, self._listing(cached), dep, versioned=True)
        return self._package(nupkg) if nupkg is not None else None

    def _listing(self, folder: Path) -> list[str]:
        """A folder's names, read once per scan (many projects share a parent folder)."""
        if folder not in self._listings:
            try:
                self._listings[folder] = sorted(os.listdir(folder))
            except OSError:
                self._listings[folder] = []
        return self._listings[folder]

    def _sibling(self, parent: Path, key: str) -> Path | None:
        """A folder beside the project whose project.json names the library (read once per parent folder)."""
        if parent not in self._siblings:
            names: dict[str, Path] = {}
            try:
                folders = sorted(e.path for e in os.scandir(parent) if e.is_dir() and not e.name.startswith("."))
            except OSError:
                folders = []
            for folder in folders[:2_000]:
                name = _project_name(Path(folder) / "project.json")
                if name:
                    names.setdefault(name.lower(), Path(folder))
            self._siblings[parent] = names
        return self._siblings[parent].get(key)

    def _package(self, nupkg: Path) -> LocalLibrary:
        key = str(nupkg)
        if key not in self._packages:
            self._packages[key] = _read_nupkg(nupkg)
        return self._packages[key]


def _project_name(path: Path) -> str | None:
    import json

    try:
        if not path.is_file() or path.stat().st_size > 16 * 1024 * 1024:
            return None
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    name = doc.get("name") if isinstance(doc, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _nupkg_in(folder: Path, entries: list[str], dep: Dependency, versioned: bool = False) -> Path | None:
    """`<id>.<version>.nupkg` in a folder (any case); in the global packages folder, `<version>/<id>.<version>.nupkg`.
    The version the dependency names (exact, or the minimum of its range) first, else the highest one there."""
    rng = parse_nuget_range(dep.version)
    wanted = rng.minimum if rng is not None else None
    prefix = dep.name.lower() + "."
    found: dict[str, Path] = {}
    for entry in entries:
        if versioned:
            candidate = folder / entry / f"{dep.name.lower()}.{entry}.nupkg"
            if candidate.is_file():
                found[entry.lower()] = candidate
        elif entry.lower().startswith(prefix) and entry.lower().endswith(".nupkg"):
            version = entry[len(prefix):-len(".nupkg")]
            if version[:1].isdigit():
                found[version.lower()] = folder / entry
    if not found:
        return None
    if wanted and wanted.lower() in found:
        return found[wanted.lower()]
    return found[max(found, key=_version_key)]


def _version_key(version: str) -> tuple:
    core, _, pre = version.partition("-")
    parts = tuple(int(x) if x.isdigit() else -1 for x in core.split("."))
    return parts + (0,) * (4 - len(parts)), pre == "", pre


def _project_evidence(project: Project) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a library project's own scan says of Graph: its calls, its Microsoft 365 activities, its packages."""
    lines: list[str] = []
    base = project.path
    for c in project.calls:
        if not c.disabled:
            what = c.request or f"a Graph call that cannot be checked ({c.reason})"
            lines.append(f"{os.path.relpath(c.file, base)}:{c.line}: {what} ({c.source})")
    for a in project.activities:
        if not a.disabled and a.kind != "scope":
            lines.append(f"{os.path.relpath(a.file, base)}:{a.line}: {a.title or a.name} (Microsoft 365 activity)")
    for p in project.packages:
        lines.append(f"depends on {p.name} {p.version}")
    return _capped(lines), project.operations


def _read_nupkg(path: Path) -> LocalLibrary:
    """A library package: its .nuspec dependencies on the Microsoft 365 packages, and the Graph calls and Microsoft
    365 activities of the workflows and code it ships (compiled libraries ship none: said so)."""
    import xml.parsers.expat as expat

    from scopelint.uipath.xaml import Parser, Refused

    lines: list[str] = []
    operations: set[str] = set()
    compiled = False
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()][:_MAX_ENTRIES]
            for info in sorted(infos, key=lambda i: i.filename):
                name = info.filename
                low = name.lower()
                if low.endswith(".nuspec") and info.file_size <= 1024 * 1024:
                    text = z.read(info).decode("utf-8", "replace")
                    for dep in sorted(set(re.findall(r'<dependency\s[^>]*id="([^"]+)"', text, re.I))):
                        if dep.lower() in ASSEMBLIES:
                            lines.append(f"its package depends on {dep}")
                elif low.endswith(".dll"):
                    compiled = True
                elif low.endswith(_CODE_SUFFIXES) and info.file_size <= _MAX_ENTRY_BYTES:
                    data = z.read(info)
                    if low.endswith(".xaml"):
                        parser = Parser()
                        try:
                            parser.feed(data, True)
                        except (Refused, expat.ExpatError, ValueError, UnicodeError, LookupError):
                            continue  # a broken workflow in a package is no evidence either way
                        found = parser.result(name)
                        for a in found.activities:
                            if not a.disabled:
                                lines.append(f"{name}:{a.line}: {a.cls.rsplit('.', 1)[-1]} (Microsoft 365 activity)")
                        calls = [(c.line, c.method, c.path, c.reason, c.source, c.disabled) for c in found.calls]
                    else:
                        text = data.decode("utf-8", "replace")
                        calls = [(c.line + 1, c.method, c.path, c.reason, "graph-sdk" if c.sdk else "code", False)
                                 for c in find_calls(text, low.endswith(".cs"))]
                    for line, method, gpath, reason, source, disabled in calls:
                        if disabled:
                            continue
                        request = f"{method} {gpath}" if method and gpath and not reason else None
                        if request:
                            operations.add(request)
                        lines.append(f"{name}:{line}: {request or 'a Graph call that cannot be checked'} ({source})")
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError) as exc:
        return LocalLibrary(f"{path} (could not be read: {exc})", (), ())
    if compiled and not lines:
        return LocalLibrary(f"{path} (compiled workflows only: not read)", (), ())
    return LocalLibrary(str(path), _capped(lines), tuple(sorted(operations, key=str.lower)))


def _capped(lines: list[str]) -> tuple[str, ...]:
    lines = sorted(dict.fromkeys(lines))
    if len(lines) <= MAX_EVIDENCE:
        return tuple(lines)
    return (*lines[:MAX_EVIDENCE], f"and {len(lines) - MAX_EVIDENCE} more")
