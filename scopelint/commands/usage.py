"""`scopelint usage`: observed usage from Graph activity logs (files, or a Log Analytics workspace) joined with the
manifests and their registrations, or with each app's tokens when no manifest is given."""

from pathlib import Path
from typing import NamedTuple

from scopelint.commands import Console, Target, emit, observed_usage, report_input_errors, session_for
from scopelint.findings import exit_code, outcome_code
from scopelint.safetext import for_terminal


class UsageOptions(NamedTuple):
    """What `usage` was asked; `since` and `app_id` as cli.py checked them (a bound, a GUID). One of `logs`,
    `workspace` or `show_query` is given."""

    paths: tuple[str, ...] = ()
    logs: tuple[str, ...] = ()
    workspace: str | None = None
    show_query: bool = False
    app_id: str | None = None
    since: str | None = None
    auth: str | None = None
    show_users: bool = False
    registration: str | None = None
    targets: tuple[Target, ...] = (("text", None),)
    color: bool = False
    strict: bool = False
    fail_level: str | None = None
    rule_paths: tuple[str, ...] = ()
    config_file: str | None = None
    logs_url: str | None = None
    tenant: str | None = None
    token_env: str | None = None
    timeout: float = 60.0


def usage(opts: UsageOptions, console: Console) -> int:
    """Join the observed calls with the manifests (or the apps) and report; with `show_query`, print the KQL."""
    from scopelint.session import find_manifests
    from scopelint.usage.kql import summary_query
    from scopelint.usage.run import registration_app_ids, usage_report

    manifests = find_manifests(opts.paths) if opts.paths else []
    session = session_for(manifests, opts.rule_paths, opts.config_file, console)
    override = Path(opts.registration) if opts.registration else None
    query = None
    if opts.workspace or opts.show_query:
        apps = [opts.app_id] if opts.app_id else registration_app_ids(session, manifests, override)
        query = summary_query(apps, opts.since)
        if opts.show_query:
            console.write(for_terminal(query))
            return outcome_code("clean")
    remote = None
    if opts.workspace:
        from scopelint.usage.live import workspace_options

        remote = workspace_options(opts.workspace, opts.logs_url, opts.tenant, opts.token_env, opts.timeout)
        console.note([f"querying Log Analytics workspace {remote.workspace} live at {remote.url}"])
    observed = observed_usage(session, console, opts.logs, remote, query, opts.since, opts.app_id, opts.show_users,
                              opts.auth)
    run = usage_report(session, manifests, override, observed)
    input_errors = report_input_errors(run, console)
    configured = session.configs.fail_level(manifests) if session.configs else None
    run.fail_level = opts.fail_level or ("warning" if opts.strict else configured or "error")
    emit(run, opts.targets, session, console, color=opts.color)
    return exit_code(run.findings, run.fail_level, input_error=bool(input_errors))
