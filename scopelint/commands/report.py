"""`scopelint report`: the review for security review (per project the required permissions with their evidence,
admin consent, privilege, findings and exceptions, and a ranking of the apps), as html, markdown or csv."""

from pathlib import Path
from typing import NamedTuple

from scopelint.commands import Console, emit, observed_usage, report_input_errors, session_for, stamp_meta
from scopelint.errors import InputError
from scopelint.findings import exit_code


class ReportOptions(NamedTuple):
    """What `report` was asked: html, markdown or csv, written to `output` (None: standard output)."""

    paths: tuple[str, ...] = ()
    format: str = "html"
    output: str | None = None
    registration: str | None = None
    rule_paths: tuple[str, ...] = ()
    config_file: str | None = None
    logs: tuple[str, ...] = ()
    stamp: bool = False


def report(opts: ReportOptions, console: Console) -> int:
    """Write the review. Findings do not fail it (it is read, not gated on); unreadable files do (exit 2)."""
    from scopelint.session import find_manifests

    manifests = find_manifests(opts.paths or ["."])
    if not manifests:
        raise InputError("no scopelint.yaml found", ", ".join(opts.paths) or ".")
    session = session_for(manifests, opts.rule_paths, opts.config_file, console)
    observed = observed_usage(session, console, opts.logs) if opts.logs else None
    run = session.check(manifests, Path(opts.registration) if opts.registration else None, observed=observed)
    input_errors = report_input_errors(run, console)
    if opts.stamp:
        stamp_meta(run.meta)
    emit(run, [(opts.format, opts.output)], session, console, review_all=True)
    if opts.output:
        console.note([f"wrote {opts.output}: {opts.format} audit report of {len(run.results)} project(s)"])
    return exit_code([], input_error=bool(input_errors))
