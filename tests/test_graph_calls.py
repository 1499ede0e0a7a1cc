"""Graph use outside the Microsoft 365 package (issue #15): HTTP Request activities, code, the Graph SDK, the Mail
package's Use Outlook 365 card, Graph-looking library dependencies, and the scope facts that are right for app-only.

The fixtures under tests/fixtures/graphcalls/ are small projects written for these tests in the shapes real public
UiPath projects use (XAML.md, REAL-PROJECTS.md)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from scopelint.uipath import scan
from scopelint.uipath.code import find_calls
from scopelint.uipath.graphurl import resolve_url, token_grant

FIX = Path(__file__).resolve().parent / "fixtures" / "graphcalls"


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def only_project(folder: Path):
    (project,) = scan(folder).projects
    return project


@pytest.fixture
def copy(tmp_path):
    """A fixture project copied to a temporary folder (so scan --write can write next to it)."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIX / name, target)
        return target

    return make


# ---------------------------------------------------------------------------------------------- Graph URLs
@pytest.mark.parametrize(("text", "path", "version"), [
    ('["https://graph.microsoft.com/v1.0/users/" + in_Account.Trim + "/sendMail"]', "/users/{id}/sendMail", "v1.0"),
    ('"https://graph.microsoft.com/v1.0/users/" & upn & "/mailFolders/inbox/messages"',
     "/users/{id}/mailFolders/inbox/messages", "v1.0"),
    ("https://graph.microsoft.com/v1.0/me/messages?$select=subject&$top=5", "/me/messages", "v1.0"),
    ('$"https://graph.microsoft.us/beta/users/{userId}/messages/{id}"', "/users/{id}/messages/{id}", "beta"),
    ('String.Format("https://dod-graph.microsoft.us/v1.0/users/{0}/sendMail", upn)', "/users/{id}/sendMail", "v1.0"),
    ("https://microsoftgraph.chinacloudapi.cn/v1.0/sites/root/lists", "/sites/root/lists", "v1.0"),
    ("HTTPS://GRAPH.MICROSOFT.COM/V1.0/me", "/me", "v1.0"),
    ('["https://graph.microsoft.com/v1.0/users(\'" + id + "\')/sendMail"]', "/users/{id}/sendMail", "v1.0"),
])
def test_graph_urls_resolve_to_a_path_with_placeholders(text, path, version):
    target = resolve_url(text)
    assert (target.path, target.version, target.reason) == (path, version, None)


@pytest.mark.parametrize(("text", "reason"), [
    ('["https://graph.microsoft.com/v1.0/" + resource]', "the path after the API version is computed at run time"),
    ('["https://graph.microsoft.com/" + version + "/me"]', "the API version and path are computed at run time"),
    ("https://graph.microsoft.com/me", "no API version (/v1.0 or /beta) after the host"),
    ("https://graph.microsoft.com/v1.0/", "no path after the API version"),
])
def test_graph_urls_that_cannot_be_resolved_say_why(text, reason):
    target = resolve_url(text)
    assert (target.path, target.reason) == (None, reason)


@pytest.mark.parametrize("text", [
    '["https://login.microsoftonline.com/" + tenant + "/oauth2/token"]', "https://example.org/v1.0/users",
    '[graphBase + "/users"]', "https://graph.microsoft.com.evil.example/v1.0/me"])
def test_other_hosts_are_not_graph(text):
    assert resolve_url(text) is None


# ---------------------------------------------------------------------------------------------- HTTP Request
def test_http_request_activities_become_operations_with_file_line_method_and_source():
    p = only_project(FIX / "http-mailer")
    xaml = FIX / "http-mailer" / "SendMail.xaml"
    got = [(c.line, c.method, c.path, c.source, c.version, c.disabled, c.reason is None) for c in p.calls]
    assert got == [
        (line_of(xaml, "HTTP Request - send mail"), "POST", "/users/{id}/sendMail", "http-request", "v1.0", False,
         True),
        (line_of(xaml, "read inbox (US Gov, beta)"), "GET", "/me/mailFolders/inbox/messages", "http-request",
         "beta", False, True),
        (line_of(xaml, "HTTP Request - anything"), "GET", None, "http-request", "v1.0", False, False),
        (line_of(xaml, "method from config"), None, "/me/events", "http-request", "v1.0", False, False),
        (line_of(xaml, "HTTP Request - C# style"), "PATCH", "/users/{id}/messages/{id}", "http-request", "v1.0",
         False, True),
        (line_of(xaml, "old delete"), "DELETE", "/me/messages/AAMk", "http-request", "v1.0", True, True),
    ]
    # the token request (login.microsoftonline.com, Graph only in its body) and the non-Graph host are not calls
    assert p.operations == ("GET /me/mailFolders/inbox/messages", "PATCH /users/{id}/messages/{id}",
                            "POST /users/{id}/sendMail")


def test_scan_json_lists_operations_with_file_line_method_path_and_source(cli):
    run = cli("scan", FIX / "http-mailer", "--format", "json")
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    (project,) = doc["projects"]
    send = project["operations"][0]
    assert send == {"file": str(FIX / "http-mailer" / "SendMail.xaml"), "line": 4, "source": "http-request",
                    "method": "POST", "path": "/users/{id}/sendMail", "request": "POST /users/{id}/sendMail",
                    "version": "v1.0", "disabled": False, "reason": None,
                    "text": '["https://graph.microsoft.com/v1.0/users/" + in_Account.Trim + "/sendMail"]'}
    assert doc["summary"]["operations"] == 6
    assert [o["reason"] for o in project["operations"] if o["request"] is None] == [
        "the path after the API version is computed at run time",
        'the HTTP method is computed at run time ([in_Config("Method").ToString])']


def test_the_token_request_before_the_calls_says_how_they_sign_in():
    p = only_project(FIX / "http-mailer")
    xaml = FIX / "http-mailer" / "SendMail.xaml"
    assert [(t.line, t.auth) for t in p.tokens] == [(line_of(xaml, "HTTP Request - token"), "application")]
    assert (p.auth, p.auth_modes) == ("application", ("application",))
    assert token_grant('["https://login.microsoftonline.com/" + t + "/oauth2/v2.0/token"]',
                       "grant_type=password&username=u") == "delegated"
    assert token_grant("https://login.microsoftonline.us/t/oauth2/token", "grant_type=client_credentials") == \
        "application"
    assert token_grant("https://example.org/oauth2/token", "grant_type=client_credentials") is None
    assert token_grant("https://login.microsoftonline.com/t/oauth2/token", "[body]") is None


def test_the_new_http_request_activity_as_studio_writes_it(cli):
    """UiPath.WebAPI.Activities 2.x writes HTTP Request as uwah:NetHttpRequest (UiPath.Web.Activities.Http): RequestUrl
    (attribute or C# property element), Method, Headers, and the body as TextPayload or FormData. The token request's
    grant sits in FormData; a connector-relative RequestUrl names no Graph host and is not a Graph call."""
    p = only_project(FIX / "nethttp")
    xaml = FIX / "nethttp" / "Mail.xaml"
    assert [(t.line, t.auth) for t in p.tokens] == [(line_of(xaml, "HTTP Request - token"), "application")]
    assert [(c.line, c.request, c.source) for c in p.calls] == [
        (line_of(xaml, "HTTP Request - send mail"), "POST /users/{id}/sendMail", "http-request"),
        (line_of(xaml, "HTTP Request - list messages"), "GET /users/robot@contoso.example/mailFolders/inbox/messages",
         "http-request"),
        (line_of(xaml, "HTTP Request - mark read"), "PATCH /users/{id}/messages/{id}", "http-request")]
    assert p.auth == "application"
    run = cli("scan", FIX / "nethttp", "--format", "json")
    assert [o["request"] for o in json.loads(run.stdout)["projects"][0]["operations"]] == [c.request for c in p.calls]


@pytest.mark.parametrize(("body", "auth"), [
    ('[New Dictionary(Of String, String) From {{"grant_type", "client_credentials"}}]', "application"),
    ('new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = user }', "delegated"),
    ("grant_type=refresh_token&refresh_token=[t]", "delegated"),
])
def test_the_token_grant_is_read_from_form_dictionaries_too(body, auth):
    assert token_grant("https://login.microsoftonline.com/t/oauth2/v2.0/token", body) == auth


def test_scan_text_shows_each_call_and_why_one_cannot_be_checked(cli):
    run = cli("scan", FIX / "http-mailer")
    assert run.code == 0
    assert "SendMail.xaml:4" in run.stdout and "POST /users/{id}/sendMail  (http-request)" in run.stdout
    assert "token request (client credentials: application)" in run.stdout
    assert "GET /me/mailFolders/inbox/messages  (http-request, beta)" in run.stdout
    assert "DELETE /me/messages/AAMk  (http-request, disabled)" in run.stdout
    assert "cannot be checked: the path after the API version is computed at run time" in run.stdout
    assert run.stdout.rstrip().endswith("6 other Graph call(s)")


def test_a_project_that_sends_mail_through_an_http_request_needs_mail_send(cli, copy):
    """Done criterion 1: scan --write lists the call, and the manifest it writes needs Mail.Send."""
    folder = copy("http-mailer")
    write = cli("scan", folder, "--write")
    assert write.code == 0, write.stderr
    assert "+ POST /users/{id}/sendMail" in write.stdout
    manifest = (folder / "scopelint.yaml").read_text()
    assert '  - "POST /users/{id}/sendMail"' in manifest and "DELETE" not in manifest  # disabled code is not listed
    assert "auth: application\n" in manifest  # the token request before it uses client credentials
    scopes = cli("scopes", folder / "scopelint.yaml")
    assert scopes.code == 0, scopes.stderr
    assert any(line.split()[:3] == ["Mail.Send", "application", "POST"] for line in scopes.stdout.splitlines())
    registration = folder / "app.json"  # holds Mail.Read (Role) only
    registration.write_text(json.dumps({"requiredResourceAccess": [{
        "resourceAppId": "00000003-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "type": "Role"}]}]}))
    check = cli("check", folder / "scopelint.yaml", "--registration", registration, "--format", "json")
    findings = json.loads(check.stdout)["findings"]
    assert {(f["kind"], f.get("permission")) for f in findings if f["kind"] == "missing"} >= {("missing", "Mail.Send")}


def test_drift_reports_a_graph_call_the_manifest_does_not_list_at_its_line(cli, tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: m\nauth: delegated\nactivities: []\noperations:\n"
                        "  - GET /me/mailFolders/inbox/messages\n")
    run = cli("check", manifest, "--project", FIX / "http-mailer", "--format", "json")
    assert run.code == 1
    findings = json.loads(run.stdout)["findings"]
    xaml = str(FIX / "http-mailer" / "SendMail.xaml")
    undeclared = [(f["code"], f["file"], f["line"], f["activity"]) for f in findings
                  if f["kind"] == "undeclared-operation"]
    assert undeclared == [("SL308", xaml, 4, "POST /users/{id}/sendMail"),
                          ("SL308", xaml, 8, "PATCH /users/{id}/messages/{id}")]
    unresolved = sorted((f["code"], f["line"], f["severity"]) for f in findings if f["kind"] == "unresolved-graph-call")
    assert unresolved == [("SL309", 6, "warning"), ("SL309", 7, "warning")]


def test_once_scan_write_has_listed_the_calls_only_the_unresolvable_ones_remain(cli, copy):
    folder = copy("http-mailer")
    assert cli("scan", folder, "--write").code == 0
    run = cli("check", folder / "scopelint.yaml", "--format", "json")
    kinds = sorted(f["kind"] for f in json.loads(run.stdout)["findings"])
    assert kinds == ["unresolved-graph-call", "unresolved-graph-call"]
    again = cli("scan", folder, "--write")  # idempotent: nothing more to add
    assert again.stdout.startswith("unchanged")


def test_scan_write_appends_calls_to_an_existing_operations_block_and_keeps_the_rest(cli, copy):
    folder = copy("http-mailer")
    (folder / "scopelint.yaml").write_text(
        "scopelint: 1\nname: HttpMailer\nauth: application\nproject: .\nactivities: []\n"
        "operations:\n  - POST /users/{id}/sendMail   # from the token flow\n  - GET /sites/root\n"
        "accept: []\n")
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    text = (folder / "scopelint.yaml").read_text()
    assert text == ("scopelint: 1\nname: HttpMailer\nauth: application\nproject: .\nactivities: []\n"
                    "operations:\n  - POST /users/{id}/sendMail   # from the token flow\n  - GET /sites/root\n"
                    '  - GET /me/mailFolders/inbox/messages\n  - "PATCH /users/{id}/messages/{id}"\n'
                    "accept: []\n")


# ---------------------------------------------------------------------------------------------- code
def test_coded_workflows_vb_files_invoke_code_and_sdk_calls_are_found_with_their_lines():
    p = only_project(FIX / "coded")
    code = FIX / "coded" / "Code"
    cs, vb, inv = code / "Notify.cs", code / "Legacy.vb", FIX / "coded" / "Invoke.xaml"
    got = sorted((Path(c.file).name, c.line, c.source, c.method, c.path) for c in p.calls)
    assert got == sorted([
        ("Notify.cs", line_of(cs, "Me.Messages.GetAsync"), "graph-sdk", "GET", "/me/messages"),
        ("Notify.cs", line_of(cs, "SendMail.PostAsync"), "graph-sdk", "POST", "/users/{id}/sendMail"),
        ("Notify.cs", line_of(cs, "graphClient.Drives[driveId]"), "graph-sdk", "PUT",
         "/drives/{id}/items/{id}/content"),
        ("Notify.cs", line_of(cs, "HttpMethod.Post"), "coded-workflow", "POST", "/users/{id}/sendMail"),
        ("Notify.cs", line_of(cs, "+ path"), "coded-workflow", None, None),
        ("Notify.cs", line_of(cs, "/events?"), "coded-workflow", "GET", "/users/{id}/events"),
        ("Legacy.vb", line_of(vb, "mailFolders/inbox"), "vb-file", "GET", "/users/{id}/mailFolders/inbox/messages"),
        ("Legacy.vb", line_of(vb, "sites/root"), "vb-file", None, "/sites/root"),
        ("Invoke.xaml", line_of(inv, "Invoke Code (C#)"), "invoke-code", "POST", "/me/sendMail"),
        ("Invoke.xaml", line_of(inv, "Invoke Code (C#)"), "graph-sdk", "GET", "/me"),
        ("Invoke.xaml", line_of(inv, "Invoke Code (VB)"), "invoke-code", "GET", "/groups/{id}/members"),
        ("Invoke.xaml", line_of(inv, "Invoke Code (VB)"), "graph-sdk", "GET", "/groups/{id}/owners"),
        *VB_SDK,
    ])
    reasons = {Path(c.file).name + ":" + str(c.line): c.reason for c in p.calls if c.reason}
    assert reasons == {f"Notify.cs:{line_of(cs, '+ path')}": "the path after the API version is computed at run time",
                       f"Legacy.vb:{line_of(vb, 'sites/root')}": "no HTTP method named near the URL"}


VB = FIX / "coded" / "Sdk" / "MailboxSdk.vb"
VB_SDK = [("MailboxSdk.vb", line_of(VB, 'MailFolders("inbox")'), "graph-sdk", "GET",
               "/users/{id}/mailFolders/{id}/messages"),
          ("MailboxSdk.vb", line_of(VB, "Users.Item(mailbox)"), "graph-sdk", "POST", "/users/{id}/sendMail"),
          ("MailboxSdk.vb", line_of(VB, "Top(10)"), "graph-sdk", "GET", "/me/messages"),
          ("MailboxSdk.vb", line_of(VB, "SendMail(message, True)"), "graph-sdk", "POST", "/me/sendMail"),
          ("MailboxSdk.vb", line_of(VB, "Messages(message.Id)"), "graph-sdk", "DELETE", "/me/messages/{id}")]


def test_vb_graph_sdk_calls_map_to_method_and_path_with_their_lines(cli, tmp_path):
    """VB SDK chains (v5 and v4, `Users(id)` / `.Item(id)` indexers, query options after Request(), a continued
    line, case-insensitive names): method + path at the client's line; the commented-out one is not a call. They
    reach scan JSON and drift like the C# ones."""
    calls = [c for c in only_project(FIX / "coded").calls if c.file == str(VB)]
    assert [(Path(c.file).name, c.line, c.source, c.method, c.path) for c in calls] == VB_SDK
    doc = json.loads(cli("scan", FIX / "coded", "--format", "json").stdout)
    assert {(o["line"], o["request"]) for o in doc["projects"][0]["operations"] if o["file"] == str(VB)} == {
        (line, f"{method} {path}") for _file, line, _source, method, path in VB_SDK}
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(f"scopelint: 1\nname: m\nauth: delegated\nproject: {FIX / 'coded'}\nactivities: []\n"
                        "operations:\n  - GET /me/messages\n")
    found = [(f["file"], f["line"], f["activity"]) for f in json.loads(cli("check", manifest, "--format", "json")
                                                                       .stdout)["findings"]
             if f["kind"] == "undeclared-operation" and f["file"] == str(VB)]
    assert (str(VB), line_of(VB, "Messages(message.Id)"), "DELETE /me/messages/{id}") in found
    assert all(request != "GET /me/messages" for _f, _l, request in found)


def test_vb_indexers_and_methods_are_told_apart():
    def paths(code: str) -> list[str | None]:
        return [c.path for c in find_calls(code, csharp=False)]

    assert paths("x = graphClient.Sites(siteId).Lists(listId).Items.GetAsync()") == ["/sites/{id}/lists/{id}/items"]
    assert paths("graphClient.Me.Messages(id).Move(folderId).Request().PostAsync()") == ["/me/messages/{id}/move"]
    assert paths("graphClient.Me.Drive.Root.Children.GetAsync()") == ["/me/drive/root/children"]
    assert paths("graphClient.Me.Messages.Request().Select(\"subject\").Filter(f).GetAsync()") == ["/me/messages"]
    assert paths("REM graphClient.Me.Messages.GetAsync()") == []


def test_commented_out_code_is_not_a_call():
    assert find_calls('// var u = "https://graph.microsoft.com/v1.0/me";\n', csharp=True) == []
    assert find_calls("' Dim u = \"https://graph.microsoft.com/v1.0/me\"\n", csharp=False) == []
    assert find_calls('REM u = "https://graph.microsoft.com/v1.0/me"\n', csharp=False) == []


def test_several_methods_on_the_line_make_the_call_unresolvable():
    (call,) = find_calls('Send(HttpMethod.Get, HttpMethod.Post, "https://graph.microsoft.com/v1.0/me/events");\n',
                         csharp=True)
    assert (call.method, call.path, call.reason) == (None, "/me/events",
                                                     "several HTTP methods named near the URL (GET, POST)")


def test_an_sdk_chain_needs_a_graph_client():
    assert find_calls("var r = await httpClient.Users.GetAsync();\n", csharp=True) == []
    (call,) = find_calls("var r = await GraphClient.Groups[id].Members.GetAsync();\n", csharp=True)
    assert (call.method, call.path, call.sdk) == ("GET", "/groups/{id}/members", True)


# ---------------------------------------------------------------------------------------------- Mail package
def test_use_outlook_365_card_activities_are_found_and_sign_in_as_the_card():
    p = only_project(FIX / "outlook365")
    got = [(Path(a.file).name, a.name, a.auth, a.rule is not None) for a in p.activities]
    assert got == [
        ("Connected.xaml", "UiPath.Mail.Activities.Business.ExchangeApplicationCard", "connections", True),
        ("Connected.xaml", "UiPath.Mail.Activities.Business.MoveMailX", "connections", True),
        ("Main.xaml", "UiPath.Mail.Activities.Business.ExchangeApplicationCard", "delegated", True),
        ("Main.xaml", "UiPath.Mail.Activities.Business.ForEachEmailX", "delegated", True),
        ("Main.xaml", "UiPath.Mail.Activities.Business.SaveMailAttachmentsX", "delegated", True),
        ("Main.xaml", "UiPath.MicrosoftOffice365.Activities.Files.UseDriveCard", "delegated", True),
        ("Main.xaml", "UiPath.MicrosoftOffice365.Activities.Files.UploadFile", "delegated", True),
    ]  # the desktop Outlook card's Send Email and one outside any card are not Graph: not listed


def test_a_use_outlook_365_card_that_reads_mail_needs_a_mail_read_permission(cli, copy):
    """Done criterion 2."""
    folder = copy("outlook365")
    (folder / "Connected.xaml").unlink()
    assert cli("scan", folder, "--write").code == 0
    manifest = (folder / "scopelint.yaml").read_text()
    assert "  - UiPath.Mail.Activities.Business.ForEachEmailX\n" in manifest
    assert "SendMailX" not in manifest
    scopes = cli("scopes", folder / "scopelint.yaml")
    assert scopes.code == 0, scopes.stderr
    names = {line.split()[0] for line in scopes.stdout.splitlines() if line.strip()}
    assert "Mail.Read" in names
    assert not names & {"Mail.Send", "Mail.ReadWrite"}


def test_mail_package_rules_cover_send_with_mail_send(cli, tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: m\nauth: delegated\nactivities:\n  - SendMailX\n  - MoveMailX\n")
    run = cli("scopes", manifest)
    assert run.code == 0, run.stderr
    assert {line.split()[0] for line in run.stdout.splitlines() if line.strip()} == {"Mail.ReadWrite", "Mail.Send"}


# ---------------------------------------------------------------------------------------------- dependencies
def test_a_dependency_only_graph_project_is_visibly_flagged(cli, tmp_path):
    """Done criterion 3: an info finding per Graph-looking library, on its project.json line, with the remedy."""
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: m\nauth: delegated\nactivities: []\n")
    run = cli("check", manifest, "--project", FIX / "library-only", "--format", "json")
    assert run.code == 0, run.stderr
    pj = FIX / "library-only" / "project.json"
    libs = [(f["code"], f["severity"], f["file"], f["line"], f["message"].split(" ", 1)[0], f["suggestion"])
            for f in json.loads(run.stdout)["findings"] if f["kind"] == "graph-library"]
    assert [x[:5] for x in libs] == [
        ("SL310", "info", str(pj), line_of(pj, "CCR.RPA.Office365.Activities"), "CCR.RPA.Office365.Activities"),
        ("SL310", "info", str(pj), line_of(pj, "LIB_GraphAPI"), "LIB_GraphAPI")]
    assert all("--rules" in x[5] for x in libs)
    text = cli("check", manifest, "--project", FIX / "library-only")
    assert "graph-library" in text.stdout and "LIB_GraphAPI [2.1.0] may call Microsoft Graph itself" in text.stdout
    scan_text = cli("scan", FIX / "library-only").stdout
    assert "dependency LIB_GraphAPI [2.1.0]: may call Microsoft Graph itself (its name contains 'Graph')" in scan_text
    assert "UiPath.Excel.Activities" not in scan_text
    empty_cache = {"NUGET_PACKAGES": str(tmp_path / "no-cache")}
    scan_json = json.loads(cli("scan", FIX / "library-only", "--format", "json", env=empty_cache).stdout)
    assert [(x["name"], x["line"], x["why"], x["evidence"], x["declared_by"])
            for x in scan_json["projects"][0]["libraries"]] == [
        ("CCR.RPA.Office365.Activities", line_of(pj, "CCR.RPA"), "its name contains 'Office365'", [], None),
        ("LIB_GraphAPI", line_of(pj, "LIB_GraphAPI"), "its name contains 'Graph'", [], None)]
    manifest.write_text(f"scopelint: 1\nname: m\nauth: delegated\nproject: {FIX / 'library-only'}\nactivities: []\n")
    report = cli("report", manifest, "--format", "markdown", env=empty_cache).stdout
    assert "SL310 graph-library" in report and "LIB\\_GraphAPI \\[2.1.0\\] may call Microsoft Graph itself" in report


def test_a_library_a_rule_pack_describes_is_named_with_that_fact(cli, tmp_path):
    pack = tmp_path / "lib.yaml"
    pack.write_text("scopelint-rulepack: 1\npack: lib-graph\nrules:\n  - class: LIB_GraphAPI.SendMailViaGraph\n"
                    "    display_name: Send Mail via Graph\n    group: Custom\n    generation: custom\n"
                    "    kind: activity\n    delegated: {any_of: [[Mail.Send]], provenance: derived}\n"
                    "    application: {any_of: [[Mail.Send]], provenance: derived}\n"
                    "    sources: [https://example.org/lib]\n")
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: m\nauth: delegated\nactivities: []\n")
    run = cli("check", manifest, "--project", FIX / "library-only", "--rules", pack, "--format", "json")
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in json.loads(run.stdout)["findings"]
                if f["kind"] == "graph-library"}
    assert "a rule pack describes its activities" in messages["LIB_GraphAPI"]
    assert "a rule pack describes" not in messages["CCR.RPA.Office365.Activities"]


BESIDE = FIX / "library-beside"
EXAMPLE = Path(__file__).resolve().parent.parent / "manifests" / "examples" / "graph-library"


def _robot_manifest(tmp_path: Path) -> Path:
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(f"scopelint: 1\nname: robot\nauth: delegated\nproject: {BESIDE / 'Robot'}\nactivities: []\n")
    return manifest


def test_a_library_project_beside_the_project_is_read_and_its_graph_use_named(cli, tmp_path):
    """LIB_MailTools's name says nothing of Graph, but its project sits beside the robot: its workflows' HTTP Request
    to sendMail, its Microsoft 365 activity and its package dependency are the evidence, in check (text and JSON),
    scan (text and JSON) and the audit report."""
    lib = BESIDE / "MailTools" / "SendSummary.xaml"
    evidence = [f"SendSummary.xaml:{line_of(lib, 'HTTP Request - send')}: POST /users/{{id}}/sendMail (http-request)",
                f"SendSummary.xaml:{line_of(lib, 'Get Mail')}: Get Mail (Microsoft 365 activity)",
                "depends on UiPath.MicrosoftOffice365.Activities [2.6.28]"]
    manifest = _robot_manifest(tmp_path)
    run = cli("check", manifest, "--format", "json")
    assert run.code == 0, run.stderr
    (finding,) = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "graph-library"]
    pj = BESIDE / "Robot" / "project.json"
    assert (finding["code"], finding["severity"], finding["file"], finding["line"]) == (
        "SL310", "info", str(pj), line_of(pj, "LIB_MailTools"))
    assert finding["message"].startswith("LIB_MailTools [1.2.0] calls Microsoft Graph itself: its own workflows do "
                                         f"({evidence[0]}, and 2 more; read from ")
    assert finding["evidence"] == evidence
    assert "libraries: [{package: LIB_MailTools, operations: [POST /users/{id}/sendMail]" in finding["suggestion"]
    text = cli("check", manifest).stdout
    assert "LIB_MailTools [1.2.0] calls Microsoft Graph itself" in text and evidence[0] in text
    scan_json = json.loads(cli("scan", BESIDE / "Robot", "--format", "json").stdout)
    (lib_entry,) = scan_json["projects"][0]["libraries"]
    assert (lib_entry["name"], lib_entry["evidence"], lib_entry["operations"], lib_entry["declared_by"]) == (
        "LIB_MailTools", evidence, ["POST /users/{id}/sendMail"], None)
    assert Path(lib_entry["found_in"]).resolve() == (BESIDE / "MailTools").resolve()
    scan_text = cli("scan", BESIDE / "Robot").stdout
    assert "dependency LIB_MailTools [1.2.0]: calls Microsoft Graph itself" in scan_text
    assert f"      {evidence[0]}" in scan_text
    for fmt, shown in (("markdown", "POST /users/\\{id\\}/sendMail \\(http-request\\)"),
                       ("csv", "POST /users/{id}/sendMail (http-request)")):
        report = cli("report", manifest, "--format", fmt).stdout
        assert "SL310" in report and shown in report, fmt


def test_the_library_is_read_from_the_scanned_tree_too(cli):
    doc = json.loads(cli("scan", BESIDE, "--format", "json").stdout)
    robot = next(p for p in doc["projects"] if p["name"] == "InvoiceRobot")
    assert [x["operations"] for x in robot["libraries"]] == [["POST /users/{id}/sendMail"]]


def _nupkg(path: Path, files: dict[str, str]) -> None:
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)


NUSPEC = ('<?xml version="1.0"?><package><metadata><id>LIB_GraphAPI</id><version>2.1.0</version><dependencies>'
          '<group targetFramework="net6.0-windows7.0"><dependency id="UiPath.MicrosoftOffice365.Activities" '
          'version="[2.6.28]" /><dependency id="UiPath.System.Activities" version="[24.10.6]" /></group>'
          '</dependencies></metadata></package>')
LIB_XAML = ('<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
            'xmlns:ui="http://schemas.uipath.com/workflow/activities">\n<Sequence>\n'
            '<ui:HttpClient EndPoint="[&quot;https://graph.microsoft.com/v1.0/users/&quot; + mbx'
            ' + &quot;/messages&quot;]" Method="GET" />\n</Sequence>\n</Activity>\n')


def test_a_library_package_in_the_nuget_global_packages_folder_is_read(cli, tmp_path):
    """Studio restores dependencies into the NuGet global packages folder: LIB_GraphAPI 2.1.0's package there ships
    a workflow calling Graph and depends on the Microsoft 365 package; a compiled-only package is said to be so."""
    cache = tmp_path / "nuget"
    _nupkg(cache / "lib_graphapi" / "2.1.0" / "lib_graphapi.2.1.0.nupkg",
           {"LIB_GraphAPI.nuspec": NUSPEC, "content/Mail/ListMessages.xaml": LIB_XAML})
    _nupkg(cache / "ccr.rpa.office365.activities" / "1.0.12" / "ccr.rpa.office365.activities.1.0.12.nupkg",
           {"lib/net6.0-windows7.0/CCR.RPA.Office365.Activities.dll": "MZ compiled"})
    run = cli("scan", FIX / "library-only", "--format", "json", env={"NUGET_PACKAGES": str(cache)})
    libs = {x["name"]: x for x in json.loads(run.stdout)["projects"][0]["libraries"]}
    assert libs["LIB_GraphAPI"]["evidence"] == [
        "content/Mail/ListMessages.xaml:3: GET /users/{id}/messages (http-request)",
        "its package depends on UiPath.MicrosoftOffice365.Activities"]
    assert libs["LIB_GraphAPI"]["found_in"] == str(cache / "lib_graphapi" / "2.1.0" / "lib_graphapi.2.1.0.nupkg")
    assert libs["CCR.RPA.Office365.Activities"]["evidence"] == []
    assert libs["CCR.RPA.Office365.Activities"]["found_in"].endswith("(compiled workflows only: not read)")
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(f"scopelint: 1\nname: m\nauth: delegated\nproject: {FIX / 'library-only'}\nactivities: []\n")
    text = cli("check", manifest, env={"NUGET_PACKAGES": str(cache)}).stdout
    assert "LIB_GraphAPI [2.1.0] calls Microsoft Graph itself: its own workflows do (content/Mail/" in text
    assert "its workflows: " in text and "compiled workflows only" in text


def test_a_library_package_beside_the_project_is_read_before_the_cache(tmp_path, monkeypatch):
    """A local feed next to the project (the folder above it): the package of the version the dependency names."""
    monkeypatch.setenv("NUGET_PACKAGES", str(tmp_path / "nuget"))
    project = tmp_path / "Robot"
    shutil.copytree(FIX / "library-only", project)
    _nupkg(tmp_path / "LIB_GraphAPI.2.0.0.nupkg", {"x.nuspec": NUSPEC})
    _nupkg(tmp_path / "LIB_GraphAPI.2.1.0.nupkg", {"x.nuspec": NUSPEC, "Mail/List.xaml": LIB_XAML})
    _nupkg(tmp_path / "nuget" / "lib_graphapi" / "2.1.0" / "lib_graphapi.2.1.0.nupkg", {"x.nuspec": ""})
    (lib,) = [x for x in only_project(project).libraries if x.name == "LIB_GraphAPI"]
    assert (lib.found_in, lib.operations) == (str(tmp_path / "LIB_GraphAPI.2.1.0.nupkg"), ("GET /users/{id}/messages",))


def test_a_rule_pack_that_declares_a_library_turns_it_into_needs(cli, tmp_path):
    """The example: rules/lib-graphapi.yaml declares LIB_GraphAPI's calls. scan lists them (kind library, at the
    dependency's line), the library is no longer unseen (no SL310), a manifest without them drifts (SL308), the one
    scan --write made needs Mail.Send, and the audit report's evidence chain names the dependency."""
    pack = EXAMPLE / "rules"
    pj = EXAMPLE / "project.json"
    dep_line = line_of(pj, '"LIB_GraphAPI":')
    doc = json.loads(cli("scan", EXAMPLE, "--rules", pack, "--format", "json").stdout)
    ops = [(o["file"], o["line"], o["source"], o["request"]) for o in doc["projects"][0]["operations"]]
    assert ops == [(str(pj), dep_line, "library", "GET /users/{id}/mailFolders/{id}/messages"),
                   (str(pj), dep_line, "library", "POST /users/{id}/sendMail")]
    (lib,) = doc["projects"][0]["libraries"]
    assert lib["declared_by"] == str(pack / "lib-graphapi.yaml") and lib["evidence"] == []
    text = cli("scan", EXAMPLE, "--rules", pack).stdout
    assert f"project.json:{dep_line}" in text and "POST /users/{id}/sendMail  (library)" in text
    check = cli("check", EXAMPLE / "scopelint.yaml", "--format", "json")  # .scopelint.yaml loads the pack
    assert (check.code, [f["kind"] for f in json.loads(check.stdout)["findings"]]) == (0, []), check.stdout
    assert "loaded rule pack" in check.stderr and "1 library" in check.stderr
    bare = tmp_path / "scopelint.yaml"
    bare.write_text(f"scopelint: 1\nname: m\nauth: application\nproject: {EXAMPLE}\nactivities: []\n")
    drift = json.loads(cli("check", bare, "--rules", pack, "--format", "json").stdout)["findings"]
    assert sorted((f["kind"], f["file"], f["line"], f["activity"]) for f in drift) == [
        ("undeclared-operation", str(pj), dep_line, "GET /users/{id}/mailFolders/{id}/messages"),
        ("undeclared-operation", str(pj), dep_line, "POST /users/{id}/sendMail")]
    scopes = cli("scopes", EXAMPLE / "scopelint.yaml")
    assert "Mail.Send" in scopes.stdout
    csv_rows = list(csv.DictReader(io.StringIO(cli("report", EXAMPLE / "scopelint.yaml", "--format", "csv").stdout)))
    send = next(r for r in csv_rows if r["record"] == "required" and r["permission"] == "Mail.Send")
    assert send["activity"] == "POST /users/{id}/sendMail" and send["used_at"] == f"{pj}:{dep_line} (library)"
    unseen = cli("check", bare, "--format", "json")  # without the pack the same dependency is only a name
    assert [f["kind"] for f in json.loads(unseen.stdout)["findings"]] == ["graph-library"]


@pytest.mark.parametrize(("pack", "message"), [
    ("libraries:\n  - package: LIB_X\n    operations: [POST /me/sendMail]\n", "'sources' is a required property"),
    ("libraries:\n  - package: LIB_X\n    operations: [send mail]\n    sources: [https://example.org]\n",
     "does not match"),
])
def test_a_library_entry_is_validated_by_the_rulepack_schema(cli, tmp_path, pack, message):
    path = tmp_path / "lib.yaml"
    path.write_text("scopelint-rulepack: 1\npack: lib\n" + pack)
    run = cli("scan", FIX / "library-only", "--rules", path)
    assert run.code == 2 and str(path) in run.stderr and message in run.stderr, run.stderr


def test_two_packs_describing_one_library_are_refused(cli, tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"scopelint-rulepack: 1\npack: {name}\nlibraries:\n  - package: lib_graphapi\n"
            "    operations: [GET /me]\n    sources: [https://example.org]\n")
    run = cli("scan", FIX / "library-only", "--rules", tmp_path)
    assert run.code == 2 and "library lib_graphapi is already described by the rule pack" in run.stderr


# ---------------------------------------------------------------------------------------------- scope facts
def test_public_app_is_not_reported_for_client_credentials_with_the_projects_own_application_id(cli, tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: m\nauth: application\nactivities:\n  - SendMail\n")
    run = cli("check", manifest, "--project", FIX / "app-only", "--format", "json")
    assert [f["kind"] for f in json.loads(run.stdout)["findings"]] == []
    doc = json.loads(cli("scan", FIX / "app-only", "--format", "json").stdout)
    (project,) = doc["projects"]
    assert (project["public_app"], project["scopes"][0]["application_id"]) == (False, True)
    assert "public app" not in cli("scan", FIX / "app-only").stdout


def test_a_project_whose_only_scope_is_commented_out_says_so(cli, copy):
    folder = copy("commented-scope")
    scan_text = cli("scan", folder).stdout
    assert "every Office 365 scope is inside a CommentOut (disabled)" in scan_text
    assert cli("scan", folder, "--write").code == 0
    manifest = (folder / "scopelint.yaml").read_text()
    assert "only Office 365 scope is inside a CommentOut" in manifest
    assert "no Office 365 scope found" not in manifest


def test_class_names_are_shown_without_the_generic_arity(cli, tmp_path):
    (tmp_path / "project.json").write_text('{"name": "x"}')
    (tmp_path / "Main.xaml").write_text(
        '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml" '
        'xmlns:sd="clr-namespace:System.Data;assembly=System.Data" '
        'xmlns:e="clr-namespace:UiPath.MicrosoftOffice365.Activities.Excel;'
        'assembly=UiPath.MicrosoftOffice365.Activities">\n'
        '  <e:ReadRangeConnections x:TypeArguments="sd:DataRow" />\n'
        '  <e:MadeUpRangeConnections x:TypeArguments="sd:DataRow" />\n</Activity>\n')
    run = cli("scan", tmp_path)
    assert "`" not in run.stdout
    assert "UiPath.MicrosoftOffice365.Activities.Excel.MadeUpRangeConnections  [connections]" in run.stdout
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities:\n  - ReadRangeConnections\n")
    check = cli("check", manifest, "--project", tmp_path, "--format", "json")
    (undeclared,) = [f for f in json.loads(check.stdout)["findings"] if f["kind"] == "undeclared-activity"]
    assert undeclared["message"].startswith("UiPath.MicrosoftOffice365.Activities.Excel.MadeUpRangeConnections is ")
    unknown = json.loads(cli("scan", tmp_path, "--format", "json").stdout)["projects"][0]["activities"][1]
    made_up = "UiPath.MicrosoftOffice365.Activities.Excel.MadeUpRangeConnections"
    assert (unknown["class"], unknown["name"]) == (made_up + "`1", made_up)


# ---------------------------------------------------------------------------------------------- audit evidence
def test_the_audit_evidence_chain_names_where_the_project_makes_each_call(cli, copy):
    folder = copy("http-mailer")
    assert cli("scan", folder, "--write").code == 0
    out = folder / "audit.csv"
    run = cli("report", folder / "scopelint.yaml", "--format", "csv", "--output", out)
    assert run.code == 0, run.stderr
    rows = [r for r in csv.DictReader(io.StringIO(out.read_text())) if r["record"] == "required"]
    send = next(r for r in rows if r["permission"] == "Mail.Send")
    assert send["activity"] == "POST /users/{id}/sendMail"
    assert send["used_at"] == f"{folder / 'SendMail.xaml'}:4 (http-request)"
    md = cli("report", folder / "scopelint.yaml", "--format", "markdown").stdout
    assert "used at" in md and "SendMail.xaml:4 \\(http-request\\)" in md


def test_a_remedy_never_removes_what_an_unlisted_graph_call_needs(cli, tmp_path):
    """The HTTP Request's sendMail is not under operations: `scopes` refuses to print a remedy, and check does not
    call the Mail.Send the registration holds excess (the workflow uses it)."""
    project = tmp_path / "Mailer"
    project.mkdir()
    (project / "project.json").write_text('{"name": "Mailer"}')
    lines = (FIX / "http-mailer" / "SendMail.xaml").read_text().splitlines()
    (project / "Send.xaml").write_text("\n".join([*lines[:4], "  </Sequence>", "</Activity>", ""]))  # token + send
    assert [c.request for c in only_project(project).calls] == ["POST /users/{id}/sendMail"]
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(f"scopelint: 1\nname: m\nauth: application\nproject: {project}\nactivities: []\n")
    for fmt in ("text", "az"):
        run = cli("scopes", manifest, "--format", fmt)
        assert (run.code, run.stdout) == (1, ""), (fmt, run.stdout)
        assert "no permission set printed" in run.stderr
    registration = tmp_path / "app.json"  # Mail.Send as an application permission (Role)
    registration.write_text(json.dumps({"requiredResourceAccess": [{
        "resourceAppId": "00000003-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "type": "Role"}]}]}))
    check = cli("check", manifest, "--registration", registration, "--format", "json")
    kinds = {(f["kind"], f.get("permission")) for f in json.loads(check.stdout)["findings"]}
    assert ("excess", "Mail.Send") not in kinds
    assert ("undeclared-operation", None) in kinds


# ---------------------------------------------------------------------------------------------- caps
def test_graph_calls_are_capped_per_file_like_activity_uses(cli, tmp_path):
    """A generated code file with more Graph calls than the per-file cap: the repeats are summarised with a warning,
    a new call after them is still listed, and scan still exits 0 (the file was read)."""
    from scopelint.uipath.xaml import MAX_USES_PER_FILE

    folder = tmp_path / "robot"
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "Robot"}')
    repeat = 'var r = await http.GetAsync("https://graph.microsoft.com/v1.0/me/messages");\n'
    (folder / "Flood.cs").write_text(repeat * (MAX_USES_PER_FILE + 2)
                                     + 'await http.DeleteAsync("https://graph.microsoft.com/v1.0/me/events/1");\n')
    run = cli("scan", folder, "--format", "json")
    assert run.code == 0, run.stderr
    ops = json.loads(run.stdout)["projects"][0]["operations"]
    assert len(ops) == MAX_USES_PER_FILE + 1
    assert (ops[-1]["request"], ops[-1]["line"]) == ("DELETE /me/events/1", MAX_USES_PER_FILE + 3)
    assert "10,003 Graph calls, more than 10,000 in one file: 2 that repeat one already listed" in run.stderr


# ---------------------------------------------------------------------------------------------- prefilter
@pytest.mark.parametrize("host", ["GRAPH.MICROSOFT.COM", "Graph.Microsoft.Com", "graph.MICROSOFT.us"])
def test_graph_hosts_in_capitals_pass_the_prefilter_and_are_found(tmp_path, host):
    """Hosts are case-insensitive: a workflow and a code file naming Graph in capitals are read, not skipped."""
    from scopelint.uipath.workflow import may_hold_graph_use

    folder = tmp_path / "caps"
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "Caps"}')
    (folder / "Main.xaml").write_text(
        '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:ui="http://schemas.uipath.com/workflow/activities">\n  <Sequence>\n'
        f'    <ui:HttpClient EndPoint="HTTPS://{host}/v1.0/me/messages" Method="GET" />\n  </Sequence>\n</Activity>\n')
    (folder / "Code.cs").write_text(f'var r = await http.DeleteAsync("https://{host}/v1.0/me/events/" + id);\n')
    assert may_hold_graph_use((folder / "Main.xaml").read_bytes())
    calls = [(Path(c.file).name, c.line, c.request) for c in only_project(folder).calls]
    assert calls == [("Code.cs", 1, "DELETE /me/events/{id}"), ("Main.xaml", 3, "GET /me/messages")]


def test_the_prefilter_still_skips_a_workflow_without_graph_or_activities():
    from scopelint.uipath.workflow import may_hold_graph_use

    plain = (b'<Activity xmlns:ui="http://schemas.uipath.com/workflow/activities"><ui:LogMessage Message="paragraph '
             b'GRAPHIC.example.org" /></Activity>')
    assert not may_hold_graph_use(plain)
    assert may_hold_graph_use(plain + b'<x:String>https://dod-GRAPH.microsoft.US/beta</x:String>')
    assert may_hold_graph_use(plain.replace(b"LogMessage", b"ExchangeApplicationCard"))


@pytest.mark.parametrize(("name", "kinds"), [("nethttp", {"http-request"}), ("coded", {"graph-sdk", "vb-file",
                                                                                     "coded-workflow", "invoke-code"})])
def test_new_sources_reach_the_audit_evidence_chain(cli, copy, name, kinds):
    """NetHttpRequest calls and VB/C# SDK chains: scan --write lists them, and every permission the report requires
    names where the project makes the call (file:line (kind))."""
    folder = copy(name)
    assert cli("scan", folder, "--write").code == 0
    rows = [r for r in csv.DictReader(io.StringIO(cli("report", folder / "scopelint.yaml", "--format", "csv").stdout))
            if r["record"] == "required"]
    assert rows and all(r["used_at"] for r in rows)
    seen = {part.rsplit("(", 1)[1].rstrip(")") for r in rows for part in r["used_at"].split("; ")}
    assert kinds <= seen, seen
    vb = str(folder / "Sdk" / "MailboxSdk.vb")
    if name == "coded":
        assert any(r["used_at"].startswith(vb) or f"; {vb}" in r["used_at"] for r in rows)
