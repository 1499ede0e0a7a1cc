"""`usage --workspace`: the real azure-monitor-query client against a local 127.0.0.1 server that answers like the
Log Analytics query API (POST /v1/workspaces/{id}/query -> {"tables": [{"name", "columns", "rows"}]}). Nothing of
the SDK is mocked."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("azure.monitor.query", reason="--workspace needs the logs extra: pip install 'scopelint[logs]'")

from conftest import EXAMPLES

WORKSPACE = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
APP = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2FwaS5sb2dhbmFseXRpY3MuaW8ifQ.c2VjcmV0LWxvZ3MtY2FuYXJ5"
SCOPES = "Mail.Read.Shared Mail.ReadWrite Mail.Send openid profile Sites.ReadWrite.All User.Read User.ReadWrite"
COLUMNS = [("AppId", "string"), ("RequestMethod", "string"), ("Path", "string"), ("ResponseStatusCode", "int"),
           ("Scopes", "string"), ("Roles", "string"), ("Calls", "long"), ("LastSeen", "datetime"),
           ("FirstSeen", "datetime")]
ROWS = [
    [APP, "GET", "/users/{id}/mailfolders/inbox/messages", 200, SCOPES, "", 4210, "2026-11-29T10:00:00Z",
     "2026-11-01T08:00:00Z"],
    [APP, "POST", "/me/sendmail", 202, SCOPES, "", 1300, "2026-11-28T10:00:00Z", "2026-11-02T08:00:00Z"],
    [APP, "GET", "/me", 200, SCOPES, "", 4210, "2026-11-29T10:00:00Z", "2026-11-01T08:00:00Z"],
    [APP, "PATCH", "/me/drive/items/{id}/workbook/worksheets/{id}/range(address='a2:f40')", 200, SCOPES, "", 1300,
     "2026-11-28T10:00:00Z", "2026-11-02T08:00:00Z"],
    [APP, "GET", "/users/{id}/calendar/events", 403, SCOPES, "", 12, "2026-11-20T10:00:00Z",
     "2026-11-19T08:00:00Z"],
    # Sites.ReadWrite.All serving a list read that needs only Sites.Read.All: the token is broader than its calls
    # (the workbook write above needs Files.ReadWrite, which Sites.ReadWrite.All does not cover: issue #12)
    [APP, "GET", "/sites/{id}/lists/{id}/items", 200, SCOPES, "", 6, "2026-11-21T10:00:00Z", "2026-11-20T08:00:00Z"],
]


class FakeLogAnalytics:
    """The query API for one workspace; `status`/`body` override the answer; `requests` logs what was asked."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.body: dict | None = None

    def answer(self) -> dict:
        return self.body or {"tables": [{"name": "PrimaryResult",
                                         "columns": [{"name": n, "type": t} for n, t in COLUMNS],
                                         "rows": ROWS}]}


@pytest.fixture
def logs_server():
    fake = FakeLogAnalytics()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            if self.path != f"/v1/workspaces/{WORKSPACE}/query":
                self._send(404, {"error": {"code": "PathNotFoundError", "message": "no such workspace"}})
                return
            if fake.status != 200:
                self._send(fake.status, fake.body or {})
                return
            self._send(200, fake.answer())

        def _send(self, status: int, doc: dict) -> None:
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


def test_workspace_query_runs_the_summary_kql_and_joins_it_with_the_manifest(logs_server, cli_proc):
    run = cli_proc("usage", "--workspace", WORKSPACE, "--logs-url", logs_server.url, "--token-env", "LA_TOKEN",
                   "--since", "2026-11-01", "-f", "json", EXAMPLES / "invoice-bot" / "scopelint.yaml",
                   env={"LA_TOKEN": TOKEN})
    assert run.code == 1, run.stderr  # the denied calendar reads are errors
    (request,) = logs_server.requests
    assert request["auth"] == f"Bearer {TOKEN}"
    query = request["body"]["query"]
    assert query.startswith("MicrosoftGraphActivityLogs\n| where TimeGenerated >= datetime(2026-11-01)")
    assert f'AppId =~ "{APP}"' in query and "summarize Calls = count()" in query
    doc = json.loads(run.stdout)
    kinds = sorted({f["kind"] for f in doc["findings"]})
    assert kinds == ["denied", "token-broader", "unused-grant", "used-undeclared"]
    (usage,) = doc["usage"]
    assert usage["calls"] == 4210 + 1300 + 4210 + 1300 + 12 + 6
    assert usage["window"] == {"first": "2026-11-01T08:00:00", "last": "2026-11-29T10:00:00", "days": 29}
    assert usage["sources"] == [f"workspace:{WORKSPACE}"]
    assert TOKEN not in run.stdout + run.stderr


def test_show_query_prints_the_kql_without_any_request(logs_server, cli_proc):
    run = cli_proc("usage", "--show-query", "--app-id", APP, "--workspace", WORKSPACE, "--logs-url", logs_server.url)
    assert run.code == 0
    assert run.stdout.startswith("MicrosoftGraphActivityLogs\n| where TimeGenerated >= ago(30d)\n")
    assert "by AppId, RequestMethod, Path, ResponseStatusCode, Scopes, Roles" in run.stdout
    assert logs_server.requests == []


@pytest.mark.parametrize(("status", "body", "expected"), [
    (403, {"error": {"code": "InsufficientAccessError", "message": "The provided credentials have insufficient "
                     f"access to perform the requested operation {TOKEN}"}}, "Log Analytics answered 403"),
    (400, {"error": {"code": "BadArgumentError", "message": "Failed to resolve table 'MicrosoftGraphActivityLogs'"}},
     "Log Analytics answered 400"),
])
def test_workspace_failures_are_one_line_exit_3_without_the_token(logs_server, cli_proc, status, body, expected):
    logs_server.status = status
    logs_server.body = body
    run = cli_proc("usage", "--workspace", WORKSPACE, "--logs-url", logs_server.url, "--token-env", "LA_TOKEN",
                   env={"LA_TOKEN": TOKEN})
    assert run.code == 3
    assert expected in run.stderr and len(run.stderr.strip().splitlines()) == 2  # the 'querying' note, the error
    assert TOKEN not in run.stderr and "Traceback" not in run.stderr


def test_unreachable_workspace_is_an_external_failure(cli_proc):
    run = cli_proc("usage", "--workspace", WORKSPACE, "--logs-url", "http://127.0.0.1:9", "--token-env", "LA_TOKEN",
                   "--timeout", "2", env={"LA_TOKEN": TOKEN})
    assert run.code == 3 and "cannot reach Log Analytics" in run.stderr


def test_workspace_must_be_a_guid_and_plain_http_only_on_loopback(cli_proc):
    bad = cli_proc("usage", "--workspace", "contoso-logs", "--token-env", "LA_TOKEN", env={"LA_TOKEN": TOKEN})
    assert bad.code == 2 and "workspace id (a GUID)" in bad.stderr
    http = cli_proc("usage", "--workspace", WORKSPACE, "--logs-url", "http://logs.example", "--token-env", "LA_TOKEN",
                    env={"LA_TOKEN": TOKEN})
    assert http.code == 2 and "https" in http.stderr
