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


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "project.json").write_text(_PROJECT, encoding="utf-8")
    (folder / "Main.xaml").write_text(_XAML, encoding="utf-8")
    return folder


def test_scan_infers_a_site_from_literal_sharepoint_urls_with_evidence(tmp_path, cli):
    from scopelint.uipath import scan

    project = scan(_project(tmp_path / "robot")).projects[0]
    found = {a.name.rsplit(".", 1)[-1]: (a.target, a.target_evidence) for a in project.activities}
    assert found["UploadFilesConnections"] == (
        "site", 'ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Reports" (line 7)')
    assert found["ReadRangeConnections"] == (
        "site", 'BrowserSiteUrl="https://contoso.sharepoint.com/teams/budget" (line 11)')
    assert found["DownloadFileConnections"] == ("own", "")  # an expression is not guessed


def test_scan_write_declares_the_site_target_and_scopes_reach_the_library(tmp_path, cli):
    folder = _project(tmp_path / "robot")
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    text = (folder / "scopelint.yaml").read_text(encoding="utf-8")
    assert "- activity: UiPath.MicrosoftOffice365.Activities.Files.UploadFilesConnections\n    target: site" in text
    assert "- activity: UiPath.MicrosoftOffice365.Activities.Excel.ReadRangeConnections\n    target: site" in text
    assert "  - UiPath.MicrosoftOffice365.Activities.Files.DownloadFileConnections\n" in text
    needed = _scopes(cli, folder / "scopelint.yaml")
    assert "Files.ReadWrite" not in needed and "Files.Read" not in needed
