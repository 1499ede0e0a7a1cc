"""The `project` family (SL301-SL312): the manifest against the UiPath project it names (`project: .`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from check_families import family_tests, kinds

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "manifests" / "examples" / "uipath-invoice"
MONOREPO = Path(__file__).resolve().parent / "fixtures" / "uipath" / "monorepo"
GRAPHCALLS = Path(__file__).resolve().parent / "fixtures" / "graphcalls"
O365 = "UiPath.MicrosoftOffice365.Activities"


def example(tmp_path: Path, edit: Callable[[Path], None] | None = None) -> tuple[Path, list]:
    """A copy of the shipped UiPath example (clean against its registration), changed by `edit`."""
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    if edit:
        edit(folder)
    return folder / "scopelint.yaml", []


def replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    return edit


def nested_performer(tmp_path: Path) -> tuple[Path, list]:
    """A project that declares the Microsoft 365 package but whose workflows use none of its activities."""
    from click.testing import CliRunner

    from scopelint.cli import main

    tree = tmp_path / "monorepo"
    shutil.copytree(MONOREPO, tree)
    assert CliRunner().invoke(main, ["scan", "--write", str(tree)]).exit_code == 0
    return tree / "Performer" / "Tests" / "Nested" / "scopelint.yaml", []


def standalone(tmp_path: Path, project: str, operations: tuple[str, ...] = ()) -> tuple[Path, list]:
    """A manifest without activities checked against one of the graphcalls fixture projects (--project)."""
    manifest = tmp_path / "scopelint.yaml"
    ops = "".join(f"  - {op}\n" for op in operations)
    manifest.write_text("scopelint: 1\nname: m\nauth: delegated\nactivities: []\n"
                        + (f"operations:\n{ops}" if ops else ""))
    return manifest, ["--project", GRAPHCALLS / project]


def site_project(tmp_path: Path, target: str) -> tuple[Path, list]:
    """A project whose Upload Files activity names a SharePoint site library, declared with `target`."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "project.json").write_text(
        '{"name": "Site", "main": "Main.xaml", "dependencies": {"UiPath.MicrosoftOffice365.Activities": "[3.1.10]"}}')
    (folder / "Main.xaml").write_text(
        '<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;'
        'assembly=UiPath.MicrosoftOffice365.Activities" xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">\n'
        '  <umaf:UploadFilesConnections ConnectionId="c" UseConnectionService="True"\n'
        '    ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents" />\n</Activity>\n')
    (folder / "scopelint.yaml").write_text("scopelint: 1\nname: site\nproject: .\nactivities:\n"
                                           f"  - activity: UploadFilesConnections\n    target: {target}\n")
    return folder / "scopelint.yaml", []


def expression_project(tmp_path: Path, target: str) -> tuple[Path, list]:
    """A project whose Download File gets its item URL from a variable, declared with `target`."""
    manifest, args = site_project(tmp_path, target)
    main = manifest.parent / "Main.xaml"
    main.write_text(main.read_text().replace("UploadFilesConnections", "DownloadFileConnections").replace(
        '"https://contoso.sharepoint.com/sites/finance/Shared%20Documents"', '"[in_ReportUrl]"'))
    manifest.write_text(manifest.read_text().replace("UploadFilesConnections", "DownloadFileConnections"))
    return manifest, args


HTTP_MAILER_CALLS = ("GET /me/mailFolders/inbox/messages", "POST /users/{id}/sendMail",
                     "PATCH /users/{id}/messages/{id}")

CASES = {
    "undeclared-activity": (lambda t: example(t, replace("scopelint.yaml", f"  - {O365}.Mail.SendMail\n", "")),
                            example),
    "unused-activity": (
        lambda t: example(t, replace("scopelint.yaml", "activities:\n", "activities:\n  - Get Sheets\n")), example),
    "scope-not-granted": (
        lambda t: example(t, replace("Main.xaml", '<InArgument x:TypeArguments="x:String">User.Read</InArgument>',
                                     '<InArgument x:TypeArguments="x:String">Calendars.Read</InArgument>')),
        example),
    "package-missing": (lambda t: example(t, replace("project.json", f'    "{O365}": "[2.6.24]",\n', "")), example),
    "package-unused": (nested_performer, example),
    "public-app": (
        lambda t: example(t, replace("Main.xaml", 'OAuthApplication="Custom"', 'OAuthApplication="UiPath"')), example),
    "auth-mismatch": (lambda t: example(t, replace("scopelint.yaml", "auth: delegated", "auth: application")), example),
    "undeclared-operation": (lambda t: standalone(t, "http-mailer"),
                             lambda t: standalone(t, "http-mailer", HTTP_MAILER_CALLS)),
    "unresolved-graph-call": (lambda t: standalone(t, "http-mailer"), example),
    "graph-library": (lambda t: standalone(t, "library-only"), example),
    "target-wider": (lambda t: site_project(t, "own"), lambda t: site_project(t, "site")),
    "target-expression": (lambda t: expression_project(t, "own"), lambda t: expression_project(t, "site")),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "project", CASES)


def test_without_a_project_no_project_check_reports(cli, tmp_path):
    manifest, _ = example(tmp_path, replace("scopelint.yaml", "project: .\n", ""))
    manifest.write_text(manifest.read_text().replace(f"  - {O365}.Mail.SendMail\n", ""))
    found = kinds(cli, manifest, [])
    assert "excess" in found  # Mail.Send: nothing declared needs it any more
    assert not {k for k in found if k in CASES}
