"""`scopelint fetch`: an app registration and its consent, read live from Microsoft Graph into a snapshot that
`check --registration` reads offline."""

from typing import NamedTuple

from scopelint.commands import Console, LiveArgs
from scopelint.findings import outcome_code


class FetchOptions(NamedTuple):
    """What `fetch` was asked: the app, where the snapshot goes (None: standard output)."""

    app_id: str
    output: str | None = None
    show_users: bool = False
    live_args: LiveArgs = LiveArgs()


def fetch(opts: FetchOptions, console: Console) -> int:
    """Read the app live and write its snapshot."""
    from scopelint.catalog import load_catalog
    from scopelint.fileio import write_atomic
    from scopelint.graph import check_app_id, fetch_snapshot
    from scopelint.snapshot import dumps, summary

    app_id = check_app_id(opts.app_id)
    settings = opts.live_args.settings(show_users=opts.show_users)
    console.note([f"reading app registration {app_id} live from {settings.base_url}"])
    snap = fetch_snapshot(app_id, settings, load_catalog())
    if opts.output is None:
        console.show(dumps(snap))
        return outcome_code("clean")
    write_atomic(opts.output, dumps(snap))
    console.say(f"wrote {opts.output}: {summary(snap)}")
    return outcome_code("clean")
