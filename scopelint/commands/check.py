"""`scopelint check`: the manifests under the paths (or those changed files affect), each analysed and checked
against its registration (a file, or read live), its project and observed usage; the reports in their formats; the
exit code from the findings."""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scopelint.commands import (
    Console,
    LiveArgs,
    Target,
    emit,
    input_error_line,
    observed_usage,
    report_input_errors,
    session_for,
    stamp_meta,
)
from scopelint.errors import InputError
from scopelint.findings import Finding, exit_code, outcome_code
from scopelint.safetext import for_terminal, scrub

if TYPE_CHECKING:
    from scopelint.config import ConfigFinder
    from scopelint.graph import LiveLoader
    from scopelint.manifest import LiveRegistration
    from scopelint.results import Result
    from scopelint.session import Session


class CheckOptions(NamedTuple):
    """What `check` was asked (cli.py has checked that --app-id and the --tenant family come with --live)."""

    paths: tuple[str, ...] = ()
    targets: tuple[Target, ...] = (("text", None),)
    registration: str | None = None
    color: bool = False
    stamp: bool = False
    strict: bool = False
    fail_level: str | None = None
    rule_paths: tuple[str, ...] = ()
    config_file: str | None = None
    changed: bool = False
    live: bool = False
    app_id: str | None = None
    project: str | None = None
    logs: tuple[str, ...] = ()
    live_args: LiveArgs = LiveArgs()


def check(opts: CheckOptions, console: Console) -> int:
    """Check every manifest; a single text or JSON report on standard output is written while the run goes."""
    from scopelint.config import ConfigFinder
    from scopelint.session import find_manifests, manifests_affected_by

    configs = ConfigFinder(opts.config_file)  # its exclude: patterns apply to the folder search
    manifests = manifests_affected_by(opts.paths) if opts.changed else find_manifests(opts.paths or ["."], configs)
    if not manifests:
        if opts.changed:
            return outcome_code("clean")
        raise InputError("no scopelint.yaml found", ", ".join(opts.paths) or ".")
    session = session_for(manifests, opts.rule_paths, opts.config_file, console, configs)
    override, loader = _registration_source(session, opts, console)
    observed = observed_usage(session, console, opts.logs) if opts.logs else None
    project = Path(opts.project) if opts.project else None
    targets = opts.targets
    if not opts.logs and len(targets) == 1 and targets[0][1] is None and targets[0][0] in ("text", "json"):
        pairs = session.each(manifests, override, loader, project)
        meta = session.meta()
        if opts.stamp:
            stamp_meta(meta)
        return _stream(pairs, targets[0][0], meta, _fail_level(opts, configs, manifests), opts.color, console)
    run = session.check(manifests, override, loader, project, observed)
    input_errors = report_input_errors(run, console)
    run.fail_level = _fail_level(opts, configs, manifests)
    if opts.stamp:
        stamp_meta(run.meta)
    emit(run, targets, session, console, color=opts.color)
    return exit_code(run.findings, run.fail_level, input_error=bool(input_errors))


def _fail_level(opts: CheckOptions, configs: "ConfigFinder", manifests: list[Path]) -> str:
    """--fail-level, else warning with --strict, else the configurations', else error."""
    return opts.fail_level or ("warning" if opts.strict else configs.fail_level(manifests) or "error")


def _registration_source(session: "Session", opts: CheckOptions,
                         console: Console) -> "tuple[Path | LiveRegistration | None, LiveLoader | None]":
    """What Session.check reads registrations from: a file, one live app for all, or live where manifests ask."""
    if not opts.live:
        return (Path(opts.registration) if opts.registration else None), None
    from scopelint.graph import LiveLoader, check_app_id
    from scopelint.manifest import LiveRegistration

    settings = opts.live_args.settings()
    loader = LiveLoader(settings, session.catalog, lambda line: console.note([line]))
    override = LiveRegistration(check_app_id(opts.app_id, "--app-id"), settings.tenant) if opts.app_id else None
    return override, loader


def _stream(pairs: "Iterable[tuple[Result | None, list[Finding]]]", fmt: str, meta: dict, fail_level: str,
            color: bool, console: Console) -> int:
    """One text or JSON report on standard output, written while the manifests are checked (flat memory however
    many there are); unreadable files are reported on stderr as they come. The same output as `emit`'s."""
    from scopelint.reporters import json_format, text

    seen: dict[str, Finding] = {}  # one finding per severity (and bad input) is all the exit code needs

    def watched():
        for result, findings in pairs:
            for f in findings:
                if f.kind == "invalid-input":
                    console.error(input_error_line(f))
                    seen.setdefault("invalid-input", f)
                elif f.suppressed_by is None:
                    seen.setdefault(f.severity, f)
            yield scrub((result, findings)) if fmt == "text" else (result, findings)  # values safe for terminals

    def write(chunk: str) -> None:
        console.show(for_terminal(chunk) if fmt == "text" and not color else chunk)

    if fmt == "text":
        text.stream(watched(), color, write)
    else:
        json_format.stream(watched(), meta, write)
    return exit_code([f for k, f in seen.items() if k != "invalid-input"], fail_level,
                     input_error="invalid-input" in seen)
