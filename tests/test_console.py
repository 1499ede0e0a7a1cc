"""What reaches the console whatever goes to files, --quiet, --color with NO_COLOR / FORCE_COLOR, the concise
format, --help, diff's exit code, the hint for a manifest without registration, and --stamp."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import CONTOSO_PACK, EXAMPLES
from report_fixtures import SEND_MAIL, write_project

INVOICE = EXAMPLES / "invoice-bot"
CONCISE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                     r"(?P<code>SL\d{3}) (?P<message>.+)$")
ANSI = "\x1b["
PLAIN_ENV = {"GITHUB_ACTIONS": None, "NO_COLOR": None, "FORCE_COLOR": None}


def test_reports_to_files_still_show_the_findings_on_the_console(tmp_path, cli):
    sarif, md = tmp_path / "out.sarif", tmp_path / "out.md"
    run = cli("check", INVOICE, "-f", "sarif", "-o", sarif, "-f", "markdown", "-o", md, env=PLAIN_ENV)
    assert run.code == 0 and sarif.is_file() and md.is_file()
    assert "Files.ReadWrite.All is broader than needed" in run.stdout
    assert run.stdout.rstrip().endswith("0 error(s), 2 warning(s), 0 info in 1 manifest")
    assert "::warning" not in run.stdout


def test_under_github_actions_the_console_adds_annotations(tmp_path, cli):
    run = cli("check", INVOICE, "-o", tmp_path / "out.sarif", env={**PLAIN_ENV, "GITHUB_ACTIONS": "true"})
    assert "0 error(s), 2 warning(s)" in run.stdout
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2 and all(a.startswith("::warning file=") for a in annotations)
    quiet = cli("check", INVOICE, "-q", "-o", tmp_path / "out.sarif", env={**PLAIN_ENV, "GITHUB_ACTIONS": "true"})
    assert quiet.stdout.splitlines() == annotations  # --quiet: the annotations only


def test_an_explicit_stdout_format_is_all_the_console_gets(cli):
    run = cli("check", INVOICE, "-f", "json", env={**PLAIN_ENV, "GITHUB_ACTIONS": "true"})
    assert json.loads(run.stdout)["summary"]["warning"] == 2


def test_quiet_prints_one_line_per_finding_and_no_notes(tmp_path, cli):
    pack = tmp_path / "pack.yaml"
    pack.write_text(CONTOSO_PACK)
    loud = cli("check", INVOICE, "--rules", pack, env=PLAIN_ENV)
    assert "scopelint: loaded rule pack" in loud.stderr
    run = cli("check", INVOICE, "--rules", pack, "--quiet", env=PLAIN_ENV)
    assert run.code == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and all(CONCISE.match(line) for line in lines)
    clean = tmp_path / "clean"
    write_project(clean, grants=SEND_MAIL)
    assert cli("check", clean, "-q", env=PLAIN_ENV).stdout == ""  # a clean run says nothing


def test_concise_format_for_editors_and_problem_matchers(tmp_path, cli):
    path = tmp_path / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: x\nactivities:\n  - SendMial\n", encoding="utf-8")
    run = cli("check", path, "--format", "concise", env=PLAIN_ENV)
    (line,) = run.stdout.splitlines()
    m = CONCISE.match(line)
    assert m and m["path"] == str(path) and (m["line"], m["col"], m["sev"], m["code"]) == ("4", "5", "error", "SL201")
    assert "SendMial" in m["message"] and run.code == 1


@pytest.mark.parametrize(("args", "env", "coloured"), [
    (("--color", "always"), {}, True),
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "0"}, False),
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    (("--color", "always"), {"NO_COLOR": "1"}, True),  # a flag on the command line wins over NO_COLOR
    ((), {}, False),  # not a terminal
])
def test_color_choice_no_color_and_force_color(cli, args, env, coloured):
    run = cli("check", INVOICE, *args, env={**PLAIN_ENV, **env})
    assert (ANSI in run.stdout) is coloured
    if coloured:
        assert "\x1b[33mwarning" in run.stdout  # click's styling: yellow warnings
    assert "warning" in run.stdout


def test_help_lists_the_formats_and_shows_examples(cli):
    text = cli("check", "--help").stdout
    assert "[concise|csv|github|html|json|junit|markdown|sarif|text]" in text
    assert "Examples:" in text and "scopelint check -f sarif -o scopelint.sarif" in text
    assert "--color [auto|always|never]" in text and "--quiet" in text and "--stamp" in text
    bad = cli("check", INVOICE, "--format", "xml")
    assert bad.code == 2 and "'xml' is not one of" in bad.stderr


def test_diff_fails_when_an_activity_is_unknown(tmp_path, cli):
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text("scopelint: 1\nname: x\nactivities: [SendMail]\n")
    head.write_text("scopelint: 1\nname: x\nactivities: [SendMail, FooBar]\n")
    run = cli("diff", base, head)
    assert run.code == 1 and "unknown activity 'FooBar'" in run.stdout
    as_json = cli("diff", base, head, "--format", "json")
    assert as_json.code == 1 and "head.yaml:3: unknown activity 'FooBar'" in as_json.stderr
    head.write_text("scopelint: 1\nname: x\nactivities: [SendMail, GetMail]\n")
    assert cli("diff", base, head).code == 0


def test_a_manifest_without_registration_says_how_to_add_one(tmp_path, cli):
    write_project(tmp_path)
    run = cli("check", tmp_path, env=PLAIN_ENV)
    assert run.code == 0
    assert "export it next to the manifest (az ad app show --id APP_ID > app.json) and add " \
           "'registration: app.json', or pass --registration FILE" in run.stdout
    write_project(tmp_path, grants=SEND_MAIL)
    assert "az ad app show" not in cli("check", tmp_path, env=PLAIN_ENV).stdout


def test_schema_errors_on_stderr_carry_the_column(tmp_path, cli):
    path = tmp_path / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: x\nactivities:\n  - SendMail\n  - 42\n  - {activity: A, shared: 1}\n")
    run = cli("check", path)
    assert run.code == 2
    assert f"scopelint: error: {path}:5:5: each activity is a name or a mapping with 'activity'" in run.stderr
    assert f"scopelint: error: {path}:6:19: 'shared' must be true or false" in run.stderr


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def test_stamp_adds_commit_and_time_and_is_off_by_default(tmp_path, cli):
    write_project(tmp_path / "bot", grants=SEND_MAIL)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "bot")
    head = _git(tmp_path, "rev-parse", "HEAD")
    plain = [cli("check", "bot", "-f", "json", cwd=tmp_path).stdout for _ in range(2)]
    assert plain[0] == plain[1] and "stamp" not in json.loads(plain[0])["tool"]
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    stamped = json.loads(cli("check", "bot", "-f", "json", "--stamp", cwd=tmp_path, env=env).stdout)["tool"]["stamp"]
    assert stamped == {"commit": head, "dirty": False, "generated": "2026-01-01T00:00:00+00:00"}
    sarif = json.loads(cli("check", "bot", "-f", "sarif", "--stamp", cwd=tmp_path, env=env).stdout)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["endTimeUtc"] == "2026-01-01T00:00:00Z" and invocation["properties"]["commit"] == head
    (tmp_path / "bot" / "scopelint.yaml").write_text((tmp_path / "bot" / "scopelint.yaml").read_text() + "# x\n")
    html = cli("report", "bot", "-f", "html", "--stamp", cwd=tmp_path, env=env).stdout
    assert f"<dt>Made from</dt><dd>commit {head} (with uncommitted changes), generated 2026-01-01T00:00:00+00:00" \
           in html
    assert "Made from" not in cli("report", "bot", "-f", "html", cwd=tmp_path).stdout


def test_shell_completion_as_documented(tmp_path):
    """`eval "$(_SCOPELINT_COMPLETE=bash_source scopelint)"` (README): the script, then completions of a format."""
    import os
    import sys

    env = {**os.environ, "_SCOPELINT_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "scopelint"], env=env, capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "_scopelint_completion()" in script.stdout
    env = {**os.environ, "_SCOPELINT_COMPLETE": "bash_complete", "COMP_WORDS": "scopelint check --format ",
           "COMP_CWORD": "3"}
    words = subprocess.run([sys.executable, "-m", "scopelint"], env=env, capture_output=True, text=True, timeout=60)
    assert {"plain,concise", "plain,sarif", "plain,text"} <= set(words.stdout.split())
