"""`scopelint scopes`: the minimal least-privileged permission set a manifest needs, or the remedy that takes its
registration there (manifest, az, terraform), read from the same Analysis `check` reads. Refuses a drifted manifest
(exit 1): a remedy must never remove what a workflow uses."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from scopelint import __version__
from scopelint.commands import Console, session_for
from scopelint.findings import exit_code, outcome_code
from scopelint.safetext import for_terminal

if TYPE_CHECKING:
    from scopelint.remedy import Remedy
    from scopelint.results import Result
    from scopelint.session import Session

REMEDY_FORMATS = ("manifest", "az", "terraform")


class ScopesOptions(NamedTuple):
    """What `scopes` was asked: one manifest; text, json or a remedy format."""

    manifest: str
    format: str = "text"
    registration: str | None = None
    project: str | None = None
    rule_paths: tuple[str, ...] = ()
    config_file: str | None = None


def scopes(opts: ScopesOptions, console: Console) -> int:
    """Print the minimal set or the remedy; exit as `check` would on the findings about the needs."""
    from scopelint.checks import BY_KIND
    from scopelint.manifest import LiveRegistration, load_manifest
    from scopelint.remedy import plan_remedy

    session = session_for([opts.manifest], opts.rule_paths, opts.config_file, console)
    path, registration = Path(opts.manifest), Path(opts.registration) if opts.registration else None
    config = session.config_for(path)
    m = load_manifest(path, config.limits)
    source = registration or m.registration or config.registration
    remedy_format = opts.format in REMEDY_FORMATS
    reg = None
    if remedy_format and not isinstance(source, LiveRegistration):
        reg = session.registration_for(m, registration, None, config)
    project = session.project_for(m, Path(opts.project) if opts.project else None, config)
    result = session.evaluate(m, reg, project, config)
    about_needs = [f for f in result.active if BY_KIND[f.kind].requires is None]
    for f in about_needs:
        console.error(f"scopelint: {f.severity}: {f.file}:{f.line}: {f.message}")
    if result.analysis.drifted:
        for uses in result.analysis.undeclared:
            console.error(f"scopelint: error: {uses[0].file}:{uses[0].line}: {uses[0].canonical} is used by the "
                          "project but not declared in the manifest")
        for ref, use in result.analysis.wider_targets:
            console.error(f"scopelint: error: {use.file}:{use.line}: {ref.ref} is declared for target {ref.target}, "
                          f"but the workflow points it at {use.target} data")
        console.write("scopelint: error: no permission set printed: the manifest does not declare every activity "
                      "its project uses (or the data it works on), so following it could remove what a workflow "
                      "needs; run 'scopelint scan --write', review the manifest, and run scopes again\n", err=True)
        return outcome_code("drifted")
    fail_level = (session.configs.fail_level([path]) if session.configs else None) or "error"
    if remedy_format:
        _print_remedy(plan_remedy(result, session.catalog, __version__,
                                  source.client_id if isinstance(source, LiveRegistration) else None),
                      opts.format, console)
    else:
        _print_minimal(session, result, opts.format, console)
    return exit_code(about_needs, fail_level)


def _print_minimal(session: "Session", result: "Result", fmt: str, console: Console) -> None:
    rows: list[dict[str, Any]] = []
    for p in result.minimal:
        info = session.catalog.get(p.type, p.name)
        rows.append({
            "permission": p.name,
            "type": p.type,
            "id": info.id if info else None,
            "admin_consent": bool(info and info.admin_consent),
            "needed_by": result.used_by.get(p, []),
        })
    if fmt == "json":
        console.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
        return
    for row in rows:
        admin = "  (admin consent)" if row["admin_consent"] else ""
        console.say(f"{row['permission']:<28} {row['type']:<12} {', '.join(row['needed_by'])}{admin}")


def _print_remedy(plan: "Remedy", fmt: str, console: Console) -> None:
    from scopelint.reporters import remedy as layouts

    if fmt == "manifest":
        console.note([f"note: {n}" for n in layouts.notes(plan)])
    render = {"manifest": layouts.render_manifest, "az": layouts.render_az, "terraform": layouts.render_terraform}[fmt]
    text = render(plan)
    console.show(text if fmt == "manifest" else for_terminal(text))
