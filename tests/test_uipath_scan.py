"""The UiPath scanner on synthetic projects (tests/fixtures/uipath, one per XAML.md §4 case) and on bad files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scopelint.uipath import (
    Project,
    ScanResult,
    declares_activity_assembly,
    parse_nuget_range,
    scan,
)

FIX = Path(__file__).resolve().parent / "fixtures" / "uipath"
O365 = "UiPath.MicrosoftOffice365.Activities"


def line_of(path: Path, needle: str) -> int:
    """The first line of a fixture that contains `needle` (so tests do not hard-code line numbers)."""
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="module")
def tree() -> ScanResult:
    return scan(FIX)


def project(result: ScanResult, folder: str) -> Project:
    want = (FIX / folder).resolve()
    return next(p for p in result.projects if Path(p.path).resolve() == want)


def uses(p: Project, file: str) -> list[tuple[str, int, bool]]:
    """(class, line, disabled) of the activities found in one workflow of a project."""
    target = (Path(p.path) / file).resolve()
    return [(a.cls, a.line, a.disabled) for a in p.activities if Path(a.file).resolve() == target]


# ------------------------------------------------------------------------------------------- layout
def test_every_project_is_found_and_each_workflow_belongs_to_the_nearest(tree):
    kinds = {Path(p.path).resolve().relative_to(FIX).as_posix(): p.kind for p in tree.projects}
    assert kinds == {
        ".": "folder",
        "classic-vb": "project",
        "containers": "project",
        "modern-cs": "project",
        "monorepo/Dispatcher": "project",
        "monorepo/Performer": "project",
        "monorepo/Performer/Tests/Nested": "project",
        "prefixes": "project",
        "template/SharedMailboxTemplate/contentFiles/any/any/pt0": "template",
    }
    nested = project(tree, "monorepo/Performer/Tests/Nested")
    assert nested.workflows == 1 and nested.activities == ()  # upper-case TestCase.XAML, claimed by the nearer project
    performer = project(tree, "monorepo/Performer")
    files = sorted(Path(a.file).name for a in performer.activities)
    assert files == ["Report.xaml.xaml", "main.xaml"]  # double extension read; sidecar .xaml.json is no workflow
    assert performer.ignored_files == ("Legacy/Old.xaml",)  # processOptions.ignoredFiles (Studio's Windows path)
    orphans = project(tree, ".")
    assert [Path(a.file).name for a in orphans.activities] == ["Orphan.xaml"]
    assert any("outside any UiPath project" in d.message for d in orphans.diagnostics)


def test_project_facts_come_from_project_json(tree):
    classic = project(tree, "classic-vb")
    assert (classic.name, classic.output_type, classic.target_framework, classic.expression_language) == (
        "AP Mailbox Reader", "Library", "Legacy", "VisualBasic")
    modern = project(tree, "modern-cs")
    assert (modern.expression_language, modern.target_framework) == ("CSharp", "Windows")
    assert project(tree, "prefixes").target_framework == "Portable"


# ------------------------------------------------------------------------------------------- generations
def test_classic_scope_services_flags_and_commentout(tree):
    p = project(tree, "classic-vb")
    main = FIX / "classic-vb" / "Main.xaml"
    assert uses(p, "Main.xaml") == [
        (f"{O365}.Office365ApplicationScope", line_of(main, "Office 365 Scope (AP mailbox)"), False),
        (f"{O365}.Mail.GetMail", line_of(main, "Get Mail (AP inbox)"), False),
        (f"{O365}.Mail.SendMail", line_of(main, "Send Mail (receipt)"), False),
        (f"{O365}.Mail.ForwardMail", line_of(main, "Forward Mail (disabled)"), True),
    ]
    assert p.auth == "delegated"
    assert p.requested_scopes == ("Files", "Mail", "Shared")  # Services="Mail, Shared" and "Files" (package 2.2.x)
    assert p.requested_scopes_from == ("Services",)
    assert p.package_version == "[2.2.7]" and p.package().range.exact
    upload = FIX / "classic-vb" / "Framework" / "Upload (copy 2).xaml"
    scope = next(s for s in p.scopes if Path(s.file).name == upload.name)
    assert (scope.oauth_application, scope.line) == ("UiPath", line_of(upload, "Office 365 Scope (files)"))
    assert p.oauth_application == "UiPath"


def test_modern_authentication_scopes_literals_and_expressions(tree):
    p = project(tree, "modern-cs")
    main = FIX / "modern-cs" / "Main.xaml"
    (scope,) = p.scopes
    values = [(v.value, v.line, v.dynamic) for v in scope.authentication_scopes]
    assert values[:2] == [("mail.read", line_of(main, ">mail.read<"), False),
                          ("Mail.Send", line_of(main, ">Mail.Send<"), False)]
    assert [v[2] for v in values[2:]] == [True, True]  # [VB expression] and <CSharpValue>: decided at run time
    assert p.requested_scopes == ("mail.read", "Mail.Send") and p.requested_scopes_dynamic
    assert p.requested_scopes_from == ("AuthenticationScopes",)
    assert (scope.authentication_type, scope.auth, scope.oauth_application) == (
        "InteractiveToken", "delegated", "Custom")


def test_connections_activities_inside_a_classic_scope_inherit_its_auth(tree):
    p = project(tree, "modern-cs")
    by_name = {Path(a.file).name + ":" + a.cls.rsplit(".", 1)[1]: a for a in p.activities}
    assert by_name["Main.xaml:SendMailConnections"].auth == "delegated"  # UseConnectionService="False" in the scope
    assert by_name["Triage.xaml:GetEmailListConnections"].auth == "connections"  # standalone, with a connection
    assert by_name["Triage.xaml:NewEmailReceived"].cls == f"{O365}.Mail.Triggers.NewEmailReceived"
    assert p.auth == "delegated" and p.auth_modes == ("connections", "delegated")


def test_shared_mailbox_and_generic_activities(tree):
    p = project(tree, "modern-cs")
    triage = FIX / "modern-cs" / "Workflows" / "Mail" / "Triage.xaml"
    shared = [a for a in p.activities if a.shared]
    assert [(a.cls, a.line) for a in shared] == [(f"{O365}.Mail.SendMailConnections",
                                                  line_of(triage, "Send Email (from shared AP box)"))]
    generic = next(a for a in p.activities if "ReadRange" in a.cls)
    # x:TypeArguments="sd1:DataRow32" (a Studio.Generated assembly): the .NET name carries the arity, the rule does not
    assert (generic.cls, generic.rule) == (f"{O365}.Excel.ReadRangeConnections`1", f"{O365}.Excel.ReadRangeConnections")


CONTAINERS = [
    ("in Sequence", "Mail.SendMailConnections"),
    ("in FlowStep", "Files.DownloadFileConnections"),
    ("in State.Entry", "Calendar.CreateEventConnections"),
    ("in TryCatch.Try", "Excel.WriteRangeConnections"),
    ("in TryCatch.Catches", "Mail.ForwardEmailConnections"),
    ("in If.Then", "Mail.ReplyToEmailConnections"),
    ("in If.Else", "Mail.DeleteEmailConnections"),
    ("in IfElseIfV2.Then", "Files.CopyItemConnections"),
    ("in Switch case", "Sharepoint.AddListItemConnections`1"),
    ("in ForEach.Body", "Files.MoveItemConnections"),
    ("in RetryScope.ActivityBody", "Calendar.DeleteEventConnections"),
    ("in nested scope body", "Excel.ReadRange"),
    ("in Parallel", "Mail.MarkAsReadUnreadConnections"),
    ("in ForEachEmailConnections.Body", "Mail.ArchiveEmailConnections"),
    ("in ForEachFileFolderConnections.Body", "Files.DeleteItemConnections"),
    ("in CommentOut.Body", "Mail.TurnOnAutomaticRepliesConnections"),
]


@pytest.mark.parametrize(("marker", "cls"), CONTAINERS)
def test_activities_are_found_in_every_container(tree, marker, cls):
    p = project(tree, "containers")
    found = [(c, line, disabled) for c, line, disabled in uses(p, "Main.xaml") if c == f"{O365}.{cls}"]
    assert found == [(f"{O365}.{cls}", line_of(FIX / "containers" / "Main.xaml", f'"{marker}"'),
                      marker == "in CommentOut.Body")]


def test_scope_nested_in_an_excel_card_signs_in_app_only(tree):
    p = project(tree, "containers")
    read = next(a for a in p.activities if a.cls.endswith(".Excel.ReadRange"))
    assert read.auth == "application"
    assert p.requested_scopes == ("https://graph.microsoft.com/.default",)
    assert p.package_version == "3.5.10" and p.package().range.minimum == "3.5.10" and not p.package().range.exact


# ------------------------------------------------------------------------------------------- namespaces
def test_prefixes_are_resolved_by_namespace_uri(tree):
    p = project(tree, "prefixes")
    calendar = FIX / "prefixes" / "Calendar.xaml"  # xmlns spread over several lines; umac = Calendar here
    assert uses(p, "Calendar.xaml")[1] == (f"{O365}.Calendar.CreateEvent", line_of(calendar, "umac is Calendar"),
                                           False)
    assert p.scopes[0].auth == "delegated"  # IntegratedWindowsAuthentication
    # umac = Contracts, usau1/umame1, and the Argument, Filter, ActivityState and DynamicField helpers: only the
    # umam1 activity counts
    assert [c for c, _, _ in uses(p, "Contracts.xaml")] == [f"{O365}.Mail.SendMailConnections"]
    inner = FIX / "prefixes" / "Inner.xaml"
    assert uses(p, "Inner.xaml") == [
        (f"{O365}.Files.UploadFilesConnections", line_of(inner, "xmlns on an inner element"), False),
        (f"{O365}.Files.GetFileListConnections", line_of(inner, "default xmlns"), False),
        (f"{O365}.Calendar.GetCalendarsConnections", line_of(inner, "f rebound to Calendar"), False),
    ]


def test_lookalikes_models_imports_and_other_assemblies_are_not_activities(tree):
    p = project(tree, "prefixes")
    # Mail package types in an O365-named CLR namespace, the Design assembly, model types, enums: none of them; the
    # Teams activity is reported, unknown to the rule book; the Mail package's Use Outlook 365 card and the mail
    # activity inside it call Graph (issue #15) and have rules of their own
    card = "UiPath.Mail.Activities.Business.ExchangeApplicationCard"
    send = "UiPath.Mail.Activities.Business.SendMailX"
    assert [(c, r) for c, r in ((a.cls, a.rule) for a in p.activities if "Lookalikes" in a.file)] == [
        (card, card), (send, send), ("UiPath.MicrosoftTeams.Activities.SendMessage", None)]
    assert uses(p, "ImportsOnly.xaml") == []


def test_unknown_classes_of_the_activity_assembly_are_still_reported(tmp_path):
    (tmp_path / "project.json").write_text('{"name": "x"}')
    (tmp_path / "Main.xaml").write_text(
        '<Activity xmlns:m="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
        'assembly=UiPath.MicrosoftOffice365.Activities">\n  <m:SendCarrierPigeonConnections />\n</Activity>\n')
    (a,) = scan(tmp_path).projects[0].activities
    assert (a.cls, a.line, a.rule, a.auth) == (f"{O365}.Mail.SendCarrierPigeonConnections", 2, None, "connections")


def test_prefilter_needs_an_assembly_declaration_not_an_import():
    assert declares_activity_assembly(b'xmlns:u="clr-namespace:A;assembly=uipath.MICROSOFTOFFICE365.activities"')
    assert declares_activity_assembly(b'xmlns:t="clr-namespace:A;assembly=UiPath.MicrosoftTeams.Activities"')
    assert not declares_activity_assembly(b"<x:String>UiPath.MicrosoftOffice365.Activities</x:String>"
                                          b"<AssemblyReference>UiPath.MicrosoftOffice365.Activities</AssemblyReference>")
    assert not declares_activity_assembly(b'xmlns:m="clr-namespace:UiPath.MicrosoftOffice365.Mail.Models;'
                                          b'assembly=UiPath.MicrosoftOffice365"')


# ------------------------------------------------------------------------------------------- templates, versions
def test_studio_template_with_bom_and_capitalised_keys(tree):
    p = project(tree, "template/SharedMailboxTemplate/contentFiles/any/any/pt0")
    assert (p.kind, p.name, p.package_version, p.expression_language) == (
        "template", "SharedMailboxTemplate (pt0)", "[2.4.3]", "VisualBasic")
    assert [c.rsplit(".", 1)[1] for c, _, _ in uses(p, "VisualBasic/Main.xaml")] == [
        "Office365ApplicationScope", "GetMail"]  # the workflow starts with a UTF-8 BOM
    assert p.auth == "application" and p.requested_scopes == () and p.requested_scopes_computed


@pytest.mark.parametrize(("raw", "expected"), [
    ("[2.2.7]", ("2.2.7", True, "2.2.7", True)),
    ("3.5.10", ("3.5.10", True, None, False)),
    ("[2.23.1, )", ("2.23.1", True, None, False)),
    ("[3.1.10-preview]", ("3.1.10-preview", True, "3.1.10-preview", True)),
    ("(1.0,2.0]", ("1.0", False, "2.0", True)),
    ("(, 2.0)", (None, False, "2.0", False)),
    ("[1.0", None),
    ("latest", None),
    ("[1.0, 2.0, 3.0]", None),
])
def test_nuget_version_ranges(raw, expected):
    r = parse_nuget_range(raw)
    assert (None if r is None else (r.minimum, r.min_inclusive, r.maximum, r.max_inclusive)) == expected


def test_sibling_projects_with_different_versions_and_a_bad_range(tree, tmp_path):
    assert project(tree, "monorepo/Performer").package_version == "[3.1.10-preview]"
    assert project(tree, "monorepo/Performer/Tests/Nested").package_version == "[2.23.1, )"
    assert project(tree, "monorepo/Dispatcher").package_version is None
    (tmp_path / "project.json").write_text('{"name": "x",\n "dependencies": {\n'
                                           '  "UiPath.MicrosoftOffice365.Activities": "[3.0"\n }\n}\n')
    (d,) = scan(tmp_path).projects[0].diagnostics
    assert (d.line, "not a NuGet version range" in d.message) == (3, True)


def test_a_broken_project_json_is_a_diagnostic_and_its_workflows_are_still_read(tmp_path):
    (tmp_path / "project.json").write_text('{\n  "name": "x",\n  "dependencies": {\n}')
    (tmp_path / "Main.xaml").write_text(GOOD)
    (p,) = scan(tmp_path).projects
    (d,) = p.diagnostics
    assert ("JSON syntax error" in d.message, d.line, p.name) == (True, 4, tmp_path.name)
    assert [a.line for a in p.activities] == [3]


# ------------------------------------------------------------------------------------------- bad files
GOOD = ('<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;'
        'assembly=UiPath.MicrosoftOffice365.Activities">\n'
        '  <Sequence DisplayName="Main">\n'
        '    <umaf:UploadFilesConnections ConnectionId="2" DisplayName="Upload" UseConnectionService="True" />\n'
        '  </Sequence>\n'
        '</Activity>\n')
DECL = 'xmlns:u="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;assembly=UiPath.MicrosoftOffice365.Activities"'


def _bad_project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "Bad"}')
    lines = GOOD.splitlines(keepends=True)
    files = {
        "Merge.xaml": "".join(lines[:2]) + "<<<<<<< HEAD\n" + lines[2] + "=======\n" + lines[2] + ">>>>>>> x\n"
                      + "".join(lines[3:]),
        "Truncated.xaml": GOOD[:-30],
        "Bomb.xaml": '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>\n<Activity ' + DECL + '>&c;</Activity>\n',
        "External.xaml": '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/hostname">]>\n'
                         '<Activity ' + DECL + '>&e;</Activity>\n',
        "NotXml.xaml": "this is not xml at all " + DECL + "\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "Utf16.xaml").write_bytes(('<?xml version="1.0" encoding="utf-16"?>\n' + GOOD).encode("utf-16"))
    (folder / "Bom.xaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    (folder / "Binary.xaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    with (folder / "Huge.xaml").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB without using the disk
    (folder / "Loop.xaml").symlink_to("Loop.xaml")
    (folder / "Dangling.xaml").symlink_to("Missing.xaml")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    os.mkfifo(folder / "Fifo.xaml")
    (folder / "Good.xaml").write_text(GOOD)
    return folder


def test_each_bad_file_gets_a_diagnostic_and_the_scan_goes_on(tmp_path):
    result = scan(_bad_project(tmp_path / "P"))
    messages = {Path(d.file).name: (d.line, d.message) for d in result.all_diagnostics}
    expect = {
        "Merge.xaml": "merge-conflict markers",
        "Truncated.xaml": "truncated or incomplete",
        "Bomb.xaml": "DTD",
        "External.xaml": "DTD",
        "NotXml.xaml": "not well-formed",
        "Binary.xaml": "binary content",
        "Huge.xaml": "larger than the",
        "Loop.xaml": "symlink loop",
        "Dangling.xaml": "no such file",
        "up": "symlink loop",
        "Fifo.xaml": "not a regular file",
    }
    assert {name: text in messages.get(name, (None, ""))[1] for name, text in expect.items()} == {
        name: True for name in expect}
    assert messages["Bomb.xaml"][0] == 2 and messages["Merge.xaml"][0] == 3
    found = sorted((Path(a.file).name, a.line, a.recovered) for a in result.projects[0].activities)
    # well-formed UTF-8, UTF-8 with BOM and UTF-16 are read; the merge-conflicted file is recovered on both sides
    assert found == [("Bom.xaml", 3, False), ("Good.xaml", 3, False), ("Merge.xaml", 4, True),
                     ("Merge.xaml", 6, True), ("Truncated.xaml", 3, True), ("Utf16.xaml", 4, False)]
    assert not result.nothing_read


def test_entities_are_never_expanded_or_fetched(tmp_path, cli):
    folder = _bad_project(tmp_path / "P")
    run = cli("scan", str(folder), "--format", "json")
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "localhost"
    assert run.code == 0 and "DTD" in run.stderr
    assert "aaaaaaaaaa" not in run.stdout + run.stderr
    assert hostname not in json.dumps(json.loads(run.stdout)["projects"][0]["activities"])


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file(tmp_path):
    (tmp_path / "project.json").write_text('{"name": "x"}')
    secret = tmp_path / "Secret.xaml"
    secret.write_text(GOOD)
    secret.chmod(0)
    try:
        (d,) = scan(tmp_path).all_diagnostics
    finally:
        secret.chmod(0o644)
    assert "permission denied" in d.message


def test_exit_2_only_when_nothing_could_be_read(tmp_path, cli):
    (tmp_path / "project.json").write_text('{"name": "x"}')
    (tmp_path / "Broken.xaml").write_text("<Activity " + DECL + ">\n<unclosed>\n")
    run = cli("scan", str(tmp_path))
    assert run.code == 2 and "nothing could be read" in run.stderr and "Broken.xaml:3" in run.stderr
    (tmp_path / "Good.xaml").write_text(GOOD)
    assert cli("scan", str(tmp_path)).code == 0


def test_missing_path_and_empty_folder_are_input_errors(tmp_path, cli):
    run = cli("scan", str(tmp_path / "nope"))
    assert (run.code, run.stderr.strip()) == (2, f"scopelint: error: {tmp_path / 'nope'}: no such file or folder")
    run = cli("scan", str(tmp_path))
    assert run.code == 2 and "no UiPath project" in run.stderr


# ------------------------------------------------------------------------------------------- CLI, parallel
def test_json_output_has_the_issue_keys(cli):
    run = cli("scan", str(FIX / "classic-vb"), "--format", "json")
    doc = json.loads(run.stdout)
    (p,) = doc["projects"]
    assert {"path", "name", "auth", "requested_scopes", "package_version", "activities"} <= set(p)
    assert (p["name"], p["auth"], p["package_version"], p["requested_scopes"]) == (
        "AP Mailbox Reader", "delegated", "[2.2.7]", ["Files", "Mail", "Shared"])
    assert {"class", "file", "line", "disabled"} <= set(p["activities"][0])
    disabled = [a["class"] for a in p["activities"] if a["disabled"]]
    assert disabled == [f"{O365}.Mail.ForwardMail"] and p["public_app"] is True
    assert run.stdout == cli("scan", str(FIX / "classic-vb"), "--format", "json").stdout  # deterministic


def test_text_output_names_files_lines_and_states(cli):
    run = cli("scan", str(FIX / "classic-vb"))
    assert run.code == 0
    main = FIX / "classic-vb" / "Main.xaml"
    assert f"Main.xaml:{line_of(main, 'Forward Mail (disabled)')}" in run.stdout
    assert f"Forward Mail  ({O365}.Mail.ForwardMail)  [delegated]  (disabled)" in run.stdout
    assert "OAuthApplication=UiPath" in run.stdout and "1 project, 2 workflow(s) (2 read" in run.stdout


def test_a_process_pool_finds_exactly_what_a_single_process_finds(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIX, tree, symlinks=True)
    serial, parallel = scan(tree, jobs=1), scan(tree, jobs=2)
    assert parallel == serial and len(serial.projects) == 9


def test_a_user_rule_pack_makes_a_class_known(tmp_path, cli):
    pack = tmp_path / "teams.yaml"
    pack.write_text("""\
scopelint-rulepack: 1
pack: contoso-teams
rules:
  - class: UiPath.MicrosoftTeams.Activities.SendMessage
    display_name: Send Teams Message
    group: Custom
    generation: custom
    kind: activity
    operations: ["POST /teams/{id}/channels/{id}/messages"]
    delegated: {any_of: [[ChannelMessage.Send]], provenance: derived}
    application: {any_of: [[Teamwork.Migrate.All]], provenance: derived}
    sources: [https://docs.uipath.com/marketplace/docs/microsoft-teams-scope]
""")
    run = cli("scan", str(FIX / "prefixes"), "--format", "json", "--rules", str(pack))
    teams = [a for a in json.loads(run.stdout)["projects"][0]["activities"] if "Teams" in a["class"]]
    assert run.code == 0 and [(a["rule"], a["known"]) for a in teams] == [
        ("UiPath.MicrosoftTeams.Activities.SendMessage", True)]
    assert "loaded rule pack" in run.stderr


def test_scan_json_is_written_project_by_project_as_the_whole_document(cli, tmp_path):
    """`scan --format json` streams its document; byte for byte the one json.dumps gives for the whole scan,
    diagnostics included (a workflow that is not XML)."""
    from scopelint.reporters.scan import scan_dict

    shutil.copytree(FIX, tmp_path / "tree")
    (tmp_path / "tree" / "Broken.xaml").write_text("<Activity")
    run = cli("scan", tmp_path / "tree", "--format", "json")
    whole = json.dumps(scan_dict(scan(tmp_path / "tree")), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert run.stdout == whole
    doc = json.loads(run.stdout)
    assert doc["diagnostics"] and len(doc["projects"]) > 3


def test_scan_shows_each_activity_by_its_studio_display_name_beside_its_class(cli):
    """Users know activities by the names Studio shows ("Send Mail"), reviewers by class: the scan gives both."""
    example = Path(__file__).resolve().parent.parent / "manifests" / "examples" / "uipath-invoice"
    text = cli("scan", example).stdout
    assert "Send Mail  (UiPath.MicrosoftOffice365.Activities.Mail.SendMail)" in text
    uses = json.loads(cli("scan", "--format", "json", example).stdout)["projects"][0]["activities"]
    assert {u["display_name"] for u in uses} >= {"Send Mail", "Get Mail"}
