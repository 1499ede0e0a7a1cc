"""Observed usage, input side: every export format read from real files, requests normalised, calls counted."""

from __future__ import annotations

import base64
import json

import pytest

from scopelint.errors import InputError
from scopelint.operations import load_operations
from scopelint.usage.normalise import normalise
from scopelint.usage.readers import read_calls
from scopelint.usage.tally import Tally, since_bound

APP = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
VOCAB = load_operations().vocabulary()


@pytest.mark.parametrize(("method", "uri", "expected"), [
    ("get", "https://graph.microsoft.com/v1.0/me/messages?$top=5#x", ("GET", "/me/messages")),
    ("GET", "/beta/users/ap@contoso.example/mailFolders/inbox/messages",
     ("GET", "/users/{id}/mailfolders/inbox/messages")),
    ("GET", "https://graph.microsoft.com/v1.0/users/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", ("GET", "/users/{id}")),
    ("GET", "/v1.0/users/ap%40contoso.example/messages", ("GET", "/users/{id}/messages")),
    ("PATCH", "/v1.0/me/messages/AAMkAGI2TG93AAA1x=", ("PATCH", "/me/messages/{id}")),
    ("GET", "/v1.0/sites/contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3/lists/1/items",
     ("GET", "/sites/{id}/lists/{id}/items")),
    ("GET", "/v1.0/me/drive/root:/Invoices/2026/march.xlsx:/content", ("GET", "/me/drive/items/{id}/content")),
    ("GET", "/v1.0/sites/contoso.sharepoint.com:/sites/Finance:/drive", ("GET", "/sites/{id}/drive")),
    ("GET", "/v1.0/me/events/{event-id}", ("GET", "/me/events/{id}")),
    ("GET", "/v1.0/reports/getOffice365ActivationsUserDetail", ("GET", "/reports/getoffice365activationsuserdetail")),
    ("POST", "https://graph.microsoft.com/v1.0/$batch", ("POST", "/$batch")),
    ("OPTIONS", "/v1.0/me", None),
    ("GET", "https://graph.microsoft.com/v1.0", None),
])
def test_requests_normalise_to_index_paths_without_ids_or_addresses(method, uri, expected):
    assert normalise(method, uri, VOCAB) == expected


def _az_rows(n: int = 3) -> list[dict]:
    return [{"TimeGenerated": f"2026-11-0{i + 1}T08:00:00Z", "AppId": APP.upper(), "RequestMethod": "GET",
             "RequestUri": f"https://graph.microsoft.com/v1.0/users/u{i}@contoso.example/messages?$top=1",
             "ResponseStatusCode": "200", "Scopes": "Mail.Read User.Read", "Roles": "", "UserId": f"user-{i}",
             "IPAddress": "203.0.113.9", "TableName": "PrimaryResult"} for i in range(n)]


def test_az_cli_json_rows_are_read_with_their_lines(tmp_path):
    path = tmp_path / "az.json"
    path.write_text(json.dumps(_az_rows(), indent=2))
    calls = list(read_calls(str(path)))
    assert [(c.method, c.status, c.app_id, c.scopes, c.line) for c in calls] == [
        ("GET", 200, APP, ("Mail.Read", "User.Read"), 2),
        ("GET", 200, APP, ("Mail.Read", "User.Read"), 14),
        ("GET", 200, APP, ("Mail.Read", "User.Read"), 26),
    ]


def test_portal_csv_with_bom_utc_suffix_and_us_times(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('\ufeffTimeGenerated [UTC],AppId,RequestMethod,RequestUri,ResponseStatusCode,Scopes,Roles\n'
                    f'"11/3/2026, 7:34:22.977 AM",{APP},GET,https://graph.microsoft.com/v1.0/me,200,User.Read,\n'
                    f'"11/30/2026, 9:00:00.000 PM",{APP},POST,https://graph.microsoft.com/v1.0/me/sendMail,202,'
                    '"Mail.Send User.Read",\n', encoding="utf-8")
    tally = Tally()
    tally.add(read_calls(str(path)))
    assert tally.window() == ("2026-11-03T07:34:22.977000", "2026-11-30T21:00:00")
    assert [(o.method, o.path, o.status, o.claims, o.calls) for o in tally.observed()] == [
        ("GET", "/me", 200, ("User.Read",), 1), ("POST", "/me/sendmail", 202, ("Mail.Send", "User.Read"), 1)]


def test_storage_export_json_lines_with_camel_case_properties(tmp_path):
    path = tmp_path / "PT1H.json"
    lines = [{"time": "2026-11-05T10:00:00Z", "category": "MicrosoftGraphActivityLogs",
              "properties": {"appId": APP, "requestMethod": "GET", "requestUri": "https://graph.microsoft.com/v1.0/"
                             "users/7c2e3f4a-1b2c-4d5e-8f9a-0b1c2d3e4f5a/messages", "responseStatusCode": 200,
                             "roles": "Mail.Read", "scopes": None, "ipAddress": "198.51.100.4"}}] * 3
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    tally = Tally()
    tally.add(read_calls(str(path)))
    (o,) = tally.observed()
    assert (o.scheme, o.method, o.path, o.claims, o.calls) == ("application", "GET", "/users/{id}/messages",
                                                               ("Mail.Read",), 3)
    assert tally.window() == ("2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z")


def _jwt(payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2lnbmF0dXJl"


def test_har_unpacks_batch_members_and_reads_claims_from_the_token(tmp_path):
    token = _jwt({"scp": "Mail.Read Mail.Send", "appid": APP, "oid": "secret-user"})
    batch = {"requests": [{"id": "1", "method": "GET", "url": "/me/messages?$top=5"},
                          {"id": "2", "method": "POST", "url": "me/sendMail"}]}
    answer = {"responses": [{"id": "1", "status": 200}, {"id": "2", "status": 403}]}
    har = {"log": {"version": "1.2", "creator": {"name": "Dev Proxy"}, "entries": [
        {"startedDateTime": "2026-11-02T09:00:00Z",
         "request": {"method": "POST", "url": "https://graph.microsoft.com/v1.0/$batch",
                     "headers": [{"name": "Authorization", "value": f"Bearer {token}"}],
                     "postData": {"mimeType": "application/json", "text": json.dumps(batch)}},
         "response": {"status": 200, "content": {"mimeType": "application/json", "text": json.dumps(answer)}}},
        {"startedDateTime": "2026-11-02T09:00:01Z",
         "request": {"method": "GET", "url": "https://graph.microsoft.com/v1.0/me",
                     "headers": [{"name": "authorization", "value": "REDACTED"}]},
         "response": {"status": 200}}]}}
    path = tmp_path / "devproxy.har"
    path.write_text(json.dumps(har, indent=1))
    calls = list(read_calls(str(path)))
    assert [(c.method, c.uri, c.status, c.scopes, c.app_id) for c in calls] == [
        ("GET", "/me/messages?$top=5", 200, ("Mail.Read", "Mail.Send"), APP),
        ("POST", "/me/sendMail", 403, ("Mail.Read", "Mail.Send"), APP),
        ("GET", "https://graph.microsoft.com/v1.0/me", 200, (), ""),
    ]
    assert all(token not in repr(c) and "secret-user" not in repr(c) for c in calls)


def test_dev_proxy_mocks_file(tmp_path):
    path = tmp_path / "mocks.json"
    path.write_text(json.dumps({"$schema": "https://example.invalid/mockresponseplugin.mocksfile.schema.json",
                                "mocks": [{"request": {"url": "https://graph.microsoft.com/v1.0/me/events/*"},
                                           "response": {"statusCode": 200}},
                                          {"request": {"url": "https://graph.microsoft.com/v1.0/me/sendMail",
                                                       "method": "POST"}, "response": {"statusCode": 403}}]}))
    tally = Tally(vocabulary=VOCAB)
    tally.add(read_calls(str(path)))
    assert [(o.method, o.path, o.status) for o in tally.observed()] == [("GET", "/me/events/{id}", 200),
                                                                      ("POST", "/me/sendmail", 403)]


def test_summary_query_export_counts_rows_by_their_count_column(tmp_path):
    path = tmp_path / "summary.csv"
    path.write_text("AppId,RequestMethod,Path,ResponseStatusCode,Scopes,Roles,Calls,LastSeen [UTC],FirstSeen [UTC]\n"
                    f"{APP},GET,/me/messages,200,Mail.Read,,1200,2026-11-30T10:00:00Z,2026-11-01T08:00:00Z\n"
                    f"{APP},POST,/$batch,200,Mail.Read,,7,2026-11-30T10:00:00Z,2026-11-01T08:00:00Z\n")
    tally = Tally()
    tally.add(read_calls(str(path)))
    assert (tally.calls, tally.batches, tally.window()) == (1200, 7, ("2026-11-01T08:00:00Z", "2026-11-30T10:00:00Z"))


def test_app_and_since_filters_count_what_they_leave_out(tmp_path):
    path = tmp_path / "az.json"
    rows = [*_az_rows(3), {**_az_rows(1)[0], "AppId": "2c9a1f7e-5b3d-4e6a-8f0c-1d2e3f4a5b6c"}]
    path.write_text(json.dumps(rows))
    tally = Tally(app_id=APP, since=since_bound("2026-11-02"))
    tally.add(read_calls(str(path)))
    assert (tally.rows, tally.calls, tally.filtered) == (4, 2, 2)


def test_reading_is_streamed_not_loaded(tmp_path):
    """The first call of a large export arrives before the reader has gone far into the file."""
    path = tmp_path / "big.json"
    row = json.dumps(_az_rows(1)[0])
    with path.open("w") as fh:
        fh.write("[\n")
        fh.write(",\n".join([row] * 40_000))
        fh.write("\n]\n")
    with path.open("rb") as probe:
        size = len(probe.read())
    calls = read_calls(str(path))
    next(calls)
    frame = calls.gi_frame
    raw = frame.f_locals["raw"]
    assert raw.tell() < size / 4
    calls.close()


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("broken.json", '[\n {"RequestMethod": "GET", "RequestUri": "/me"},\n {"RequestMethod": "GET",, }\n]', 3,
     "not valid JSON"),
    ("ragged.csv", "RequestMethod,RequestUri,ResponseStatusCode\nGET,/me,200\nGET,/me\n", 3, "2 fields"),
    ("nocols.csv", "Name,Value\na,b\n", 1, "no RequestMethod and RequestUri"),
    ("status.json", '[{"RequestMethod": "GET", "RequestUri": "/me", "ResponseStatusCode": "ok"}]', 1,
     "ResponseStatusCode must be a number"),
    ("lines.json", '{"RequestMethod": "GET", "RequestUri": "/me"}\n{"RequestMethod": \n', 2, "not a JSON object"),
    ("trunc.json", '[{"RequestMethod": "GET", "RequestUri": "/me"},\n', 2, "ends early"),
    ("nourl.har", '{"log": {"entries": [{"request": {"method": "GET"}}]}}', 1, "without request.url"),
    ("other.json", '{\n"value": []\n}', 3, "no 'log' or 'mocks' or 'records' key"),
])
def test_bad_input_names_file_and_line(tmp_path, name, text, line, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as err:
        list(read_calls(str(path)))
    assert (err.value.file, err.value.line) == (str(path), line)
    assert message in err.value.message
