"""What each command does, as plain functions free of click: `scopelint.commands.<command>` holds the command's
options record and one function that takes it (or a few plain values) and a Console, does the work, and returns the
exit code (`findings` decides it: `exit_code` from findings, `outcome_code` from a named outcome). cli.py parses the
options into the record, calls the function, and exits with what it returns in one place (`_Group.main`).

A command writes through the Console it is given: the CLI's writes to the terminal, a test's keeps what it gets.
This module holds the Console and the steps several commands share.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scopelint.safetext import clean

if TYPE_CHECKING:
    from scopelint.config import ConfigFinder
    from scopelint.findings import Finding
    from scopelint.graph import LiveOptions
    from scopelint.results import RunResult
    from scopelint.session import Session
    from scopelint.usage.live import WorkspaceOptions
    from scopelint.usage.run import ObservedUsage

# A report to write: its format, and the file (None: standard output).
Target = tuple[str, str | None]


class LiveArgs(NamedTuple):
    """How the commands that read the tenant reach it (--tenant, --token-env, --graph-url, --timeout)."""

    tenant: str | None = None
    token_env: str | None = None
    graph_url: str | None = None
    timeout: float = 30.0

    def settings(self, concurrency: int = 4, show_users: bool = False) -> "LiveOptions":
        """The validated live options (graph.live_options), with what a command adds: how many apps are read at
        once (audit), whether user ids are kept (fetch, audit)."""
        from scopelint.graph import live_options

        return live_options(graph_url=self.graph_url, tenant=self.tenant, token_env=self.token_env,
                            timeout=self.timeout, concurrency=concurrency, show_users=show_users)


class Console(ABC):
    """Where a command's output goes: `write` and `show` are the terminal's (or a test's); the rest is built on
    them. Notes ('scopelint: loaded rule pack ...') are left out when quiet."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    @abstractmethod
    def write(self, text: str, err: bool = False) -> None:
        """Text as it is (its newlines included) on standard output, or on standard error."""

    @abstractmethod
    def show(self, text: str) -> None:
        """A whole rendered output on standard output, written whole or failing loudly."""

    def progress(self, total: int, label: str) -> AbstractContextManager[Callable[[int], None] | None]:
        """A progress display over `total` units, giving the function that reports the units done so far; None
        where nothing is shown (here: always)."""
        return nullcontext(None)

    def say(self, line: str) -> None:
        """One human-readable line on standard output, made safe for terminals and CI logs (safetext)."""
        self.write(clean(line) + "\n")

    def error(self, line: str) -> None:
        """One line on standard error, made safe like `say`."""
        self.write(clean(line) + "\n", err=True)

    def note(self, lines: Iterable[str]) -> None:
        """Notes on standard error, each after 'scopelint: '; none when quiet."""
        if self.quiet:
            return
        for line in lines:
            self.error(f"scopelint: {line}")


def session_for(manifests: Iterable[str | Path], rule_paths: Iterable[str], config_file: str | None,
                console: Console, configs: "ConfigFinder | None" = None) -> "Session":
    """Knowledge for a run: built-in rules, the --rules packs and those the manifests' configurations name."""
    from scopelint.config import ConfigFinder
    from scopelint.session import Session

    configs = configs or ConfigFinder(config_file)
    session = Session(rule_paths=[Path(p) for p in rule_paths] + configs.rule_paths(manifests), configs=configs)
    console.note(session.announcements)
    return session


def observed_usage(session: "Session", console: Console, logs: Iterable[str],
                   remote: "WorkspaceOptions | None" = None, query: str | None = None, since: str | None = None,
                   app_id: str | None = None, show_users: bool = False, auth: str | None = None) -> "ObservedUsage":
    """Count the calls of every log source once (with a progress display where the console has one) for the join
    with manifests."""
    from scopelint.operations import load_operations
    from scopelint.usage.readers import total_bytes
    from scopelint.usage.run import ObservedUsage, count_calls, joiner

    vocabulary = load_operations().vocabulary()
    files = list(logs)
    with console.progress(total_bytes(files), "reading logs") as advance:
        tally, sources = count_calls(files, remote, query, app_id, since, vocabulary, show_users, advance)
    window = tally.window()
    span = f", {window.first[:10]} to {window.last[:10]}" if window.first else ""
    skipped = f" ({tally.filtered} left out by --app-id/--since)" if tally.filtered else ""
    console.note([f"read {tally.rows} log row(s): {tally.calls} Graph call(s){span}{skipped}"])
    return ObservedUsage(tally, sources, joiner(session.catalog, session.engine.lattice), auth, show_users)


def input_error_line(f: "Finding") -> str:
    """The stderr line of a file that could not be read."""
    where = f"{f.file}:{f.line}:{f.column}" if f.line and f.column else f"{f.file}:{f.line}" if f.line else f.file
    return f"scopelint: error: {where}: {f.message}"


def report_input_errors(run: "RunResult", console: Console) -> list["Finding"]:
    """Each unreadable file as one line on stderr; returns those findings (they make the exit code 2)."""
    errors = [f for f in run.findings if f.kind == "invalid-input"]
    for f in errors:
        console.error(input_error_line(f))
    return errors


def stamp_meta(meta: dict) -> None:
    """--stamp: the git commit and time the reports are made from."""
    from scopelint.stamp import stamp

    meta["stamp"] = stamp()


def emit(run: "RunResult", targets: Iterable[Target], session: "Session", console: Console,
         review_all: bool = False, color: bool = False) -> None:
    """Render each target; the review formats (and every format with `review_all`) get the review of the run.
    `color`: the text and concise reports on standard output are coloured."""
    from dataclasses import replace

    from scopelint.fileio import write_atomic
    from scopelint.reporters import REVIEW_FORMATS, reporter

    review = None
    for fmt, out in targets:
        shown = run
        if review_all or fmt in REVIEW_FORMATS:
            review = review or session.review(run)
            shown = replace(run, review=review)
        shown.color = out is None and fmt in ("text", "concise") and color
        text = reporter(fmt)(shown)
        if out is None:
            console.show(text)
        else:
            write_atomic(out, text)
