"""What the project checks (SL301-SL311) tell the user, field by field: the message, the file and line a reader
opens, the evidence and the suggestion they act on. The family tests (test_checks_project.py) prove each check fires;
these pin what it says. Found by mutation testing (docs/testing.md): the wording, evidence and suggestion of these
findings could change without any other test noticing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CONTOSO_PACK
from test_checks_project import CASES, GRAPHCALLS, O365, example, replace, standalone

FIELDS = ("code", "severity", "message", "file", "line", "activity", "permission", "permission_type", "suggestion",
          "evidence")


def _findings(cli, tmp_path: Path, manifest: Path, args: list, kind: str) -> list[dict]:
    """The findings of one kind as a user reads them in the JSON output, with the temporary folder shown as '<tmp>'
    and the shipped fixtures as '<fixtures>'; each must name the manifest it is about."""
    run = cli("check", "--format", "json", *args, manifest)
    assert "Traceback" not in run.stderr, run.stderr
    assert {f["manifest"] for f in json.loads(run.stdout)["findings"] if f["kind"] == kind} <= {str(manifest)}
    text = run.stdout.replace(str(tmp_path), "<tmp>").replace(str(GRAPHCALLS), "<fixtures>")
    found = [{k: f[k] for k in FIELDS} for f in json.loads(text)["findings"] if f["kind"] == kind]
    for f in found:
        f["evidence"] = tuple(f["evidence"])
    return found


def _case(cli, tmp_path: Path, kind: str) -> list[dict]:
    manifest, args = CASES[kind][0](tmp_path)
    return _findings(cli, tmp_path, manifest, args, kind)


INVOICE = "<tmp>/uipath-invoice"


def test_undeclared_activity_names_the_class_where_it_is_used_and_how_to_declare_it(cli, tmp_path):
    assert _case(cli, tmp_path, "undeclared-activity") == [{
        "code": "SL301", "severity": "error",
        "message": f"{O365}.Mail.SendMail is used here but not declared in the manifest",
        "file": f"{INVOICE}/Main.xaml", "line": 51, "activity": f"{O365}.Mail.SendMail", "permission": None,
        "permission_type": None,
        "suggestion": f"add '- {O365}.Mail.SendMail' under activities: (or run scopelint scan --write)",
        "evidence": ()}]


def test_undeclared_activity_lists_the_other_places_it_is_used_at_most_five(cli, tmp_path):
    """Send Mail used seven times: the finding points at the first, its evidence at the next five."""
    send = '<umam:SendMail Bcc='
    manifest, _ = example(tmp_path, replace("Main.xaml", send, '<umam:SendMail DisplayName="copy" />\n' * 6 + send))
    manifest.write_text(manifest.read_text().replace(f"  - {O365}.Mail.SendMail\n", ""))
    [f] = _findings(cli, tmp_path, manifest, [], "undeclared-activity")
    assert f["line"] == 51
    assert f["evidence"] == tuple(f"also used at {INVOICE}/Main.xaml:{line}" for line in range(52, 57))


def test_an_undeclared_activity_no_rule_knows_says_a_rule_pack_is_needed(cli, tmp_path):
    known = '<umam:SendMail Bcc='
    manifest, _ = example(tmp_path, replace("Main.xaml", known, '<umam:ArchiveMail DisplayName="Archive" />\n'
                                                          + known))
    [f] = _findings(cli, tmp_path, manifest, [], "undeclared-activity")
    assert f["message"] == (f"{O365}.Mail.ArchiveMail is used here but not declared in the manifest (not in the rule "
                            "book: add a rule pack for it)")
    assert (f["line"], f["activity"]) == (51, f"{O365}.Mail.ArchiveMail")


def test_unused_activity_names_the_entry_its_class_and_the_project(cli, tmp_path):
    assert _case(cli, tmp_path, "unused-activity") == [{
        "code": "SL302", "severity": "warning",
        "message": f"'Get Sheets' ({O365}.Excel.GetSheets) is declared, but no workflow of InvoiceIntake uses it",
        "file": f"{INVOICE}/scopelint.yaml", "line": 11, "activity": "Get Sheets", "permission": None,
        "permission_type": None, "suggestion": "remove it from activities: (or run scopelint scan --write)",
        "evidence": ()}]


def test_scope_not_granted_names_the_permission_the_registration_and_the_scope(cli, tmp_path):
    assert _case(cli, tmp_path, "scope-not-granted") == [{
        "code": "SL303", "severity": "error",
        "message": "the Office 365 scope requests Calendars.Read, which the registration app.json does not grant",
        "file": f"{INVOICE}/Main.xaml", "line": 35, "activity": None, "permission": "Calendars.Read",
        "permission_type": "delegated",
        "suggestion": "add Calendars.Read (Scope) to the registration, or drop it from AuthenticationScopes",
        "evidence": (f"AuthenticationScopes of the scope at {INVOICE}/Main.xaml:30",)}]


def _app_only(folder: Path) -> None:
    """Both scopes of the example sign in with a client secret."""
    for workflow in ("Main.xaml", "Workflows/FileInvoices.xaml"):
        replace(workflow, 'AuthenticationType="InteractiveToken"', 'AuthenticationType="ApplicationIdAndSecret"')(
            folder)


def test_scope_not_granted_under_application_auth_suggests_a_role(cli, tmp_path):
    """An app-only scope asking for a permission the registration lacks: the portal calls it a Role."""
    def edit(folder: Path) -> None:
        _app_only(folder)
        replace("Main.xaml", '<InArgument x:TypeArguments="x:String">User.Read</InArgument>',
                '<InArgument x:TypeArguments="x:String">Calendars.Read</InArgument>')(folder)
        replace("scopelint.yaml", "auth: delegated", "auth: application")(folder)

    manifest, _ = example(tmp_path, edit)
    [f] = [f for f in _findings(cli, tmp_path, manifest, [], "scope-not-granted") if f["line"] == 35]
    assert (f["permission"], f["permission_type"]) == ("Calendars.Read", "application")
    assert f["suggestion"] == "add Calendars.Read (Role) to the registration, or drop it from AuthenticationScopes"


def test_a_scope_asking_for_what_the_registration_grants_is_not_reported(cli, tmp_path):
    """Mail.Send is asked for by the scope and granted (in another case than the catalog's): nothing to report."""
    manifest, _ = example(tmp_path, replace("Main.xaml", ">Mail.Send<", ">mail.send<"))
    assert _findings(cli, tmp_path, manifest, [], "scope-not-granted") == []


def test_package_missing_names_the_package_the_project_file_and_three_uses(cli, tmp_path):
    assert _case(cli, tmp_path, "package-missing") == [{
        "code": "SL304", "severity": "warning",
        "message": f"workflows use {O365} activities, but project.json does not declare the package",
        "file": f"{INVOICE}/project.json", "line": None, "activity": None, "permission": None,
        "permission_type": None, "suggestion": f'add "{O365}" to dependencies',
        "evidence": (f"{O365}.Office365ApplicationScope at {INVOICE}/Main.xaml:30",
                     f"{O365}.Mail.GetMail at {INVOICE}/Main.xaml:44",
                     f"{O365}.Mail.SendMail at {INVOICE}/Main.xaml:51")}]


def test_package_unused_names_the_declared_version_and_its_line(cli, tmp_path):
    nested = "<tmp>/monorepo/Performer/Tests/Nested"
    assert _case(cli, tmp_path, "package-unused") == [{
        "code": "SL305", "severity": "info",
        "message": f"{O365} [2.23.1, ) is declared, but no workflow uses its activities",
        "file": f"{nested}/project.json", "line": 5, "activity": None, "permission": None, "permission_type": None,
        "suggestion": "remove the dependency if no coded workflow needs it", "evidence": ()}]


def test_public_app_points_at_the_scope_and_says_how_to_use_your_own_app(cli, tmp_path):
    assert _case(cli, tmp_path, "public-app") == [{
        "code": "SL306", "severity": "warning",
        "message": "the Office 365 scope signs in through UiPath's public app (OAuthApplication=UiPath): your "
                   "registration does not govern it",
        "file": f"{INVOICE}/Main.xaml", "line": 30, "activity": None, "permission": None, "permission_type": None,
        "suggestion": "set OAuthApplication to Custom and use your own app registration", "evidence": ()}]


def test_auth_mismatch_names_both_modes_and_the_scopes_authentication_type(cli, tmp_path):
    assert _case(cli, tmp_path, "auth-mismatch") == [{
        "code": "SL307", "severity": "warning",
        "message": "the manifest says auth: application, but the project's Office 365 scopes sign in as delegated "
                   "(InteractiveToken)",
        "file": f"{INVOICE}/Main.xaml", "line": 30, "activity": None, "permission": None, "permission_type": None,
        "suggestion": "set auth: delegated in the manifest", "evidence": ()}]


def test_auth_mismatch_the_other_way_round(cli, tmp_path):
    manifest, _ = example(tmp_path, _app_only)
    [f] = _findings(cli, tmp_path, manifest, [], "auth-mismatch")
    assert f["message"] == ("the manifest says auth: delegated, but the project's Office 365 scopes sign in as "
                            "application (ApplicationIdAndSecret)")
    assert (f["file"], f["line"], f["suggestion"]) == (f"{INVOICE}/Main.xaml", 30, "set auth: application in the "
                                                                                     "manifest")


def test_undeclared_operation_names_the_call_its_source_and_its_text(cli, tmp_path):
    found = _case(cli, tmp_path, "undeclared-operation")
    calls = [(f["activity"], f["line"], f["evidence"]) for f in found]
    assert calls == [
        ("POST /users/{id}/sendMail", 4,
         ('["https://graph.microsoft.com/v1.0/users/" + in_Account.Trim + "/sendMail"]',)),
        ("GET /me/mailFolders/inbox/messages", 5,
         ("https://graph.microsoft.us/beta/me/mailFolders/inbox/messages?$select=subject&$top=10",)),
        ("PATCH /users/{id}/messages/{id}", 8, ('$"https://graph.microsoft.com/v1.0/users/{userId}/messages/'
                                                '{messageId}"',)),
    ]
    first = found[0]
    assert first["message"] == ("POST /users/{id}/sendMail is called here (http-request) but not listed under "
                                "operations: in the manifest")
    assert first["suggestion"] == "add '- POST /users/{id}/sendMail' under operations: (or run scopelint scan --write)"
    assert (first["code"], first["severity"], first["file"]) == ("SL308", "error",
                                                                 "<fixtures>/http-mailer/SendMail.xaml")


def test_unresolved_graph_call_says_what_cannot_be_worked_out(cli, tmp_path):
    found = _case(cli, tmp_path, "unresolved-graph-call")
    assert [(f["line"], f["message"], f["evidence"]) for f in found] == [
        (6, "a Graph call (http-request) that cannot be checked: the path after the API version is computed at run "
            "time", ('["https://graph.microsoft.com/v1.0/" + in_Resource]',)),
        (7, 'a Graph call (http-request) that cannot be checked: the HTTP method is computed at run time '
            '([in_Config("Method").ToString])', ("https://graph.microsoft.com/v1.0/me/events",)),
    ]
    assert {(f["code"], f["severity"], f["file"], f["suggestion"]) for f in found} == {
        ("SL309", "warning", "<fixtures>/http-mailer/SendMail.xaml",
         "write the call's 'METHOD /path' under operations: in the manifest")}


def test_graph_library_says_why_the_library_may_call_graph_and_how_to_describe_it(cli, tmp_path):
    found = _case(cli, tmp_path, "graph-library")
    assert [(f["line"], f["message"]) for f in found] == [
        (5, "CCR.RPA.Office365.Activities [1.0.12] may call Microsoft Graph itself (its name contains 'Office365'); "
            "its calls are not visible to scopelint, so the permissions worked out may be too few"),
        (6, "LIB_GraphAPI [2.1.0] may call Microsoft Graph itself (its name contains 'Graph'); its calls are not "
            "visible to scopelint, so the permissions worked out may be too few"),
    ]
    assert found[1]["suggestion"] == ("describe LIB_GraphAPI in a rule pack and pass it with --rules: libraries: "
                                      "[{package: LIB_GraphAPI, operations: [METHOD /path, ...], sources: [where its "
                                      "calls are documented]}] (see manifests/examples/graph-library), or list its "
                                      "Graph calls under operations:")
    assert {(f["code"], f["severity"], f["file"]) for f in found} == {
        ("SL310", "info", "<fixtures>/library-only/project.json")}


def test_graph_library_described_by_a_rule_pack_asks_to_declare_its_activities(cli, tmp_path):
    """With a rule pack for LIB_GraphAPI's activities, scan still cannot see them in the workflows: the finding says
    to declare the ones used, not to write a rule pack."""
    pack = tmp_path / "lib.yaml"
    pack.write_text(CONTOSO_PACK.replace("Contoso.Rpa.Mail.ArchiveInvoices", "LIB_GraphAPI.Mail.ArchiveInvoices"))
    manifest, args = standalone(tmp_path, "library-only")
    found = _findings(cli, tmp_path, manifest, [*args, "--rules", pack], "graph-library")
    [lib] = [f for f in found if f["line"] == 6]
    assert lib["message"] == ("LIB_GraphAPI [2.1.0] may call Microsoft Graph itself; a rule pack describes its "
                              "activities, but scan does not read them from workflows: declare the ones used under "
                              "activities:")
    assert lib["suggestion"] == "list its activities under activities: in the manifest"
    [other] = [f for f in found if f["line"] == 5]
    assert other["suggestion"].startswith("describe CCR.RPA.Office365.Activities in a rule pack and pass it with "
                                          "--rules: libraries:")


def test_target_wider_names_the_declared_target_and_the_attribute_pointing_at_a_site(cli, tmp_path):
    assert _case(cli, tmp_path, "target-wider") == [{
        "code": "SL311", "severity": "error",
        "message": "'UploadFilesConnections' is declared for target own, but <tmp>/site/Main.xaml:2 points it at a "
                   "SharePoint site or a group's drive",
        "file": "<tmp>/site/scopelint.yaml", "line": 5, "activity": "UploadFilesConnections", "permission": None,
        "permission_type": None,
        "suggestion": "add 'target: site' to the activity entry by hand",
        "evidence": ('<tmp>/site/Main.xaml:2: ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/'
                     'Shared%20Documents" (line 2)',)}]


@pytest.mark.parametrize("kind", ["package-missing", "package-unused"])
def test_a_project_without_project_json_has_no_package_findings(cli, tmp_path, kind):
    """Workflows alone (no project.json): there is no dependency list to judge, so neither package check reports."""
    manifest, _ = example(tmp_path, lambda folder: (folder / "project.json").unlink())
    assert _findings(cli, tmp_path, manifest, [], kind) == []
    assert _findings(cli, tmp_path, manifest, [], "unused-activity") == []  # the workflows were still read


def test_an_undeclared_graph_call_made_eight_times_lists_the_next_five_places(cli, tmp_path):
    folder = tmp_path / "eight"
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "Eight", "main": "Main.xaml", "dependencies": {}}')
    call = '    <ui:HttpClient EndPoint="https://graph.microsoft.com/v1.0/me/events" Method="GET" />\n'
    (folder / "Main.xaml").write_text(
        '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:ui="http://schemas.uipath.com/workflow/activities">\n  <Sequence>\n' + call * 8
        + "  </Sequence>\n</Activity>\n")
    manifest = folder / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: eight\nauth: delegated\nproject: .\nactivities: []\n")
    [f] = _findings(cli, tmp_path, manifest, [], "undeclared-operation")
    assert (f["activity"], f["line"]) == ("GET /me/events", 3)
    assert f["evidence"] == ("https://graph.microsoft.com/v1.0/me/events",
                             *(f"also called at <tmp>/eight/Main.xaml:{line}" for line in range(4, 9)))


def test_a_scope_asking_for_a_permission_graph_does_not_have_is_named_where_it_asks(cli, tmp_path):
    manifest, _ = example(tmp_path, replace("Main.xaml", ">User.Read<", ">User.Raed<"))
    assert _findings(cli, tmp_path, manifest, [], "unknown-permission") == [{
        "code": "SL202", "severity": "warning",
        "message": "the Office 365 scope requests 'User.Raed', which is not a Microsoft Graph delegated permission",
        "file": f"{INVOICE}/Main.xaml", "line": 35, "activity": None, "permission": "User.Raed",
        "permission_type": "delegated", "suggestion": None, "evidence": ()}]
