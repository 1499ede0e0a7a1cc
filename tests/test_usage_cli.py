"""`scopelint usage` and `check --logs` end to end on real export files: findings in every format, privacy, bad
input, the progress bar only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

BOT = EXAMPLES / "invoice-bot"
LOG = BOT / "graph-activity.json"
APP = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
OTHER = "2c9a1f7e-5b3d-4e6a-8f0c-1d2e3f4a5b6c"
USER = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


def _findings(stdout: str) -> list[tuple]:
    doc = json.loads(stdout)
    return sorted((f["kind"], f["permission"], f["line"]) for f in doc["findings"] if not f["suppressed"])


def test_a_month_of_the_example_robot_joined_with_manifest_and_registration(cli):
    run = cli("usage", "--logs", LOG, BOT / "scopelint.yaml", "-f", "json")
    assert run.code == 1  # denied calls are errors
    assert _findings(run.stdout) == [
        ("denied", "Calendars.Read.Shared", None),
        ("token-broader", "Files.ReadWrite.All", 27),
        ("unmatched-call", None, None),
        ("unused-grant", "Mail.ReadWrite", 15),
        ("used-undeclared", "Sites.Read.All", None),
    ]
    doc = json.loads(run.stdout)
    unused = next(f for f in doc["findings"] if f["kind"] == "unused-grant" and not f["suppressed"])
    assert "none of the 75 call(s) from 2026-11-01 to 2026-11-28 (28 day(s)) needed it" in unused["message"]
    assert unused["file"].endswith("app.json")
    undeclared = next(f for f in doc["findings"] if f["kind"] == "used-undeclared")
    assert undeclared["evidence"] == ["GET /sites/{id}/lists/{id}/items: 6 call(s)"]
    # the manifest's accept: entry for User.ReadWrite covers the unused grant too
    assert [f["permission"] for f in doc["findings"] if f["suppressed"]] == ["User.ReadWrite"]
    assert doc["usage"][0]["unmatched"] == {"GET /me/contoso.invoiceextension": 2}
    assert doc["usage"][0]["batch_envelopes"] == 2


def test_text_report_lists_operations_and_unmatched_paths(cli):
    run = cli("usage", "--logs", LOG, BOT / "scopelint.yaml")
    assert "observed usage of app " + APP in run.stdout
    assert "GET /users/{id}/mailfolders/{id}/messages  [delegated; least Mail.ReadBasic.Shared; served by " \
           "Mail.Read.Shared ×20]" in run.stdout
    assert "2  GET /me/contoso.invoiceextension  [matches nothing" in run.stdout
    assert "read 77 log row(s): 75 Graph call(s), 2026-11-01 to 2026-11-28" in run.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown", "html", "csv"])
def test_every_format_carries_the_usage_findings_and_no_personal_data(cli, fmt):
    run = cli("usage", "--logs", LOG, BOT / "scopelint.yaml", "-f", fmt)
    assert run.code == 1
    assert "SL503" in run.stdout and "SL501" in run.stdout
    assert USER not in run.stdout and "203.0.113." not in run.stdout
    assert "ap@contoso" not in run.stdout and "controller@" not in run.stdout  # mailboxes in paths became {id}


def test_show_users_is_the_only_way_to_personal_data(cli):
    run = cli("usage", "--logs", LOG, BOT / "scopelint.yaml", "-f", "json", "--show-users")
    usage = json.loads(run.stdout)["usage"][0]
    assert usage["users"] == [USER]
    assert usage["ip_addresses"] == ["203.0.113.10", "203.0.113.11", "203.0.113.12"]


def test_check_with_logs_adds_usage_and_never_exercised_needs(cli, tmp_path):
    log = tmp_path / "week.json"
    rows = [r for r in json.loads(LOG.read_text()) if "sendMail" in r["RequestUri"] or r["RequestUri"].endswith("/me")]
    log.write_text(json.dumps(rows))
    run = cli("check", BOT / "scopelint.yaml", "--logs", log, "-f", "json")
    found = _findings(run.stdout)
    assert ("broader", "Files.ReadWrite.All", 27) in found  # the static check is still there
    doc = json.loads(run.stdout)
    dead = sorted(f["activity"] for f in doc["findings"] if f["kind"] == "never-exercised")
    assert dead == ["Get Mail", "Write Range"]
    assert all(f["severity"] == "info" for f in doc["findings"] if f["kind"] == "never-exercised")
    assert run.code == 0


def test_without_a_manifest_each_app_is_judged_against_its_tokens(cli, tmp_path):
    rows = json.loads(LOG.read_text())[:10]
    rows += [{**rows[0], "AppId": OTHER, "Scopes": "", "Roles": "Mail.Read Mail.ReadWrite"}]
    log = tmp_path / "two-apps.json"
    log.write_text(json.dumps(rows))
    run = cli("usage", "--logs", log, "-f", "json")
    doc = json.loads(run.stdout)
    assert [u["apps"] for u in doc["usage"]] == [[OTHER], [APP]]
    other = [f for f in doc["findings"] if OTHER in f["manifest"]]
    assert [(f["kind"], f["permission"]) for f in other] == [("token-broader", "Mail.Read"),
                                                             ("unused-grant", "Mail.ReadWrite")]
    only = cli("usage", "--logs", log, "--app-id", OTHER.upper(), "-f", "json")
    assert [u["apps"] for u in json.loads(only.stdout)["usage"]] == [[OTHER]]
    assert "(10 left out by --app-id/--since)" in only.stderr


def test_since_leaves_out_older_calls(cli):
    run = cli("usage", "--logs", LOG, "--since", "2026-11-20", "-f", "json")
    usage = json.loads(run.stdout)["usage"][0]
    assert usage["window"]["first"] >= "2026-11-20"
    assert usage["left_out"] > 0
    bad = cli("usage", "--logs", LOG, "--since", "last tuesday")
    assert bad.code == 2 and "--since" in bad.stderr


def test_bad_log_is_one_line_with_file_and_line_exit_2(cli_proc, tmp_path):
    log = tmp_path / "broken.csv"
    log.write_text("TimeGenerated,AppId,RequestMethod,RequestUri,ResponseStatusCode\n"
                   f"2026-11-01T00:00:00Z,{APP},GET,/v1.0/me,200\n"
                   f"2026-11-01T00:00:00Z,{APP},GET,/v1.0/me,OK\n")
    run = cli_proc("usage", "--logs", log, BOT / "scopelint.yaml")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [f"scopelint: error: {log}:3: ResponseStatusCode must be a number, "
                                               "got 'OK'"]
    missing = cli_proc("usage", "--logs", tmp_path / "nope.json")
    assert missing.code == 2 and "nope.json: no such file" in missing.stderr


def test_no_source_is_a_usage_error(cli):
    run = cli("usage", BOT / "scopelint.yaml")
    assert run.code == 2 and "--logs FILE" in run.stderr


def test_progress_bar_only_on_a_terminal(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plain = subprocess.run([sys.executable, "-m", "scopelint", "usage", "--logs", str(LOG)], capture_output=True,
                           text=True, env=env, timeout=120)
    assert "reading logs" not in plain.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scopelint", "usage", "--logs", str(LOG)], stdout=subprocess.PIPE,
                            stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.communicate(timeout=120)
    os.close(master)
    assert b"reading logs" in seen and b"100%" in seen


def test_readme_shows_the_usage_command_on_the_shipped_example(cli):
    readme = (ROOT / "README.md").read_text()
    command = ("scopelint usage --logs manifests/examples/invoice-bot/graph-activity.json "
               "manifests/examples/invoice-bot/scopelint.yaml")
    assert command in readme
    run = cli(*command.split()[1:], cwd=ROOT)
    assert run.code == 1 and "SL502" in run.stdout


def test_audit_report_carries_the_usage_findings(cli, tmp_path):
    out = tmp_path / "audit.csv"
    run = cli("report", BOT / "scopelint.yaml", "--logs", LOG, "-o", out)
    assert run.code == 0
    rows = out.read_text()
    assert "SL503" in rows and "SL501" in rows and "SL505" not in rows  # every need was exercised in the month
    assert USER not in rows
