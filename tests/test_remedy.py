"""`scopelint scopes --format manifest|az|terraform`: the remedy, with GUIDs, from today's registration to the
minimal one, each permission annotated with the activities that need it."""

from __future__ import annotations

import json
import re
import shlex

import pytest
from conftest import EXAMPLES
from report_fixtures import SEND_MAIL, guid, write_project

from scopelint.catalog import GRAPH_APP_ID

INVOICE = EXAMPLES / "invoice-bot" / "scopelint.yaml"


def scopes(cli, *args) -> str:
    run = cli("scopes", *args)
    assert run.code == 0, run.stderr
    return run.stdout


def test_manifest_format_is_the_minimal_required_resource_access(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Write Range"))
    doc = json.loads(scopes(cli, manifest, "--format", "manifest"))
    [block] = doc["requiredResourceAccess"]
    assert block["resourceAppId"] == GRAPH_APP_ID
    expected = {guid(n) for n, _ in SEND_MAIL} | {guid("Files.ReadWrite")}
    assert {e["id"] for e in block["resourceAccess"]} == expected
    assert {e["type"] for e in block["resourceAccess"]} == {"Scope"}


def test_the_printed_manifest_checks_clean_against_its_own_manifest(cli, tmp_path):
    manifest = write_project(tmp_path, auth="application", activities=("Send Mail", "Write Range", "GetMail"))
    reg = tmp_path / "minimal.json"
    reg.write_text(scopes(cli, manifest, "--format", "manifest"))
    run = cli("check", "--strict", "--format", "json", "--registration", reg, manifest)
    assert run.code == 0 and json.loads(run.stdout)["findings"] == []
    assert {e["type"] for e in json.loads(reg.read_text())["requiredResourceAccess"][0]["resourceAccess"]} == {"Role"}


def test_az_commands_take_the_registration_to_the_minimal_set(cli):
    out = scopes(cli, INVOICE, "--format", "az")
    lines = out.splitlines()
    assert "APP_ID=8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b" in lines
    adds = [shlex.split(line) for line in lines if line.startswith("az ad app permission add")]
    deletes = [shlex.split(line) for line in lines if line.startswith("az ad app permission delete")]
    assert [a[a.index("--api-permissions") + 1] for a in adds] == [f"{guid('Files.ReadWrite')}=Scope"]
    assert sorted(d[d.index("--api-permissions") + 1] for d in deletes) == sorted(
        [guid("Files.ReadWrite.All"), guid("Mail.ReadWrite", "application")])
    assert all(a[a.index("--api") + 1] == "$GRAPH" and a[a.index("--id") + 1] == "$APP_ID" for a in adds + deletes)
    # annotations: every command is preceded by a comment naming the permission and why
    add_at = next(i for i, line in enumerate(lines) if line.startswith("az ad app permission add"))
    assert lines[add_at - 1] == "# add Files.ReadWrite (delegated): needed by Write Range"
    assert any(line.startswith("# remove Files.ReadWrite.All (delegated): Files.ReadWrite.All is broader")
               for line in lines)
    # the accepted exception and the sign-in scope are kept, not deleted
    assert any(line.startswith("# keep User.ReadWrite (delegated): accepted exception: the same app registration")
               for line in lines)
    assert "# keep offline_access (delegated): sign-in scope (OpenID Connect)" in lines
    assert "admin-consent" not in out


def test_az_script_runs_in_a_shell_against_a_fake_az(cli, tmp_path):
    """The script is valid POSIX shell: run it with a stub `az` that records its arguments."""
    import subprocess

    script = tmp_path / "fix.sh"
    script.write_text(scopes(cli, INVOICE, "--format", "az"))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "az.log"
    (bindir / "az").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {shlex.quote(str(log))}\n')
    (bindir / "az").chmod(0o755)
    subprocess.run(["sh", "-eu", str(script)], check=True, env={"PATH": f"{bindir}:/usr/bin:/bin"})
    calls = log.read_text().splitlines()
    assert calls[0] == (f"ad app permission add --id 8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b --api {GRAPH_APP_ID} "
                        f"--api-permissions {guid('Files.ReadWrite')}=Scope")
    assert len(calls) == 3


def test_az_with_registration_option_and_admin_consent(cli, tmp_path):
    manifest = write_project(tmp_path, auth="application", activities=("GetMail",))
    reg = tmp_path / "today.json"
    reg.write_text(json.dumps({"appId": "99999999-aaaa-4bbb-8ccc-dddddddddddd", "requiredResourceAccess": [
        {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": guid("Mail.ReadWrite", "application"),
                                                            "type": "Role"}]}]}))
    out = scopes(cli, manifest, "--format", "az", "--registration", reg)
    assert f"--api-permissions {guid('Mail.Read', 'application')}=Role" in out
    assert f"delete --id \"$APP_ID\" --api \"$GRAPH\" --api-permissions {guid('Mail.ReadWrite', 'application')}" in out
    assert out.rstrip().endswith('az ad app permission admin-consent --id "$APP_ID"')


def test_az_without_a_registration_only_adds(cli, tmp_path):
    out = scopes(cli, write_project(tmp_path, activities=("Send Mail",)), "--format", "az")
    assert "today's state is unknown" in out and "APP_ID='<application (client) id>'" in out
    assert out.count("az ad app permission add") == 3 and "permission delete" not in out


def test_live_registration_uses_its_client_id(cli, tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: live\nactivities: [Send Mail]\n"
                        "registration: {client_id: 0b9c6a1e-7d2f-4c3b-9a8e-1f2d3c4b5a69}\n")
    out = scopes(cli, manifest, "--format", "az")
    assert "APP_ID=0b9c6a1e-7d2f-4c3b-9a8e-1f2d3c4b5a69" in out and out.count("permission add") == 3


def test_terraform_block_with_annotations(cli):
    out = scopes(cli, INVOICE, "--format", "terraform")
    assert re.search(r'^required_resource_access \{\n  resource_app_id = "00000003-0000-0000-c000-000000000000"',
                     out, re.MULTILINE)
    blocks = re.findall(r'  # (.+)\n  resource_access \{\n    id   = "([0-9a-f-]{36})"\n'
                        r'    type = "(Scope|Role)"\n  \}', out)
    by_id = {b[1]: b[0] for b in blocks}
    assert by_id[guid("Files.ReadWrite")] == "Files.ReadWrite (delegated): needed by Write Range"
    assert by_id[guid("Mail.Send")] == "Mail.Send (delegated): needed by Send Mail"
    assert guid("Sites.ReadWrite.All") not in by_id and guid("User.ReadWrite") in by_id
    assert out.count("{") == out.count("}")


def test_text_from_input_cannot_break_out_of_comments(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[*SEND_MAIL, ("Tasks.Read", "delegated")],
                             accept=[{"permission": "Tasks.Read", "reason": "ok\nrm -rf / #\n}\nresource x {"}])
    for fmt in ("az", "terraform"):
        out = scopes(cli, manifest, "--format", fmt)
        assert not [line for line in out.splitlines() if "rm -rf" in line and not line.lstrip().startswith("#")]
        assert "resource x {" not in [line.strip() for line in out.splitlines()]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_keep_their_shape(cli, fmt):
    out = scopes(cli, INVOICE, "--format", fmt)
    if fmt == "json":
        assert set(json.loads(out)[0]) == {"permission", "type", "id", "admin_consent", "needed_by"}
    else:
        assert out.splitlines()[0].split()[:3] == ["Files.ReadWrite", "delegated", "Write"]
