"""Every command gives the same answer about the same manifest (#13): the five defects a new user met, each through
the real CLI on real files, plus the exceptions and `.default` cases the issue names."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from report_fixtures import guid, write_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "manifests" / "examples" / "uipath-invoice"
O365 = "UiPath.MicrosoftOffice365.Activities"


@pytest.fixture
def drifted(tmp_path) -> Path:
    """The UiPath example whose manifest no longer lists Send Mail, which Main.xaml still uses."""
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    manifest = folder / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace(f"  - {O365}.Mail.SendMail\n", ""))
    return manifest


@pytest.mark.parametrize("fmt", ["az", "terraform", "manifest", "text", "json"])
def test_scopes_refuses_a_drifted_manifest_instead_of_removing_what_a_workflow_uses(cli, drifted, fmt):
    run = cli("scopes", "--format", fmt, drifted)
    assert run.code == 1
    assert run.stdout == ""  # nothing a user could paste or pipe into a shell
    assert f"{O365}.Mail.SendMail is used by the project but not declared" in run.stderr
    assert "scopelint scan --write" in run.stderr
    check = cli("check", "--format", "json", drifted)
    assert check.code == 1 and "undeclared-activity" in {f["kind"] for f in json.loads(check.stdout)["findings"]}


def test_check_does_not_call_a_grant_excess_when_an_undeclared_workflow_activity_needs_it(cli, drifted):
    run = cli("check", "--format", "json", drifted)
    excess = [f["permission"] for f in json.loads(run.stdout)["findings"] if f["kind"] == "excess"]
    assert "Mail.Send" not in excess


def test_scopes_once_the_manifest_is_complete_keeps_mail_send(cli, drifted):
    cli("scan", "--write", drifted.parent)
    run = cli("scopes", "--format", "az", drifted)
    assert run.code == 0, run.stderr
    deletes = [shlex.split(line) for line in run.stdout.splitlines() if line.startswith("az ad app permission delete")]
    assert guid("Mail.Send") not in {d[d.index("--api-permissions") + 1] for d in deletes}


def test_scopes_honours_configured_severities_like_check(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Sned Mial"))
    assert cli("scopes", manifest).code == 1 and "scopelint: error:" in cli("scopes", manifest).stderr
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  unknown-activity: warning\n")
    check, scopes = cli("check", manifest), cli("scopes", manifest)
    assert (check.code, scopes.code) == (0, 0)
    assert "scopelint: warning:" in scopes.stderr and "unknown activity 'Sned Mial'" in scopes.stderr
    assert "error" not in scopes.stderr
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  unknown-activity: off\n")
    assert cli("scopes", manifest).stderr == ""


def test_broader_suggestion_is_exactly_what_scopes_changes(cli, tmp_path):
    """App-only, Files.ReadWrite.All serves Get Sheets and Write Range, which the held Sites.ReadWrite.All (the minimal
    set, for Add List Items' SharePoint list need; the application edge is proven) serves too: the finding says
    remove it, as the remedy does, and never suggests a redundant pair such as 'Files.Read, Files.ReadWrite'."""
    manifest = write_project(tmp_path, activities=("Read Range", "Write Range", "GetSheets", "AddListItems"),
                             auth="application",
                             grants=[("Sites.ReadWrite.All", "application"), ("Files.ReadWrite.All", "application")])
    minimal = [r["permission"] for r in json.loads(cli("scopes", "--format", "json", manifest).stdout)]
    assert minimal == ["Sites.ReadWrite.All"]
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    [f] = [f for f in findings if f["permission"] == "Files.ReadWrite.All"]
    assert f["kind"] == "excess" and f["suggestion"] == "remove Files.ReadWrite.All"
    assert "Sites.ReadWrite.All" in f["message"] and "Files.Read," not in f["message"]
    az = cli("scopes", "--format", "az", manifest).stdout
    assert "az ad app permission add" not in az
    assert az.count("az ad app permission delete") == 1 and guid("Files.ReadWrite.All", "application") in az


def test_broader_names_exactly_the_permissions_the_remedy_adds(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Write Range",), grants=[("Files.ReadWrite.All", "delegated")])
    [f] = [f for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
           if f["kind"] == "broader"]
    assert f["suggestion"] == "replace Files.ReadWrite.All with Files.ReadWrite"
    az = cli("scopes", "--format", "az", manifest).stdout
    added = [shlex.split(line)[-1] for line in az.splitlines() if line.startswith("az ad app permission add")]
    assert added == [f"{guid('Files.ReadWrite')}=Scope"]
    assert f"--api-permissions {guid('Files.ReadWrite.All')}" in az


def test_an_unknown_activity_makes_unneeded_grants_cannot_judge_not_excess(cli, tmp_path):
    grants = [("Mail.Send", "delegated"), ("Mail.ReadWrite", "delegated"), ("User.Read", "delegated"),
              ("Calendars.ReadWrite", "delegated"), ("Tasks.ReadWrite", "delegated"), ("Files.Read", "delegated")]
    manifest = write_project(tmp_path, activities=("Send Mail", "GetMial"), grants=grants)
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    kinds = sorted(f["kind"] for f in findings)
    assert kinds == ["cannot-judge"] * 3 + ["unknown-activity"]
    assert all(f["severity"] == "info" and f["code"] == "SL205" for f in findings if f["kind"] == "cannot-judge")
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  unknown-activity: warning\n")
    az = cli("scopes", "--format", "az", manifest)
    assert az.code == 0 and "permission delete" not in az.stdout
    assert "# keep Calendars.ReadWrite (delegated): cannot judge: 'GetMial' may need it" in az.stdout.splitlines()


def test_an_unknown_activity_keeps_a_broad_grant_that_a_known_activity_is_served_through(cli, tmp_path):
    """Without the typo, Files.ReadWrite.All is 'broader' and the remedy replaces it; with an activity whose needs are
    unknown, replacing it could remove what that activity needs, so it is not judged and the remedy keeps it."""
    grants = [("Files.ReadWrite.All", "delegated")]
    manifest = write_project(tmp_path, activities=("Write Range", "Uplaod Fiel"), grants=grants)
    [f] = [f for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
           if f.get("permission") == "Files.ReadWrite.All"]
    assert (f["kind"], f["code"]) == ("cannot-judge", "SL205")
    assert "serves Write Range" in f["message"] and "'Uplaod Fiel'" in f["message"]
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  unknown-activity: warning\n")
    az = cli("scopes", "--format", "az", manifest)
    assert az.code == 0 and "permission delete" not in az.stdout
    assert any(line.startswith("# keep Files.ReadWrite.All") for line in az.stdout.splitlines())


def test_without_the_unknown_activity_the_same_grants_are_excess(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",),
                             grants=[("Mail.Send", "delegated"), ("Mail.ReadWrite", "delegated"),
                                     ("User.Read", "delegated"), ("Tasks.ReadWrite", "delegated")])
    kinds = [f["kind"] for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]]
    assert kinds == ["excess"]


def test_text_report_always_shows_what_each_manifest_needs(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Write Range"),
                             grants=[("Mail.Send", "delegated"), ("Tasks.Read", "delegated")])
    run = cli("check", manifest)
    assert run.code == 1 and "missing" in run.stdout
    assert "  needs: Files.ReadWrite, Mail.ReadWrite, Mail.Send, User.Read" in run.stdout.splitlines()
    clean = write_project(tmp_path / "clean", activities=("Write Range",), grants=[("Files.ReadWrite", "delegated")])
    assert "  needs: Files.ReadWrite" in cli("check", clean).stdout.splitlines()


def test_an_accept_entry_for_one_activity_does_not_suppress_another_activitys_finding(cli, tmp_path):
    """Send Mail and Forward Mail both lack Mail.Send; the exception names Forward Mail only."""
    manifest = write_project(tmp_path, activities=("Send Mail", "Forward Mail"), grants=[],
                             accept=[{"permission": "Mail.Send", "activity": "Forward Mail", "reason": "pilot"}])
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    send = {f["activity"]: f["suppressed"] for f in findings
            if f["kind"] == "missing" and f["permission"] == "Mail.Send"}
    assert send == {"Send Mail": False, "Forward Mail": True}


def test_the_default_scope_is_not_read_as_a_requested_permission(cli, tmp_path):
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    workflow = next(p for p in sorted(folder.rglob("*.xaml")) if "AuthenticationScopes" in p.read_text())
    user_read = '<InArgument x:TypeArguments="x:String">User.Read</InArgument>'
    for value in (".default", "https://graph.microsoft.com/.default"):
        workflow.write_text(workflow.read_text().replace(
            user_read, f'{user_read}\n<InArgument x:TypeArguments="x:String">{value}</InArgument>'))
    assert workflow.read_text().count(".default</InArgument>") == 2
    run = cli("check", "--format", "json", folder / "scopelint.yaml")
    assert run.code == 0, run.stdout + run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert not [f for f in findings if (f["permission"] or "").lower() in (".default", "default")]
    assert not [f for f in findings if f["kind"] in ("scope-not-granted", "unknown-permission")]


def test_check_scopes_diff_and_report_agree_on_the_configured_severity_and_the_needs(cli, tmp_path):
    base = write_project(tmp_path, activities=("Send Mail",), manifest_name="base.yaml")
    head = write_project(tmp_path, activities=("Send Mail", "Sned Mial"))
    needs = ["Mail.ReadWrite", "Mail.Send", "User.Read"]

    def errors_in_diff() -> list[str]:
        return json.loads(cli("diff", "--format", "json", base, head).stdout)["manifests"][0]["errors"]

    assert cli("check", head).code == 1 and cli("scopes", head).code == 1 and errors_in_diff()
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  SL201: warning\n")
    assert (cli("check", head).code, cli("scopes", head).code, errors_in_diff()) == (0, 0, [])
    assert [r["permission"] for r in json.loads(cli("scopes", "--format", "json", head).stdout)] == needs
    assert f"  needs: {', '.join(needs)}" in cli("check", head).stdout.splitlines()
    report = cli("report", "--format", "markdown", head)
    assert report.code == 0 and "Sned Mial" in report.stdout and all(n in report.stdout for n in needs)
