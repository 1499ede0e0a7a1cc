"""The command line: parse options, call the session and the engine, pick a reporter. Commands return their exit
code (decided by findings.exit_code for findings); `_Group.main` is the only place that exits."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from scopelint import __version__
from scopelint.errors import ExternalError, InputError
from scopelint.findings import SEVERITIES, Finding, exit_code
from scopelint.reporters import formats as report_formats
from scopelint.safetext import clean, for_terminal, human, scrub

if TYPE_CHECKING:
    from scopelint.manifest import Manifest

_FORMAT_BY_SUFFIX = {".json": "json", ".txt": "text", ".sarif": "sarif", ".sarif.json": "sarif", ".xml": "junit",
                     ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".csv": "csv"}


# One instance for every path option: each click.Path() looks up a translation of its name when created, and 27 of them
# cost ~1.3 ms of every start-up.
_PATH = click.Path()


class _Group(click.Group):
    """The one place the process exits: a command returns its exit code (None is 0); every expected failure
    becomes one line and the documented exit code, never a traceback."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> NoReturn:
        """Always exits with the documented code, whatever `standalone_mode` asks: click's own exits bypass it."""
        try:
            try:
                code = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                                    **extra)
            except SystemExit as exc:
                code = exc.code
            sys.stdout.flush()  # here, not at interpreter exit: a full disk or device must be one line, exit 3
        except click.Abort:
            _err("scopelint: aborted")
            code = 130
        except click.ClickException as exc:
            exc.show()
            code = 2
        except InputError as exc:
            _err(f"scopelint: error: {exc}")
            code = 2
        except ExternalError as exc:
            _err(f"scopelint: external failure: {exc}")
            code = 3
        except KeyboardInterrupt:
            _err("scopelint: interrupted")
            code = 130
        except BrokenPipeError:
            code = 0
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
                _drop_stdout()
                _err(f"scopelint: external failure: cannot write the output: {exc.strerror or exc}")
                sys.exit(3)
            if os.environ.get("SCOPELINT_DEBUG"):
                raise
            _err(f"scopelint: internal error (a bug, please report it): {type(exc).__name__}: {exc}")
            code = 4
        sys.exit(code if isinstance(code, int) else 0)


# Standard output could not take the report: disk full, file-size limit, quota, device error.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO})


def _drop_stdout() -> None:
    """Point standard output at the null device, so the interpreter's final flush of what could not be written
    fails no second time (Python's documented recipe for unwritable output)."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # in-process runs (tests) have no descriptor
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def _use_color(choice: str, stream) -> bool:
    """--color always|never decides; auto: off with NO_COLOR (no-color.org), on with FORCE_COLOR
    (force-color.org; "0" and "false" do not force), else on a terminal only."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _announce(lines: list[str]) -> None:
    """Notes on stderr ('scopelint: loaded rule pack ...'); none with check --quiet."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get("scopelint.quiet"):
        return
    for line in lines:
        _err(f"scopelint: {line}")


def _err(line: str) -> None:
    """One line on standard error, its input values made safe for terminals and CI logs (safetext)."""
    click.echo(clean(line), err=True)


def _say(line: str) -> None:
    """One human-readable line on standard output, made safe like `_err`."""
    click.echo(clean(line))


def _show(text: str) -> None:
    """A whole rendered output on standard output, written whole or failing loudly (fileio.write_stream)."""
    from scopelint.fileio import write_stream

    write_stream(sys.stdout, text)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scopelint")
def main() -> None:
    """Check the Microsoft Graph permissions of Microsoft 365 automations against their app registration."""


def _live_options(func):
    """--tenant, --token-env, --graph-url and --timeout, shared by the commands that read the tenant."""
    options = [
        click.option("--tenant", help="Tenant id or domain (default: the credential's home tenant)."),
        click.option("--token-env", metavar="VAR",
                     help="Take a Graph bearer token from this environment variable "
                          "(default: DefaultAzureCredential)."),
        click.option("--graph-url", metavar="URL",
                     help="Graph endpoint root, /v1.0 is appended (default: $SCOPELINT_GRAPH_URL or "
                          "https://graph.microsoft.com)."),
        click.option("--timeout", type=click.FloatRange(0.1, 600), default=30.0, show_default=True,
                     help="Seconds to wait for each Graph response."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _live_settings(tenant, token_env, graph_url, timeout, **extra):
    from scopelint.graph import live_options

    return live_options(graph_url=graph_url, tenant=tenant, token_env=token_env, timeout=timeout, **extra)


def _session(manifests, rule_paths, config_file, configs=None):
    """Knowledge for a run: built-in rules, the --rules packs and those the manifests' configurations name."""
    from scopelint.config import ConfigFinder
    from scopelint.session import Session

    configs = configs or ConfigFinder(config_file)
    session = Session(rule_paths=[Path(p) for p in rule_paths] + configs.rule_paths(manifests), configs=configs)
    _announce(session.announcements)
    return session


_CHECK_EPILOG = """\b
Examples:
  scopelint check                                  every scopelint.yaml below .
  scopelint check robots/mailer --strict           warnings fail too
  scopelint check -f sarif -o scopelint.sarif -f markdown -o summary.md
                                                   reports to files; the console still shows the findings
  scopelint check --format concise                 path:line:col: severity code message (editors, problem matchers)
"""


@main.command(epilog=_CHECK_EPILOG)
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--registration", "-r", type=_PATH, help="App registration file (overrides the manifest).")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(report_formats()),
              help="Output format (repeatable, pairs with --output; default text, or from the --output suffix).")
@click.option("--output", "-o", "outputs", multiple=True, type=_PATH, help="Write a report to FILE.")
@click.option("--quiet", "-q", is_flag=True,
              help="The console shows only the findings, one line each (no summary), and no notes on stderr.")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the console report (auto: on a terminal, unless NO_COLOR is set; "
                                      "FORCE_COLOR forces it).")
@click.option("--stamp", is_flag=True, help="Add the git commit and the time to the reports (off: output stays the "
                                            "same run after run).")
@click.option("--strict", is_flag=True, help="Warnings fail too (fail level 'warning').")
@click.option("--fail-level", type=click.Choice(SEVERITIES), help="Lowest severity that fails the run.")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--config", "config_file", type=_PATH,
              help="Configuration file for every manifest (default: .scopelint.yaml or pyproject.toml found "
                   "upward from each manifest).")
@click.option("--changed", is_flag=True,
              help="PATHS are changed files (pre-commit): check the manifests they affect, ignore the rest.")
@click.option("--live", is_flag=True, help="Read registrations and consent live from Microsoft Graph.")
@click.option("--app-id", help="With --live: check every manifest against this application (client) id.")
@click.option("--project", "project", type=click.Path(file_okay=False),
              help="UiPath project folder to compare the manifests with (overrides their 'project:' key).")
@click.option("--logs", "logs", multiple=True, type=_PATH,
              help="Graph activity log export or recording (repeatable): adds observed-usage findings, and the "
                   "declared needs no call exercised (see `scopelint usage`).")
@_live_options
def check(paths, registration, formats, outputs, quiet, color, stamp, strict, fail_level, rule_paths, live, app_id,
          project, tenant, token_env, graph_url, timeout, config_file, changed, logs) -> int:
    """Check manifests (files, or folders holding scopelint.yaml) against their app registrations.

    Whatever goes to files, the console gets the findings: the text report (one line each with --quiet), and
    under GitHub Actions also workflow annotations."""
    from scopelint.session import find_manifests, manifests_affected_by

    click.get_current_context().meta["scopelint.quiet"] = quiet
    targets = _output_targets(formats, outputs, quiet)
    from scopelint.config import ConfigFinder

    configs = ConfigFinder(config_file)  # its exclude: patterns apply to the folder search
    manifests = manifests_affected_by(paths) if changed else find_manifests(paths or ["."], configs)
    if not manifests:
        if changed:
            return 0
        raise InputError("no scopelint.yaml found", ", ".join(paths) or ".")
    session = _session(manifests, rule_paths, config_file, configs)
    override, loader = _registration_source(session, registration, live, app_id,
                                            (tenant, token_env, graph_url, timeout))
    observed = _observed(session, logs, None, None, None, None, False) if logs else None
    if not logs and len(targets) == 1 and targets[0][1] is None and targets[0][0] in ("text", "json"):
        fail = fail_level or ("warning" if strict else session.configs.fail_level(manifests) or "error")
        pairs = session.each(manifests, override, loader, Path(project) if project else None)
        meta = session.meta()
        if stamp:
            from scopelint.stamp import stamp as made_from

            meta["stamp"] = made_from()
        return _stream(pairs, targets[0][0], meta, fail, _use_color(color, sys.stdout))
    report = session.check(manifests, override, loader, Path(project) if project else None, observed)
    input_errors = _input_errors(report)
    report.fail_level = fail_level or ("warning" if strict else session.configs.fail_level(manifests) or "error")
    if stamp:
        from scopelint.stamp import stamp as made_from

        report.meta["stamp"] = made_from()
    _emit(report, targets, session, color=color)
    return exit_code(report.findings, report.fail_level, input_error=bool(input_errors))


def _stream(pairs, fmt: str, meta: dict, fail_level: str, color: bool) -> int:
    """One text or JSON report on standard output, written while the manifests are checked (flat memory however
    many there are); unreadable files are reported on stderr as they come. The same output as `_emit`'s."""
    from scopelint.reporters import json_format, text

    seen: dict[str, Finding] = {}  # one finding per severity (and bad input) is all the exit code needs

    def watched():
        for result, findings in pairs:
            for f in findings:
                if f.kind == "invalid-input":
                    _err(_input_error_line(f))
                    seen.setdefault("invalid-input", f)
                elif f.suppressed_by is None:
                    seen.setdefault(f.severity, f)
            yield scrub((result, findings)) if fmt == "text" else (result, findings)  # values safe for terminals

    def write(chunk: str) -> None:
        _show(for_terminal(chunk) if fmt == "text" and not color else chunk)

    if fmt == "text":
        text.stream(watched(), color, write)
    else:
        json_format.stream(watched(), meta, write)
    return exit_code([f for k, f in seen.items() if k != "invalid-input"], fail_level,
                     input_error="invalid-input" in seen)


@main.command()
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--logs", "logs", multiple=True, type=_PATH,
              help="Log export or recording (repeatable): az monitor log-analytics query JSON, portal/Sentinel CSV, "
                   "storage-account JSON lines, HAR, Dev Proxy mocks.")
@click.option("--workspace", metavar="ID", help="Query this Log Analytics workspace live (needs the logs extra).")
@click.option("--show-query", is_flag=True,
              help="Print the KQL that summarises the logs on the server, and exit (run it in the portal, export "
                   "CSV, pass it with --logs).")
@click.option("--app-id", help="Only the calls of this application (client) id.")
@click.option("--since", metavar="DATE", help="Only calls from DATE on: 2026-11-01, an ISO time, or a span (30d).")
@click.option("--auth", type=click.Choice(["delegated", "application"]),
              help="Permission type of calls logged without token claims (recordings); default: the manifest's.")
@click.option("--show-users", is_flag=True, help="Show the user ids and IP addresses of the calls (personal data).")
@click.option("--registration", "-r", type=_PATH, help="App registration file (overrides the manifests').")
@click.option("--format", "-f", "formats", multiple=True, help="Output format (repeatable, pairs with --output).")
@click.option("--output", "-o", "outputs", multiple=True, type=_PATH, help="Write a report to FILE.")
@click.option("--strict", is_flag=True, help="Warnings fail too (fail level 'warning').")
@click.option("--fail-level", type=click.Choice(SEVERITIES), help="Lowest severity that fails the run.")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--config", "config_file", type=_PATH, help="Configuration file for every manifest.")
@click.option("--logs-url", metavar="URL",
              help="Log Analytics endpoint root (default: $SCOPELINT_LOGS_URL or https://api.loganalytics.io).")
@click.option("--tenant", help="Tenant id or domain for DefaultAzureCredential (with --workspace).")
@click.option("--token-env", metavar="VAR",
              help="Take a Log Analytics bearer token from this environment variable (default: "
                   "DefaultAzureCredential).")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=60.0, show_default=True,
              help="Seconds to wait for the workspace's answer.")
def usage(paths, logs, workspace, show_query, app_id, since, auth, show_users, registration, formats, outputs,
          strict, fail_level, rule_paths, config_file, logs_url, tenant, token_env, timeout) -> int:
    """Observed usage: which granted permissions went unused, which calls nothing declares, which were denied.

    Reads Microsoft Graph activity logs (--logs FILE..., or --workspace ID live) and joins them with the
    manifests under PATHS and their registrations; without PATHS, each app of the logs against its tokens."""
    from scopelint.session import find_manifests
    from scopelint.usage.kql import summary_query
    from scopelint.usage.run import registration_app_ids, usage_report

    bound, app = _usage_filters(since, app_id)
    if not (logs or workspace or show_query):
        raise click.UsageError("give --logs FILE (repeatable) or --workspace ID")
    targets = _output_targets(formats, outputs)
    manifests = find_manifests(paths) if paths else []
    session = _session(manifests, rule_paths, config_file)
    override = Path(registration) if registration else None
    query = None
    if workspace or show_query:
        query = summary_query([app] if app else registration_app_ids(session, manifests, override), bound)
    if show_query:
        click.echo(query, nl=False)
        return 0
    remote = None
    if workspace:
        from scopelint.usage.live import workspace_options

        remote = workspace_options(workspace, logs_url, tenant, token_env, timeout)
        _announce([f"querying Log Analytics workspace {remote.workspace} live at {remote.url}"])
    observed = _observed(session, logs, remote, query, bound, app, show_users, auth)
    report = usage_report(session, manifests, override, observed)
    input_errors = _input_errors(report)
    report.fail_level = fail_level or ("warning" if strict else session.configs.fail_level(manifests) or "error")
    _emit(report, targets, session)
    return exit_code(report.findings, report.fail_level, input_error=bool(input_errors))


def _usage_filters(since, app_id):
    from scopelint.graph import check_app_id
    from scopelint.usage.tally import since_bound

    try:
        bound = since_bound(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    return bound, (check_app_id(app_id, "--app-id") if app_id else None)


def _observed(session, logs, remote, query, since, app_id, show_users, auth=None):
    """Count the calls of every log source once (a progress bar on a terminal) for the join with manifests."""
    from scopelint.operations import load_operations
    from scopelint.usage.readers import total_bytes
    from scopelint.usage.run import ObservedUsage, count_calls, joiner

    vocabulary = load_operations().vocabulary()
    files = list(logs)
    total = total_bytes(files)
    if sys.stderr.isatty() and total > 0:
        with click.progressbar(length=total, label="reading logs", file=sys.stderr) as bar:
            def advance(done: int) -> None:
                bar.update(done - bar.pos)

            tally, sources = count_calls(files, remote, query, app_id, since, vocabulary, show_users, advance)
    else:
        tally, sources = count_calls(files, remote, query, app_id, since, vocabulary, show_users)
    window = tally.window()
    span = f", {window.first[:10]} to {window.last[:10]}" if window.first else ""
    skipped = f" ({tally.filtered} left out by --app-id/--since)" if tally.filtered else ""
    _announce([f"read {tally.rows} log row(s): {tally.calls} Graph call(s){span}{skipped}"])
    return ObservedUsage(tally, sources, joiner(session.catalog, session.engine.lattice), auth, show_users)


def _input_errors(report) -> list:
    """Print each unreadable file as one line on stderr; return those findings (they make the exit code 2)."""
    errors = [f for f in report.findings if f.kind == "invalid-input"]
    for f in errors:
        _err(_input_error_line(f))
    return errors


def _input_error_line(f) -> str:
    where = f"{f.file}:{f.line}:{f.column}" if f.line and f.column else f"{f.file}:{f.line}" if f.line else f.file
    return f"scopelint: error: {where}: {f.message}"


def _registration_source(session, registration, live, app_id, live_args):
    """What Session.check reads registrations from: a file, one live app for all, or live where manifests ask."""
    if not live:
        if app_id or any(live_args[:3]):
            raise click.UsageError("--app-id, --tenant, --token-env and --graph-url read the tenant: add --live")
        return (Path(registration) if registration else None), None
    if registration:
        raise click.UsageError("--registration reads a file and --live reads the tenant: give one of them")
    from scopelint.graph import LiveLoader, check_app_id
    from scopelint.manifest import LiveRegistration

    opts = _live_settings(*live_args)
    loader = LiveLoader(opts, session.catalog, lambda line: _announce([line]))
    override = LiveRegistration(check_app_id(app_id, "--app-id"), opts.tenant) if app_id else None
    return override, loader


def _output_targets(formats: tuple[str, ...], outputs: tuple[str, ...],
                    quiet: bool = False) -> list[tuple[str, str | None]]:
    """Pair formats with outputs in order; a format without an output goes to stdout (one at most). With none
    there, the console gets the text report (concise with --quiet), and under GitHub Actions the annotations."""
    targets: list[tuple[str, str | None]] = []
    for i, out in enumerate(outputs):
        fmt = formats[i] if i < len(formats) else _format_of(out)
        if fmt is None:
            raise click.UsageError(f"cannot tell the format of {out}; give --format before --output")
        targets.append((fmt, out))
    rest = list(formats[len(outputs):])
    if len(rest) > 1:
        raise click.UsageError("only one format can go to standard output; give --output for the others")
    if rest:
        targets.append((rest[0], None))
        return targets
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    if not (quiet and github):
        targets.append(("concise" if quiet else "text", None))
    if github:
        targets.append(("github", None))
    return targets


def _format_of(path: str) -> str | None:
    """The format a file name implies ('.sarif.json' before '.json')."""
    name = Path(path).name.lower()
    return next((fmt for suffix, fmt in sorted(_FORMAT_BY_SUFFIX.items(), key=lambda kv: -len(kv[0]))
                 if name.endswith(suffix)), None)


def _emit(report, targets, session, review_all: bool = False, color: str = "auto") -> None:
    """Render each target; the review formats (and every format with `review_all`) get the review of the run."""
    from dataclasses import replace

    from scopelint.fileio import write_atomic
    from scopelint.reporters import REVIEW_FORMATS, reporter

    review = None
    for fmt, out in targets:
        shown = report
        if review_all or fmt in REVIEW_FORMATS:
            review = review or session.review(report)
            shown = replace(report, review=review)
        shown.color = out is None and fmt in ("text", "concise") and _use_color(color, sys.stdout)
        text = reporter(fmt)(shown)
        if out is None:
            _show(text)
        else:
            write_atomic(out, text)


@main.command()
@click.argument("manifest", type=_PATH)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "manifest", "az", "terraform"]),
              default="text",
              help="text/json: the minimal set; the remedy as manifest: its requiredResourceAccess JSON; az: az ad app "
                   "permission commands from the registration to it; terraform: a required_resource_access block.")
@click.option("--registration", "-r", type=_PATH,
              help="Registration to start from (remedy formats; default: the manifest's or the configuration's).")
@click.option("--project", "project", type=click.Path(file_okay=False),
              help="UiPath project folder the manifest describes (overrides its 'project:' key).")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--config", "config_file", type=_PATH, help="Configuration file.")
def scopes(manifest, fmt, registration, project, rule_paths, config_file) -> int:
    """Print the minimal least-privileged permission set a manifest needs (what to tick in the portal), or the
    remedy that takes its registration there. Refuses (exit 1) when the project uses activities the manifest does
    not declare: a remedy must never remove what a workflow uses."""
    session = _session([manifest], rule_paths, config_file)
    return _scopes(session, Path(manifest), fmt, Path(registration) if registration else None,
                   Path(project) if project else None)


def _scopes(session, path: Path, fmt: str, registration: Path | None, project: Path | None) -> int:
    """The minimal set or the remedy for one manifest, read from the same Analysis `check` reads."""
    from scopelint.checks import BY_KIND
    from scopelint.manifest import LiveRegistration, load_manifest
    from scopelint.remedy import plan_remedy

    config = session.config_for(path)
    m = load_manifest(path, config.limits)
    source = registration or m.registration or config.registration
    remedy_format = fmt in ("manifest", "az", "terraform")
    reg = None
    if remedy_format and not isinstance(source, LiveRegistration):
        reg = session.registration_for(m, registration, None, config)
    result = session.evaluate(m, reg, session.project_for(m, project, config), config)
    about_needs = [f for f in result.active if BY_KIND[f.kind].requires is None]
    for f in about_needs:
        _err(f"scopelint: {f.severity}: {f.file}:{f.line}: {f.message}")
    if result.analysis.drifted:
        for uses in result.analysis.undeclared:
            _err(f"scopelint: error: {uses[0].file}:{uses[0].line}: {uses[0].canonical} is used by the project "
                 "but not declared in the manifest")
        click.echo("scopelint: error: no permission set printed: the manifest does not declare every activity its "
                   "project uses, so following it could remove what a workflow needs; run 'scopelint scan --write', "
                   "review the manifest, and run scopes again", err=True)
        return 1
    fail_level = session.configs.fail_level([path]) or "error"
    if remedy_format:
        _print_remedy(plan_remedy(result, session.catalog, __version__,
                               source.client_id if isinstance(source, LiveRegistration) else None), fmt)
    else:
        _print_minimal(session, result, fmt)
    return exit_code(about_needs, fail_level)


def _print_minimal(session, result, fmt: str) -> None:
    rows = []
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
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    for row in rows:
        admin = "  (admin consent)" if row["admin_consent"] else ""
        _say(f"{row['permission']:<28} {row['type']:<12} {', '.join(row['needed_by'])}{admin}")


def _print_remedy(plan, fmt: str) -> None:
    from scopelint.reporters import remedy as layouts

    if fmt == "manifest":
        _announce([f"note: {n}" for n in layouts.notes(plan)])
    render = {"manifest": layouts.render_manifest, "az": layouts.render_az, "terraform": layouts.render_terraform}[fmt]
    text = render(plan)
    _show(text if fmt == "manifest" else for_terminal(text))


@main.command("report")
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--format", "-f", "fmt", type=click.Choice(["html", "markdown", "csv"]),
              help="Report format (default: from the --output suffix, else html).")
@click.option("--output", "-o", type=_PATH, help="Write the report to FILE (default: standard output).")
@click.option("--registration", "-r", type=_PATH, help="App registration file (overrides the manifests').")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--config", "config_file", type=_PATH, help="Configuration file.")
@click.option("--logs", "logs", multiple=True, type=_PATH,
              help="Graph activity log export or recording (repeatable): observed-usage findings in the report.")
@click.option("--stamp", is_flag=True, help="Add the git commit and the time to the report (off: output stays the "
                                            "same run after run).")
def report_command(paths, fmt, output, registration, rule_paths, config_file, logs, stamp) -> int:
    """Write an audit report for security review: per project the required permissions with their evidence,
    admin consent, privilege, findings and exceptions, and a ranking of the apps by privilege."""
    from scopelint.session import find_manifests

    fmt = fmt or (_format_of(output) if output else None) or "html"
    if fmt not in ("html", "markdown", "csv"):
        raise click.UsageError(f"an audit report is html, markdown or csv, not {fmt}")
    manifests = find_manifests(paths or ["."])
    if not manifests:
        raise InputError("no scopelint.yaml found", ", ".join(paths) or ".")
    session = _session(manifests, rule_paths, config_file)
    observed = _observed(session, logs, None, None, None, None, False) if logs else None
    report = session.check(manifests, Path(registration) if registration else None, observed=observed)
    input_errors = _input_errors(report)
    if stamp:
        from scopelint.stamp import stamp as made_from

        report.meta["stamp"] = made_from()
    _emit(report, [(fmt, output)], session, review_all=True)
    if output:
        _announce([f"wrote {output}: {fmt} audit report of {len(report.results)} project(s)"])
    return 2 if input_errors else 0


@main.command()
@click.argument("manifests", nargs=-1, type=_PATH)
@click.option("--git", "rev", metavar="REV",
              help="Compare each MANIFEST (default: every one below .) with its version at git revision REV.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option("--output", "-o", type=_PATH, help="Write to FILE (default: standard output).")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--config", "config_file", type=_PATH, help="Configuration file.")
def diff(manifests, rev, fmt, output, rule_paths, config_file) -> int:
    """Permission impact of a manifest change: scopelint diff BASE HEAD, or scopelint diff --git REV [MANIFEST...].

    Lists what becomes newly required, what newly needs admin consent, and what is now removable. Exits 1 when a
    manifest names an activity or Graph call whose needs are unknown (the impact would be incomplete)."""
    from scopelint.diff import diff_results, manifest_at_revision
    from scopelint.fileio import write_atomic
    from scopelint.manifest import load_manifest
    from scopelint.reporters import diff_formats
    from scopelint.session import find_manifests

    if rev is None:
        if len(manifests) != 2:
            raise click.UsageError("give two manifests (BASE HEAD), or --git REV [MANIFEST...]")
        heads = [Path(manifests[1])]
        pairs: list[tuple[Manifest | None, Manifest]] = [(load_manifest(manifests[0]), load_manifest(manifests[1]))]
    else:
        heads = find_manifests(manifests or ["."])
        if not heads:
            raise InputError("no scopelint.yaml found", ", ".join(manifests) or ".")
        pairs = [(manifest_at_revision(h, rev), load_manifest(h)) for h in heads]
    session = _session(heads, rule_paths, config_file)
    diffs = []
    for path, (base, head) in zip(heads, pairs, strict=True):  # both versions with the head's configuration
        config = session.config_for(path)
        diffs.append(diff_results(session.evaluate(base, config=config) if base else None,
                                  session.evaluate(head, config=config), session.catalog))
    layout = {"text": diff_formats.render_text, "json": diff_formats.render_json,
              "markdown": diff_formats.render_markdown}[fmt]
    render = layout if fmt == "json" else human(layout)
    if output:
        write_atomic(output, render(diffs))
    else:
        _show(render(diffs))
    errors = [f for d in diffs for f in d.findings if f.severity == "error"]
    if output or fmt != "text":  # the text report shows them already
        for f in errors:
            _err(f"scopelint: error: {f.file}:{f.line}: {f.message}" if f.line
                 else f"scopelint: error: {f.file}: {f.message}")
    return exit_code(errors, "error")  # an unknown activity leaves the impact incomplete: not a pass


@main.command()
@click.argument("thing", nargs=-1, required=True)
@click.option("--auth", type=click.Choice(["delegated", "application"]), default=None,
              help="Show one auth mode only.")
def explain(thing, auth) -> None:
    """Explain an activity, a permission, a finding code, or a Graph call ('GET /me/messages')."""
    from scopelint.explain import explain_text

    _show(for_terminal(explain_text(" ".join(thing), auth)))


@main.group()
def rules() -> None:
    """Inspect the activity rule packs."""


@rules.command("list")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
def rules_list(fmt, rule_paths) -> None:
    """List every known activity with its requirements and provenance."""
    from scopelint.explain import rule_dict
    from scopelint.session import Session

    session = Session(rule_paths=[Path(p) for p in rule_paths])
    _announce(session.announcements)
    rows = [rule_dict(r) for r in session.rules]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    for r in rows:
        delegated = " | ".join(" + ".join(s) or "(none)" for s in r["delegated"])
        _say(f"{r['class']:<72} {r['display_name']:<32} {r['generation']:<11} {delegated}")


@rules.command("verify")
def rules_verify() -> int:
    """Prove the rules and the lattice against the catalog and operation index in use; exit 1 on any disagreement."""
    from scopelint.proofs import verify_bundled

    text, code = verify_bundled()
    click.echo(text, nl=False)
    return code


@main.group()
def catalog() -> None:
    """Inspect or refresh the Microsoft Graph permission catalog."""


@catalog.command("info")
def catalog_info() -> None:
    """Where the catalog comes from and how many permissions it holds."""
    from scopelint.catalog import load_catalog

    cat = load_catalog()
    if cat.fallback:
        _announce([cat.fallback])
    _say(f"origin:    {cat.origin}")
    _say(f"source:    {cat.source}")
    _say(f"retrieved: {cat.retrieved}")
    if cat.source_note:
        _say(f"note:      {cat.source_note}")
    if cat.privilege_source:
        _say(f"privilege levels: {cat.privilege_source}")
    click.echo(f"delegated: {len(cat.names('delegated'))}\napplication: {len(cat.names('application'))}")


@catalog.command("refresh")
@click.option("--from", "source", type=_PATH,
              help="Graph service-principal export (JSON with oauth2PermissionScopes and appRoles).")
@click.option("--live", is_flag=True, help="Read the tenant's Microsoft Graph service principal instead of --from.")
@click.option("--paths", type=_PATH, help="Microsoft's permissions.json (privilege levels, operations).")
@click.option("--output", "-o", type=_PATH, help="Folder to write to (default: the user cache).")
@_live_options
def catalog_refresh(source, live, paths, output, tenant, token_env, graph_url, timeout) -> None:
    """Refresh the permission catalog (and, with --paths, the operation index) from Microsoft's data."""
    from scopelint.catalog import user_cache_dir
    from scopelint.catalog_check import check_catalog
    from scopelint.databuild import catalog_from_export, operations_from_paths
    from scopelint.fileio import write_atomic
    from scopelint.yamlio import Limits, load_json

    if bool(source) == live:
        raise click.UsageError("give --from FILE or --live (one of them)")
    big = Limits(max_bytes=64 * 1024 * 1024)
    paths_doc = load_json(paths, big) if paths else None
    if live:
        from scopelint.graph import catalog_from_tenant

        opts = _live_settings(tenant, token_env, graph_url, timeout)
        _announce([f"reading the permission catalog live from the tenant's Microsoft Graph service principal "
                   f"({opts.base_url})"])
        doc = catalog_from_tenant(opts, paths_doc, paths)
    else:
        doc = catalog_from_export(load_json(source, big), paths_doc, source)
    check_catalog(doc, str(source) if source else opts.base_url)
    folder = Path(output) if output else user_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "catalog.json", json.dumps(doc, indent=0, sort_keys=True) + "\n")
    written = [str(folder / "catalog.json")]
    if paths_doc is not None:
        ops = operations_from_paths(paths_doc, paths, doc)
        write_atomic(folder / "operations.json", json.dumps(ops, separators=(",", ":"), sort_keys=True) + "\n")
        written.append(str(folder / "operations.json"))
    _say(f"wrote {', '.join(written)}: {len(doc['delegated'])} delegated, "
               f"{len(doc['application'])} application permissions")


@main.command()
@click.argument("app_id")
@click.option("--output", "-o", type=_PATH, help="Write the snapshot to FILE (default: standard output).")
@click.option("--show-users", is_flag=True, help="Record the object ids of users who consented (personal data).")
@_live_options
def fetch(app_id, output, show_users, tenant, token_env, graph_url, timeout) -> None:
    """Read an app registration and its consent live from Microsoft Graph into a snapshot for offline checks."""
    from scopelint.catalog import load_catalog
    from scopelint.fileio import write_atomic
    from scopelint.graph import check_app_id, fetch_snapshot
    from scopelint.snapshot import dumps, summary

    app_id = check_app_id(app_id)
    opts = _live_settings(tenant, token_env, graph_url, timeout, show_users=show_users)
    _announce([f"reading app registration {app_id} live from {opts.base_url}"])
    snap = fetch_snapshot(app_id, opts, load_catalog())
    if output is None:
        _show(dumps(snap))
        return
    write_atomic(output, dumps(snap))
    _say(f"wrote {output}: {summary(snap)}")


@main.command()
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--live", is_flag=True, help="Read the tenant (required: the audit has no offline source yet).")
@click.option("--all-apps", is_flag=True, help="Audit every app registration of the tenant.")
@click.option("--app-id", "app_ids", multiple=True, help="Audit this application (client) id (repeatable).")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--output", "-o", type=_PATH, help="Write the audit to FILE.")
@click.option("--concurrency", type=click.IntRange(1, 16), default=4, show_default=True,
              help="Applications read at the same time.")
@click.option("--show-users", is_flag=True, help="Keep the object ids of users who consented (personal data).")
@_live_options
def audit(paths, live, all_apps, app_ids, fmt, output, concurrency, show_users, tenant, token_env, graph_url,
          timeout) -> None:
    """Audit app registrations live: high-privilege and admin-consent permissions, unused requests (for apps a
    manifest under PATHS names), and grants without a matching request."""
    from scopelint.fileio import write_atomic
    from scopelint.graph import fetch_snapshots
    from scopelint.reporters.tenant_audit import render
    from scopelint.session import Session, find_manifests
    from scopelint.tenant_audit import audit_apps

    if not live:
        raise click.UsageError("audit reads the tenant: add --live")
    if all_apps == bool(app_ids):
        raise click.UsageError("give --all-apps or --app-id ID (repeatable), not both")
    opts = _live_settings(tenant, token_env, graph_url, timeout, concurrency=concurrency, show_users=show_users)
    session = Session()
    _announce(session.announcements)
    manifests = find_manifests(paths) if paths else []
    what = "every app registration" if all_apps else f"{len(set(app_ids))} app registration(s)"
    _announce([f"auditing {what} live from {opts.base_url}"])

    def progress(done: int, total: int, label: str) -> None:
        _err(f"scopelint: [{done}/{total}] {label}")

    snaps = fetch_snapshots(None if all_apps else list(app_ids), opts, session.catalog, progress)
    audits, notes = audit_apps(snaps, manifests, session)
    _announce(notes)
    text = render(audits, fmt) if fmt == "json" else for_terminal(render(scrub(audits), fmt))
    if output:
        write_atomic(output, text)
        _say(f"wrote {output}: {len(audits)} app(s)")
    else:
        _show(text)


@main.command()
@click.argument("path", type=_PATH, default=".")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--write", is_flag=True, help="Create or update scopelint.yaml next to each project.json.")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: every core, large trees).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=20, show_default=True, metavar="MB",
              help="Workflows larger than this are reported, not read.")
@click.option("--max-xml-depth", type=click.IntRange(min=1), default=1000, show_default=True, metavar="N",
              help="Workflows whose elements nest deeper than this are reported, not read.")
def scan(path, fmt, write, rule_paths, jobs, max_file_size, max_xml_depth) -> int:
    """Find the UiPath projects under PATH and the Microsoft 365 activities their workflows use."""
    from scopelint.reporters.scan import render_text, stream_json
    from scopelint.rules import load_builtin_rules
    from scopelint.uipath import scan as scan_tree

    if rule_paths:
        from scopelint.session import Session

        session = Session(rule_paths=[Path(p) for p in rule_paths])
        _announce(session.announcements)
        book = session.rules
    else:
        book = load_builtin_rules()
    result = scan_tree(path, book, jobs, max_file_size * 1024 * 1024, max_xml_depth)
    for d in result.all_diagnostics:
        _err(f"scopelint: warning: {d.file}:{d.line}: {d.message}" if d.line
             else f"scopelint: warning: {d.file}: {d.message}")
    failed = False
    if write:
        from scopelint.manifest_write import write_manifests

        outcomes = write_manifests(result, book)
        failed = any(o.action == "error" for o in outcomes)
        if fmt == "json":
            rows = [{"path": o.path, "action": o.action, "added": list(o.added), "removed": list(o.removed),
                     "notes": list(o.notes)} for o in outcomes]
            click.echo(json.dumps({"manifests": rows}, indent=2, sort_keys=True))
        else:
            for o in outcomes:
                changes = ", ".join([f"+{len(o.added)}"] * bool(o.added) + [f"-{len(o.removed)}"] * bool(o.removed))
                _say(f"{o.action:<9} {o.path}" + (f" ({changes})" if changes else ""))
                for name in o.added:
                    _say(f"          + {name}")
                for name in o.removed:
                    _say(f"          - {name} (no workflow uses it)")
                for note in o.notes:
                    _say(f"          note: {note}")
    else:
        if fmt == "json":
            stream_json(result, _show)
        else:
            _show(human(render_text)(result))
    if result.nothing_read:
        _err("scopelint: error: nothing could be read")
    return 2 if result.nothing_read or failed else 0
