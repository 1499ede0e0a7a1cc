"""The mistakes people actually make, each answered in one line with what to do instead: the wrong `az` export,
text output instead of JSON, Windows separators, several schema errors at once, tab indentation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from report_fixtures import SEND_MAIL, guid, write_project

from scopelint.catalog import GRAPH_APP_ID

APP_ID = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


@pytest.fixture
def project(tmp_path) -> Path:
    """A manifest whose registration app.json is replaced by each test with what a user exported."""
    write_project(tmp_path, grants=SEND_MAIL)
    return tmp_path


def check(cli, project: Path, export: str):
    (project / "app.json").write_text(export, encoding="utf-8")
    return cli("check", str(project / "scopelint.yaml"))


def one_error_line(run) -> str:
    lines = [line for line in run.stderr.splitlines() if line.startswith("scopelint: error:")]
    assert run.code == 2 and len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def test_a_service_principal_export_names_the_app_export(project, cli):
    sp = {"appId": APP_ID, "displayName": "robot", "servicePrincipalType": "Application",
          "servicePrincipalNames": [APP_ID], "appRoles": [], "oauth2PermissionScopes": []}
    line = one_error_line(check(cli, project, json.dumps(sp, indent=2)))
    assert "app.json" in line and "az ad sp show" in line
    assert f"az ad app show --id {APP_ID} > app.json" in line


def test_an_app_list_names_the_single_app_export(project, cli):
    apps = [{"appId": APP_ID, "displayName": "robot", "requiredResourceAccess": []},
            {"appId": "11111111-2222-4333-8444-555555555555", "displayName": "other", "requiredResourceAccess": []}]
    line = one_error_line(check(cli, project, json.dumps(apps)))
    assert "list of 2 app registration(s)" in line and "az ad app list" in line
    assert f"az ad app show --id {APP_ID} > app.json" in line


def test_consent_grants_name_the_permission_list_export(project, cli):
    grants = [{"clientId": "c0ffee00-0000-4000-8000-000000000000", "consentType": "AllPrincipals",
               "id": "x", "principalId": None, "resourceId": "r", "scope": "Mail.Send User.Read"}]
    line = one_error_line(check(cli, project, json.dumps(grants)))
    assert "az ad app permission list-grants" in line
    assert "az ad app permission list --id APP_ID > app.json" in line


def test_the_permission_list_export_itself_still_reads(project, cli):
    rra = [{"resourceAppId": GRAPH_APP_ID,
            "resourceAccess": [{"id": guid(n), "type": "Scope"} for n, _ in SEND_MAIL]}]
    run = check(cli, project, json.dumps(rra))
    assert run.code == 0, run.stderr


@pytest.mark.parametrize(("export", "said"), [
    (f"{GRAPH_APP_ID}\tNone\n", "-o tsv"),
    ("ResourceAppId                         \n------------------------------------  \n"
     f"{GRAPH_APP_ID}\n", "-o table"),
])
def test_text_output_asks_for_json(project, cli, export, said):
    line = one_error_line(check(cli, project, export))
    assert "app.json:1: this is" in line and said in line and "az ad app show --id APP_ID > app.json" in line


def test_windows_separators_in_registration_and_project(tmp_path, cli):
    root = Path(__file__).resolve().parent.parent / "manifests" / "examples" / "uipath-invoice"
    shutil.copytree(root, tmp_path / "robot")
    manifest = tmp_path / "robot" / "scopelint.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("registration: app.json", "registration: .\\app.json")
                        .replace("project: .", "project: ..\\robot"), encoding="utf-8")
    run = cli("check", str(manifest), "--format", "json")
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)["manifests"][0]
    assert Path(doc["registration"]).name == "app.json"


MANY = """\
scopelint: 2
name: robot
auth: app
activitie: []
activities:
  - SendMail
  - 42
  - {activity: GetMail, shared: maybe}
accept:
  - permission: Mail.Send
"""


def test_every_schema_error_of_a_manifest_in_one_run_with_line_and_column(tmp_path, cli):
    path = tmp_path / "scopelint.yaml"
    path.write_text(MANY, encoding="utf-8")
    run = cli("check", str(path), "--format", "json")
    assert run.code == 2
    found = [(f["line"], f["column"], f["message"]) for f in json.loads(run.stdout)["findings"]]
    assert found == [
        (1, 1, "'scopelint' must be 1 (the manifest format version), got 2"),
        (3, 1, "'auth' must be one of delegated, application, got 'app'"),
        (4, 1, "unknown key 'activitie' in manifest (did you mean 'activities'?)"),
        (7, 5, "each activity is a name or a mapping with 'activity'"),
        (8, 25, "'shared' must be true or false"),
        (10, 5, "accept entry needs 'reason' (say why the exception is fine)"),
    ]
    assert sum(line.startswith("scopelint: error:") for line in run.stderr.splitlines()) == 6


@pytest.mark.parametrize(("text", "line", "column"), [
    ("scopelint: 1\nname: x\nactivities:\n\t- SendMail\n", 4, 1),
    ("scopelint: 1\nname: x\nactivities:\n  - SendMail\n  \tshared: true\n", 5, 3),
])
def test_tab_indentation_says_tab_with_the_column(tmp_path, cli, text, line, column):
    path = tmp_path / "scopelint.yaml"
    path.write_text(text, encoding="utf-8")
    err = one_error_line(cli("check", str(path)))
    assert f"scopelint.yaml:{line}" in err and f"a tab at column {column} indents this line" in err
