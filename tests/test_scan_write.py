"""`scopelint scan --write`: a checked manifest in one command, and updates that keep what people wrote by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scopelint.manifest import load_manifest

FIX = Path(__file__).resolve().parent / "fixtures" / "uipath"
O365 = "UiPath.MicrosoftOffice365.Activities"


@pytest.fixture
def classic(tmp_path) -> Path:
    folder = tmp_path / "classic"
    shutil.copytree(FIX / "classic-vb", folder)
    return folder


def test_creates_a_manifest_that_loads_and_checks(classic, cli):
    run = cli("scan", str(classic), "--write")
    assert run.code == 0 and f"created   {classic / 'scopelint.yaml'} (+3)" in run.stdout
    m = load_manifest(classic / "scopelint.yaml")
    assert (m.name, m.auth, m.project) == ("AP Mailbox Reader", "delegated", classic / ".")
    assert [a.ref for a in m.activities] == [f"{O365}.Files.UploadFile", f"{O365}.Mail.GetMail",
                                             f"{O365}.Mail.SendMail"]
    text = (classic / "scopelint.yaml").read_text()
    # the disabled ForwardMail is named in a comment, not declared; the scope itself needs no declaration
    assert f"# scan: used only in disabled code (CommentOut), not declared: {O365}.Mail.ForwardMail" in text
    assert "Office365ApplicationScope" not in text
    check = cli("check", str(classic))
    assert check.code == 0 and "undeclared" not in check.stdout


def test_a_second_run_changes_nothing(classic, cli):
    cli("scan", str(classic), "--write")
    before = (classic / "scopelint.yaml").read_bytes()
    run = cli("scan", str(classic), "--write")
    assert run.stdout.startswith("unchanged") and (classic / "scopelint.yaml").read_bytes() == before
    assert sorted(p.name for p in classic.iterdir()) == ["Framework", "Main.xaml", "project.json", "scopelint.yaml"]


HAND_WRITTEN = """\
# Hand-written header: who owns this robot.
scopelint: 1
registration: app.json  # exported from the portal
activities:
  # reads the AP inbox
  - activity: Get Mail
    note: inbox of the signed-in user
  # this one was removed from the workflows last year
  - Delete Mail
  - Send Mail  # receipts
operations:
  - GET /me/mailFolders
accept:
  - permission: User.ReadWrite
    reason: shared registration (ticket SEC-1)
"""


def test_update_keeps_hand_written_keys_and_comments(classic, cli):
    path = classic / "scopelint.yaml"
    path.write_text(HAND_WRITTEN)
    run = cli("scan", str(classic), "--write", "--format", "json")
    (outcome,) = json.loads(run.stdout)["manifests"]
    assert (outcome["action"], outcome["added"], outcome["removed"]) == (
        "updated", [f"{O365}.Files.UploadFile"], ["Delete Mail"])
    text = path.read_text()
    assert text == """\
# Hand-written header: who owns this robot.
scopelint: 1
name: AP Mailbox Reader
auth: delegated
project: .
registration: app.json  # exported from the portal
activities:
  # reads the AP inbox
  - activity: Get Mail
    note: inbox of the signed-in user
  - Send Mail  # receipts
  - UiPath.MicrosoftOffice365.Activities.Files.UploadFile
  # scan: used only in disabled code (CommentOut), not declared: UiPath.MicrosoftOffice365.Activities.Mail.ForwardMail
operations:
  - GET /me/mailFolders
accept:
  - permission: User.ReadWrite
    reason: shared registration (ticket SEC-1)
"""
    m = load_manifest(path)
    assert [a.ref for a in m.activities] == ["Get Mail", "Send Mail", f"{O365}.Files.UploadFile"]
    assert len(m.accept) == 1 and len(m.operations) == 1


def test_flow_style_activities_are_rewritten_as_a_block(classic, cli):
    path = classic / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: ap\nauth: delegated\nproject: .\nactivities: [Send Mail, Delete Mail]\n"
                    "registration: app.json\n")
    assert cli("scan", str(classic), "--write").code == 0
    m = load_manifest(path)
    assert [a.ref for a in m.activities] == [f"{O365}.Files.UploadFile", f"{O365}.Mail.GetMail",
                                             f"{O365}.Mail.SendMail"]
    assert path.read_text().endswith("registration: app.json\n")


def test_crlf_manifests_stay_crlf(classic, cli):
    path = classic / "scopelint.yaml"
    path.write_bytes(b"scopelint: 1\r\nname: ap\r\nauth: delegated\r\nproject: .\r\nactivities:\r\n  - Send Mail\r\n")
    cli("scan", str(classic), "--write")
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"  - UiPath.MicrosoftOffice365.Activities.Mail.GetMail\r\n" in data


def test_a_broken_manifest_is_reported_and_left_alone(classic, cli):
    path = classic / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: [unclosed\n")
    run = cli("scan", str(classic), "--write")
    assert run.code == 2 and "error" in run.stdout and "YAML syntax error" in run.stdout
    assert path.read_text() == "scopelint: 1\nname: [unclosed\n"
    assert [p.name for p in classic.iterdir() if p.name.startswith(".")] == []  # no temporary file left behind


def test_an_update_that_would_not_load_is_refused(classic, cli):
    path = classic / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: ap\nactivites: []\n")  # misspelt key: the manifest cannot load either way
    run = cli("scan", str(classic), "--write")
    assert run.code == 2 and "would not load" in run.stdout and "activites" in run.stdout
    assert path.read_text() == "scopelint: 1\nname: ap\nactivites: []\n"


def test_sign_in_modes_scan_cannot_map_are_written_with_a_comment(tmp_path, cli):
    tree = tmp_path / "tree"
    shutil.copytree(FIX / "monorepo", tree)
    run = cli("scan", str(tree), "--write")
    assert run.code == 0
    text = (tree / "Dispatcher" / "scopelint.yaml").read_text()
    assert "# auth: the workflows sign in through Integration Service connections" in text
    assert "\nauth: delegated\n" in text
    nested = tree / "Performer" / "Tests" / "Nested" / "scopelint.yaml"
    assert "scan could not tell how the workflows sign in" in nested.read_text()
    assert load_manifest(nested).activities == ()
    assert not (tree / "scopelint.yaml").exists()  # loose workflows outside any project get no manifest
    assert "skipped" in run.stdout


def test_projects_without_microsoft_365_get_no_manifest(tmp_path, cli):
    (tmp_path / "project.json").write_text('{"name": "plain", "dependencies": {"UiPath.System.Activities": "[1]"}}')
    (tmp_path / "Main.xaml").write_text('<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"/>')
    run = cli("scan", str(tmp_path), "--write")
    assert run.code == 0 and "no Microsoft 365 activities or package" in run.stdout
    assert not (tmp_path / "scopelint.yaml").exists()


def test_unknown_classes_are_declared_so_check_can_name_them(tmp_path, cli):
    tree = tmp_path / "prefixes"
    shutil.copytree(FIX / "prefixes", tree)
    cli("scan", str(tree), "--write")
    assert "  - UiPath.MicrosoftTeams.Activities.SendMessage\n" in (tree / "scopelint.yaml").read_text()
    run = cli("check", str(tree))
    assert run.code == 1 and "unknown-activity" in run.stdout
    assert "UiPath.MicrosoftTeams.Activities.SendMessage" in run.stdout
    again = cli("scan", str(tree), "--write")
    assert again.stdout.startswith("unchanged") and "kept" not in again.stdout


def test_shared_mailbox_use_is_declared_as_shared(tmp_path, cli):
    tree = tmp_path / "modern"
    shutil.copytree(FIX / "modern-cs", tree)
    cli("scan", str(tree), "--write")
    m = load_manifest(tree / "scopelint.yaml")
    assert [(a.ref.rsplit(".", 1)[1], a.shared) for a in m.activities if a.shared] == [("SendMailConnections", True)]


def test_unindented_lists_and_names_that_need_quoting_round_trip(classic, cli):
    (classic / "project.json").write_text((classic / "project.json").read_text().replace(
        '"AP Mailbox Reader"', '"yes: AP #1"'))
    path = classic / "scopelint.yaml"
    path.write_text("scopelint: 1\nactivities:\n- Send Mail\nregistration: app.json\n")
    assert cli("scan", str(classic), "--write").code == 0
    first = path.read_text()
    assert "\n- Send Mail\n- UiPath.MicrosoftOffice365.Activities.Files.UploadFile\n" in first
    assert load_manifest(path).name == "yes: AP #1"
    assert cli("scan", str(classic), "--write").stdout.startswith("unchanged") and path.read_text() == first


def test_a_project_name_cannot_inject_manifest_keys(classic, cli):
    (classic / "project.json").write_text((classic / "project.json").read_text().replace(
        '"AP Mailbox Reader"', '"robot\\nregistration: evil.json\\n# x"'))
    assert cli("scan", str(classic), "--write").code == 0
    m = load_manifest(classic / "scopelint.yaml")
    assert (m.name, m.registration) == ("robot\nregistration: evil.json\n# x", None)


@pytest.fixture
def invoice_without_manifest(tmp_path) -> Path:
    folder = tmp_path / "invoice"
    shutil.copytree(Path(__file__).resolve().parent.parent / "manifests" / "examples" / "uipath-invoice", folder)
    (folder / "scopelint.yaml").unlink()
    return folder


def test_the_only_registration_export_next_to_project_json_is_written(invoice_without_manifest, cli):
    folder = invoice_without_manifest
    run = cli("scan", folder, "--write")
    assert run.code == 0 and "note: registration: app.json (the only registration export next to project.json)" \
        in run.stdout
    manifest = load_manifest(folder / "scopelint.yaml")
    assert manifest.registration == folder / "app.json"
    assert cli("check", folder).code == 0  # the written manifest checks against it
    # an existing manifest without registration: gets it on the next run, and keeps it afterwards
    text = (folder / "scopelint.yaml").read_text().replace("registration: app.json\n", "")
    (folder / "scopelint.yaml").write_text(text)
    assert "note: registration: app.json" in cli("scan", folder, "--write").stdout
    assert load_manifest(folder / "scopelint.yaml").registration == folder / "app.json"
    assert cli("scan", folder, "--write").stdout.startswith("unchanged")


def test_no_or_several_exports_leave_registration_out_and_say_how_to_add_it(invoice_without_manifest, cli):
    folder = invoice_without_manifest
    shutil.copy(folder / "app.json", folder / "app-test.json")
    run = cli("scan", folder, "--write")
    assert "several registration exports next to project.json (app-test.json, app.json)" in run.stdout
    assert load_manifest(folder / "scopelint.yaml").registration is None
    (folder / "app-test.json").unlink()
    (folder / "app.json").rename(folder / "notes.txt")
    (folder / "scopelint.yaml").unlink()
    run = cli("scan", folder, "--write")
    assert "no registration written: export the app registration next to project.json (az ad app show --id " \
           "APP_ID > app.json) and add 'registration: app.json'" in run.stdout


GRAPHCALLS = FIX.parent / "graphcalls"
LIBRARY_EXAMPLE = FIX.parent.parent.parent / "manifests" / "examples" / "graph-library"


@pytest.mark.parametrize(("folder", "rules", "sources"), [
    (GRAPHCALLS / "http-mailer", False, "HTTP Request"),
    (GRAPHCALLS / "coded", False, "Invoke Code, Graph SDK calls, coded workflows, .vb files"),
    (LIBRARY_EXAMPLE, True, "library dependencies a rule pack describes"),
])
def test_the_operations_comment_names_where_the_calls_come_from(tmp_path, cli, folder, rules, sources):
    """A project whose only Graph calls come from a library a pack describes is not told they are HTTP Requests."""
    project = tmp_path / folder.name
    shutil.copytree(folder, project)
    (project / "scopelint.yaml").unlink(missing_ok=True)
    extra = ["--rules", project / "rules"] if rules else []
    assert cli("scan", "--write", *extra, project).code == 0
    lines = (project / "scopelint.yaml").read_text().splitlines()
    comment = lines[lines.index("operations:") - 1]
    assert comment == f"# Graph calls made outside the activity packages ({sources}), found by scan:"
