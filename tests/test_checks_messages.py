"""What the grant checks tell the user to do, word for word where a user copies it: the permission kind the portal
and `az` expect (Scope for delegated, Role for application) and the registration line a finding points at. Found by
mutation testing (docs/testing.md): these details could change without any other test noticing."""

from __future__ import annotations

import json

import pytest
from report_fixtures import guid, write_project


def _findings(cli, manifest) -> list[dict]:
    return json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]


@pytest.mark.parametrize(("auth", "word"), [("delegated", "Scope"), ("application", "Role")])
def test_a_missing_permission_is_suggested_with_the_kind_the_registration_uses(cli, tmp_path, auth, word):
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[], auth=auth)
    (missing,) = [f for f in _findings(cli, manifest) if f["kind"] == "missing" and f["permission"] == "Mail.Send"]
    assert missing["suggestion"] == f"add Mail.Send ({word})"


def test_an_excess_grant_points_at_its_line_in_the_registration(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",),
                             grants=[("Mail.ReadWrite", "delegated"), ("Mail.Send", "delegated"),
                                     ("User.Read", "delegated"), ("Tasks.ReadWrite", "delegated")])
    (excess,) = [f for f in _findings(cli, manifest) if f["kind"] == "excess"]
    registration = (tmp_path / "app.json").read_text().splitlines()
    assert excess["permission"] == "Tasks.ReadWrite" and excess["file"].endswith("app.json")
    assert guid("Tasks.ReadWrite") in registration[excess["line"] - 1]


FIELDS = ("code", "severity", "message", "file", "line", "column", "activity", "permission", "permission_type",
          "suggestion", "evidence")
SEND_MAIL_EVIDENCE = ["activity UiPath.MicrosoftOffice365.Activities.Mail.SendMail (documented)",
                      "source: https://docs.uipath.com/activities/other/latest/productivity/office365-send-mail.md",
                      "Graph call: POST /me/messages", "Graph call: POST /me/sendMail"]


def _seen(cli, tmp_path, manifest, kind: str) -> list[dict]:
    """The findings of one kind, as the JSON output shows them, with the temporary folder as '<tmp>'; each must
    name the manifest it is about."""
    found = [f for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"] if f["kind"] == kind]
    assert {f["manifest"] for f in found} <= {str(manifest)}
    text = json.dumps([{k: f[k] for k in FIELDS} for f in found]).replace(str(tmp_path), "<tmp>")
    return json.loads(text)


D = "delegated"
A = "application"


def _line_of(path, text: str) -> int:
    """The 1-based line of a file that holds `text` (a registration line a finding should point at)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_missing_permission_names_the_activity_its_place_in_the_manifest_and_why_it_is_needed(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Get Mail", "Send Mail"),
                             grants=[("Mail.ReadWrite", D), ("User.Read", D)])
    assert _seen(cli, tmp_path, manifest, "missing") == [{
        "code": "SL101", "severity": "error",
        "message": "Send Mail needs Mail.Send, which the registration does not grant",
        "file": "<tmp>/scopelint.yaml", "line": 6, "column": 3, "activity": "Send Mail", "permission": "Mail.Send",
        "permission_type": "delegated", "suggestion": "add Mail.Send (Scope)", "evidence": SEND_MAIL_EVIDENCE}]


def test_a_missing_graph_call_names_the_operation_and_microsofts_data(cli, tmp_path):
    manifest = write_project(tmp_path, activities=(), grants=[("User.Read", D)])
    manifest.write_text(manifest.read_text() + "operations:\n  - GET /me/events\n")
    [f] = _seen(cli, tmp_path, manifest, "missing")
    assert f["message"] == "GET /me/events needs Calendars.ReadBasic, which the registration does not grant"
    assert (f["activity"], f["line"], f["column"], f["suggestion"]) == ("GET /me/events", 7, 5,
                                                                        "add Calendars.ReadBasic (Scope)")
    assert f["evidence"][1:] == ["Graph call: GET /me/events"]
    assert f["evidence"][0].startswith("source: ") and "graph" in f["evidence"][0].lower()


@pytest.mark.parametrize(("auth", "held", "text"), [
    ("delegated", "application", "Send Mail needs Mail.Send as a delegated permission; the registration has it as "
                                 "application (Role)"),
    ("application", "delegated", "Send Mail needs Mail.Send as an application permission; the registration has it "
                                 "as delegated (Scope)"),
])
def test_a_wrong_type_grant_says_which_type_is_needed_and_which_is_held(cli, tmp_path, auth, held, text):
    manifest = write_project(tmp_path, activities=("Send Mail",), auth=auth,
                             grants=[("Mail.ReadWrite", auth), ("Mail.Send", held)] + [("User.Read", D)] * (auth == D))
    [f] = [f for f in _seen(cli, tmp_path, manifest, "wrong-type") if f["permission"] == "Mail.Send"]
    assert f["message"] == text
    assert (f["code"], f["file"], f["line"], f["column"], f["activity"], f["permission_type"]) == (
        "SL104", "<tmp>/scopelint.yaml", 5, 3, "Send Mail", auth)
    assert [e for e in f["evidence"] if e.startswith("Graph call")] == SEND_MAIL_EVIDENCE[2:]


def test_a_grant_of_the_other_type_that_nothing_needs_is_reported_as_not_used(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",),
                             grants=[("Mail.ReadWrite", D), ("Mail.Send", D), ("User.Read", D),
                                     ("Mail.Send", "application"), ("openid", D)])
    assert _seen(cli, tmp_path, manifest, "excess") == [{
        "code": "SL102", "severity": "warning",
        "message": "Mail.Send is an application permission, but the manifest's auth is delegated: not used",
        "file": "<tmp>/app.json", "line": 21, "column": None, "activity": None, "permission": "Mail.Send",
        "permission_type": "application", "suggestion": None, "evidence": []}]
    assert _seen(cli, tmp_path, manifest, "wrong-type") == []  # it is not the twin of anything missing


def test_a_redundant_grant_names_what_covers_it_and_says_it_is_already_granted(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Write Range", "AddListItems"), auth="application",
                             grants=[("Files.ReadWrite.All", A), ("Sites.ReadWrite.All", A)])
    assert _seen(cli, tmp_path, manifest, "excess") == [{
        "code": "SL102", "severity": "warning",
        "message": "Files.ReadWrite.All is not needed: Sites.ReadWrite.All covers Write Range (Sites.ReadWrite.All "
                   "already granted)",
        "file": "<tmp>/app.json", "line": 9, "column": None, "activity": None, "permission": "Files.ReadWrite.All",
        "permission_type": "application", "suggestion": "remove Files.ReadWrite.All", "evidence": []}]


def test_an_unneeded_grant_says_nothing_needs_it_and_suggests_no_replacement(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Write Range",),
                             grants=[("Files.ReadWrite", D), ("Files.ReadWrite.All", D)])
    [f] = _seen(cli, tmp_path, manifest, "excess")
    assert (f["message"], f["suggestion"], f["permission"]) == (
        "Files.ReadWrite.All is granted but nothing in the manifest needs it", None, "Files.ReadWrite.All")


def test_a_broader_grant_serving_two_activities_names_both_and_no_single_activity(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Write Range", "Read Range"), grants=[("Files.ReadWrite.All", D)])
    assert _seen(cli, tmp_path, manifest, "broader") == [{
        "code": "SL103", "severity": "warning",
        "message": "Files.ReadWrite.All is broader than needed for Read Range, Write Range: Files.ReadWrite would do",
        "file": "<tmp>/app.json", "line": 9, "column": None, "activity": None, "permission": "Files.ReadWrite.All",
        "permission_type": "delegated", "suggestion": "replace Files.ReadWrite.All with Files.ReadWrite",
        "evidence": ["Read Range is satisfied through Files.ReadWrite.All",
                     "Write Range is satisfied through Files.ReadWrite.All"]}]


def test_a_broader_grant_serving_one_activity_names_it(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Write Range",), grants=[("Files.ReadWrite.All", D)])
    [f] = _seen(cli, tmp_path, manifest, "broader")
    assert (f["activity"], f["evidence"]) == ("Write Range", ["Write Range is satisfied through Files.ReadWrite.All"])


def test_a_grant_nothing_known_needs_next_to_an_unknown_activity_is_not_judged(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Sned Mial"),
                             grants=[("Mail.ReadWrite", D), ("Mail.Send", D), ("User.Read", D), ("Tasks.Read", D)])
    assert _seen(cli, tmp_path, manifest, "cannot-judge") == [{
        "code": "SL205", "severity": "info",
        "message": "Tasks.Read is not needed by anything known, but 'Sned Mial' may need it (its permissions are "
                   "unknown): not judged, and kept by the remedy",
        "file": "<tmp>/app.json", "line": 21, "column": None, "activity": None, "permission": "Tasks.Read",
        "permission_type": "delegated", "suggestion": "fix the unknown activity or Graph call, then check again",
        "evidence": []}]


def test_an_unknown_guid_in_the_registration_is_quoted_with_the_reason(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[])
    reg = tmp_path / "app.json"
    doc = json.loads(reg.read_text())
    doc["requiredResourceAccess"][0]["resourceAccess"] = [{"id": "0000dead-beef-4000-8000-000000000000",
                                                          "type": "Role"}]
    reg.write_text(json.dumps(doc, indent=2))
    assert _seen(cli, tmp_path, manifest, "unknown-permission") == [{
        "code": "SL202", "severity": "warning",
        "message": "'0000dead-beef-4000-8000-000000000000': GUID not in the Graph permission catalog",
        "file": "<tmp>/app.json", "line": _line_of(reg, "0000dead-beef"), "column": None, "activity": None,
        "permission": "0000dead-beef-4000-8000-000000000000", "permission_type": "application", "suggestion": None,
        "evidence": []}]


def test_permissions_for_another_api_are_counted_and_named_by_resource(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[])
    reg = tmp_path / "app.json"
    doc = json.loads(reg.read_text())
    doc["requiredResourceAccess"] = [{"resourceAppId": "00000002-0000-0ff1-ce00-000000000000", "resourceAccess": [
        {"id": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "type": "Role"},
        {"id": "dc50a0fb-09a3-484d-be87-e023b12c6440", "type": "Role"}]}]
    reg.write_text(json.dumps(doc, indent=2))
    assert _seen(cli, tmp_path, manifest, "not-checked") == [{
        "code": "SL204", "severity": "info",
        "message": "2 permission(s) for resource 00000002-0000-0ff1-ce00-000000000000 (not Microsoft Graph): not "
                   "checked",
        "file": "<tmp>/app.json", "line": _line_of(reg, '"resourceAppId"'), "column": None, "activity": None,
        "permission": None, "permission_type": None, "suggestion": None, "evidence": []}]


def test_under_application_auth_a_delegated_grant_is_reported_with_its_type(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",), auth="application",
                             grants=[("Mail.ReadWrite", "application"), ("Mail.Send", "application"), ("User.Read", D)])
    [f] = _seen(cli, tmp_path, manifest, "excess")
    assert f["message"] == "User.Read is a delegated permission, but the manifest's auth is application: not used"
    assert (f["permission"], f["permission_type"]) == ("User.Read", "delegated")


def test_a_grant_a_needed_addition_makes_redundant_says_once_what_is_granted(cli, tmp_path):
    """App-only, Add List Items needs Sites.ReadWrite.All, which also covers Write Range (the application edge is
    proven; delegated it is not): Files.ReadWrite.All is then not needed."""
    manifest = write_project(tmp_path, activities=("Write Range", "AddListItems"), auth="application",
                             grants=[("Files.ReadWrite.All", A)])
    [f] = _seen(cli, tmp_path, manifest, "excess")
    assert f["message"] == ("Files.ReadWrite.All is not needed once Sites.ReadWrite.All is granted: "
                            "Sites.ReadWrite.All covers Write Range")
    assert (f["suggestion"], f["permission"]) == ("remove Files.ReadWrite.All", "Files.ReadWrite.All")
    assert [m["permission"] for m in _seen(cli, tmp_path, manifest, "missing")] == ["Sites.ReadWrite.All"]


def test_a_wrong_typed_twin_does_not_hide_the_missing_permissions_after_it(cli, tmp_path):
    """Mail.ReadWrite is held as a Role (wrong type); Mail.Send and User.Read are not held at all: all three are
    reported, the twin as wrong-type and the other two as missing."""
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[("Mail.ReadWrite", "application")])
    assert [f["permission"] for f in _seen(cli, tmp_path, manifest, "wrong-type")] == ["Mail.ReadWrite"]
    assert sorted(f["permission"] for f in _seen(cli, tmp_path, manifest, "missing")) == ["Mail.Send", "User.Read"]
