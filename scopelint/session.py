"""One run over many manifests: find them, load each with its registration and project, analyse and check each,
collect the run's results.

Knowledge (catalog, lattice, rules) is loaded once per run. Bad input in one manifest becomes an invalid-input
finding for that file while the others are still checked.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from scopelint import __version__
from scopelint.catalog import load_catalog
from scopelint.compare import Engine
from scopelint.config import DEFAULT as DEFAULT_CONFIG
from scopelint.config import Config, ConfigFinder
from scopelint.errors import InputError
from scopelint.evaluation import evaluate
from scopelint.findings import Finding, make
from scopelint.lattice import load_lattice
from scopelint.manifest import LiveRegistration, Manifest, load_manifest
from scopelint.registration import Registration, load_registration
from scopelint.results import Result, RunResult
from scopelint.rules import RuleBook, load_builtin_rules, load_user_pack

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scopelint.review import Review
    from scopelint.uipath import Project
    from scopelint.usage.run import ObservedUsage
    from scopelint.yamlio import Limits

MANIFEST_NAMES = ("scopelint.yaml", "scopelint.yml")
K = TypeVar("K")
V = TypeVar("V")
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def find_manifests(paths: Iterable[str], configs: ConfigFinder | None = None) -> list[Path]:
    """Manifest files named directly, or every scopelint.yaml below a directory (sorted). A directory search skips
    what git ignores (in a repository), hidden and tool folders, and what the configuration's `exclude:` names;
    a manifest named directly is always taken."""
    found: list[Path] = []
    finder = configs or ConfigFinder()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(m for m in sorted(_walk(p)) if not finder.for_manifest(m).excludes(m))
        else:
            found.append(p)
    seen, out = set(), []
    for p in found:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _walk(folder: Path) -> Iterable[Path]:
    tracked = _git_files(folder)
    if tracked is not None:
        yield from tracked
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in files:
            if name in MANIFEST_NAMES:
                yield Path(root) / name


def _git_files(folder: Path) -> list[Path] | None:
    """The manifests below `folder` that git does not ignore (tracked or not), when `folder` lies in a git work
    tree; None outside one or without git, and the caller walks the folder instead."""
    here = Path(os.path.abspath(folder))
    if not any((d / ".git").exists() for d in (here, *here.parents)):
        return None
    import subprocess

    pathspecs = [f":(glob)**/{name}" for name in MANIFEST_NAMES]
    try:
        proc = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard", "--", *pathspecs], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = []
    for name in filter(None, proc.stdout.split(b"\0")):
        relative = Path(os.fsdecode(name))  # relative to `folder` (git's cwd)
        if (folder / relative).is_file() and \
                not any(part in _SKIP_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            out.append(folder / relative)
    return out


def manifests_affected_by(changed: Iterable[str], root: str = ".") -> list[Path]:
    """The manifests that changed files touch (for pre-commit): changed manifests, manifests whose registration
    file changed, every manifest below a changed configuration file, and the manifests of a UiPath project whose
    workflow (.xaml) or project.json changed (those that name it with `project:`, or lie in its folder).
    Unrelated files are ignored."""
    from scopelint.config import CONFIG_NAMES

    files = {Path(os.path.abspath(c)) for c in changed}
    configs = [f.parent for f in files if f.name in (*CONFIG_NAMES, "pyproject.toml")]
    projects = {folder for folder in map(_project_folder, files) if folder is not None}
    direct = [Path(c) for c in changed if Path(c).name in MANIFEST_NAMES and Path(c).is_file()]
    out = list(direct)
    for path in find_manifests([root]):
        full = Path(os.path.abspath(path))
        if full in files or any(full.is_relative_to(folder) for folder in configs) or full.parent in projects:
            out.append(path)
            continue
        try:
            manifest = load_manifest(path)
        except InputError:
            continue
        registration, project = manifest.registration, manifest.project
        if (isinstance(registration, Path) and Path(os.path.abspath(registration)) in files) or \
                (project is not None and Path(os.path.abspath(project)) in projects):
            out.append(path)
    return find_manifests(map(str, out))


def _project_folder(changed: Path) -> Path | None:
    """The UiPath project a changed file belongs to: project.json's folder, or for a workflow the nearest folder
    above it holding project.json (the search stops at the repository root)."""
    if changed.name == "project.json":
        return changed.parent
    if changed.suffix.lower() != ".xaml":
        return None
    for folder in changed.parents:
        if (folder / "project.json").is_file():
            return folder
        if (folder / ".git").exists():
            return None
    return None


class Session:
    """Loaded knowledge plus run options (a service object, not a record)."""

    def __init__(self, rule_paths: Iterable[Path] = (), today: dt.date | None = None,
                 configs: ConfigFinder | None = None) -> None:
        self.rule_paths = list(rule_paths)
        self.today = today
        self.configs = configs
        self.announcements: list[str] = []
        self.catalog = load_catalog()
        if self.catalog.origin != "bundled":
            self.announcements.append(f"using the refreshed permission catalog {self.catalog.origin}")
        if self.catalog.fallback:
            self.announcements.append(self.catalog.fallback)
        self.rules = self._rulebook()
        self._registrations: _Recent[tuple[str, Limits], Registration] = _Recent(256)
        self._projects: _Recent[tuple[str, Limits], Project] = _Recent(64)
        self.engine = Engine(self.catalog, load_lattice(), self.rules, self.today)

    def _rulebook(self) -> RuleBook:
        book = load_builtin_rules()
        if not self.rule_paths:
            return book
        book = book.copy()
        for folder in self.rule_paths:
            files = sorted(folder.glob("*.y*ml")) if folder.is_dir() else [folder]
            if folder.is_dir() and not files:
                raise InputError("no rule pack files (*.yaml) in this folder", str(folder))
            for path in files:
                pack = load_user_pack(path, self.catalog)
                overrides = book.add(pack.rules, str(path), pack.libraries)
                libraries = f", {len(pack.libraries)} librar{'y' if len(pack.libraries) == 1 else 'ies'}" * bool(
                    pack.libraries)
                self.announcements.append(f"loaded rule pack {path} ({len(pack.rules)} rule(s){libraries})")
                self.announcements.extend(overrides)
        return book

    def meta(self) -> dict:
        return {
            "name": "scopelint",
            "version": __version__,
            "catalog": {"source": self.catalog.source, "retrieved": self.catalog.retrieved},
            "lattice": self.engine.lattice.version,
        }

    def check(self, manifest_paths: list[Path], registration_override: Path | LiveRegistration | None = None,
              registration_loader=None, project_override: Path | None = None,
              observed: ObservedUsage | None = None) -> RunResult:
        """Every manifest analysed and checked; one that cannot be read becomes an invalid-input finding.
        `observed` (check --logs) joins each manifest with the calls its app made."""
        results: list[Result] = []
        findings: list[Finding] = []
        for result, found in self.each(manifest_paths, registration_override, registration_loader,
                                       project_override, observed):
            if result is not None:
                results.append(result)
            findings.extend(found)
        run = RunResult(results, sorted(findings, key=Finding.sort_key), self.meta())
        run.usage = [r.analysis.observed.usage for r in results if r.analysis.observed is not None]
        return run

    def each(self, manifest_paths: Iterable[Path], registration_override: Path | LiveRegistration | None = None,
             registration_loader=None, project_override: Path | None = None, observed: ObservedUsage | None = None,
             ) -> Iterator[tuple[Result | None, list[Finding]]]:
        """Per manifest, in order, its Result (None when it cannot be read) and its findings, sorted. Nothing is
        kept: a streaming reporter holds one manifest at a time however many the run checks."""
        for path in manifest_paths:
            try:
                result = self.result_for(path, registration_override, registration_loader, project_override,
                                         observed=observed)
            except InputError as exc:
                yield None, sorted((invalid_input(e, str(path)) for e in getattr(exc, "errors", [exc])),
                                   key=Finding.sort_key)
                continue
            yield result, sorted(result.findings, key=Finding.sort_key)

    def result_for(self, path: Path | str, registration_override: Path | LiveRegistration | None = None,
                   registration_loader=None, project_override: Path | None = None,
                   manifest: Manifest | None = None, observed: ObservedUsage | None = None,
                   severities: Mapping[str, str] | None = None) -> Result:
        """One manifest (read from `path` unless given) with its registration and project, analysed and checked
        with the configuration that applies to it (`severities` over it). Bad input raises InputError."""
        config = self.config_for(path)
        manifest = manifest or load_manifest(path, config.limits)
        registration = self.registration_for(manifest, registration_override, registration_loader, config)
        project = self.project_for(manifest, project_override, config)
        return self.evaluate(manifest, registration, project, config, observed, severities)

    def evaluate(self, manifest: Manifest, registration: Registration | None = None, project: Project | None = None,
                 config: Config = DEFAULT_CONFIG, observed: ObservedUsage | None = None,
                 severities: Mapping[str, str] | None = None) -> Result:
        """The Analysis of a manifest with the findings of every check, at the configured severities."""
        analysis = self.engine.analyse(manifest, registration, project)
        if observed is not None:
            analysis = analysis._replace(observed=observed.observe(analysis))
        return evaluate(analysis, {**config.severity, **(severities or {})})

    def project_for(self, manifest: Manifest, override: Path | None = None,
                    config: Config = DEFAULT_CONFIG) -> Project | None:
        """The scanned UiPath project of a manifest (`project:` key, or --project for every manifest), scanned once
        per run however many manifests name it; None without either."""
        folder = override if override is not None else manifest.project
        if folder is None:
            return None
        from scopelint.drift import load_project  # lazy: only runs that compare with a project scan XAML

        line = None if override is not None else manifest.project_line
        key = (os.path.realpath(folder), config.limits)
        project = self._projects.get(key)
        if project is None:
            project = self._projects[key] = load_project(Path(folder), self.rules, manifest.path, line,
                                                         config.limits)
        return project

    def config_for(self, manifest_path: str | Path) -> Config:
        """The configuration that applies to a manifest (defaults when no ConfigFinder was given)."""
        return self.configs.for_manifest(manifest_path) if self.configs else DEFAULT_CONFIG

    def review(self, report: RunResult) -> Review:
        """The review of a checked run (evidence chains, privilege, exceptions) that `scopelint report` lays out."""
        from scopelint.review import build_review

        return build_review(report, self.catalog, self.engine.lattice)

    def registration_for(self, manifest: Manifest, override: Path | LiveRegistration | None, live_loader=None,
                         config: Config = DEFAULT_CONFIG) -> Registration | None:
        source = override if override is not None else (manifest.registration or config.registration)
        if source is None:
            return None
        if isinstance(source, LiveRegistration):
            if live_loader is None:
                raise InputError(
                    f"registration is read live (client_id {source.client_id}); run 'scopelint check --live' "
                    "or pass --registration FILE", manifest.path, manifest.registration_line)
            return live_loader(source)
        key = (os.path.realpath(source), config.limits)  # realpath: a symlink loop is the reader's error to report
        try:
            registration = self._registrations.get(key)  # manifests of one app often share its export
            if registration is None:
                registration = self._registrations[key] = load_registration(source, self.catalog, config.limits)
            return registration
        except InputError as exc:
            if exc.message == "no such file" and override is None:
                raise InputError(f"registration file {source} not found", manifest.path,
                                 manifest.registration_line) from None
            raise


class _Recent(OrderedDict[K, V]):
    """A cache of the `size` entries used last: files many manifests share are read once, while a run over
    thousands of manifests with a registration each does not keep them all."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get(self, key: K, default: Any = None) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        if len(self) > self.size:
            self.popitem(last=False)


def invalid_input(exc: InputError, fallback: str) -> Finding:
    return make("invalid-input", exc.message, exc.file or fallback, line=exc.line, column=exc.column,
                manifest=exc.file or fallback)
