"""One observed-usage run: count the calls of every source once, then join them per manifest (its app) or, with no
manifest, per app of the logs. Sources are files (any reader format) and a Log Analytics workspace."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scopelint.errors import InputError
from scopelint.usage.join import Context, Joiner, Observed, Usage, observed_apps
from scopelint.usage.tally import Tally

if TYPE_CHECKING:
    from scopelint.analysis import Analysis
    from scopelint.catalog import Catalog
    from scopelint.findings import Finding
    from scopelint.lattice import Lattice
    from scopelint.manifest import LiveRegistration
    from scopelint.registration import Registration
    from scopelint.results import RunResult
    from scopelint.session import Session
    from scopelint.usage.live import WorkspaceOptions

class ObservedUsage:
    """The counted calls of a run and the join that turns them into usage and findings."""

    def __init__(self, tally: Tally, sources: list[str], joiner: Joiner, auth: str | None,
                 show_users: bool = False) -> None:
        self.tally = tally
        self.sources = sources
        self.joiner = joiner
        self.auth = auth
        self.show_users = show_users

    @property
    def label(self) -> str:
        return ", ".join(self.sources)

    def app_for(self, registration: Registration | None, where: str) -> str | None:
        """The app whose calls a manifest is judged on: --app-id, else the registration's appId, else the only
        app of the logs."""
        if self.tally.app_id:
            return self.tally.app_id
        if registration is not None and registration.app_id:
            return registration.app_id.lower()
        apps = observed_apps(self.tally)
        if len(apps) > 1:
            raise InputError(f"the logs hold calls of {len(apps)} apps ({', '.join(apps[:5])}"
                             f"{', ...' if len(apps) > 5 else ''}): name one with --app-id, or give the "
                             "registration its appId", where)
        return apps[0] if apps else None

    def observe(self, analysis: Analysis) -> Observed:
        """The usage of a manifest's app, for its Analysis (the `usage` checks judge it)."""
        app = self.app_for(analysis.registration, analysis.manifest.path)
        usage = self.joiner.usage(self.tally, self.sources, self.auth or analysis.manifest.auth,
                                  [app] if app is not None else [], self.show_users, analysis.minimal)
        return Observed(usage, self.joiner, self.label)

    def per_app(self) -> list[tuple[Usage, list[Finding]]]:
        """Without a manifest: each app of the logs on its own, judged against the claims its tokens carried."""
        out = []
        for app in sorted(observed_apps(self.tally)):
            usage = self.joiner.usage(self.tally, self.sources, self.auth or "delegated", [app], self.show_users)
            label = f"{self.label} (app {app or 'not logged'})"
            out.append((usage, self.joiner.findings(usage, Context(label, label))))
        return out


def count_calls(files: Iterable[str], workspace: WorkspaceOptions | None, query: str | None, app_id: str | None,
                since: str | None, vocabulary: frozenset[str], show_users: bool,
                progress: Callable[[int], None] | None = None) -> tuple[Tally, list[str]]:
    """Read every source into one tally; `progress` gets the bytes read so far across the files."""
    from scopelint.usage.readers import read_calls

    tally = Tally(app_id, since, show_users, vocabulary)
    sources: list[str] = []
    done = 0
    for path in files:
        sources.append(path)
        base = done

        def step(position: int, base: int = base) -> None:
            if progress is not None:
                progress(base + position)

        tally.add(read_calls(path, step if progress is not None else None))
        done += os.path.getsize(path) if os.path.isfile(path) else 0
        if progress is not None:
            progress(done)
    if workspace is not None and query is not None:
        from scopelint.usage.live import query_calls

        sources.append(f"workspace:{workspace.workspace}")
        tally.add(query_calls(workspace, query))
    return tally, sources


def joiner(catalog: Catalog, lattice: Lattice) -> Joiner:
    """A joiner over the operation index (loaded here: only usage runs pay for it)."""
    from scopelint.operations import load_operations

    return Joiner(catalog, lattice, load_operations())


def usage_report(session: Session, manifests: list[Path], override: Path | LiveRegistration | None,
                 observed: ObservedUsage, loader: Callable | None = None) -> RunResult:
    """`scopelint usage`: per manifest the findings of the `usage` checks (configured severities and the manifest's
    `accept:` entries apply; never-exercised is for `check --logs`); with no manifest, per app of the logs.
    Static check findings stay with `scopelint check`."""
    from scopelint.checks import BY_KIND
    from scopelint.findings import Finding
    from scopelint.results import RunResult
    from scopelint.session import invalid_input

    results = []
    findings: list[Finding] = []
    usages = []
    for path in manifests:
        try:
            result = session.result_for(path, override, loader, observed=observed,
                                        severities={"never-exercised": "off"})
        except InputError as exc:
            findings.append(invalid_input(exc, str(path)))
            continue
        result = result._replace(findings=[f for f in result.findings if BY_KIND[f.kind].family == "usage"])
        results.append(result)
        if result.analysis.observed is not None:
            usages.append(result.analysis.observed.usage)
        findings.extend(result.findings)
    if not manifests:
        for usage, found in observed.per_app():
            usages.append(usage)
            findings.extend(found)
    report = RunResult(results, sorted(findings, key=Finding.sort_key), session.meta())
    report.usage = usages
    return report


def registration_app_ids(session: Session, manifests: list[Path], override: Path | None) -> list[str]:
    """The appIds of the manifests' registrations (to filter a workspace query on the server); unreadable ones are
    skipped here and reported by the run itself."""
    from scopelint.graph import check_app_id
    from scopelint.manifest import load_manifest

    ids = set()
    for path in manifests:
        try:
            config = session.config_for(path)
            registration = session.registration_for(load_manifest(path, config.limits), override, None, config)
            if registration is not None and registration.app_id:
                ids.add(check_app_id(registration.app_id, str(path)))
        except InputError:
            continue
    return sorted(ids)
