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
