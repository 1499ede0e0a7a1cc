"""`scopelint scan`: the UiPath projects under a folder and the Microsoft 365 activities their workflows use; with
`write`, each project's scopelint.yaml created or updated."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scopelint.commands import Console
from scopelint.findings import outcome_code
from scopelint.safetext import human

if TYPE_CHECKING:
    from scopelint.manifest_write import WriteOutcome



class ScanOptions(NamedTuple):
    """What `scan` was asked; `max_file_size` in MB."""

    path: str = "."
    format: str = "text"
    write: bool = False
    rule_paths: tuple[str, ...] = ()
    jobs: int | None = None
    max_file_size: int = 20
    max_xml_depth: int = 1000


def scan(opts: ScanOptions, console: Console) -> int:
    """Scan (warnings for what cannot be read on stderr), then lay out the projects or write the manifests. Exit 2
    when nothing could be read or a manifest could not be written."""
    from scopelint.reporters.scan import render_text, stream_json
    from scopelint.rules import load_builtin_rules
    from scopelint.uipath import scan as scan_tree

    if opts.rule_paths:
        from scopelint.session import Session

        session = Session(rule_paths=[Path(p) for p in opts.rule_paths])
        console.note(session.announcements)
        book = session.rules
    else:
        book = load_builtin_rules()
    result = scan_tree(opts.path, book, opts.jobs, opts.max_file_size * 1024 * 1024, opts.max_xml_depth)
    for d in result.all_diagnostics:
        console.error(f"scopelint: warning: {d.file}:{d.line}: {d.message}" if d.line
                      else f"scopelint: warning: {d.file}: {d.message}")
    failed = False
    if opts.write:
        from scopelint.manifest_write import write_manifests

        outcomes = write_manifests(result, book)
        failed = any(o.action == "error" for o in outcomes)
        _print_outcomes(outcomes, opts.format, console)
    elif opts.format == "json":
        stream_json(result, console.show)
    else:
        console.show(human(render_text)(result))
    if result.nothing_read:
        console.error("scopelint: error: nothing could be read")
    return outcome_code("bad-input" if result.nothing_read or failed else "clean")


def _print_outcomes(outcomes: "list[WriteOutcome]", fmt: str, console: Console) -> None:
    """What `write` did to each manifest: JSON rows, or a line each with the activities added and removed."""
    if fmt == "json":
        rows = [{"path": o.path, "action": o.action, "added": list(o.added), "removed": list(o.removed),
                 "notes": list(o.notes)} for o in outcomes]
        console.write(json.dumps({"manifests": rows}, indent=2, sort_keys=True) + "\n")
        return
    for o in outcomes:
        changes = ", ".join([f"+{len(o.added)}"] * bool(o.added) + [f"-{len(o.removed)}"] * bool(o.removed))
        console.say(f"{o.action:<9} {o.path}" + (f" ({changes})" if changes else ""))
        for name in o.added:
            console.say(f"          + {name}")
        for name in o.removed:
            console.say(f"          - {name} (no workflow uses it)")
        for note in o.notes:
            console.say(f"          note: {note}")
