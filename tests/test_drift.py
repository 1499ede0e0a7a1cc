"""Drift in `check`: the manifest against the UiPath project it names (`project:` or --project)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scopelint.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "manifests" / "examples" / "uipath-invoice"
FIX = Path(__file__).resolve().parent / "fixtures" / "uipath"
O365 = "UiPath.MicrosoftOffice365.Activities"


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def registration(path: Path, delegated: list[str], application: list[str] = ()) -> None:
    cat = load_catalog()
    access = [{"id": cat.get("delegated", n).id, "type": "Scope"} for n in delegated]
    access += [{"id": cat.get("application", n).id, "type": "Role"} for n in application]
    path.write_text(json.dumps({"appId": "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "requiredResourceAccess": [
        {"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": access}]}, indent=2))


@pytest.fixture
def invoice(tmp_path) -> Path:
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    return folder


def findings(run) -> list[tuple[str, str, int | None]]:
    return [(f["kind"], Path(f["file"]).name, f["line"]) for f in json.loads(run.stdout)["findings"]]


def test_the_shipped_example_has_no_drift(invoice, cli):
    run = cli("check", str(invoice), "--format", "json")
    assert run.code == 0 and findings(run) == []


def test_undeclared_activity_is_an_error_at_the_workflow_line(invoice, cli):
    manifest = invoice / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace(f"  - {O365}.Mail.SendMail\n", ""))
    run = cli("check", str(invoice), "--format", "json")
    main = invoice / "Main.xaml"
    assert run.code == 1
    assert ("undeclared-activity", "Main.xaml", line_of(main, "Send Mail (receipt to AP)")) in findings(run)
    f = next(f for f in json.loads(run.stdout)["findings"] if f["kind"] == "undeclared-activity")
    assert (f["code"], f["severity"], f["activity"]) == ("SL301", "error", f"{O365}.Mail.SendMail")
    text = cli("check", str(invoice))
    assert f"  Main.xaml:{line_of(main, 'Send Mail (receipt to AP)')} " in text.stdout


def test_unused_activity_is_a_warning_at_the_manifest_line(invoice, cli):
    manifest = invoice / "scopelint.yaml"
    manifest.write_text(manifest.read_text() + "  - Delete Mail\n")
    run = cli("check", str(invoice), "--format", "json")
    assert ("unused-activity", "scopelint.yaml", line_of(manifest, "- Delete Mail")) in findings(run)
    assert run.code == 0  # a warning: fails only with --strict
    assert cli("check", str(invoice), "--strict").code == 1


def test_disabled_code_is_neither_undeclared_nor_unused(invoice, cli):
    manifest = invoice / "scopelint.yaml"
    # ForwardMail sits in a CommentOut: not declaring it is fine, and declaring it is not "unused" either
    assert "undeclared" not in cli("check", str(invoice)).stdout
    manifest.write_text(manifest.read_text() + f"  - {O365}.Mail.ForwardMail\n")
    run = cli("check", str(invoice), "--format", "json")
    assert [k for k, _, _ in findings(run) if k in ("unused-activity", "undeclared-activity")] == []


def test_requested_scope_the_registration_does_not_grant(invoice, cli):
    registration(invoice / "app.json", ["User.Read", "Mail.ReadWrite", "Files.ReadWrite", "offline_access"])
    run = cli("check", str(invoice), "--format", "json")
    main = invoice / "Main.xaml"
    got = [(f["kind"], Path(f["file"]).name, f["line"], f["permission"]) for f in json.loads(run.stdout)["findings"]
           if f["kind"] == "scope-not-granted"]
    assert got == [("scope-not-granted", "Main.xaml", line_of(main, ">Mail.Send<"), "Mail.Send")]
    assert run.code == 1


def test_an_accept_entry_covers_a_scope_finding(invoice, cli):
    registration(invoice / "app.json", ["User.Read", "Mail.ReadWrite", "Mail.Send", "offline_access"])
    manifest = invoice / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace(
        "registration: app.json\n",
        "registration: app.json\naccept:\n  - permission: Files.ReadWrite\n    kind: scope-not-granted\n"
        "    reason: consent requested at sign-in by the file clerk (ticket AP-7)\n"))
    run = cli("check", str(invoice), "--format", "json")
    scope = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "scope-not-granted"]
    assert len(scope) == 1 and scope[0]["suppressed"] and scope[0]["permission"] == "Files.ReadWrite"
    assert "stale-exception" not in [f["kind"] for f in json.loads(run.stdout)["findings"]]


def test_expressions_default_and_public_app_scopes_are_not_compared(tmp_path, cli):
    tree = tmp_path / "modern"
    shutil.copytree(FIX / "modern-cs", tree)
    cli("scan", str(tree), "--write")
    registration(tree / "app.json", ["Mail.Read"])
    manifest = tree / "scopelint.yaml"
    manifest.write_text(manifest.read_text() + "registration: app.json\n")
    run = cli("check", str(tree), "--format", "json")
    scope = [(f["permission"], f["line"]) for f in json.loads(run.stdout)["findings"]
             if f["kind"] == "scope-not-granted"]
    # mail.read is granted (names compare case-insensitively); the two expressions are not judged
    assert scope == [("Mail.Send", line_of(tree / "Main.xaml", ">Mail.Send<"))]


def test_package_missing_and_package_unused(tmp_path, cli):
    tree = tmp_path / "monorepo"
    shutil.copytree(FIX / "monorepo", tree)
    cli("scan", str(tree), "--write")
    run = cli("check", str(tree), "--format", "json")
    got = {(f["kind"], Path(f["file"]).relative_to(tree).as_posix(), f["line"])
           for f in json.loads(run.stdout)["findings"]}
    assert got == {("package-missing", "Dispatcher/project.json", None),
                   ("package-unused", "Performer/Tests/Nested/project.json", 5)}


def test_public_app_and_auth_mismatch(tmp_path, cli):
    tree = tmp_path / "classic"
    shutil.copytree(FIX / "classic-vb", tree)
    cli("scan", str(tree), "--write")
    manifest = tree / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace("auth: delegated", "auth: application"))
    run = cli("check", str(tree), "--format", "json")
    upload = tree / "Framework" / "Upload (copy 2).xaml"
    kinds = findings(run)
    assert ("public-app", upload.name, line_of(upload, "Office 365 Scope (files)")) in kinds
    assert ("auth-mismatch", upload.name, line_of(upload, "Office 365 Scope (files)")) in kinds  # the first scope


def test_check_project_option_overrides_the_manifest(invoice, tmp_path, cli):
    manifest = tmp_path / "standalone.yaml"
    manifest.write_text(f"scopelint: 1\nname: x\nactivities:\n  - {O365}.Mail.GetMail\n")
    assert cli("check", str(manifest)).code == 0  # no project: no drift
    run = cli("check", str(manifest), "--project", str(invoice), "--format", "json")
    undeclared = sorted(f["activity"] for f in json.loads(run.stdout)["findings"] if f["kind"] == "undeclared-activity")
    assert run.code == 1 and undeclared == [f"{O365}.Excel.WriteRangeConnections", f"{O365}.Files.UploadFile",
                                            f"{O365}.Mail.SendMail"]


def test_a_missing_or_unreadable_project_is_bad_input(invoice, cli):
    manifest = invoice / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace("project: .", "project: ../nowhere"))
    run = cli("check", str(invoice))
    assert run.code == 2 and f"{manifest}:{line_of(manifest, 'project:')}: project folder" in run.stderr
    manifest.write_text(manifest.read_text().replace("project: ../nowhere", "project: ."))
    (invoice / "Broken.xaml").write_text('<Activity xmlns:m="clr-namespace:X;assembly=UiPath.MicrosoftOffice365.'
                                         'Activities">\n<<<<<<< HEAD\n</Activity>\n')
    run = cli("check", str(invoice))
    assert run.code == 2 and "Broken.xaml:2" in run.stderr and "merge-conflict" in run.stderr


def test_project_may_name_the_project_json_itself(invoice, cli):
    manifest = invoice / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace("project: .", "project: project.json"))
    manifest.write_text(manifest.read_text().replace(f"  - {O365}.Files.UploadFile\n", ""))
    run = cli("check", str(invoice), "--format", "json")
    drift = [(k, f) for k, f, _ in findings(run) if k.endswith("-activity")]
    assert drift == [("undeclared-activity", "FileInvoices.xaml")]


def test_manifests_that_share_a_project_scan_it_once(invoice, tmp_path, monkeypatch):
    """A monorepo often has several manifests for one project (or --project for all): one scan serves them all."""
    import scopelint.drift
    from scopelint.session import Session

    scans = []
    real_scan = scopelint.drift.scan
    monkeypatch.setattr(scopelint.drift, "scan", lambda *a, **k: scans.append(a[0]) or real_scan(*a, **k))
    manifests = []
    for name in ("mailer", "filer"):
        manifest = tmp_path / name / "scopelint.yaml"
        manifest.parent.mkdir()
        manifest.write_text(f"scopelint: 1\nname: {name}\nproject: ../uipath-invoice\nactivities:\n"
                            f"  - {O365}.Mail.GetMail\n")
        manifests.append(manifest)
    report = Session().check(manifests)
    assert len(scans) == 1
    undeclared = [sorted(f.activity for f in r.findings if f.kind == "undeclared-activity") for r in report.results]
    assert undeclared == [[f"{O365}.Excel.WriteRangeConnections", f"{O365}.Files.UploadFile",
                           f"{O365}.Mail.SendMail"]] * 2
