"""The commands as plain functions (scopelint.commands), called without click on the shipped examples: each gives
the exit code and the output the CLI gives for the same request, because the CLI only parses options into the
command's record and exits with what the function returns."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES

from scopelint.commands import Console
from scopelint.commands.catalog import RefreshOptions, catalog_info, catalog_refresh
from scopelint.commands.check import CheckOptions, check
from scopelint.commands.diff import DiffOptions, diff
from scopelint.commands.explain import explain
from scopelint.commands.report import ReportOptions, report
from scopelint.commands.rules import rules_list, rules_verify
from scopelint.commands.scan import ScanOptions, scan
from scopelint.commands.scopes import ScopesOptions, scopes
from scopelint.commands.usage import UsageOptions, usage
from scopelint.errors import InputError

BOT = EXAMPLES / "invoice-bot" / "scopelint.yaml"
UIPATH = EXAMPLES / "uipath-invoice"
NOT_ON_ACTIONS = {"GITHUB_ACTIONS": "false"}  # the CLI adds workflow annotations under GitHub Actions


class Recorded(Console):
    """A console that keeps what a command writes, standard output and standard error apart."""

    def __init__(self, quiet: bool = False) -> None:
        super().__init__(quiet)
        self.out = ""
        self.err = ""

    def write(self, text: str, err: bool = False) -> None:
        if err:
            self.err += text
        else:
            self.out += text

    def show(self, text: str) -> None:
        self.out += text


def _same_as_cli(cli, code: int, console: Recorded, *args: str) -> None:
    run = cli(*args, env=NOT_ON_ACTIONS)
    assert (code, console.out, console.err) == (run.code, run.stdout, run.stderr)


def test_check_returns_the_exit_code_and_report_the_cli_gives(cli):
    console = Recorded()
    code = check(CheckOptions(paths=(str(BOT),)), console)
    assert code == 0  # two warnings (SL103, SL102) do not fail the run at the default fail level
    assert "[SL103]" in console.out and "0 error(s), 2 warning(s)" in console.out
    _same_as_cli(cli, code, console, "check", str(BOT))


def test_check_honours_its_options_like_the_cli(cli):
    console = Recorded()
    code = check(CheckOptions(paths=(str(BOT),), targets=(("json", None),), fail_level="info"), console)
    findings = json.loads(console.out)["findings"]
    assert code == 1 and {f["code"] for f in findings if not f["suppressed"]} == {"SL102", "SL103"}
    _same_as_cli(cli, code, console, "check", "--format", "json", "--fail-level", "info", str(BOT))


def test_check_writes_each_report_and_shows_the_findings(cli, tmp_path):
    ours, theirs = tmp_path / "ours.sarif", tmp_path / "theirs.sarif"
    console = Recorded()
    code = check(CheckOptions(paths=(str(BOT),), targets=(("sarif", str(ours)), ("text", None))), console)
    run = cli("check", "-o", str(theirs), str(BOT), env=NOT_ON_ACTIONS)
    assert (code, console.out, console.err) == (run.code, run.stdout, run.stderr)
    assert ours.read_text() == theirs.read_text() and json.loads(ours.read_text())["version"] == "2.1.0"


def test_check_quiet_leaves_out_the_notes_and_strict_fails_on_warnings(cli, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("scopelint-rulepack: 1\npack: empty\nrules: []\n")
    console = Recorded(quiet=True)
    code = check(CheckOptions(paths=(str(BOT),), targets=(("concise", None),), strict=True,
                              rule_paths=(str(pack),)), console)
    assert code == 1 and "loaded rule pack" not in console.err
    _same_as_cli(cli, code, console, "check", "--quiet", "--strict", "--rules", str(pack), str(BOT))
    loud = Recorded()
    check(CheckOptions(paths=(str(BOT),), rule_paths=(str(pack),)), loud)
    assert f"scopelint: loaded rule pack {pack} (0 rule(s))" in loud.err


def test_check_without_a_manifest_is_bad_input(tmp_path):
    with pytest.raises(InputError, match=r"no scopelint\.yaml found"):
        check(CheckOptions(paths=(str(tmp_path),)), Recorded())
    assert check(CheckOptions(paths=(str(tmp_path / "notes.txt"),), changed=True), Recorded()) == 0


@pytest.mark.parametrize("fmt", ["text", "json", "az", "terraform", "manifest"])
def test_scopes_prints_what_the_cli_prints(cli, fmt):
    console = Recorded()
    code = scopes(ScopesOptions(str(BOT), fmt), console)
    files_readwrite = "5c28f0bf-8a70-41f1-8ab2-9032436ddb65" if fmt == "manifest" else "Files.ReadWrite"
    assert code == 0 and files_readwrite in console.out  # what Write Range needs instead of Sites.ReadWrite.All
    _same_as_cli(cli, code, console, "scopes", "--format", fmt, str(BOT))


def test_scopes_refuses_a_drifted_manifest(cli, tmp_path):
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(UIPATH, folder)
    manifest = folder / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace("  - UiPath.MicrosoftOffice365.Activities.Mail.SendMail\n", ""))
    console = Recorded()
    code = scopes(ScopesOptions(str(manifest), "az"), console)
    assert code == 1 and console.out == "" and "no permission set printed" in console.err
    _same_as_cli(cli, code, console, "scopes", "--format", "az", str(manifest))


def test_diff_gives_the_impact_and_exit_code_the_cli_gives(cli, tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("scopelint: 1\nname: invoice-bot\nauth: delegated\nactivities: [GetMail]\n")
    console = Recorded()
    code = diff(DiffOptions((str(base), str(BOT)), format="json"), console)
    assert code == 0 and "Mail.Send" in json.dumps(json.loads(console.out))
    _same_as_cli(cli, code, console, "diff", "--format", "json", str(base), str(BOT))


def test_report_writes_the_review_the_cli_writes(cli):
    console = Recorded()
    code = report(ReportOptions((str(BOT),), "markdown"), console)
    assert code == 0 and "invoice-bot" in console.out
    _same_as_cli(cli, code, console, "report", "--format", "markdown", str(BOT))


def test_scan_finds_the_projects_the_cli_finds(cli):
    console = Recorded()
    code = scan(ScanOptions(str(UIPATH), "json"), console)
    assert code == 0 and json.loads(console.out)["projects"][0]["name"] == "InvoiceIntake"
    _same_as_cli(cli, code, console, "scan", "--format", "json", str(UIPATH))


def test_usage_joins_the_logs_with_the_manifest_like_the_cli(cli):
    log = EXAMPLES / "invoice-bot" / "graph-activity.json"
    console = Recorded()
    code = usage(UsageOptions(paths=(str(BOT),), logs=(str(log),)), console)
    assert "Graph call(s)" in console.err
    _same_as_cli(cli, code, console, "usage", "--logs", str(log), str(BOT))


def test_explain_and_rules_list_print_what_the_cli_prints(cli):
    console = Recorded()
    assert explain("SL103", None, console) == 0 and "broader" in console.out
    _same_as_cli(cli, 0, console, "explain", "SL103")
    console = Recorded()
    assert rules_list("json", (), console) == 0
    assert any(r["class"].endswith("Mail.SendMail") for r in json.loads(console.out)["activities"])
    _same_as_cli(cli, 0, console, "rules", "list", "--format", "json")


def test_the_catalog_commands_write_and_report_what_the_cli_does(cli, tmp_path):
    console = Recorded()
    assert catalog_info(console) == 0 and "origin:    bundled" in console.out
    _same_as_cli(cli, 0, console, "catalog", "info")
    sp = {"appId": "00000003-0000-0000-c000-000000000000",
          "oauth2PermissionScopes": [{"id": "e383f46e-2787-4529-855e-0e479a3ffac0", "value": "Mail.Send",
                                      "type": "User", "adminConsentDisplayName": "Send mail as a user"}],
          "appRoles": []}
    source = tmp_path / "sp.json"
    source.write_text(json.dumps(sp))
    console = Recorded()
    assert catalog_refresh(RefreshOptions(source=str(source), output=str(tmp_path / "ours")), console) == 0
    run = cli("catalog", "refresh", "--from", source, "--output", tmp_path / "theirs")
    assert run.code == 0 and console.out == run.stdout.replace("theirs", "ours")
    catalog = (tmp_path / "ours" / "catalog.json").read_text()
    assert catalog == (tmp_path / "theirs" / "catalog.json").read_text()
    assert [r["value"] for r in json.loads(catalog)["delegated"]] == ["Mail.Send"]


def test_rules_verify_proves_the_bundled_knowledge_like_the_cli(cli):
    console = Recorded()
    code = rules_verify(console)
    assert code == 0 and console.out.endswith("verified: no disagreement\n")
    _same_as_cli(cli, code, console, "rules", "verify")
