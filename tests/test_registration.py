"""Registration readers: every export format, GUIDs or names, case-insensitive types, lines, bad files."""

from __future__ import annotations

import json

import pytest

from scopelint.catalog import Permission, load_catalog
from scopelint.errors import InputError
from scopelint.registration import load_registration

CAT = load_catalog()
GRAPH = "00000003-0000-0000-c000-000000000000"
MAIL_SEND = CAT.get("delegated", "Mail.Send").id
MAIL_SEND_ROLE = CAT.get("application", "Mail.Send").id


def _reg(tmp_path, doc, name="app.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc, indent=2) if not isinstance(doc, str) else doc)
    return load_registration(p, CAT)


def test_graph_portal_manifest_with_guids_and_lines(tmp_path):
    reg = _reg(tmp_path, {"appId": "x", "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
        {"id": MAIL_SEND, "type": "Scope"}, {"id": MAIL_SEND_ROLE, "type": "Role"}]}]})
    assert reg.format == "Entra portal manifest (Microsoft Graph format)"
    assert [(g.permission, g.line) for g in reg.requested] == [
        (Permission("delegated", "Mail.Send"), 8), (Permission("application", "Mail.Send"), 12)]


def test_one_guid_that_is_both_a_scope_and_a_role_resolves_by_type(tmp_path):
    guid = "405a51b5-8d8d-430b-9842-8be4b0e9f324"
    reg = _reg(tmp_path, [{"resourceAppId": GRAPH, "resourceAccess": [
        {"id": guid, "type": "Scope"}, {"id": guid, "type": "Role"}]}])
    assert reg.format == "az ad app permission list"
    assert {g.permission for g in reg.requested} == {
        Permission("delegated", "User.Export.All"), Permission("application", "User.Export.All")}
    assert [g.line for g in reg.requested] == [6, 10]


def test_az_ad_app_show_and_the_legacy_aad_graph_format_are_recognised(tmp_path):
    body = [{"resourceAppId": GRAPH, "resourceAccess": [{"id": MAIL_SEND, "type": "Scope"}]}]
    show = _reg(tmp_path, {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications/$entity",
                           "requiredResourceAccess": body})
    legacy = _reg(tmp_path, {"oauth2Permissions": [], "replyUrlsWithType": [], "requiredResourceAccess": body},
                  "legacy.json")
    assert show.format.startswith("az ad app show")
    assert legacy.format == "Entra portal manifest (Azure AD Graph format)"
    assert show.requested_permissions("delegated") == legacy.requested_permissions("delegated") == {
        Permission("delegated", "Mail.Send")}


def test_teams_toolkit_names_case_and_placeholders(tmp_path):
    reg = _reg(tmp_path, {"appId": "${{AAD_APP_CLIENT_ID}}", "requiredResourceAccess": [
        {"resourceAppId": "Microsoft Graph", "resourceAccess": [
            {"id": " mail.send ", "type": "role"}, {"id": "User.Read", "type": "SCOPE"},
            {"id": "${{PERMISSION}}", "type": "Scope"}]}]})
    assert reg.requested_permissions("application") == {Permission("application", "Mail.Send")}
    assert reg.requested_permissions("delegated") == {Permission("delegated", "User.Read")}
    assert [(u.raw, u.reason) for u in reg.unresolved] == [("${{PERMISSION}}", "unresolved placeholder")]


def test_unknown_guid_bad_type_and_other_resources_are_kept_not_dropped(tmp_path):
    reg = _reg(tmp_path, [
        {"resourceAppId": GRAPH, "resourceAccess": [
            {"id": "deadbeef-0000-4000-8000-000000000000", "type": "Scope"},
            {"id": MAIL_SEND, "type": "Delegated"}]},
        {"resourceAppId": "00000002-0000-0ff1-ce00-000000000000", "resourceAccess": [{"id": "x", "type": "Role"}]}])
    assert reg.requested == ()
    assert [u.reason for u in reg.unresolved] == [
        "GUID not in the Graph permission catalog", "type 'Delegated' is neither 'Scope' nor 'Role'"]
    assert [(o.resource, o.permission_count) for o in reg.other_resources] == [
        ("00000002-0000-0ff1-ce00-000000000000", 1)]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"requiredResourceAccess": [\n  {"resourceAppId": 1}\n', "JSON syntax error", 3),
        ('{"displayName": "x"}', "no 'requiredResourceAccess' found", None),
        ('"just a string"', "expected a JSON object or array", None),
        ('{"requiredResourceAccess": {"a": 1}}', "'requiredResourceAccess' must be a list", 1),
        ('{"requiredResourceAccess": [{"resourceAppId": 5, "resourceAccess": []}]}',
         "needs a string 'resourceAppId'", 1),
    ],
)
def test_malformed_registration_files_are_one_error_with_file_and_line(tmp_path, text, message, line):
    with pytest.raises(InputError) as err:
        _reg(tmp_path, text)
    assert message in err.value.message and err.value.line == line
    assert err.value.file.endswith("app.json")
