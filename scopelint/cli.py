"""The command line: parse options into each command's options record, call its function in scopelint.commands,
and exit in one place (`_Group.main`) with the code the function returns. The only module that imports click."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, NoReturn

import click

from scopelint import __version__
from scopelint.commands import Console, LiveArgs
from scopelint.errors import ExternalError, InputError
from scopelint.findings import SEVERITIES, outcome_code
from scopelint.reporters import formats as report_formats
from scopelint.safetext import clean, for_terminal

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
            code = outcome_code("interrupted")
        except click.ClickException as exc:
            shown = _Captured()  # click echoes the user's values back (an extra argument): made safe like any line
            exc.show(file=shown)
            click.echo(for_terminal(shown.getvalue()), err=True, nl=False)
            code = outcome_code("bad-input")
        except InputError as exc:
            _err(f"scopelint: error: {exc}")
            code = outcome_code("bad-input")
        except ExternalError as exc:
            _err(f"scopelint: external failure: {exc}")
            code = outcome_code("external")
        except KeyboardInterrupt:
            _err("scopelint: interrupted")
            code = outcome_code("interrupted")
        except BrokenPipeError:
            code = outcome_code("clean")
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
                _drop_stdout()
                _err(f"scopelint: external failure: cannot write the output: {exc.strerror or exc}")
                sys.exit(outcome_code("external"))
            if os.environ.get("SCOPELINT_DEBUG"):
                raise
            _err(f"scopelint: internal error (a bug, please report it): {type(exc).__name__}: {exc}")
            code = outcome_code("bug")
        sys.exit(code if isinstance(code, int) else outcome_code("clean"))


class _Captured(io.StringIO):
    """click's error text as click writes it to a terminal: its escape sequences kept (click strips them for files
    and pipes, hiding what the user typed), so that safetext shows each one escaped."""

    def isatty(self) -> bool:
        return True


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


def _err(line: str) -> None:
    """One line on standard error, its input values made safe for terminals and CI logs (safetext)."""
    click.echo(clean(line), err=True)


class _Terminal(Console):
    """The terminal as a command's Console: click.echo for lines, fileio.write_stream for whole outputs, a
    progress bar when standard error is a terminal."""

    def write(self, text: str, err: bool = False) -> None:
        click.echo(text, nl=False, err=err)

    def show(self, text: str) -> None:
        from scopelint.fileio import write_stream

        write_stream(sys.stdout, text)

    def progress(self, total: int, label: str) -> AbstractContextManager[Callable[[int], None] | None]:
        return _progress_bar(total, label) if sys.stderr.isatty() and total > 0 else nullcontext(None)


@contextmanager
def _progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        def advance(done: int) -> None:
            bar.update(done - bar.pos)

        yield advance


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
    from scopelint.commands.check import CheckOptions
    from scopelint.commands.check import check as run

    targets = _output_targets(formats, outputs, quiet)
    if not live and (app_id or tenant or token_env or graph_url):
        raise click.UsageError("--app-id, --tenant, --token-env and --graph-url read the tenant: add --live")
    if live and registration:
        raise click.UsageError("--registration reads a file and --live reads the tenant: give one of them")
    options = CheckOptions(paths=paths, targets=tuple(targets), registration=registration,
                           color=_use_color(color, sys.stdout), stamp=stamp, strict=strict, fail_level=fail_level,
                           rule_paths=rule_paths, config_file=config_file, changed=changed, live=live, app_id=app_id,
                           project=project, logs=logs, live_args=LiveArgs(tenant, token_env, graph_url, timeout))
    return run(options, _Terminal(quiet))


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
    from scopelint.commands.usage import UsageOptions
    from scopelint.commands.usage import usage as run

    bound, app = _usage_filters(since, app_id)
    if not (logs or workspace or show_query):
        raise click.UsageError("give --logs FILE (repeatable) or --workspace ID")
    targets = _output_targets(formats, outputs)
    options = UsageOptions(paths=paths, logs=logs, workspace=workspace, show_query=show_query, app_id=app,
                           since=bound, auth=auth, show_users=show_users, registration=registration,
                           targets=tuple(targets), color=_use_color("auto", sys.stdout), strict=strict,
                           fail_level=fail_level, rule_paths=rule_paths, config_file=config_file, logs_url=logs_url,
                           tenant=tenant, token_env=token_env, timeout=timeout)
    return run(options, _Terminal())


def _usage_filters(since, app_id):
    from scopelint.graph import check_app_id
    from scopelint.usage.tally import since_bound

    try:
        bound = since_bound(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    return bound, (check_app_id(app_id, "--app-id") if app_id else None)


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
    from scopelint.commands.scopes import ScopesOptions
    from scopelint.commands.scopes import scopes as run

    return run(ScopesOptions(manifest=manifest, format=fmt, registration=registration, project=project,
                             rule_paths=rule_paths, config_file=config_file), _Terminal())


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
    from scopelint.commands.report import ReportOptions
    from scopelint.commands.report import report as run

    fmt = fmt or (_format_of(output) if output else None) or "html"
    if fmt not in ("html", "markdown", "csv"):
        raise click.UsageError(f"an audit report is html, markdown or csv, not {fmt}")
    return run(ReportOptions(paths=paths, format=fmt, output=output, registration=registration,
                             rule_paths=rule_paths, config_file=config_file, logs=logs, stamp=stamp), _Terminal())


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
    from scopelint.commands.diff import DiffOptions
    from scopelint.commands.diff import diff as run

    if rev is None and len(manifests) != 2:
        raise click.UsageError("give two manifests (BASE HEAD), or --git REV [MANIFEST...]")
    return run(DiffOptions(manifests=manifests, rev=rev, format=fmt, output=output, rule_paths=rule_paths,
                           config_file=config_file), _Terminal())


@main.command()
@click.argument("thing", nargs=-1, required=True)
@click.option("--auth", type=click.Choice(["delegated", "application"]), default=None,
              help="Show one auth mode only.")
def explain(thing, auth) -> int:
    """Explain an activity, a permission, a finding code, or a Graph call ('GET /me/messages')."""
    from scopelint.commands.explain import explain as run

    return run(" ".join(thing), auth, _Terminal())


@main.group()
def rules() -> None:
    """Inspect the activity rule packs."""


@rules.command("list")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "rule_paths", multiple=True, type=_PATH, help="Extra rule pack file or folder.")
def rules_list(fmt, rule_paths) -> int:
    """List every known activity with its requirements and provenance, then the libraries rule packs describe."""
    from scopelint.commands.rules import rules_list as run

    return run(fmt, rule_paths, _Terminal())


@rules.command("verify")
def rules_verify() -> int:
    """Prove the rules and the lattice against the catalog and operation index in use; exit 1 on any disagreement."""
    from scopelint.commands.rules import rules_verify as run

    return run(_Terminal())


@main.group()
def catalog() -> None:
    """Inspect or refresh the Microsoft Graph permission catalog."""


@catalog.command("info")
def catalog_info() -> int:
    """Where the catalog comes from and how many permissions it holds."""
    from scopelint.commands.catalog import catalog_info as run

    return run(_Terminal())


@catalog.command("refresh")
@click.option("--from", "source", type=_PATH,
              help="Graph service-principal export (JSON with oauth2PermissionScopes and appRoles).")
@click.option("--live", is_flag=True, help="Read the tenant's Microsoft Graph service principal instead of --from.")
@click.option("--paths", type=_PATH, help="Microsoft's permissions.json (privilege levels, operations).")
@click.option("--output", "-o", type=_PATH, help="Folder to write to (default: the user cache).")
@_live_options
def catalog_refresh(source, live, paths, output, tenant, token_env, graph_url, timeout) -> int:
    """Refresh the permission catalog (and, with --paths, the operation index) from Microsoft's data."""
    from scopelint.commands.catalog import RefreshOptions
    from scopelint.commands.catalog import catalog_refresh as run

    if bool(source) == live:
        raise click.UsageError("give --from FILE or --live (one of them)")
    return run(RefreshOptions(source=source, live=live, paths=paths, output=output,
                              live_args=LiveArgs(tenant, token_env, graph_url, timeout)), _Terminal())


@main.command()
@click.argument("app_id")
@click.option("--output", "-o", type=_PATH, help="Write the snapshot to FILE (default: standard output).")
@click.option("--show-users", is_flag=True, help="Record the object ids of users who consented (personal data).")
@_live_options
def fetch(app_id, output, show_users, tenant, token_env, graph_url, timeout) -> int:
    """Read an app registration and its consent live from Microsoft Graph into a snapshot for offline checks."""
    from scopelint.commands.fetch import FetchOptions
    from scopelint.commands.fetch import fetch as run

    return run(FetchOptions(app_id=app_id, output=output, show_users=show_users,
                            live_args=LiveArgs(tenant, token_env, graph_url, timeout)), _Terminal())


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
          timeout) -> int:
    """Audit app registrations live: high-privilege and admin-consent permissions, unused requests (for apps a
    manifest under PATHS names), and grants without a matching request."""
    from scopelint.commands.audit import AuditOptions
    from scopelint.commands.audit import audit as run

    if not live:
        raise click.UsageError("audit reads the tenant: add --live")
    if all_apps == bool(app_ids):
        raise click.UsageError("give --all-apps or --app-id ID (repeatable), not both")
    return run(AuditOptions(paths=paths, all_apps=all_apps, app_ids=app_ids, format=fmt, output=output,
                            concurrency=concurrency, show_users=show_users,
                            live_args=LiveArgs(tenant, token_env, graph_url, timeout)), _Terminal())


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
    from scopelint.commands.scan import ScanOptions
    from scopelint.commands.scan import scan as run

    return run(ScanOptions(path=path, format=fmt, write=write, rule_paths=rule_paths, jobs=jobs,
                           max_file_size=max_file_size, max_xml_depth=max_xml_depth), _Terminal())
