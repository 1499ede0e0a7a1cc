"""Matching real Graph request URLs against Microsoft's path data."""

from __future__ import annotations

import pytest

from scopelint.operations import load_operations, parse_request

IX = load_operations()


@pytest.mark.parametrize(
    ("request_line", "key"),
    [
        ("GET /me/mailFolders/inbox/messages", "GET /me/mailfolders/{id}/messages"),
        ("get /ME/MESSAGES?$top=10&$select=subject", "GET /me/messages"),
        ("GET https://graph.microsoft.com/v1.0/me/messages", "GET /me/messages"),
        ("POST /users/robot@contoso.example/sendMail", "POST /users/{id}/sendmail"),
        ("GET /me/calendarView?startDateTime=2026-01-01", "GET /users/{id}/calendarview"),
        ("PUT /me/drive/root:/Invoices/a.pdf:/content", "PUT /me/drive/items/{id}/content"),
        ("GET /sites/contoso.sharepoint.com,1,2/lists/Orders/items", "GET /sites/{id}/lists/{id}/items"),
        ("GET /drives/b!xyz/items/01ABC/workbook/worksheets", "GET /me/drive/items/{id}/workbook/worksheets"),
    ],
)
def test_real_urls_match_the_documented_path(request_line, key):
    match = IX.match("delegated", request_line)
    assert match is not None and match.key == key


def test_least_and_accepted_come_from_microsofts_data():
    m = IX.match("delegated", "POST /me/sendMail")
    assert m.least == ("Mail.Send",) and "Mail.Send" in m.accepted
    app = IX.match("application", "DELETE /groups/123")
    assert app.least == ("Group.ReadWrite.All",)


def test_unknown_paths_do_not_match():
    assert IX.match("delegated", "GET /me/frobnications") is None


@pytest.mark.parametrize("bad", ["FETCH /me", "GET", "", "/me/messages"])
def test_bad_request_lines_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_request(bad)


def test_catalog_refresh_spells_path_data_names_as_the_catalog_does_per_type(cli, tmp_path):
    """Microsoft's path data names the application role `Calendars.ReadBasic.All` as `Calendars.ReadBasic`; the
    refreshed index uses the catalog's name, and names no catalog permission has are listed, not indexed."""
    import json

    sp = {"appId": "00000003-0000-0000-c000-000000000000",
          "oauth2PermissionScopes": [{"id": "662d75ba-a364-42ad-adee-f5f880ea4878", "value": "Calendars.ReadBasic",
                                      "type": "User", "adminConsentDisplayName": "Read basic details of calendars"}],
          "appRoles": [{"id": "8ba4a692-bc31-4128-9094-475872af8a53", "value": "Calendars.ReadBasic.All",
                        "displayName": "Read basic details of calendars in all mailboxes"}]}
    paths = {"source": "test", "permissions": {
        "Calendars.ReadBasic": {"pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"],
                                              "paths": {"/users/{id}/calendars": "least=DelegatedWork,Application"}}]},
        "ChannelMessage.Read.Group": {"pathSets": [{"schemeKeys": ["Application"], "methods": ["GET"],
                                                    "paths": {"/teams/{id}/channels/{id}/messages": ""}}]}}}
    (tmp_path / "sp.json").write_text(json.dumps(sp))
    (tmp_path / "paths.json").write_text(json.dumps(paths))
    run = cli("catalog", "refresh", "--from", tmp_path / "sp.json", "--paths", tmp_path / "paths.json",
              "--output", tmp_path / "out")
    assert run.code == 0, run.stderr
    ops = json.loads((tmp_path / "out" / "operations.json").read_text())
    assert ops["application"]["GET /users/{id}/calendars"] == [["Calendars.ReadBasic.All"], ["Calendars.ReadBasic.All"]]
    assert ops["delegated"]["GET /users/{id}/calendars"] == [["Calendars.ReadBasic"], ["Calendars.ReadBasic"]]
    assert ops["renamed"]["application"] == {"Calendars.ReadBasic": "Calendars.ReadBasic.All"}
    assert ops["unresolved"]["application"] == ["ChannelMessage.Read.Group"]
    assert "GET /teams/{id}/channels/{id}/messages" not in ops["application"]


def test_the_bundled_index_is_what_a_refresh_from_microsofts_data_builds():
    import json
    from importlib import resources

    from conftest import SHARED

    from scopelint.databuild import operations_from_paths

    source = SHARED / "graph" / "graph_api_permissions.json"
    if not source.is_file():
        pytest.skip("../shared is not beside the checkout")
    catalog = json.loads((resources.files("scopelint") / "data" / "catalog.json").read_text("utf-8"))
    built = operations_from_paths(json.loads(source.read_text("utf-8")), str(source), catalog)
    assert built == json.loads((resources.files("scopelint") / "data" / "operations.json").read_text("utf-8"))
