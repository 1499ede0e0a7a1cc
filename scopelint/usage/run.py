"""One observed-usage run: count the calls of every source once, then join them per manifest (its app) or, with no
manifest, per app of the logs. Sources are files (any reader format) and a Log Analytics workspace."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scopelint.errors import InputError
from scopelint.usage.join import Joiner, Usage, observed_apps
from scopelint.usage.tally import Tally

if TYPE_CHECKING:
    from scopelint.catalog import Catalog
    from scopelint.compare import Result
    from scopelint.findings import Finding
    from scopelint.lattice import Lattice
    from scopelint.manifest import LiveRegistration
    from scopelint.registration import Registration
    from scopelint.report import CheckReport
    from scopelint.session import Session
    from scopelint.usage.live import WorkspaceOptions

USAGE_KINDS = frozenset({"unused-grant", "used-undeclared", "denied", "token-broader", "never-exercised",
                         "unmatched-call"})


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

    def for_manifest(self, result: Result, registration: Registration | None,
                     never_exercised: bool = False) -> tuple[Usage, list[Finding]]:
        """Usage of the manifest's app and the findings joining it with the manifest and registration."""
        app = self.app_for(registration, result.manifest.path)
        usage = self.joiner.usage(self.tally, self.sources, self.auth or result.manifest.auth,
                                  [app] if app is not None else [], self.show_users, result.minimal)
        findings = self.joiner.findings(usage, self.label, result, registration, never_exercised)
        return usage, findings

    def per_app(self) -> list[tuple[Usage, list[Finding]]]:
        """Without a manifest: each app of the logs on its own, judged against the claims its tokens carried."""
        out = []
        for app in sorted(observed_apps(self.tally)):
            usage = self.joiner.usage(self.tally, self.sources, self.auth or "delegated", [app], self.show_users)
            out.append((usage, self.joiner.findings(usage, f"{self.label} (app {app or 'not logged'})")))
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
                 observed: ObservedUsage, loader: Callable | None = None) -> CheckReport:
    """`scopelint usage`: per manifest its usage findings (the manifest's `accept:` entries apply); with no
    manifest, per app of the logs. Static check findings stay with `scopelint check`."""
    from scopelint.findings import Finding, with_severities
    from scopelint.manifest import load_manifest
    from scopelint.report import CheckReport
    from scopelint.session import invalid_input

    results = []
    findings: list[Finding] = []
    usages = []
    for path in manifests:
        try:
            config = session.config_for(path)
            manifest = load_manifest(path, config.limits)
            registration = session.registration_for(manifest, override, loader, config)
            plain = session.engine.check(manifest, registration)
            usage, found = observed.for_manifest(plain, registration)
            result = session.engine.check(manifest, registration, found)
        except InputError as exc:
            findings.append(invalid_input(exc, str(path)))
            continue
        result.findings = with_severities([f for f in result.findings if f.kind in USAGE_KINDS], dict(config.severity))
        results.append(result)
        usages.append(usage)
        findings.extend(result.findings)
    if not manifests:
        for usage, found in observed.per_app():
            usages.append(usage)
            findings.extend(found)
    report = CheckReport(results, sorted(findings, key=Finding.sort_key), session.meta())
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
