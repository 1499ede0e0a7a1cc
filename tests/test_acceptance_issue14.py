"""Issue 14, done when: a project whose Files and Excel activities point at a SharePoint library needs (and is told
to keep) a permission that reaches that library, a registration with only Files.ReadWrite gets `missing` for it,
the same activities pointed at the user's own OneDrive still get Files.Read/Files.ReadWrite, and shared mailboxes
and calendars keep working. Tried as a user: `scan --write`, `scopes`, then `check` with real registrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from acceptance_projects import (
    O365,
    OWN,
    SHARED,
    SITE,
    advice,
    assert_round_trip,
    by_name,
    line_of,
    project,
    registration,
    scopes_json,
)

READ_RANGE = "UiPath.MicrosoftOffice365.Activities.Excel.ReadRangeConnections"
UPLOAD = "UiPath.MicrosoftOffice365.Activities.Files.UploadFilesConnections"


def _scanned(cli, folder: Path, body: str, auth: str = "delegated") -> Path:
    project(folder, "Budget", body, O365)
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    manifest = folder / "scopelint.yaml"
    if auth != "delegated":
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("auth: delegated", f"auth: {auth}"),
                            encoding="utf-8")
    return manifest


def test_scan_names_the_site_with_its_attribute_and_line_and_writes_target_site(cli_proc, tmp_path):
    manifest = _scanned(cli_proc, tmp_path, SITE)
    xaml = tmp_path / "Main.xaml"
    uses = {a["class"]: a for a in json.loads(cli_proc("scan", tmp_path, "--format", "json").stdout)
            ["projects"][0]["activities"]}
    assert uses[READ_RANGE]["target"] == "site" and uses[UPLOAD]["target"] == "site"
    assert 'BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance"' in uses[READ_RANGE]["target_evidence"]
    assert f"(line {line_of(xaml, 'BrowserSiteUrl=')})" in uses[READ_RANGE]["target_evidence"]
    text = manifest.read_text(encoding="utf-8")
    assert f"  - activity: {READ_RANGE}\n    target: site\n" in text
    assert f"  - activity: {UPLOAD}\n    target: site\n" in text


def test_a_site_library_needs_a_permission_that_reaches_it_and_files_readwrite_alone_is_missing(cli_proc, tmp_path):
    manifest = _scanned(cli_proc, tmp_path, SITE)
    assert [(g["permission"], g["type"]) for g in scopes_json(cli_proc, manifest)] == [
        ("Files.ReadWrite.All", "delegated")]
    code, found = advice(cli_proc, manifest, registration(tmp_path / "own-only.json",
                                                          by_name("delegated", "Files.ReadWrite")))
    assert code == 1
    missing = sorted((f["activity"], f["permission"]) for f in found if f["kind"] == "missing")
    assert missing == [("Read Range", "Files.ReadWrite.All"), ("Upload Files", "Files.ReadWrite.All")]
    # Files.ReadWrite does not reach the library: never "broader" or "covered", it is simply not what is needed
    assert {(f["kind"], f["permission"]) for f in found if f["kind"] != "missing"} == {("excess", "Files.ReadWrite")}


def test_a_site_library_held_through_files_readwrite_all_is_kept_never_narrowed_to_files_readwrite(cli_proc, tmp_path):
    manifest = _scanned(cli_proc, tmp_path, SITE)
    held = registration(tmp_path / "all.json", by_name("delegated", "Files.ReadWrite.All"))
    assert advice(cli_proc, manifest, held) == (0, [])
    for fmt in ("az", "terraform", "manifest"):
        run = cli_proc("scopes", manifest, "--registration", held, "--format", fmt)
        assert run.code == 0, run.stderr
        assert "5c28f0bf-8a70-41f1-8ab2-9032436ddb65" not in run.stdout  # Files.ReadWrite's GUID: never proposed
    az = cli_proc("scopes", manifest, "--registration", held, "--format", "az").stdout
    assert "permission delete" not in az and "nothing to change" in az


def test_the_same_activities_on_the_users_own_onedrive_still_get_files_readwrite(cli_proc, tmp_path):
    """The connection's own account owns the personal site, also for the URL in the nested DriveItemArgument."""
    manifest = _scanned(cli_proc, tmp_path, OWN)
    assert "target:" not in manifest.read_text(encoding="utf-8")
    assert [(g["permission"], g["type"], g["needed_by"]) for g in scopes_json(cli_proc, manifest)] == [
        ("Files.ReadWrite", "delegated", ["Read Range", "Upload Files"])]
    held = registration(tmp_path / "own.json", by_name("delegated", "Files.ReadWrite"))
    code, found = advice(cli_proc, manifest, held)
    assert (code, found) == (0, [])


def test_shared_mailboxes_and_calendars_keep_their_shared_permissions(cli_proc, tmp_path):
    manifest = _scanned(cli_proc, tmp_path, SHARED)
    assert manifest.read_text(encoding="utf-8").count("    target: shared\n") == 3
    assert sorted((g["permission"], g["type"]) for g in scopes_json(cli_proc, manifest)) == [
        ("Calendars.ReadWrite.Shared", "delegated"), ("Mail.ReadWrite.Shared", "delegated"),
        ("Mail.Send.Shared", "delegated")]
    # the user's own Mail.Send does not send as the shared mailbox
    code, found = advice(cli_proc, manifest, registration(tmp_path / "own.json", by_name(
        "delegated", "Calendars.ReadWrite.Shared", "Mail.ReadWrite.Shared", "Mail.Send")))
    assert code == 1 and ("missing", "Mail.Send.Shared") in {(f["kind"], f["permission"]) for f in found}


@pytest.mark.parametrize("auth", ["delegated", "application"])
@pytest.mark.parametrize("body", [SITE, OWN, SHARED], ids=["site", "own", "shared"])
def test_a_registration_built_from_scopes_passes_check_and_each_grant_is_needed(cli, tmp_path, body, auth):
    assert_round_trip(cli, _scanned(cli, tmp_path, body, auth), tmp_path)  # in-process: one run per grant dropped
