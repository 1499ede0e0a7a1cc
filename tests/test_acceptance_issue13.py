"""Issue 13, done when every command gives the same answer about the same manifest and a remedy can never delete a
permission a workflow uses. Tried as a user on every shipped example and on scanned projects: `check` (JSON),
`scopes` (json, az, terraform, manifest), `report` (CSV) and `diff` must name the same permissions; the remedy,
applied, must pass `check`; a drifted manifest makes `scopes` refuse; `severity:` is honoured alike."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from acceptance_projects import (
    CLASSIC_MAIL,
    HTTP_MAIL,
    O365,
    SHARED,
    SITE,
    WEB,
    by_name,
    line_of,
    project,
    registration,
)
from conftest import EXAMPLES

FORMATS = ("text", "json", "az", "terraform", "manifest")


def _pairs(items) -> set[tuple[str, str]]:
    return {(i["permission"], i["type"]) for i in items}


def _ids(pairs: set[tuple[str, str]]) -> set[str]:
    return {guid for guid, _ in by_name_all(pairs)}


def by_name_all(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
    return [g for name, ptype in sorted(pairs) for g in by_name(ptype, name)]


def _assert_commands_agree(cli, folder: Path, manifest: str, reg: list[str], tmp: Path) -> None:
    """What scopes recommends is what check requires, the report lists, diff adds and every remedy format keeps."""
    run = lambda *args: cli(*args, cwd=folder)  # noqa: E731 -- one working directory for every command
    scopes = run("scopes", manifest, *reg, "--format", "json")
    assert scopes.code == 0, scopes.stderr
    minimal = _pairs(json.loads(scopes.stdout))
    assert minimal

    check = run("check", manifest, *reg, "--format", "json")
    assert check.code in (0, 1), check.stderr
    doc = json.loads(check.stdout)
    assert _pairs(doc["manifests"][0]["required"]) == minimal
    active = [f for f in doc["findings"] if not f["suppressed"]]
    for f in active:
        held = (f["permission"], f["permission_type"])
        if f["kind"] == "missing":
            assert held in minimal, f
        if f["kind"] in ("excess", "broader", "wrong-type"):
            assert held not in minimal, f
        if f["kind"] == "broader":  # SL103 names exactly what the remedy adds
            named = re.fullmatch(r"replace \S+ with (.+)", f["suggestion"])
            assert named and {(p, held[1]) for p in named.group(1).split(", ")} <= minimal, f

    report = run("report", manifest, *reg, "--format", "csv")
    assert report.code == 0, report.stderr
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    assert {(r["permission"], r["type"]) for r in rows if r["record"] == "required"} == minimal

    auth = doc["manifests"][0]["auth"]
    base = tmp / "base.yaml"
    base.write_text(f"scopelint: 1\nname: {doc['manifests'][0]['name']}\nauth: {auth}\nactivities: []\n",
                    encoding="utf-8")
    diff = run("diff", base, manifest, "--format", "json")
    assert diff.code == 0, diff.stderr
    assert _pairs(json.loads(diff.stdout)["manifests"][0]["newly_required"]) == minimal

    az = run("scopes", manifest, *reg, "--format", "az")
    assert az.code == 0, az.stderr
    added = set(re.findall(r"permission add .* --api-permissions ([0-9a-f-]{36})=", az.stdout))
    deleted = set(re.findall(r"permission delete .* --api-permissions ([0-9a-f-]{36})", az.stdout))
    assert added <= _ids(minimal) and not deleted & _ids(minimal)
    removable = {(f["permission"], f["permission_type"]) for f in active if f["kind"] in ("excess", "broader")}
    assert deleted == _ids(removable)
    terraform = run("scopes", manifest, *reg, "--format", "terraform")
    remedy = run("scopes", manifest, *reg, "--format", "manifest")
    assert terraform.code == remedy.code == 0, terraform.stderr + remedy.stderr
    target = {a["id"] for r in json.loads(remedy.stdout)["requiredResourceAccess"] for a in r["resourceAccess"]}
    assert set(re.findall(r'^\s+id\s+= "([0-9a-f-]{36})"', terraform.stdout, re.M)) == target
    assert _ids(minimal) <= target and not target & deleted

    # the remedy applied: check has nothing left to advise, and scopes nothing left to change
    applied = tmp / "applied.json"
    applied.write_text(remedy.stdout, encoding="utf-8")
    after = run("check", manifest, "--registration", applied, "--format", "json")
    assert after.code == 0, after.stdout
    assert not [f for f in json.loads(after.stdout)["findings"] if not f["suppressed"]
                and f["kind"] in ("missing", "excess", "broader", "wrong-type")]
    again = run("scopes", manifest, "--registration", applied, "--format", "az").stdout
    assert "permission add" not in again and "permission delete" not in again


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "scopelint.yaml").exists()))
def test_every_command_agrees_on_each_shipped_example(cli_proc, tmp_path, example):
    folder = EXAMPLES / example
    reg = [] if "registration:" in (folder / "scopelint.yaml").read_text(encoding="utf-8") else [
        "--registration", str(registration(tmp_path / "app.json", by_name("application", "Mail.ReadWrite")))]
    _assert_commands_agree(cli_proc, folder, "scopelint.yaml", reg, tmp_path)


SCANNED = [
    ("site", SITE, O365, "delegated", ["Files.ReadWrite", "Sites.ReadWrite.All", "Mail.Send"]),
    ("site-app", SITE, O365, "application", ["Sites.ReadWrite.All", "Files.ReadWrite.All"]),
    ("shared", SHARED, O365, "delegated", ["Mail.Send", "Mail.ReadWrite", "Calendars.ReadWrite"]),
    ("http-mail", HTTP_MAIL, WEB, "application", ["Mail.ReadWrite", "Mail.Send", "User.Read.All"]),
    ("classic-mail", CLASSIC_MAIL, O365, "delegated", ["Mail.ReadWrite", "Mail.Send", "Sites.ReadWrite.All"]),
]


@pytest.mark.parametrize(("body", "packages", "auth", "held"), [c[1:] for c in SCANNED], ids=[c[0] for c in SCANNED])
def test_every_command_agrees_on_scanned_projects(cli, tmp_path, body, packages, auth, held):
    folder = project(tmp_path / "robot", "Robot", body, packages)
    assert cli("scan", folder, "--write").code == 0
    manifest = folder / "scopelint.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r"auth: \w+", f"auth: {auth}", text) + "registration: app.json\n", encoding="utf-8")
    registration(folder / "app.json", by_name(auth, *held))
    _assert_commands_agree(cli, folder, "scopelint.yaml", [], tmp_path)  # in-process: the same CLI, run 10 times


def _drifted(tmp_path: Path) -> Path:
    """A manifest that forgot Send Mail, which the workflow uses; the registration still grants what it needs."""
    folder = project(tmp_path / "robot", "Invoices", CLASSIC_MAIL, O365)
    (folder / "scopelint.yaml").write_text(
        "scopelint: 1\nname: invoices\nauth: delegated\nproject: .\nactivities:\n  - GetMail\n"
        "registration: app.json\n", encoding="utf-8")
    registration(folder / "app.json", by_name("delegated", "Mail.ReadWrite", "Mail.Send", "User.Read"))
    return folder


@pytest.mark.parametrize("severity", [None, "off", "info"])
def test_a_drifted_manifest_makes_scopes_refuse_in_every_format_never_a_delete(cli_proc, tmp_path, severity):
    folder = _drifted(tmp_path)
    if severity:
        (folder / ".scopelint.yaml").write_text(f"severity:\n  undeclared-activity: {severity}\n", encoding="utf-8")
    check = cli_proc("check", "scopelint.yaml", "--format", "json", cwd=folder)
    found = json.loads(check.stdout)["findings"]
    assert not [f for f in found if f["kind"] in ("excess", "broader") and not f["suppressed"]]  # Mail.Send is used
    line = line_of(folder / "Main.xaml", "<umam:SendMail ")
    if severity is None:
        assert check.code == 1
        assert [(f["kind"], f["line"]) for f in found] == [("undeclared-activity", line)]
    for fmt in FORMATS:
        run = cli_proc("scopes", "scopelint.yaml", "--format", fmt, cwd=folder)
        assert (run.code, run.stdout) == (1, ""), fmt
        assert f"Main.xaml:{line}: UiPath.MicrosoftOffice365.Activities.Mail.SendMail is used by the project" in (
            run.stderr)
        assert "run 'scopelint scan --write'" in run.stderr


def test_the_drifted_manifest_once_rescanned_keeps_mail_send_in_every_remedy(cli_proc, tmp_path):
    folder = _drifted(tmp_path)
    assert cli_proc("scan", folder, "--write").code == 0
    az = cli_proc("scopes", "scopelint.yaml", "--format", "az", cwd=folder)
    assert az.code == 0 and "permission delete" not in az.stdout, az.stdout + az.stderr
    _assert_commands_agree(cli_proc, folder, "scopelint.yaml", [], tmp_path)


@pytest.mark.parametrize(("config", "code"), [(None, 1), ("warning", 0), ("info", 0), ("error", 1)])
def test_severity_config_is_honoured_alike_by_check_and_every_scopes_format(cli_proc, tmp_path, config, code):
    (tmp_path / "scopelint.yaml").write_text(
        "scopelint: 1\nname: typo\nauth: delegated\nactivities:\n  - SendMial\n  - GetMail\n"
        "registration: app.json\n", encoding="utf-8")
    registration(tmp_path / "app.json", by_name("delegated", "Mail.Read", "Mail.Send"))
    if config:
        (tmp_path / ".scopelint.yaml").write_text(f"severity:\n  unknown-activity: {config}\n", encoding="utf-8")
    check = cli_proc("check", "scopelint.yaml", "--format", "json", cwd=tmp_path)
    assert check.code == code
    kinds = {(f["kind"], f["severity"]) for f in json.loads(check.stdout)["findings"]}
    assert ("unknown-activity", config or "error") in kinds
    assert ("cannot-judge", "info") in kinds and not any(k == "excess" for k, _ in kinds)  # Mail.Send: not judged
    for fmt in FORMATS:
        run = cli_proc("scopes", "scopelint.yaml", "--format", fmt, cwd=tmp_path)
        assert run.code == code, (fmt, run.stderr)
        assert f"{config or 'error'}: scopelint.yaml:5: unknown activity 'SendMial'" in run.stderr
        assert "permission delete" not in run.stdout  # the grant the typo may need is kept


def test_a_manifest_narrower_than_the_workflows_target_is_refused_and_its_site_grant_kept(cli_proc, tmp_path):
    """The manifest says own, the workflow names a site library: check must not call Files.ReadWrite.All broader,
    and scopes must not print a delete for it (the robot would then fail on the library)."""
    folder = project(tmp_path / "robot", "Budget", SITE, O365)
    (folder / "scopelint.yaml").write_text(
        "scopelint: 1\nname: budget\nauth: delegated\nproject: .\nactivities:\n"
        "  - UiPath.MicrosoftOffice365.Activities.Excel.ReadRangeConnections\n"
        "  - UiPath.MicrosoftOffice365.Activities.Files.UploadFilesConnections\nregistration: app.json\n",
        encoding="utf-8")
    registration(folder / "app.json", by_name("delegated", "Files.ReadWrite.All"))
    check = cli_proc("check", "scopelint.yaml", "--format", "json", cwd=folder)
    found = [(f["kind"], f["permission"]) for f in json.loads(check.stdout)["findings"] if not f["suppressed"]]
    assert check.code == 1 and found == [("target-wider", None), ("target-wider", None)]
    upload = line_of(folder / "Main.xaml", "<umaf:UploadFilesConnections ")
    for fmt in FORMATS:
        run = cli_proc("scopes", "scopelint.yaml", "--format", fmt, cwd=folder)
        assert (run.code, run.stdout) == (1, ""), (fmt, run.stdout)
        assert (f"Main.xaml:{upload}: UiPath.MicrosoftOffice365.Activities.Files.UploadFilesConnections is declared "
                "for target own, but the workflow points it at site data") in run.stderr
    manifest = folder / "scopelint.yaml"  # as SL311 suggests: declare the target
    manifest.write_text(re.sub(r"  - (UiPath\S+)\n", r"  - activity: \1\n    target: site\n",
                               manifest.read_text(encoding="utf-8")), encoding="utf-8")
    _assert_commands_agree(cli_proc, folder, "scopelint.yaml", [], tmp_path)
