"""Live mode against a real HTTP server on 127.0.0.1 that answers like Microsoft Graph, through the real msgraph-sdk.

The server speaks Graph-shaped JSON with real permission GUIDs: paging, throttling with Retry-After, server errors,
malformed bodies, slow answers, 401/403/404. Nothing of the SDK is mocked.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytest.importorskip("msgraph", reason="live mode needs the graph extra: pip install 'scopelint[graph]'")
pytest.importorskip("azure.identity", reason="live mode needs the graph extra: pip install 'scopelint[graph]'")

from scopelint.catalog import load_catalog

CAT = load_catalog()
GRAPH = "00000003-0000-0000-c000-000000000000"
SHAREPOINT = "00000003-0000-0ff1-ce00-000000000000"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
APP_OBJECT = "4f1c2e8a-6f0b-4c1d-9a7e-2b5d8c3e1f00"
APP_SP = "b1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e0f"
OTHER_APP_ID = "2c9a1f7e-5b3d-4e6a-8f0c-1d2e3f4a5b6c"
OTHER_SP = "6e5d4c3b-2a19-4807-b6a5-948372615041"
GRAPH_SP = "c4a5b6d7-e8f9-4a0b-9c1d-2e3f4a5b6c7d"
SHAREPOINT_SP = "d9e8f7a6-b5c4-4d3e-8f2a-1b0c9d8e7f6a"
USER_A = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
USER_B = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PREVIEW_ID = "7d3f0c4e-9b2a-4e15-8c6d-3f2a1b0c9e8d"  # a permission the tenant knows and the bundled catalog not
CANARY = "eyJ0eXAiOiJKV1QiLCJjYW5hcnkiOiJzY29wZWxpbnQtY2FuYXJ5LTkxNzMifQ.Y2FuYXJ5.c2VjcmV0LWNhbmFyeS05MTcz"
CANARY_PARTS = ("c2VjcmV0LWNhbmFyeS05MTcz", "scopelint-canary-9173")


def _id(ptype: str, name: str) -> str:
    return CAT.get(ptype, name).id


def _graph_service_principal() -> dict:
    """Graph's service principal as a tenant serves it, built from the bundled catalog plus one preview scope."""
    doc = json.loads((resources.files("scopelint") / "data" / "catalog.json").read_text(encoding="utf-8"))
    scopes = [{"id": r["id"], "value": r["value"], "type": "Admin" if r["admin"] else "User", "isEnabled": True,
               "adminConsentDisplayName": r["title"]} for r in doc["delegated"]]
    scopes.append({"id": PREVIEW_ID, "value": "Contoso.Preview.Read", "type": "User", "isEnabled": True,
                   "adminConsentDisplayName": "Preview"})
    roles = [{"id": r["id"], "value": r["value"], "displayName": r["title"], "isEnabled": True,
              "allowedMemberTypes": ["Application"]} for r in doc["application"]]
    return {"id": GRAPH_SP, "appId": GRAPH, "displayName": "Microsoft Graph", "oauth2PermissionScopes": scopes,
            "appRoles": roles}


GRAPH_SP_DOC = _graph_service_principal()


def _tenant_state() -> dict:
    scope = lambda n: {"id": _id("delegated", n), "type": "Scope"}  # noqa: E731
    return {
        "apps": {
            APP_ID: {"id": APP_OBJECT, "appId": APP_ID, "displayName": "invoice-bot (UiPath)",
                     "requiredResourceAccess": [
                         {"resourceAppId": GRAPH, "resourceAccess": [
                             scope("Files.ReadWrite"), scope("Mail.ReadWrite"), scope("Mail.Send"), scope("User.Read"),
                             scope("Sites.ReadWrite.All"), {"id": PREVIEW_ID, "type": "Scope"},
                             {"id": _id("application", "Sites.FullControl.All"), "type": "Role"}]},
                         {"resourceAppId": SHAREPOINT, "resourceAccess": [
                             {"id": "4e0d77b0-96ba-4398-af14-3baa780278f4", "type": "Scope"}]}]},
            OTHER_APP_ID: {"id": "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", "appId": OTHER_APP_ID,
                           "displayName": "report-mailer", "requiredResourceAccess": [
                               {"resourceAppId": GRAPH, "resourceAccess": [
                                   {"id": _id("application", "Mail.Send"), "type": "Role"}]}]},
        },
        "sps": {
            APP_SP: {"id": APP_SP, "appId": APP_ID, "displayName": "invoice-bot (UiPath)",
                     "appOwnerOrganizationId": TENANT},
            OTHER_SP: {"id": OTHER_SP, "appId": OTHER_APP_ID, "displayName": "report-mailer",
                       "appOwnerOrganizationId": TENANT},
            GRAPH_SP: GRAPH_SP_DOC,
            SHAREPOINT_SP: {"id": SHAREPOINT_SP, "appId": SHAREPOINT, "displayName": "Office 365 SharePoint Online"},
        },
        "grants": [
            {"id": "g1", "clientId": APP_SP, "consentType": "AllPrincipals", "principalId": None,
             "resourceId": GRAPH_SP, "scope": "User.Read Mail.ReadWrite Sites.ReadWrite.All openid profile"},
            {"id": "g2", "clientId": APP_SP, "consentType": "Principal", "principalId": USER_A,
             "resourceId": GRAPH_SP, "scope": "Mail.Send Calendars.Read"},
            {"id": "g3", "clientId": APP_SP, "consentType": "Principal", "principalId": USER_B,
             "resourceId": GRAPH_SP, "scope": "Calendars.Read Contoso.Preview.Read"},
            {"id": "g4", "clientId": APP_SP, "consentType": "AllPrincipals", "principalId": None,
             "resourceId": SHAREPOINT_SP, "scope": "AllSites.Read"},
        ],
        "roles": {
            APP_SP: [
                {"id": "r1", "appRoleId": _id("application", "Sites.FullControl.All"), "principalId": APP_SP,
                 "resourceId": GRAPH_SP},
                {"id": "r2", "appRoleId": _id("application", "Mail.Send"), "principalId": APP_SP,
                 "resourceId": GRAPH_SP},
                {"id": "r3", "appRoleId": "00000000-0000-0000-0000-000000000000", "principalId": APP_SP,
                 "resourceId": SHAREPOINT_SP},
            ],
            OTHER_SP: [],
        },
    }


class FakeGraph:
    """Graph v1.0 for a handful of routes. `script` maps a path prefix to responses served before the real one;
    `requests` logs (path, authorization header) of every request."""

    def __init__(self) -> None:
        self.state = _tenant_state()
        self.script: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.batched: list[str] = []  # the requests that came inside a JSON $batch
        self._last_scripted: dict[str, bool] = {}
        self.batch_sizes: list[int] = []
        self.page_size = 2
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def count(self, prefix: str) -> int:
        return sum(1 for path, _ in self.requests if unquote(path).startswith(prefix))

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with fake.lock:
                    fake.requests.append((self.path, self.headers.get("Authorization")))
                status, headers, body, delay = fake.answer(self.path, self.headers.get("Authorization"))
                if delay:
                    time.sleep(delay)
                self.reply(status, headers, body)

            def do_POST(self) -> None:
                auth = self.headers.get("Authorization")
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake.lock:
                    fake.requests.append((self.path, auth))
                status, headers, body, _ = fake.answer(self.path, auth)
                if status == 200 and not fake.scripted(self.path):
                    body = {"responses": []}
                    fake.batch_sizes.append(len(json.loads(raw)["requests"]))
                    for item in json.loads(raw)["requests"]:
                        with fake.lock:
                            fake.batched.append(item["url"])
                        code, item_headers, item_body, _ = fake.answer("/v1.0" + item["url"], auth)
                        body["responses"].append({"id": item["id"], "status": code, "headers": item_headers,
                                                  "body": json.loads(item_body) if isinstance(item_body, bytes)
                                                  else item_body})
                self.reply(status, headers, body)

            def reply(self, status: int, headers: dict, body) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def scripted(self, raw_path: str) -> bool:
        """Whether the last answer for this path came from the script (a $batch answered as scripted)."""
        return self._last_scripted.get(unquote(urlsplit(raw_path).path), False)

    def answer(self, raw_path: str, auth: str | None):
        path = unquote(urlsplit(raw_path).path)
        with self.lock:
            self._last_scripted[path] = False
            for prefix, queue in self.script.items():
                if path.startswith(prefix) and queue:
                    self._last_scripted[path] = True
                    step = queue.pop(0)
                    body = step.get("body", {"error": {"code": "Scripted", "message": "scripted"}})
                    if step.get("echo_auth"):
                        body = {"error": {"code": "InvalidAuthenticationToken",
                                          "message": f"Access token is invalid: {auth}"}}
                    return step.get("status", 200), step.get("headers", {}), body, step.get("delay", 0)
        if not path.startswith("/v1.0/"):
            return 404, {}, _error("NotFound", "no such version"), 0
        return (*self.route(path[len("/v1.0"):], parse_qs(urlsplit(raw_path).query)), 0)

    def route(self, path: str, query: dict):
        s = self.state
        if path == "/$batch":
            return 200, {}, {}
        if path.startswith("/applications(appId="):
            app = s["apps"].get(_key(path))
            return (200, {}, app) if app else (404, {}, _error("Request_ResourceNotFound", "not found"))
        if path == "/applications":
            return 200, {}, self.page(path, query, list(s["apps"].values()))
        if path.startswith("/servicePrincipals(appId="):
            sp = next((v for v in s["sps"].values() if v["appId"] == _key(path)), None)
            return (200, {}, sp) if sp else (404, {}, _error("Request_ResourceNotFound", "not found"))
        parts = path.strip("/").split("/")
        if parts[0] == "servicePrincipals" and len(parts) == 2:
            sp = s["sps"].get(parts[1])
            return (200, {}, sp) if sp else (404, {}, _error("Request_ResourceNotFound", "not found"))
        if path == "/servicePrincipals":
            return 200, {}, self.page(path, query, list(s["sps"].values()))
        if parts[0] == "servicePrincipals" and parts[2:] == ["appRoleAssignments"]:
            return 200, {}, self.page(path, query, s["roles"].get(parts[1], []))
        if parts[0] == "servicePrincipals" and parts[2:] == ["appRoleAssignedTo"]:
            assigned = [r for rows in s["roles"].values() for r in rows if r["resourceId"] == parts[1]]
            return 200, {}, self.page(path, query, assigned)
        if path == "/oauth2PermissionGrants":
            if "$filter" not in query:
                return 200, {}, self.page(path, query, s["grants"])
            client = query["$filter"][0].split("'")[1]
            return 200, {}, self.page(path, query, [g for g in s["grants"] if g["clientId"] == client])
        return 404, {}, _error("BadRequest", f"unknown route {path}")

    def page(self, path: str, query: dict, items: list) -> dict:
        """One page: the client's $top, at most the server's `page_size`; only the $select-ed fields."""
        start = int(query.get("$skiptoken", ["0"])[0])
        size = min(self.page_size, int(query.get("$top", [self.page_size])[0]))
        fields = query["$select"][0].split(",") if "$select" in query else None
        doc = {"value": [{k: v for k, v in item.items() if fields is None or k in fields}
                         for item in items[start:start + size]]}
        if start + size < len(items):
            rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "$skiptoken")
            doc["@odata.nextLink"] = f"{self.url}/v1.0{path}?$skiptoken={start + size}&{rest}"
        return doc


def _key(path: str) -> str:
    return path.split("'")[1]


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


@pytest.fixture
def graph():
    fake = FakeGraph()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def live(cli, graph, monkeypatch):
    """Run a live command against the fake tenant with a canary bearer token."""
    monkeypatch.setenv("SL_TEST_TOKEN", CANARY)
    monkeypatch.delenv("SCOPELINT_GRAPH_URL", raising=False)

    def run(*args, **kw):
        return cli(*args, "--token-env", "SL_TEST_TOKEN", "--graph-url", graph.url, **kw)

    return run


MANIFEST = """scopelint: 1
name: invoice-bot
auth: delegated
activities:
  - Send Mail
  - Write Range
"""


def _manifest(tmp_path, registration: str | None = None):
    p = tmp_path / "scopelint.yaml"
    p.write_text(MANIFEST + (registration or ""))
    return p


def _no_canary(*texts: str) -> None:
    for text in texts:
        assert CANARY not in text
        for part in CANARY_PARTS:
            assert part not in text


# fetch -----

def test_fetch_writes_a_snapshot_with_requested_and_consented_permissions(live, graph, tmp_path):
    out = tmp_path / "snap.json"
    run = live("fetch", APP_ID, "-o", out)
    assert run.code == 0, run.stderr
    assert "reading app registration" in run.stderr and graph.url in run.stderr
    assert "wrote" in run.stdout and "1 per-user" not in run.stdout
    doc = json.loads(out.read_text())
    assert doc["scopelint-snapshot"] == 1 and doc["tenant"] == TENANT and doc["application"]["appId"] == APP_ID
    assert doc["tool"]["version"] and doc["fetched"].endswith("Z") and doc["servicePrincipal"] == {"id": APP_SP}
    requested = {(r["type"], r["value"]) for r in doc["requested"] if r["resourceAppId"] == GRAPH}
    assert ("Scope", "Files.ReadWrite") in requested and ("Role", "Sites.FullControl.All") in requested
    assert ("Scope", "Contoso.Preview.Read") in requested  # named by the tenant's Graph service principal
    consent = {(c["type"], c["value"], c["consent"]): c for c in doc["consented"] if c["resourceAppId"] == GRAPH}
    assert ("Scope", "User.Read", "AllPrincipals") in consent
    assert consent[("Scope", "Calendars.Read", "Principal")]["users"] == 2
    assert consent[("Scope", "Mail.Send", "Principal")]["users"] == 1
    assert ("Role", "Mail.Send", "AppRoleAssignment") in consent
    assert consent[("Role", "Sites.FullControl.All", "AppRoleAssignment")]["id"] == _id("application",
                                                                                      "Sites.FullControl.All")
    assert any(c["resourceAppId"] == SHAREPOINT and c["value"] == "AllSites.Read" for c in doc["consented"])
    text = out.read_text()
    assert USER_A not in text and USER_B not in text  # per-user consent is a count, no personal data
    assert all(auth == f"Bearer {CANARY}" for _, auth in graph.requests)
    _no_canary(text, run.stdout, run.stderr)


def test_the_snapshot_follows_its_published_schema(live, tmp_path):
    import jsonschema
    from conftest import ROOT

    out = tmp_path / "snap.json"
    assert live("fetch", APP_ID, "-o", out).code == 0
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        json.loads(out.read_text()))


def test_show_users_records_who_consented(live):
    run = live("fetch", APP_ID, "--show-users")
    assert run.code == 0
    doc = json.loads(run.stdout)
    calendars = next(c for c in doc["consented"] if c["value"] == "Calendars.Read")
    assert calendars["principals"] == sorted([USER_A, USER_B])


def test_paging_is_followed_for_grants_and_assignments(live, graph):
    graph.page_size = 1
    run = live("fetch", APP_ID)
    assert run.code == 0, run.stderr
    assert graph.count("/v1.0/oauth2PermissionGrants") == 4
    assert len([c for c in json.loads(run.stdout)["consented"] if c["consent"] == "AppRoleAssignment"]) == 2


def test_two_fetches_differ_only_in_time(live):
    first, second = (json.loads(live("fetch", APP_ID).stdout) for _ in range(2))
    first.pop("fetched"), second.pop("fetched")
    assert first == second


def test_an_app_without_service_principal_has_nothing_consented(live, graph):
    del graph.state["sps"][APP_SP]
    run = live("fetch", APP_ID)
    doc = json.loads(run.stdout)
    assert run.code == 0 and doc["servicePrincipal"] is None and doc["consented"] == []


# check --live -----

def test_check_live_compares_required_requested_and_consented(live, tmp_path):
    run = live("check", "--live", "--app-id", APP_ID, "--format", "json", _manifest(tmp_path))
    assert run.code == 1, run.stderr
    findings = [f for f in json.loads(run.stdout)["findings"]]
    kinds = {(f["kind"], f["permission"], f["permission_type"]) for f in findings}
    assert ("not-consented", "Files.ReadWrite", "delegated") in kinds
    assert ("consented-not-requested", "Calendars.Read", "delegated") in kinds
    assert ("consented-not-requested", "Mail.Send", "application") in kinds
    assert not any(k == "not-consented" and p in ("Mail.Send", "User.Read", "Mail.ReadWrite") for k, p, _ in kinds)
    assert not any(p in ("openid", "profile") for _, p, _ in kinds)
    assert all(f["file"] == f"graph:{APP_ID}" for f in findings if f["kind"] == "not-consented")
    _no_canary(run.stdout, run.stderr)


def test_check_live_reads_the_manifest_registration_mapping(live, tmp_path):
    manifest = _manifest(tmp_path, f"registration:\n  client_id: {APP_ID}\n  tenant: {TENANT}\n")
    run = live("check", "--live", manifest)
    assert run.code == 1
    assert "not-consented" in run.stdout and "Files.ReadWrite" in run.stdout


def test_live_check_and_offline_check_of_its_snapshot_agree(live, cli, tmp_path):
    snap = tmp_path / "snap.json"
    assert live("fetch", APP_ID, "-o", snap).code == 0
    online = json.loads(live("check", "--live", "--app-id", APP_ID, "-f", "json", _manifest(tmp_path)).stdout)
    offline_run = cli("check", "--registration", snap, "-f", "json", _manifest(tmp_path))
    offline = json.loads(offline_run.stdout)
    assert offline_run.code == 1
    key = lambda f: (f["kind"], f["permission"], f["permission_type"])  # noqa: E731
    assert sorted(map(key, online["findings"])) == sorted(map(key, offline["findings"]))
    assert any(f["kind"] == "not-consented" and f["line"] for f in offline["findings"])


def test_live_options_without_live_are_a_usage_error(cli, tmp_path):
    run = cli("check", "--app-id", APP_ID, _manifest(tmp_path))
    assert run.code == 2 and "--live" in run.stderr


# robustness -----

def test_throttling_is_retried_honouring_retry_after(live, graph):
    graph.script["/v1.0/applications("] = [{"status": 429, "headers": {"Retry-After": "0"}},
                                            {"status": 503, "headers": {"Retry-After": "1"}}]
    run = live("fetch", APP_ID)
    assert run.code == 0, run.stderr
    assert graph.count("/v1.0/applications(") == 3


def test_retries_are_bounded_in_count(live, graph):
    graph.script["/v1.0/servicePrincipals(appId="] = [{"status": 429, "headers": {"Retry-After": "0"}}] * 20
    run = live("fetch", APP_ID)
    assert run.code == 3
    assert "throttling" in run.stderr and run.stderr.count("\n") == 2  # the announcement and one error line
    assert graph.count("/v1.0/servicePrincipals(appId=") == 5  # first try + 4 retries


def test_a_retry_after_beyond_the_time_budget_is_not_waited_for(live, graph):
    graph.script["/v1.0/applications("] = [{"status": 503, "headers": {"Retry-After": "3600"}}]
    run = live("fetch", APP_ID)
    assert run.code == 3 and "unavailable (503)" in run.stderr
    assert graph.count("/v1.0/applications(") == 1


def test_a_server_error_is_an_external_failure_without_retry(live, graph):
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"status": 500, "body": _error("InternalServerError", "boom")}]
    run = live("fetch", APP_ID)
    assert run.code == 3 and "answered 500" in run.stderr and "Traceback" not in run.stderr
    assert graph.count("/v1.0/oauth2PermissionGrants") == 1


def test_malformed_json_is_an_external_failure(live, graph):
    graph.script["/v1.0/applications("] = [{"status": 200, "body": b'{"id": "x", "requiredResourceAccess": [{'}]
    run = live("fetch", APP_ID)
    assert run.code == 3 and "sent a response that is not JSON" in run.stderr


def test_a_slow_answer_times_out(live, graph):
    graph.script["/v1.0/applications("] = [{"status": 200, "delay": 3, "body": {}}]
    run = live("fetch", APP_ID, "--timeout", "0.3")
    assert run.code == 3 and "did not answer within 0.3 s" in run.stderr


def test_401_names_the_permission_the_reader_needs_and_never_echoes_the_token(live, graph):
    graph.script["/v1.0/applications("] = [{"status": 401, "echo_auth": True}]
    run = live("fetch", APP_ID)
    assert run.code == 3 and "401" in run.stderr and "Application.Read.All" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 2
    _no_canary(run.stdout, run.stderr)


def test_403_on_grants_names_the_grant_reading_permission(live, graph):
    graph.script["/v1.0/oauth2PermissionGrants"] = [
        {"status": 403, "body": _error("Authorization_RequestDenied", "Insufficient privileges")}]
    run = live("fetch", APP_ID)
    assert run.code == 3
    assert "403" in run.stderr and "Directory.Read.All or DelegatedPermissionGrant.Read.All" in run.stderr


def test_an_unknown_app_id_is_a_clear_error(live):
    run = live("fetch", "11111111-2222-4333-8444-555555555555")
    assert run.code == 2 and "no application with appId 11111111-2222-4333-8444-555555555555" in run.stderr


def test_an_app_id_that_is_no_guid_is_refused_before_any_request(live, graph):
    run = live("fetch", "invoice-bot")
    assert run.code == 2 and "GUID" in run.stderr and graph.requests == []


def test_a_paging_loop_is_stopped(live, graph):
    loop = f"{graph.url}/v1.0/oauth2PermissionGrants?$skiptoken=loop"
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"body": {"value": [], "@odata.nextLink": loop}}] * 3
    run = live("fetch", APP_ID)
    assert run.code == 3 and "paging loop" in run.stderr
    assert graph.count("/v1.0/oauth2PermissionGrants") == 2


def test_a_next_link_to_another_host_is_not_followed(live, graph):
    other = FakeGraph()
    other.thread.start()
    try:
        link = other.url.replace("127.0.0.1", "localhost") + "/v1.0/oauth2PermissionGrants?$skiptoken=2"
        graph.script["/v1.0/oauth2PermissionGrants"] = [{"body": {"value": [], "@odata.nextLink": link}}]
        run = live("fetch", APP_ID)
        assert run.code == 3 and "another host" in run.stderr
        assert other.requests == []
    finally:
        other.server.shutdown()
        other.server.server_close()


def test_graph_url_from_the_environment_and_http_only_on_loopback(cli, graph, monkeypatch):
    monkeypatch.setenv("SL_TEST_TOKEN", CANARY)
    monkeypatch.setenv("SCOPELINT_GRAPH_URL", graph.url + "/v1.0/")
    assert cli("fetch", APP_ID, "--token-env", "SL_TEST_TOKEN").code == 0
    run = cli("fetch", APP_ID, "--token-env", "SL_TEST_TOKEN", "--graph-url", "http://graph.example.com")
    assert run.code == 2 and "https" in run.stderr


def test_a_missing_token_variable_is_an_input_error(cli, graph):
    run = cli("fetch", APP_ID, "--token-env", "SL_NO_SUCH_VARIABLE", "--graph-url", graph.url)
    assert run.code == 2 and "SL_NO_SUCH_VARIABLE" in run.stderr


# secrets -----

def test_canary_token_appears_in_no_output_file_or_log(cli_proc, graph, tmp_path):
    env = {"SL_TEST_TOKEN": CANARY, "SCOPELINT_GRAPH_URL": graph.url}
    snap = tmp_path / "snap.json"
    runs = [
        cli_proc("fetch", APP_ID, "--token-env", "SL_TEST_TOKEN", "-o", snap, env=env),
        cli_proc("check", "--live", "--app-id", APP_ID, "-f", "json", "--token-env", "SL_TEST_TOKEN",
                 _manifest(tmp_path), env=env),
        cli_proc("audit", "--live", "--all-apps", "--token-env", "SL_TEST_TOKEN", env=env),
    ]
    graph.script["/v1.0/applications("] = [{"status": 401, "echo_auth": True}]
    runs.append(cli_proc("fetch", APP_ID, "--token-env", "SL_TEST_TOKEN", env=env))
    assert [r.code for r in runs] == [0, 1, 0, 3]
    assert graph.requests and all(auth == f"Bearer {CANARY}" for _, auth in graph.requests)
    _no_canary(snap.read_text(), *(r.stdout for r in runs), *(r.stderr for r in runs))


def _managed_identity_run(graph, tmp_path, *args):
    """`scopelint ARGS` with DefaultAzureCredential narrowed to a managed identity served by the fake on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_", "MSI_"))}
    env.update({"PATH": os.path.dirname(sys.executable), "HOME": str(tmp_path), "SCOPELINT_GRAPH_URL": graph.url,
                "AZURE_TOKEN_CREDENTIALS": "ManagedIdentityCredential", "IDENTITY_ENDPOINT": f"{graph.url}/msi",
                "IDENTITY_HEADER": "loopback-test"})
    env.pop("SCOPELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "scopelint", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_default_credential_fetches_one_token_per_run(graph, tmp_path):
    token = "msi-" + CANARY_PARTS[0]
    graph.script["/msi"] = [{"body": {"access_token": token, "expires_on": str(int(time.time()) + 3600),
                                      "resource": graph.url, "token_type": "Bearer"}}] * 5
    proc = _managed_identity_run(graph, tmp_path, "fetch", APP_ID, "--tenant", TENANT)
    assert proc.returncode == 0, proc.stderr
    assert graph.count("/msi") == 1
    assert {auth for path, auth in graph.requests if path.startswith("/v1.0/")} == {f"Bearer {token}"}
    _no_canary(proc.stdout, proc.stderr)


def test_no_credential_is_one_line_and_exit_3(graph, tmp_path):
    graph.script["/msi"] = [{"status": 400, "body": {"error": "invalid_request"}}] * 5
    proc = _managed_identity_run(graph, tmp_path, "fetch", APP_ID)
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert "no Microsoft Graph token" in last and "--token-env" in last and "Traceback" not in proc.stderr
    assert graph.count("/v1.0/") == 0


def test_sdk_loggers_stay_silent_even_at_debug_level(live, caplog):
    caplog.set_level(logging.DEBUG)
    assert live("fetch", APP_ID).code == 0
    _no_canary(caplog.text)
    assert not [r for r in caplog.records if r.name.split(".")[0] in ("httpx", "httpcore", "azure", "kiota_http")]


# audit and catalog -----

def test_audit_all_apps_reports_privilege_consent_and_stale_grants(live, graph, tmp_path):
    graph.page_size = 1
    manifest = _manifest(tmp_path, f"registration:\n  client_id: {APP_ID}\n")
    run = live("audit", "--live", "--all-apps", "--format", "json", tmp_path)
    assert run.code == 0, run.stderr
    assert "[1/2]" in run.stderr and "[2/2]" in run.stderr and manifest.exists()
    apps = {a["appId"]: a for a in json.loads(run.stdout)["apps"]}
    bot, mailer = apps[APP_ID], apps[OTHER_APP_ID]
    assert {"permission": "Sites.FullControl.All", "type": "application"} in bot["highPrivilege"]
    assert {"permission": "Calendars.Read", "type": "delegated"} in bot["grantsWithoutRequest"]
    assert {"permission": "Sites.ReadWrite.All", "type": "delegated"} in bot["unusedRequests"]
    assert {"permission": "Files.ReadWrite", "type": "delegated"} in bot["notConsented"]
    assert mailer["unusedRequests"] is None
    assert {"permission": "Mail.Send", "type": "application"} in mailer["adminConsentNotGranted"]
    calendars = next(p for p in bot["permissions"] if p["permission"] == "Calendars.Read")
    assert calendars["consent"] == ["consent by 2 user(s)"] and USER_A not in run.stdout


def test_audit_text_for_chosen_apps(live):
    run = live("audit", "--live", "--app-id", OTHER_APP_ID)
    assert run.code == 0
    assert "report-mailer" in run.stdout and "admin consent needed, not granted: Mail.Send (application)" in run.stdout
    assert "1 app(s)" in run.stdout


def test_audit_needs_exactly_one_app_selection(live):
    assert live("audit", "--live").code == 2
    assert live("audit", "--live", "--all-apps", "--app-id", APP_ID).code == 2


def test_catalog_refresh_live_writes_the_tenants_permissions_to_the_cache(live, graph, tmp_path, monkeypatch):
    monkeypatch.setenv("SCOPELINT_CACHE", str(tmp_path / "cache"))
    run = live("catalog", "refresh", "--live")
    assert run.code == 0, run.stderr
    assert "reading the permission catalog live" in run.stderr and "wrote" in run.stdout
    doc = json.loads((tmp_path / "cache" / "catalog.json").read_text())
    preview = next(r for r in doc["delegated"] if r["value"] == "Contoso.Preview.Read")
    assert preview["id"] == PREVIEW_ID
    assert next(r for r in doc["application"] if r["value"] == "Sites.FullControl.All")["privilege"] == 4
    assert f"via {graph.url}/v1.0" in doc["source"]


# the whole tenant at scale -----

def _grow(graph, apps: int) -> None:
    """Add `apps` generated registrations with service principals, admin and per-user grants and app roles: every
    seventh without a service principal, some with grants they no longer request or for SharePoint."""
    delegated = [n for n in CAT.names("delegated") if n.startswith(("Mail", "Files", "Sites", "Calendars", "User."))]
    application = [n for n in CAT.names("application") if n.startswith(("Mail", "Files", "Sites", "User."))]
    s = graph.state
    for i in range(apps):
        app_id, sp_id = f"00000000-0000-4000-8000-{i:012x}", f"11111111-0000-4000-8000-{i:012x}"
        scopes = [delegated[(i + k) % len(delegated)] for k in range(1 + i % 4)]
        roles = [application[(i * 3 + k) % len(application)] for k in range(i % 3)]
        s["apps"][app_id] = {"id": f"22222222-0000-4000-8000-{i:012x}", "appId": app_id, "displayName": f"bot {i:04d}",
                             "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
                                 *({"id": _id("delegated", n), "type": "Scope"} for n in scopes),
                                 *({"id": _id("application", n), "type": "Role"} for n in roles)]}]}
        if i % 7 == 6:
            continue
        s["sps"][sp_id] = {"id": sp_id, "appId": app_id, "displayName": f"bot {i:04d}",
                           "appOwnerOrganizationId": TENANT}
        stale = delegated[(i + 30) % len(delegated)] if i % 5 == 0 else ""
        s["grants"].append({"id": f"ga{i}", "clientId": sp_id, "consentType": "AllPrincipals", "principalId": None,
                            "resourceId": GRAPH_SP, "scope": " ".join([scopes[0], stale, "openid"]).strip()})
        for user in (USER_A, USER_B)[: i % 3]:
            s["grants"].append({"id": f"gu{i}{user[:4]}", "clientId": sp_id, "consentType": "Principal",
                                "principalId": user, "resourceId": GRAPH_SP, "scope": " ".join(scopes[1:])})
        if i % 4 == 0:
            s["grants"].append({"id": f"gs{i}", "clientId": sp_id, "consentType": "AllPrincipals",
                                "principalId": None, "resourceId": SHAREPOINT_SP, "scope": "AllSites.Read"})
        granted = roles[:1] + ([application[(i + 20) % len(application)]] if i % 6 == 0 else [])
        s["roles"][sp_id] = [{"id": f"r{i}{n}", "appRoleId": _id("application", n), "principalId": sp_id,
                              "resourceId": GRAPH_SP} for n in granted]


def test_whole_tenant_audit_equals_the_per_app_audit(live, graph, tmp_path):
    _grow(graph, 60)
    graph.page_size = 25
    _manifest(tmp_path, f"registration:\n  client_id: {APP_ID}\n")
    app_ids = sorted(graph.state["apps"])
    for fmt in ("json", "text"):
        bulk = live("audit", "--live", "--all-apps", "-f", fmt, tmp_path)
        per_app = live("audit", "--live", *(a for i in app_ids for a in ("--app-id", i)), "-f", fmt, tmp_path)
        assert bulk.code == per_app.code == 0, bulk.stderr + per_app.stderr
        assert bulk.stdout == per_app.stdout
    apps = {a["appId"]: a for a in json.loads(bulk.stdout if fmt == "json" else live(
        "audit", "--live", "--all-apps", "-f", "json").stdout)["apps"]}
    assert len(apps) == 62
    assert any(a["grantsWithoutRequest"] for a in apps.values())  # the fixture exercises stale grants...
    assert any(a["adminConsentNotGranted"] for a in apps.values())  # ...missing consent...
    assert any(p["consent"] == ["consent by 2 user(s)"] for a in apps.values() for p in a["permissions"])


def _bulk_requests(graph) -> list[str]:
    return [unquote(path) for path, _ in graph.requests if path.startswith("/v1.0/")]


def test_whole_tenant_audit_makes_requests_per_page_not_per_app(live, graph):
    graph.page_size = 999
    _grow(graph, 300)
    run = live("audit", "--live", "--all-apps", "-f", "json")
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["apps"]) == 302
    paths = _bulk_requests(graph)
    # the Graph service principal, then applications, service principals, grants and Graph's role assignments
    assert len(paths) == 5, paths
    for collection in ("/v1.0/applications?", "/v1.0/servicePrincipals?", "/v1.0/oauth2PermissionGrants?",
                       f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo?"):
        (path,) = [p for p in paths if p.startswith(collection)]
        assert "$top=999" in path and "$select=" in path


def test_whole_tenant_requests_grow_with_pages(live, graph):
    graph.page_size = 50
    _grow(graph, 300)
    run = live("audit", "--live", "--all-apps", "-f", "json")
    assert run.code == 0, run.stderr
    s = graph.state
    pages = lambda n: -(-n // 50)  # noqa: E731
    roles = sum(1 for rows in s["roles"].values() for r in rows if r["resourceId"] == GRAPH_SP)
    expected = 1 + pages(len(s["apps"])) + pages(len(s["sps"])) + pages(len(s["grants"])) + pages(roles)
    assert len(_bulk_requests(graph)) == expected < len(s["apps"]) / 5  # the per-app reads made 3 per app


def test_whole_tenant_reads_retry_throttling_and_report_denied_grants(live, graph):
    graph.page_size = 999
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"status": 429, "headers": {"Retry-After": "0"}}]
    run = live("audit", "--live", "--all-apps", "-f", "json")
    assert run.code == 0, run.stderr
    assert graph.count("/v1.0/oauth2PermissionGrants") == 2
    graph.script["/v1.0/oauth2PermissionGrants"] = [
        {"status": 403, "body": _error("Authorization_RequestDenied", "Insufficient privileges")}]
    run = live("audit", "--live", "--all-apps")
    assert run.code == 3 and "403" in run.stderr and "DelegatedPermissionGrant.Read.All" in run.stderr
    assert "Traceback" not in run.stderr


def test_whole_tenant_page_that_is_no_collection_is_an_external_failure(live, graph):
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"body": {"value": {"not": "a list"}}}]
    run = live("audit", "--live", "--all-apps")
    assert run.code == 3 and "cannot read" in run.stderr and "delegated permission grants" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 2


def test_named_apps_are_read_in_json_batches_of_twenty(live, graph):
    graph.page_size = 999
    _grow(graph, 45)
    ids = sorted(a for a in graph.state["apps"] if a.startswith("00000000-"))
    run = live("audit", "--live", *(a for i in ids for a in ("--app-id", i)), "-f", "json")
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["apps"]) == 45
    with_sp = sum(1 for sp in graph.state["sps"].values() if sp["appId"] in ids)
    assert len(graph.batched) == 2 * 45 + 2 * with_sp and max(graph.batch_sizes) == 20
    assert all("$select=" in url for url in graph.batched)
    # the Graph service principal, the batches, and the SharePoint service principal a grant names
    assert len(graph.requests) == 1 + -(-90 // 20) + -(-2 * with_sp // 20) + 1


def test_a_throttled_item_of_a_batch_is_sent_again(live, graph):
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"status": 429, "headers": {"Retry-After": "0"}}]
    run = live("audit", "--live", "--app-id", APP_ID, "--app-id", OTHER_APP_ID, "-f", "json")
    assert run.code == 0, run.stderr
    assert sum(1 for url in graph.batched if url.startswith("/oauth2PermissionGrants")) == 3
    graph.script["/v1.0/oauth2PermissionGrants"] = [{"status": 429, "headers": {"Retry-After": "0"}}] * 20
    run = live("audit", "--live", "--app-id", APP_ID, "-f", "json")
    assert run.code == 3 and "throttling" in run.stderr and len(run.stderr.strip().splitlines()) == 2


def test_a_denied_or_missing_item_of_a_batch_is_one_line(live, graph):
    graph.script["/v1.0/oauth2PermissionGrants"] = [
        {"status": 403, "body": _error("Authorization_RequestDenied", "Insufficient privileges")}]
    run = live("audit", "--live", "--app-id", APP_ID)
    assert run.code == 3 and "403" in run.stderr and "DelegatedPermissionGrant.Read.All" in run.stderr
    run = live("audit", "--live", "--app-id", APP_ID, "--app-id", "11111111-2222-4333-8444-555555555555")
    assert run.code == 2 and "no application with appId 11111111-2222-4333-8444-555555555555" in run.stderr
    assert "Traceback" not in run.stderr
