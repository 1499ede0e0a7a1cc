"""How the reports present what a reviewer needs: evidence at the workflow's file:line for a scanned project (real
Chromium), admin-consent figures that agree and say what they count, the Markdown legend and neutralised
@mentions, SARIF links, and --stamp (off by default, so output stays the same run after run)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import SEND_MAIL, write_project
from test_report_html import Page, chromium, needs_chromium

from scopelint import HOMEPAGE

ROOT = Path(__file__).resolve().parent.parent
INVOICE = ROOT / "manifests" / "examples" / "uipath-invoice"


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture
def scanned(tmp_path) -> Path:
    """The UiPath example: its manifest names the project (project: .)."""
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(INVOICE, folder)
    return folder


@needs_chromium
def test_html_evidence_points_at_the_workflow_lines(scanned, tmp_path, cli):
    out = tmp_path / "report.html"
    assert cli("report", scanned, "-o", out).code == 0
    text = Page(chromium(tmp_path, "--dump-dom", out.as_uri()).stdout).visible
    main = scanned / "Main.xaml"
    get_mail = line_of(main, 'DisplayName="Get Mail')
    send_mail = line_of(main, "Send Mail (receipt to AP)")
    manifest_line = line_of(scanned / "scopelint.yaml", "Mail.GetMail")
    assert re.search(rf"Get Mail \(manifest line {manifest_line}\) → [^→]+ → used at \S*/Main\.xaml:{get_mail} "
                     r"\(activity\)", text), text
    send_line = line_of(scanned / "scopelint.yaml", "Mail.SendMail")
    assert re.search(rf"Send Mail \(manifest line {send_line}\) → [^→]+ → used at \S*/Main\.xaml:{send_mail} "
                     r"\(activity\)", text)
    upload = line_of(scanned / "Workflows" / "FileInvoices.xaml", "<umaf:UploadFile")
    assert re.search(rf"used at \S*/Workflows/FileInvoices\.xaml:{upload} \(activity\)", text)


def test_admin_consent_figures_agree_and_say_what_they_count(tmp_path, cli):
    write_project(tmp_path / "high", name="mailer", auth="application", activities=("Send Mail",),
                  grants=[("Mail.ReadWrite", "application"), ("Mail.Send", "application"),
                          ("Directory.ReadWrite.All", "application"), ("User.Read", "delegated")])
    md = cli("report", tmp_path, "--format", "markdown").stdout
    row = next(line for line in md.splitlines() if line.startswith("| 1 | mailer |"))
    assert "| held permissions needing admin consent |" in md
    held = int(row.split("|")[5])
    assert held == 3
    assert "**Required permissions needing admin consent:** 2 (Mail.ReadWrite \\(application\\), Mail.Send " \
           "\\(application\\))" in md
    assert f"**Held permissions needing admin consent:** {held} (" in md
    html = cli("report", tmp_path, "--format", "html").stdout
    assert f'<td class="num">4</td><td class="num">{held}</td>' in html
    assert f"<dt>Held permissions needing admin consent</dt><dd>{held}: " in html


def test_markdown_has_a_privilege_legend_and_no_live_mentions(tmp_path, cli):
    write_project(tmp_path / "bot", name="@octocat's robot", grants=[*SEND_MAIL, ("Tasks.Read", "delegated")],
                  accept=[{"permission": "Tasks.Read", "reason": "cc @org/security-team", "owner": "@octocat"}])
    for args in (("report", tmp_path, "--format", "markdown"), ("check", tmp_path, "--format", "markdown")):
        md = cli(*args).stdout
        assert "octocat" in md
        assert not re.search(r"@(?!&#8203;)", md), [line for line in md.splitlines() if "@" in line]
    audit = cli("report", tmp_path, "--format", "markdown").stdout
    assert "Privilege levels are Microsoft Graph's `privilegeLevel` for the permission: 1 lowest … 5 highest" in audit


def test_sarif_links_the_tool_and_each_rule(tmp_path, cli):
    write_project(tmp_path, grants=SEND_MAIL)
    sarif = json.loads(cli("check", tmp_path, "--format", "sarif").stdout)
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOMEPAGE
    assert all(r["helpUri"] == f"{HOMEPAGE}/blob/main/README.md#findings" for r in driver["rules"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Findings\n" in readme  # the anchor helpUri points at


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()
