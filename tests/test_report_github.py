"""GitHub Actions annotations: one workflow command per open finding, escaped by the runner's rules, printed next
to the text report when GITHUB_ACTIONS=true and no --format is given."""

from __future__ import annotations

import re

from conftest import EXAMPLES
from report_fixtures import SEND_MAIL, write_project

from scopelint.findings import Finding
from scopelint.reporters.github import annotation, escape_data, escape_property

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*)::(.*)$")


def _parse(line: str) -> tuple[str, dict, str]:
    m = COMMAND.match(line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), props, m.group(3)


def test_each_open_finding_is_one_annotation_at_its_file_and_line(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Write Range"),
                             grants=[*SEND_MAIL, ("Calendars.Read", "delegated"), ("Tasks.Read", "delegated")],
                             accept=[{"permission": "Tasks.Read", "reason": "pilot"}])
    run = cli("check", "--format", "github", manifest)
    assert run.code == 1
    parsed = [_parse(line) for line in run.stdout.splitlines()]
    assert [(cmd, props["title"]) for cmd, props, _ in parsed] == [
        ("error", "scopelint SL101 missing"), ("warning", "scopelint SL102 excess")]
    _, props, message = parsed[0]
    assert props["file"] == str(manifest)
    line = int(props["line"])
    assert "Write Range" in manifest.read_text().splitlines()[line - 1]
    assert props["col"] == "3"
    assert "Files.ReadWrite" in message and "%0A→ add Files.ReadWrite" in message
    assert parsed[1][1]["file"] == str(tmp_path / "app.json")
    assert "Tasks.Read" not in run.stdout


def test_info_findings_are_notices():
    f = Finding(kind="not-checked", severity="info", message="m", file="a.json", line=3)
    assert annotation(f).startswith("::notice file=a.json,line=3,title=")


def test_escaping_keeps_input_from_ending_or_starting_a_command():
    assert escape_data("50% done\r\nnext::error::x") == "50%25 done%0D%0Anext::error::x"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    f = Finding(kind="excess", severity="warning", message="x\n::error file=evil::owned", file="dir,x:y/app.json",
                line=2)
    line = annotation(f)
    assert "\n" not in line
    cmd, props, message = _parse(line)
    assert cmd == "warning" and props["file"] == "dir%2Cx%3Ay/app.json"
    assert message == "x%0A::error file=evil::owned"


def test_github_actions_env_prints_annotations_after_the_text_report(cli):
    run = cli("check", EXAMPLES / "invoice-bot", env={"GITHUB_ACTIONS": "true"})
    text, _, annotations = run.stdout.partition("::warning ")
    assert "0 error(s), 2 warning(s)" in text
    assert annotations and run.stdout.count("::warning ") == 2
    assert "::warning " not in cli("check", EXAMPLES / "invoice-bot").stdout


def test_an_explicit_format_replaces_the_automatic_annotations(cli):
    run = cli("check", "--format", "json", EXAMPLES / "invoice-bot", env={"GITHUB_ACTIONS": "true"})
    assert run.stdout.lstrip().startswith("{") and "::warning" not in run.stdout
