"""`scopelint audit --live`: the tenant's app registrations audited (high privilege, admin consent, unused requests
for apps a manifest names, grants without a request); the work is tenant_audit.py's, the layout
reporters/tenant_audit.py's."""

from typing import NamedTuple

from scopelint.commands import Console, LiveArgs
from scopelint.findings import outcome_code
from scopelint.safetext import for_terminal, scrub


class AuditOptions(NamedTuple):
    """What `audit` was asked: every app (`all_apps`) or `app_ids` (cli.py checks it is one of them and that
    --live is given)."""

    paths: tuple[str, ...] = ()
    all_apps: bool = False
    app_ids: tuple[str, ...] = ()
    format: str = "text"
    output: str | None = None
    concurrency: int = 4
    show_users: bool = False
    live_args: LiveArgs = LiveArgs()


def audit(opts: AuditOptions, console: Console) -> int:
    """Read the apps live (progress on stderr), audit them, write the audit."""
    from scopelint.fileio import write_atomic
    from scopelint.graph import fetch_snapshots
    from scopelint.reporters.tenant_audit import render
    from scopelint.session import Session, find_manifests
    from scopelint.tenant_audit import audit_apps

    settings = opts.live_args.settings(concurrency=opts.concurrency, show_users=opts.show_users)
    session = Session()
    console.note(session.announcements)
    manifests = find_manifests(opts.paths) if opts.paths else []
    what = "every app registration" if opts.all_apps else f"{len(set(opts.app_ids))} app registration(s)"
    console.note([f"auditing {what} live from {settings.base_url}"])

    def progress(done: int, total: int, label: str) -> None:
        console.error(f"scopelint: [{done}/{total}] {label}")

    snaps = fetch_snapshots(None if opts.all_apps else list(opts.app_ids), settings, session.catalog, progress)
    audits, notes = audit_apps(snaps, manifests, session)
    console.note(notes)
    text = render(audits, opts.format) if opts.format == "json" else for_terminal(render(scrub(audits), opts.format))
    if opts.output:
        write_atomic(opts.output, text)
        console.say(f"wrote {opts.output}: {len(audits)} app(s)")
    else:
        console.show(text)
    return outcome_code("clean")
