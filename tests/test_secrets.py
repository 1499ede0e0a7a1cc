"""Secrets never reach any output: canaries planted in every input kind, searched in every output format."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES

CANARY = "CANARY-s3cr3t-9f8e7d6c"
KEY_CANARY = "Q0FOQVJZLWtleS0xMjM0NTY3ODkw"  # base64 of a canary certificate blob

CHECK_FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "html", "csv"]


@pytest.fixture
def project(tmp_path):
    """The invoice example with secrets everywhere a real export or workflow carries them."""
    shutil.copytree(EXAMPLES / "invoice-bot", tmp_path / "robot")
    reg = json.loads((tmp_path / "robot" / "app.json").read_text())
    reg["passwordCredentials"] = [{"displayName": "robot", "hint": CANARY[:3], "secretText": CANARY,
                                   "keyId": "5b1f2a3c-0000-4000-8000-000000000001", "value": CANARY}]
    reg["keyCredentials"] = [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": KEY_CANARY,
                              "customKeyIdentifier": KEY_CANARY}]
    reg["appPassword"] = CANARY
    (tmp_path / "robot" / "app.json").write_text(json.dumps(reg, indent=2))
    workflow = tmp_path / "robot" / "Main.xaml"
    workflow.write_text(
        '<Activity x:Class="Main" xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities"\n'
        ' xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml"\n'
        ' xmlns:uma="clr-namespace:UiPath.MicrosoftOffice365.Activities;'
        'assembly=UiPath.MicrosoftOffice365.Activities"\n'
        ' xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
        'assembly=UiPath.MicrosoftOffice365.Activities">\n'
        f'  <uma:Office365ApplicationScope AuthenticationType="ApplicationIdAndSecret" ApplicationSecret="{CANARY}"'
        f' SecureApplicationSecret="{CANARY}" ApplicationId="8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b">\n'
        '    <uma:Office365ApplicationScope.Body><ActivityAction x:TypeArguments="x:Object">\n'
        '      <umam:SendMail DisplayName="Send Mail" />\n'
        '    </ActivityAction></uma:Office365ApplicationScope.Body>\n'
        '  </uma:Office365ApplicationScope>\n</Activity>\n')
    (tmp_path / "robot" / "project.json").write_text(json.dumps(
        {"name": "robot", "main": "Main.xaml", "dependencies": {"UiPath.MicrosoftOffice365.Activities": "[2.6.24]"}}))
    return tmp_path / "robot"


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert CANARY not in text and KEY_CANARY not in text and CANARY[:12] not in text


@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_check_outputs_carry_no_secret(cli, project, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    run = cli("check", "--format", fmt, "--output", out, "--format", fmt, project / "scopelint.yaml",
              env={"GITHUB_ACTIONS": "true"})
    _assert_clean(run.stdout, run.stderr, out.read_text())


@pytest.mark.parametrize("fmt", ["html", "markdown", "csv"])
def test_audit_reports_carry_no_secret(cli, project, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    run = cli("report", "--format", fmt, "-o", out, project / "scopelint.yaml")
    assert run.code == 0, run.stderr
    _assert_clean(run.stdout, run.stderr, out.read_text())


@pytest.mark.parametrize("fmt", ["text", "json", "manifest", "az", "terraform"])
def test_remedies_carry_no_secret(cli, project, fmt):
    run = cli("scopes", "--format", fmt, project / "scopelint.yaml")
    _assert_clean(run.stdout, run.stderr)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_scan_output_and_written_manifest_carry_no_secret(cli, project, fmt):
    run = cli("scan", "--format", fmt, project)
    _assert_clean(run.stdout, run.stderr)
    run = cli("scan", "--write", project)
    _assert_clean(run.stdout, run.stderr, (project / "scopelint.yaml").read_text())


def test_drift_check_carries_no_secret(cli, project):
    run = cli("check", "--format", "json", "--project", project, project / "scopelint.yaml")
    _assert_clean(run.stdout, run.stderr)


def test_error_messages_carry_no_secret(cli, project, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text((project / "app.json").read_text().replace(f'"secretText": "{CANARY}"',
                                                                 f'"secretText": "{CANARY}" oops'))
    run = cli("check", "--registration", broken, project / "scopelint.yaml")
    assert run.code == 2
    _assert_clean(run.stdout, run.stderr)
    bad_manifest = tmp_path / "scopelint.yaml"
    bad_manifest.write_text(f"scopelint: 1\nname: x\nactivities: []\nsecret: {CANARY}\n")
    run = cli("check", bad_manifest)
    assert run.code == 2
    _assert_clean(run.stdout, run.stderr)
