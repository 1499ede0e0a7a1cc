"""Issue 15, done when: a project that sends mail through an HTTP Request needs Mail.Send, a Use Outlook 365 card
that reads mail needs a mail-read permission, and a dependency-only Graph project is visibly flagged. Tried as a
user: `scan` (text and JSON), `scan --write`, `scopes`, `check --project` and the audit report."""

from __future__ import annotations

import csv
import io
import json

from acceptance_projects import HTTP_MAIL, MAIL, OUTLOOK365, WEB, assert_round_trip, line_of, project, scopes_json

LIBRARY_ONLY = """
    <ui:InvokeWorkflowFile DisplayName="Notify through the library" WorkflowFileName="Notify.xaml" />
"""


def test_mail_sent_through_http_request_needs_application_mail_send(cli_proc, tmp_path):
    project(tmp_path, "GraphMailer", HTTP_MAIL, WEB)
    xaml = tmp_path / "Main.xaml"
    send_line = line_of(xaml, 'DisplayName="Send report"')  # the activity's line, where its element starts
    scan = json.loads(cli_proc("scan", tmp_path, "--format", "json").stdout)["projects"][0]
    assert scan["auth"] == "application"  # the token request is client_credentials
    assert [(o["request"], o["source"], o["line"]) for o in scan["operations"]] == [
        ("POST /users/{id}/sendMail", "http-request", send_line)]
    text = cli_proc("scan", tmp_path).stdout
    assert f"Main.xaml:{send_line}" in text and "POST /users/{id}/sendMail  (http-request)" in text
    assert "client credentials: application" in text

    assert cli_proc("scan", tmp_path, "--write").code == 0
    manifest = tmp_path / "scopelint.yaml"
    written = manifest.read_text(encoding="utf-8")
    assert "auth: application\n" in written and '  - "POST /users/{id}/sendMail"\n' in written
    assert [(g["permission"], g["type"], g["needed_by"]) for g in scopes_json(cli_proc, manifest)] == [
        ("Mail.Send", "application", ["POST /users/{id}/sendMail"])]
    assert_round_trip(cli_proc, manifest, tmp_path)


def test_a_graph_call_the_manifest_does_not_list_is_drift_at_its_line(cli_proc, tmp_path):
    project(tmp_path, "GraphMailer", HTTP_MAIL, WEB)
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: mailer\nauth: application\nproject: .\nactivities: []\n",
                        encoding="utf-8")
    run = cli_proc("check", manifest, "--format", "json")
    assert run.code == 1
    drift = [(f["kind"], f["file"], f["line"]) for f in json.loads(run.stdout)["findings"]]
    send_line = line_of(tmp_path / "Main.xaml", 'DisplayName="Send report"')
    assert ("undeclared-operation", str(tmp_path / "Main.xaml"), send_line) in drift


def test_a_use_outlook_365_card_that_reads_mail_needs_a_mail_read_permission(cli_proc, tmp_path):
    project(tmp_path, "InboxReader", OUTLOOK365, MAIL)
    xaml = tmp_path / "Main.xaml"
    uses = json.loads(cli_proc("scan", tmp_path, "--format", "json").stdout)["projects"][0]["activities"]
    assert ("UiPath.Mail.Activities.Business.ForEachEmailX", line_of(xaml, "ForEachEmailX")) in {
        (a["class"], a["line"]) for a in uses}
    assert cli_proc("scan", tmp_path, "--write").code == 0
    manifest = tmp_path / "scopelint.yaml"
    assert "  - UiPath.Mail.Activities.Business.ForEachEmailX\n" in manifest.read_text(encoding="utf-8")
    assert [(g["permission"], g["type"]) for g in scopes_json(cli_proc, manifest)] == [("Mail.Read", "delegated")]
    assert_round_trip(cli_proc, manifest, tmp_path)


def test_a_dependency_only_graph_project_is_flagged_in_scan_check_and_the_report(cli_proc, tmp_path):
    project(tmp_path, "ViaGraphLibrary", LIBRARY_ONLY, {"LIB_GraphAPI": "[2.1.0]"})
    pj = tmp_path / "project.json"
    dep_line = line_of(pj, "LIB_GraphAPI")
    env = {"NUGET_PACKAGES": str(tmp_path / "empty-nuget-cache")}  # nothing of the library on this machine

    text = cli_proc("scan", tmp_path, env=env).stdout
    assert "dependency LIB_GraphAPI [2.1.0]: may call Microsoft Graph itself" in text and "--rules" in text
    libraries = json.loads(cli_proc("scan", tmp_path, "--format", "json", env=env).stdout)["projects"][0]["libraries"]
    assert [(lib["name"], lib["line"], lib["why"]) for lib in libraries] == [
        ("LIB_GraphAPI", dep_line, "its name contains 'Graph'")]

    wrote = cli_proc("scan", tmp_path, "--write", env=env)  # no activities, but a library worth a manifest
    assert wrote.code == 0 and "created" in wrote.stdout, wrote.stdout
    manifest = tmp_path / "scopelint.yaml"
    run = cli_proc("check", manifest, "--format", "json", env=env)
    assert [(f["code"], f["line"]) for f in json.loads(run.stdout)["findings"]] == [("SL310", dep_line)]
    bare = tmp_path / "bare.yaml"
    bare.write_text("scopelint: 1\nname: via-library\nauth: application\nactivities: []\n", encoding="utf-8")
    run = cli_proc("check", bare, "--project", tmp_path, "--format", "json", env=env)
    assert run.code == 0, run.stderr
    flagged = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "graph-library"]
    assert [(f["code"], f["file"], f["line"]) for f in flagged] == [("SL310", str(pj), dep_line)]
    assert "LIB_GraphAPI" in flagged[0]["message"] and "--rules" in flagged[0]["suggestion"]
    human = cli_proc("check", bare, "--project", tmp_path, env=env).stdout
    assert f"project.json:{dep_line}" in human and "graph-library" in human

    report = cli_proc("report", manifest, "--format", "csv", env=env)
    assert report.code == 0, report.stderr
    rows = [r for r in csv.DictReader(io.StringIO(report.stdout)) if r["code"] == "SL310"]
    assert [(r["record"], r["file"], r["line"], r["severity"]) for r in rows] == [
        ("finding", str(pj), str(dep_line), "info")]
    assert rows[0]["message"].startswith("LIB_GraphAPI [2.1.0] may call Microsoft Graph itself")
