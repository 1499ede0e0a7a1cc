"""Issue #14: whose data an activity works on (own, shared, site) decides the permission it needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixtures import write_registration

from scopelint.rules import load_builtin_rules

FILES_EXCEL = ("UploadFile", "DownloadFile", "ReadRange", "WriteRange")


def _manifest(folder: Path, target: str | None, auth: str = "delegated", activities=FILES_EXCEL) -> Path:
    extra = f"\n    target: {target}" if target else ""
    items = "".join(f"  - activity: {a}{extra}\n" for a in activities)
    path = folder / "scopelint.yaml"
    path.write_text(f"scopelint: 1\nname: sp\nauth: {auth}\nactivities:\n{items}", encoding="utf-8")
    return path


def _scopes(cli, manifest: Path) -> list[str]:
    run = cli("scopes", manifest, "--format", "json")
    assert run.code == 0, run.stderr
    return sorted(p["permission"] for p in json.loads(run.stdout))


def _check(cli, manifest: Path, grants: list[tuple[str, str]]) -> tuple[int, list[dict]]:
    write_registration(manifest.parent / "app.json", grants)
    run = cli("check", manifest, "--registration", manifest.parent / "app.json", "--format", "json")
    return run.code, json.loads(run.stdout)["findings"]


def test_a_sharepoint_library_needs_a_permission_that_reaches_it_and_own_onedrive_keeps_files_readwrite(
        tmp_path, cli):
    site = _manifest(tmp_path, "site")
    assert _scopes(cli, site) == ["Files.ReadWrite.All"]
    own = tmp_path / "own"
    own.mkdir()
    assert _scopes(cli, _manifest(own, None)) == ["Files.ReadWrite"]
    reader = tmp_path / "reader"
    reader.mkdir()
    assert _scopes(cli, _manifest(reader, None, activities=("DownloadFile",))) == ["Files.Read"]
    assert _scopes(cli, _manifest(reader, "site", activities=("DownloadFile",))) == ["Files.Read.All"]


def test_files_readwrite_alone_is_missing_for_a_site_target(tmp_path, cli):
    code, findings = _check(cli, _manifest(tmp_path, "site"), [("Files.ReadWrite", "delegated")])
    assert code == 1
    missing = {(f["activity"], f["permission"]) for f in findings if f["kind"] == "missing"}
    assert missing == {(a, "Files.ReadWrite.All") for a in ("Upload File", "Download File", "Read Range",
                                                             "Write Range")}


def test_an_all_permission_is_kept_for_a_site_target_not_called_broader(tmp_path, cli):
    code, findings = _check(cli, _manifest(tmp_path, "site"), [("Files.ReadWrite.All", "delegated")])
    assert (code, findings) == (0, [])
    own = tmp_path / "own"
    own.mkdir()
    code, findings = _check(cli, _manifest(own, "own"), [("Files.ReadWrite.All", "delegated")])
    assert [(f["kind"], f["permission"]) for f in findings] == [("broader", "Files.ReadWrite.All")]


@pytest.mark.parametrize("auth", ["delegated", "application"])
def test_a_registration_built_from_scopes_passes_and_each_removal_is_missing(tmp_path, cli, auth):
    manifest = _manifest(tmp_path, "site", auth=auth, activities=("UploadFile", "DownloadFile"))
    needed = _scopes(cli, manifest)
    assert needed
    grants = [(n, auth) for n in needed]
    assert _check(cli, manifest, grants) == (0, [])
    for gone in grants:
        code, findings = _check(cli, manifest, [g for g in grants if g != gone])
        assert code == 1
        assert any(f["kind"] == "missing" for f in findings), gone


def test_sites_selected_reaches_a_site_for_application_auth_with_the_grant_note(tmp_path, cli):
    manifest = _manifest(tmp_path, "site", auth="application", activities=("DownloadFile",))
    code, findings = _check(cli, manifest, [("Sites.Selected", "application")])
    assert (code, findings) == (0, [])
    rule = load_builtin_rules().find("DownloadFile")
    assert "outside the app registration" in (rule.requirement("application", "site").override or "")
    own = tmp_path / "own"
    own.mkdir()
    code, findings = _check(cli, _manifest(own, None, auth="application", activities=("DownloadFile",)),
                            [("Sites.Selected", "application")])
    assert any(f["kind"] == "missing" for f in findings)


def test_shared_true_is_an_alias_of_target_shared(tmp_path, cli):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    alias = tmp_path / "a" / "scopelint.yaml"
    alias.write_text("scopelint: 1\nname: m\nactivities:\n  - activity: SendMail\n    shared: true\n")
    target = _manifest(tmp_path / "b", "shared", activities=("SendMail",))
    assert _scopes(cli, alias) == _scopes(cli, target)
    assert "Mail.Send.Shared" in _scopes(cli, target)


@pytest.mark.parametrize(("entry", "message"), [
    ("target: elsewhere", "'target' must be one of own, shared, site"),
    ("shared: true\n    target: site", "'shared: true' says target shared, but 'target' says site"),
])
def test_a_wrong_target_is_one_line_with_file_and_line(tmp_path, cli, entry, message):
    path = tmp_path / "scopelint.yaml"
    path.write_text(f"scopelint: 1\nname: m\nactivities:\n  - activity: UploadFile\n    {entry}\n")
    run = cli("check", path)
    assert run.code == 2
    assert f"{path}:" in run.stderr and message in run.stderr
    assert "Traceback" not in run.stderr


def test_the_sharepoint_example_passes_and_says_why_it_needs_the_all_permission(cli):
    example = Path(__file__).resolve().parent.parent / "manifests" / "examples" / "sharepoint-reports"
    run = cli("check", example / "scopelint.yaml", "--format", "json")
    assert (run.code, json.loads(run.stdout)["findings"]) == (0, [])
    assert "target: site" in (example / "scopelint.yaml").read_text(encoding="utf-8")


def test_explain_shows_the_requirement_per_target(cli):
    run = cli("explain", "UploadFile")
    assert run.code == 0
    lines = [line.strip() for line in run.stdout.splitlines()]
    assert "delegated, target own: (Sites.ReadWrite.All) OR (Files.ReadWrite)" in lines
    assert "delegated, target site: (Sites.ReadWrite.All) OR (Files.ReadWrite.All)" in lines
    assert "application, target site: (Sites.ReadWrite.All) OR (Sites.Selected)" in lines
    mail = cli("explain", "SendMail").stdout
    assert "delegated, target shared: (Mail.ReadWrite.Shared + Mail.Send.Shared + User.Read)" in mail


_PROJECT = """{"name": "Reports", "main": "Main.xaml", "schemaVersion": "4.0", "expressionLanguage": "VisualBasic",
 "dependencies": {"UiPath.MicrosoftOffice365.Activities": "[3.1.10]"}}"""
_XAML = """<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"
 xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umae="clr-namespace:UiPath.MicrosoftOffice365.Activities.Excel;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umfm="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files.Models;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">
  <Sequence>
    <umaf:UploadFilesConnections ConnectionId="c" UseConnectionService="True" DisplayName="Upload to finance"
      ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Reports" />
    <umae:ReadRangeConnections ConnectionId="c" UseConnectionService="True" DisplayName="Read budget">
      <umae:ReadRangeConnections.Workbook>
        <umfm:DriveItemArgument BrowserSiteUrl="https://contoso.sharepoint.com/teams/budget" />
      </umae:ReadRangeConnections.Workbook>
    </umae:ReadRangeConnections>
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" DisplayName="Mine"
      ManualEntryItemUrl="[itemUrl]" />
  </Sequence>
</Activity>
"""


def _uipath_project(folder: Path, xaml: str) -> Path:
    """A UiPath project folder: the shared project.json and `xaml` as Main.xaml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "project.json").write_text(_PROJECT, encoding="utf-8")
    (folder / "Main.xaml").write_text(xaml, encoding="utf-8")
    return folder


def test_scan_infers_a_site_from_literal_sharepoint_urls_with_evidence(tmp_path, cli):
    from scopelint.uipath import scan

    project = scan(_uipath_project(tmp_path / "robot", _XAML)).projects[0]
    found = {a.name.rsplit(".", 1)[-1]: (a.target, a.target_evidence) for a in project.activities}
    assert found["UploadFilesConnections"] == (
        "site", 'ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Reports" (line 7)')
    assert found["ReadRangeConnections"] == (
        "site", 'BrowserSiteUrl="https://contoso.sharepoint.com/teams/budget" (line 11)')
    assert found["DownloadFileConnections"] == ("own", "")  # an expression is not guessed


def test_scan_write_declares_the_site_target_and_scopes_reach_the_library(tmp_path, cli):
    folder = _uipath_project(tmp_path / "robot", _XAML)
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    text = (folder / "scopelint.yaml").read_text(encoding="utf-8")
    assert "- activity: UiPath.MicrosoftOffice365.Activities.Files.UploadFilesConnections\n    target: site" in text
    assert "- activity: UiPath.MicrosoftOffice365.Activities.Excel.ReadRangeConnections\n    target: site" in text
    assert "  - UiPath.MicrosoftOffice365.Activities.Files.DownloadFileConnections\n" in text
    needed = _scopes(cli, folder / "scopelint.yaml")
    assert "Files.ReadWrite" not in needed and "Files.Read" not in needed


# Shapes seen in the public projects of REAL-PROJECTS.md section 1 (written afresh, not copied): classic activities
# inside an Office 365 scope naming a mailbox or calendar owner in Account, Integration Service activities with a
# shared mailbox, an item handed over from another activity (ItemSelectionMode="UseExisting"), classic Find Files
# And Folders with SiteUrl/DriveName from the configuration, and other users' OneDrive URLs.
_SHAPES = """<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"
 xmlns:uma="clr-namespace:UiPath.MicrosoftOffice365.Activities;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umac="clr-namespace:UiPath.MicrosoftOffice365.Activities.Calendar;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umamm="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail.Models;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">
  <Sequence>
    <uma:Office365ApplicationScope AuthenticationType="UsernameAndPassword" Username="robot@contoso.com"
      Account="Please select an account." OAuthApplication="Custom">
      <uma:Office365ApplicationScope.Body>
        <ActivityAction x:TypeArguments="x:Object">
          <Sequence>
            <umam:SendMail Account="finance-desk@contoso.com" Subject="s" />
            <umam:SendMail Account="robot@contoso.com" Subject="mine" />
            <umam:SendMail Account="[in_Config(&quot;Mailbox&quot;).ToString]" Subject="from config" />
            <umam:SendMail Account="{x:Null}" Subject="blank: the user's own" />
            <umac:CreateEvent Account="rooms@contoso.com" />
            <umaf:FindFilesAndFolders SiteUrl="[in_SiteUrl]" DriveName="[in_DriveName]" Results="[found]" />
            <umaf:UploadFile Destination="[found(0)]" LocalFilePath="[file]" />
            <umaf:FindFilesAndFolders SiteUrl="https://contoso-my.sharepoint.com/personal/robot_contoso_com" />
            <umaf:FindFilesAndFolders SiteUrl="https://contoso-my.sharepoint.com/personal/adele_contoso_com" />
          </Sequence>
        </ActivityAction>
      </uma:Office365ApplicationScope.Body>
    </uma:Office365ApplicationScope>
    <umam:SendMailConnections ConnectionId="c" UseConnectionService="True" UseSharedMailbox="True"
      Mailbox="[str_Account]" />
    <umam:GetEmailListConnections ConnectionId="c" UseConnectionService="True">
      <umam:GetEmailListConnections.Mailbox>
        <umamm:MailboxArgument UseSharedMailbox="True" SharedMailbox="helpdesk@contoso.com" />
      </umam:GetEmailListConnections.Mailbox>
    </umam:GetEmailListConnections>
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" ItemSelectionMode="UseExisting"
      Item="[files(0)]" />
    <umaf:UploadFilesConnections ConnectionId="c" UseConnectionService="True"
      ManualEntryItemUrl="https://contoso-my.sharepoint.com/personal/adele_contoso_com/Documents/Reports" />
  </Sequence>
</Activity>
"""


def _by_line(folder: Path) -> dict[int, tuple[str, str, str]]:
    from scopelint.uipath import scan

    project = scan(folder).projects[0]
    return {a.line: (a.target, a.target_evidence, a.target_expression) for a in project.activities}


def test_scan_reads_mailbox_and_calendar_owners_other_than_the_signed_in_user(tmp_path):
    found = _by_line(_uipath_project(tmp_path / "robot", _SHAPES))
    assert found[9] == ("own", "", "")  # the scope's own Account/Username are who signs in, not a target
    assert found[14] == ("shared", 'Account="finance-desk@contoso.com" (line 14): another mailbox or calendar than '
                                   "the signed-in user's", "")
    assert found[15] == ("own", "", "")  # the signed-in user's own address
    assert found[16] == ("own", "", 'Account="[in_Config("Mailbox").ToString]" (line 16)')
    assert found[17] == ("own", "", "")
    assert found[18] == ("shared", 'Account="rooms@contoso.com" (line 18): another mailbox or calendar than the '
                                   "signed-in user's", "")
    assert found[27] == ("shared", 'UseSharedMailbox="True", Mailbox="[str_Account]" (line 27): a shared mailbox', "")
    assert found[29] == ("shared", 'UseSharedMailbox="True", SharedMailbox="helpdesk@contoso.com" (line 31): a shared '
                                   "mailbox", "")


def test_scan_labels_another_users_onedrive_shared_and_expressions_unknown(tmp_path):
    found = _by_line(_uipath_project(tmp_path / "robot", _SHAPES))
    assert found[19] == ("own", "", 'DriveName="[in_DriveName]" (line 19)')
    assert found[20] == ("own", "", 'Destination="[found(0)]" (line 20)')
    assert found[21] == ("own", "", "")  # the signed-in user's own OneDrive (robot@contoso.com)
    assert found[22] == ("shared", 'SiteUrl="https://contoso-my.sharepoint.com/personal/adele_contoso_com" (line 22): '
                                   "another user's OneDrive", "")
    assert found[34] == ("own", "", 'Item="[files(0)]" (line 34)')
    assert found[36] == ("shared", 'ManualEntryItemUrl="https://contoso-my.sharepoint.com/personal/adele_contoso_com/'
                                   "Documents/Reports\" (line 36): another user's OneDrive", "")


def test_another_users_onedrive_needs_a_permission_that_reaches_it(tmp_path, cli):
    for cls, own, shared in (("DownloadFile", "Files.Read", "Files.Read.All"),
                             ("UploadFile", "Files.ReadWrite", "Files.ReadWrite.All"),
                             ("UploadFilesConnections", "Files.ReadWrite", "Files.ReadWrite.All")):
        folder = tmp_path / cls
        folder.mkdir()
        assert _scopes(cli, _manifest(folder, "shared", activities=(cls,))) == [shared], cls
        (folder / "own").mkdir()
        assert _scopes(cli, _manifest(folder / "own", None, activities=(cls,))) == [own], cls
    code, findings = _check(cli, _manifest(tmp_path / "DownloadFile", "shared", activities=("DownloadFile",)),
                            [("Files.Read", "delegated")])
    assert code == 1
    assert sorted((f["kind"], f["permission"]) for f in findings) == [("excess", "Files.Read"),
                                                                       ("missing", "Files.Read.All")]


def _shapes_manifest(folder: Path, entries: str) -> Path:
    path = folder / "scopelint.yaml"
    path.write_text(f"scopelint: 1\nname: robot\nauth: delegated\nproject: .\nactivities:\n{entries}",
                    encoding="utf-8")
    return path


def _project_findings(cli, manifest: Path, kind: str) -> list[dict]:
    run = cli("check", manifest, "--format", "json")
    assert run.code in (0, 1), run.stderr
    return [f for f in json.loads(run.stdout)["findings"] if f["kind"] == kind]


def test_an_expression_target_is_an_info_finding_naming_activity_attribute_and_line(tmp_path, cli):
    folder = _uipath_project(tmp_path / "robot", _SHAPES)
    manifest = _shapes_manifest(folder, "  - SendMail\n  - FindFilesAndFolders\n  - UploadFile\n"
                                        "  - DownloadFileConnections\n")
    found = {(f["line"], f["severity"]) : f for f in _project_findings(cli, manifest, "target-expression")}
    assert sorted(found) == [(16, "info"), (19, "info"), (20, "info"), (34, "info")]
    send = found[(16, "info")]
    assert send["file"].endswith("Main.xaml")
    assert send["message"].startswith("Send Mail: whose data it works on is set at run time "
                                      '(Account="[in_Config("Mailbox").ToString]" (line 16))')
    assert "'target: shared'" in send["suggestion"] and "'target: site'" not in send["suggestion"]
    upload = found[(20, "info")]
    assert upload["message"].startswith('Upload File: whose data it works on is set at run time '
                                        '(Destination="[found(0)]" (line 20))')
    assert "'target: site' or 'target: shared' on its entry under activities: in the manifest" in upload["suggestion"]


def test_declaring_a_target_answers_the_expression_finding(tmp_path, cli):
    folder = _uipath_project(tmp_path / "robot", _SHAPES)
    manifest = _shapes_manifest(folder, "  - activity: SendMail\n    target: shared\n"
                                        "  - activity: FindFilesAndFolders\n    target: site\n"
                                        "  - activity: UploadFile\n    target: site\n"
                                        "  - activity: DownloadFileConnections\n    target: site\n")
    assert _project_findings(cli, manifest, "target-expression") == []


def test_a_literal_shared_mailbox_declared_own_is_target_wider(tmp_path, cli):
    folder = _uipath_project(tmp_path / "robot", _SHAPES)
    manifest = _shapes_manifest(folder, "  - SendMail\n")
    wider = _project_findings(cli, manifest, "target-wider")
    assert [(w["activity"], w["suggestion"]) for w in wider] == [
        ("SendMail", "add 'target: shared' to the activity entry by hand")]
    assert wider[0]["evidence"] == [f"{folder / 'Main.xaml'}:14: Account=\"finance-desk@contoso.com\" (line 14): "
                                    "another mailbox or calendar than the signed-in user's"]
    manifest = _shapes_manifest(folder, "  - activity: SendMail\n    target: shared\n")
    assert _project_findings(cli, manifest, "target-wider") == []


_REPORT_XAML = """<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"
 xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">
  <Sequence>
    <umaf:UploadFilesConnections ConnectionId="c" UseConnectionService="True"
      BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance" />
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" Item="[files(0)]" />
    <umaf:CreateFolderConnections ConnectionId="c" UseConnectionService="True" NewFolderName="x" />
    <umam:SendMailConnections ConnectionId="c" UseConnectionService="True" UseSharedMailbox="True"
      Mailbox="ops@contoso.com" />
  </Sequence>
</Activity>
"""


def _report_project(folder: Path) -> Path:
    _uipath_project(folder, _REPORT_XAML)
    (folder / "scopelint.yaml").write_text(
        "scopelint: 1\nname: reports\nproject: .\nactivities:\n  - activity: UploadFilesConnections\n"
        "    target: site\n  - activity: DownloadFileConnections\n    target: site\n  - CreateFolderConnections\n"
        "  - activity: SendMailConnections\n    target: shared\n", encoding="utf-8")
    return folder


def test_the_audit_report_groups_evidence_by_target_in_markdown_and_csv(tmp_path, cli):
    import csv

    folder = _report_project(tmp_path / "reports")
    run = cli("report", folder, "--format", "markdown")
    assert run.code == 0, run.stderr
    row = next(line for line in run.stdout.splitlines() if line.startswith("| Files.ReadWrite.All |"))
    own, site = row.index("**target own**: Create Folder"), row.index("**target site** (")
    assert own < site
    assert 'BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance"' in row[site:]
    assert 'set at run time: Item="\\[files\\(0\\)\\]"' in row[site:]
    assert row[site:].index("Upload Files \\(site\\)") < row[site:].index("Download File \\(site\\)")
    mail = next(line for line in run.stdout.splitlines() if line.startswith("| Mail.Send.Shared |"))
    assert "**target shared** (" in mail and 'UseSharedMailbox="True", Mailbox="ops@' in mail
    out = tmp_path / "report.csv"
    assert cli("report", folder, "--format", "csv", "-o", out).code == 0
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["permission"] == "Files.ReadWrite.All"]
    assert [(r["target"], r["activity"]) for r in rows] == [
        ("own", "Create Folder"), ("site", "Upload Files (site)"), ("site", "Download File (site)")]
    assert rows[0]["target_data"] == ""
    assert rows[1]["target_data"].endswith('Main.xaml:6: BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance" '
                                           "(line 6)")


def test_chromium_shows_the_evidence_grouped_by_target(tmp_path, cli):
    import re
    import shutil

    from test_report_html import CHROMIUM, Page, chromium

    if CHROMIUM is None or not shutil.which(CHROMIUM):
        pytest.skip("no chromium binary (CI installs Debian's chromium)")
    folder = _report_project(tmp_path / "reports")
    out = tmp_path / "report.html"
    assert cli("report", folder, "-o", out).code == 0
    text = Page(chromium(tmp_path, "--dump-dom", out.as_uri()).stdout).visible
    start = text.index("Least-privileged permissions")
    row = text[text.index("Files.ReadWrite.All", start):text.index("Mail.ReadWrite.Shared", start)]
    assert re.search(r"target own Create Folder \(manifest line 9\) → .*target site : \S+Main\.xaml:6: "
                     r'BrowserSiteUrl="https://contoso\.sharepoint\.com/sites/finance" \(line 6\) , \S+Main\.xaml:8: '
                     r'set at run time: Item="\[files\(0\)\]" \(line 8\) Upload Files \(site\)', row)
    mail = text[text.index("Mail.Send.Shared", start):]
    assert re.search(r'target shared : \S+Main\.xaml:10: UseSharedMailbox="True", Mailbox="ops@contoso\.com" '
                     r"\(line 10\): a shared mailbox Send Email \(shared\)", mail)


# ------------------------------------------------------------------ remedies for site targets: az, terraform, manifest
def _access_check(cli, manifest: Path, access: list[tuple[str, str]], name: str) -> tuple[int, list[dict]]:
    """Check the manifest against a registration that requests exactly `access` [(guid, Scope|Role)]."""
    from scopelint.catalog import GRAPH_APP_ID

    reg = manifest.parent / name
    reg.write_text(json.dumps({"requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [
        {"id": i, "type": t} for i, t in access]}]}), encoding="utf-8")
    run = cli("check", manifest, "--registration", reg, "--format", "json")
    return run.code, json.loads(run.stdout)["findings"]


def _round_trip(cli, manifest: Path, access: list[tuple[str, str]]) -> None:
    """The registration the remedy leads to passes check; without any one of its permissions it is missing."""
    assert access
    assert _access_check(cli, manifest, access, "built.json") == (0, [])
    for gone in access:
        code, findings = _access_check(cli, manifest, [a for a in access if a != gone], "less.json")
        assert code == 1 and any(f["kind"] == "missing" for f in findings), gone


def _az_access(script: str, today: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Today's grants after the az script's adds and deletes."""
    import shlex

    access = list(today)
    for line in script.splitlines():
        words = shlex.split(line) if line.startswith("az ad app permission") else []
        if words[4:5] == ["add"]:
            permission, kind = words[words.index("--api-permissions") + 1].split("=")
            access.append((permission, kind))
        elif words[4:5] == ["delete"]:
            gone = words[words.index("--api-permissions") + 1]
            access = [a for a in access if a[0] != gone]
    return access


def _terraform_access(block: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'resource_access \{\n    id   = "([0-9a-f-]{36})"\n    type = "(Scope|Role)"\n  \}', block)


def test_az_remedy_for_a_site_target_adds_a_permission_that_reaches_the_library(tmp_path, cli):
    from report_fixtures import guid

    manifest = _manifest(tmp_path, "site", activities=("UploadFile", "DownloadFileConnections"))
    write_registration(tmp_path / "app.json", [("Files.ReadWrite", "delegated")])
    manifest.write_text(manifest.read_text() + "registration: app.json\n")
    run = cli("scopes", manifest, "--format", "az")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    add = next(i for i, line in enumerate(lines) if line.startswith("az ad app permission add"))
    assert lines[add - 1] == "# add Files.ReadWrite.All (delegated): needed by Download File (site), Upload File (site)"
    assert f"--api-permissions {guid('Files.ReadWrite.All')}=Scope" in lines[add]
    assert any(line.startswith("az ad app permission delete") and guid("Files.ReadWrite") in line for line in lines)
    access = _az_access(run.stdout, [(guid("Files.ReadWrite"), "Scope")])
    assert access == [(guid("Files.ReadWrite.All"), "Scope")]
    _round_trip(cli, manifest, access)


@pytest.mark.parametrize("auth", ["delegated", "application"])
def test_terraform_and_manifest_remedies_for_a_site_target_round_trip(tmp_path, cli, auth):
    from report_fixtures import guid

    manifest = _manifest(tmp_path, "site", auth=auth, activities=("UploadFile", "ReadRange", "DownloadFile"))
    run = cli("scopes", manifest, "--format", "terraform")
    assert run.code == 0, run.stderr
    access = _terraform_access(run.stdout)
    if auth == "delegated":
        assert access == [(guid("Files.ReadWrite.All"), "Scope")]
        assert "# note:" not in run.stdout
    else:
        assert access == [(guid("Sites.Selected", "application"), "Role")]
        assert ("# note: Sites.Selected (application) reaches only the sites (or lists, items) an administrator grants "
                "to the app, each one granted outside the app registration (POST /sites/{site-id}/permissions; "
                "https://learn.microsoft.com/en-us/graph/permissions-selected-overview)") in run.stdout
        az = cli("scopes", manifest, "--format", "az").stdout
        assert "# note: Sites.Selected (application) reaches only the sites" in az
        assert _az_access(az, []) == access
    _round_trip(cli, manifest, access)
    doc = cli("scopes", manifest, "--format", "manifest")
    assert doc.code == 0
    entries = json.loads(doc.stdout)["requiredResourceAccess"][0]["resourceAccess"]
    assert [(e["id"], e["type"]) for e in entries] == access
    assert ("Sites.Selected" in doc.stderr) == (auth == "application")


# Items handed from one activity to the next, as the Costco and TNS workflows of REAL-PROJECTS.md section 1 do
# (written afresh): a list activity's Result read by a later activity, For Each File/Folder's current item, a UiPath
# For Each over a list an activity wrote, and a chain of those.
_FLOWS = """<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"
 xmlns:ui="http://schemas.uipath.com/workflow/activities"
 xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;assembly=UiPath.MicrosoftOffice365.Activities"
 xmlns:umfm="clr-namespace:UiPath.MicrosoftOffice365.Models;assembly=UiPath.MicrosoftOffice365"
 xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">
  <Sequence>
    <umaf:GetFileListConnections ConnectionId="c" UseConnectionService="True" Result="[reports]"
      BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance/Reports" />
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" ItemSelectionMode="UseExisting"
      Item="[Reports(0)]" />
    <umaf:ForEachFileFolderConnections ConnectionId="c" UseConnectionService="True"
      BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance/Lookup">
      <umaf:ForEachFileFolderConnections.Body>
        <ActivityAction x:TypeArguments="umfm:O365DriveRemoteItem, x:Int32">
          <ActivityAction.Argument1>
            <DelegateInArgument x:TypeArguments="umfm:O365DriveRemoteItem" Name="CurrentItem" />
          </ActivityAction.Argument1>
          <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True"
            ManualEntryItemUrl="[CurrentItem.Url]" />
        </ActivityAction>
      </umaf:ForEachFileFolderConnections.Body>
    </umaf:ForEachFileFolderConnections>
    <ui:ForEach x:TypeArguments="umfm:O365DriveRemoteItem" Values="[reports]">
      <ui:ForEach.Body>
        <ActivityAction x:TypeArguments="umfm:O365DriveRemoteItem">
          <ActivityAction.Argument>
            <DelegateInArgument x:TypeArguments="umfm:O365DriveRemoteItem" Name="folder" />
          </ActivityAction.Argument>
          <Sequence>
            <umaf:GetFileListConnections ConnectionId="c" UseConnectionService="True" Result="[monthly]"
              ManualEntryItemUrl="[folder.Url]" />
            <umaf:CopyItemConnections ConnectionId="c" UseConnectionService="True"
              ManualEntryFolderUrl="[monthly(0).Url]" />
          </Sequence>
        </ActivityAction>
      </ui:ForEach.Body>
    </ui:ForEach>
    <umaf:GetFileListConnections ConnectionId="c" UseConnectionService="True" Result="[mine]"
      ManualEntryItemUrl="[in_FolderUrl]" />
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" Item="[mine(0)]" />
    <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" Item="[CurrentItem]" />
    <umaf:FindFilesAndFolders SiteUrl="https://contoso.sharepoint.com/sites/hr" Results="[found]" />
    <umaf:UploadFile Destination="[found(0)]" LocalFilePath="[file]" />
    <umaf:FindFilesAndFolders SiteUrl="[&quot;https://contoso.sharepoint.com/sites/legal&quot;]" />
    <umaf:ForEachFileFolderConnections ConnectionId="c" UseConnectionService="True"
      BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance/Lookup">
      <umaf:ForEachFileFolderConnections.Body>
        <ActivityAction x:TypeArguments="umfm:O365DriveRemoteItem, x:Int32">
          <ActivityAction.Argument1>
            <DelegateInArgument x:TypeArguments="umfm:O365DriveRemoteItem" Name="CurrentItem" />
          </ActivityAction.Argument1>
          <ForEach x:TypeArguments="x:String" Values="[in_Links.Split(&quot;;&quot;)]">
            <ActivityAction x:TypeArguments="x:String">
              <ActivityAction.Argument>
                <DelegateInArgument x:TypeArguments="x:String" Name="link" />
              </ActivityAction.Argument>
              <umaf:DownloadFileConnections ConnectionId="c" UseConnectionService="True" ManualEntryItemUrl="[link]" />
            </ActivityAction>
          </ForEach>
        </ActivityAction>
      </umaf:ForEachFileFolderConnections.Body>
    </umaf:ForEachFileFolderConnections>
  </Sequence>
</Activity>
"""


def test_an_item_handed_over_from_a_site_activity_takes_its_target(tmp_path):
    folder = _uipath_project(tmp_path / "flows", _FLOWS)
    found = _by_line(folder)
    site = 'BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance/Reports" (line 7)'
    assert found[9] == ("site", 'Item="[Reports(0)]" (line 9): Reports comes from GetFileListConnections (line 7), '
                                f"which names {site}", "")
    assert found[18] == ("site", 'ManualEntryItemUrl="[CurrentItem.Url]" (line 18): CurrentItem comes from '
                                 "ForEachFileFolderConnections (line 11), which names BrowserSiteUrl=\"https://"
                                 'contoso.sharepoint.com/sites/finance/Lookup" (line 11)', "")
    assert found[30] == ("site", 'ManualEntryItemUrl="[folder.Url]" (line 30): folder comes from '
                                 f"GetFileListConnections (line 7), which names {site}", "")
    assert found[32] == ("site", 'ManualEntryFolderUrl="[monthly(0).Url]" (line 32): monthly comes from '
                                 f"GetFileListConnections (line 30), which names {site}", "")
    # a list whose own target is set at run time hands on nothing; a loop item outside its loop is not that item
    assert found[38] == ("own", "", 'ManualEntryItemUrl="[in_FolderUrl]" (line 38)')
    assert found[40] == ("own", "", 'Item="[mine(0)]" (line 40)')
    assert found[41] == ("own", "", 'Item="[CurrentItem]" (line 41)')
    # classic Find Files And Folders hands its Results to Upload File's Destination
    assert found[43] == ("site", 'Destination="[found(0)]" (line 43): found comes from FindFilesAndFolders (line 42), '
                                 'which names SiteUrl="https://contoso.sharepoint.com/sites/hr" (line 42)', "")
    # an expression that is one string literal is that literal
    assert found[44] == ("site", 'SiteUrl="["https://contoso.sharepoint.com/sites/legal"]" (line 44)', "")
    # the item of a For Each over something else, inside a site's For Each File/Folder, is not that site's item
    assert found[57] == ("own", "", 'ManualEntryItemUrl="[link]" (line 57)')


def test_scan_write_declares_shared_targets_and_the_result_checks_without_target_findings(tmp_path, cli):
    folder = _uipath_project(tmp_path / "robot", _SHAPES)
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    text = (folder / "scopelint.yaml").read_text(encoding="utf-8")
    for cls in ("Mail.SendMail", "Calendar.CreateEvent", "Files.FindFilesAndFolders", "Mail.SendMailConnections",
                "Mail.GetEmailListConnections", "Files.UploadFilesConnections"):
        assert f"- activity: UiPath.MicrosoftOffice365.Activities.{cls}\n    target: shared\n" in text, cls
    assert "shared: true" not in text
    run = cli("check", folder / "scopelint.yaml", "--format", "json")
    kinds = {f["kind"] for f in json.loads(run.stdout)["findings"]}
    assert "target-wider" not in kinds
    found = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "target-expression"]
    assert sorted(f["activity"].rsplit(".", 1)[-1] for f in found) == ["DownloadFileConnections", "UploadFile"]


def test_the_sites_selected_note_names_the_sites_the_workflows_use(tmp_path, cli):
    folder = _report_project(tmp_path / "reports")
    manifest = folder / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace("name: reports\n", "name: reports\nauth: application\n")
                        .replace("  - CreateFolderConnections\n", "  - activity: CreateFolderConnections\n"
                                                                  "    target: site\n"))
    run = cli("scopes", manifest, "--format", "terraform")
    assert run.code == 0, run.stderr
    note = next(line for line in run.stdout.splitlines() if line.startswith("# note: Sites.Selected"))
    assert note.endswith("which scopelint does not check (the workflows name https://contoso.sharepoint.com/sites/"
                         "finance)")
