"""`accept:` exceptions: reason required, owner/ticket/expiry carried to the outputs; expired ones turn back into
findings (plus expired-exception), ones that match nothing are stale-exception."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from report_fixtures import SEND_MAIL, write_project

from scopelint.session import Session

EXTRA = [*SEND_MAIL, ("Calendars.Read", "delegated")]


def check(cli, manifest, *args):
    run = cli("check", "--format", "json", *args, manifest)
    doc = json.loads(run.stdout) if run.stdout else {"findings": []}
    return run, [f for f in doc["findings"] if not f["suppressed"]], [f for f in doc["findings"] if f["suppressed"]]


def test_active_exception_suppresses_and_carries_its_review_data(cli, tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[{
        "permission": "calendars.read", "reason": "calendar macro", "owner": "rpa-coe", "ticket": 4711,
        "expires": "2099-01-01"}])
    run, active, suppressed = check(cli, manifest)
    assert run.code == 0 and active == []
    [f] = suppressed
    assert f["kind"] == "excess" and f["permission"] == "Calendars.Read"
    assert f["exception"] == {"line": 8, "reason": "calendar macro", "owner": "rpa-coe", "ticket": "4711",
                              "expires": "2099-01-01"}
    assert "accepted by exceptions" in cli("check", manifest).stdout


def test_expired_exception_lets_the_finding_through_and_is_reported(cli, tmp_path):
    manifest = write_project(tmp_path, grants=SEND_MAIL[:2], accept=[{
        "permission": "User.Read", "kind": "missing", "reason": "rollout", "owner": "ops", "ticket": "SEC-1",
        "expires": "2020-01-01"}])
    run, active, suppressed = check(cli, manifest)
    assert run.code == 1 and suppressed == []
    kinds = {f["kind"]: f for f in active}
    assert set(kinds) == {"missing", "expired-exception"}
    assert kinds["missing"]["exception"]["expires"] == "2020-01-01"
    expired = kinds["expired-exception"]
    assert expired["message"] == "exception for User.Read expired on 2020-01-01 (rollout; owner ops, ticket SEC-1)"
    assert expired["line"] == 8 and expired["column"] == 3 and expired["severity"] == "warning"


def test_exception_valid_through_its_expiry_day(tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[{
        "permission": "Calendars.Read", "reason": "r", "expires": "2030-06-30"}])
    on_the_day = Session(today=dt.date(2030, 6, 30)).check([manifest])
    assert [f.kind for f in on_the_day.findings if f.suppressed_by is None] == []
    day_after = Session(today=dt.date(2030, 7, 1)).check([manifest])
    assert sorted(f.kind for f in day_after.findings if f.suppressed_by is None) == ["excess", "expired-exception"]
    [status] = day_after.results[0].exceptions
    assert (status.status, status.matched) == ("expired", 1)


def test_stale_exception_names_its_line(cli, tmp_path):
    manifest = write_project(tmp_path, grants=SEND_MAIL, accept=[
        {"permission": "Tasks.ReadWrite", "reason": "no longer granted", "owner": "a@b.example"}])
    run, active, _ = check(cli, manifest)
    [f] = active
    assert f["kind"] == "stale-exception" and f["line"] == 8 and f["code"] == "SL402"
    assert f["message"] == "exception for Tasks.ReadWrite matches no finding; remove it (owner a@b.example)"
    assert run.code == 0 and cli("check", "--strict", manifest).code == 1


@pytest.mark.parametrize(("kind", "suppressed"), [("excess", True), ("SL102", True), ("sl102", True),
                                                   ("broader", False)])
def test_kind_restricts_by_kind_or_code_in_any_case(cli, tmp_path, kind, suppressed):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[
        {"permission": "Calendars.Read", "kind": kind, "reason": "r"}])
    _, active, hidden = check(cli, manifest)
    assert bool(hidden) is suppressed
    assert {f["kind"] for f in active} == (set() if suppressed else {"excess", "stale-exception"})


def test_type_restricts_the_match(cli, tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[
        {"permission": "Calendars.Read", "type": "application", "reason": "r"}])
    _, active, hidden = check(cli, manifest)
    assert hidden == [] and {f["kind"] for f in active} == {"excess", "stale-exception"}


@pytest.mark.parametrize(("entry", "message"), [
    ({"permission": "Calendars.Read"}, "accept entry needs 'reason'"),
    ({"permission": "Calendars.Read", "reason": "r", "kind": "surplus"}, "'kind' must be a finding kind or code"),
    ({"permission": "Calendars.Read", "reason": "r", "expires": "soon"}, "'expires' must be a date"),
])
def test_bad_entries_are_input_errors(cli, tmp_path, entry, message):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[entry])
    run = cli("check", manifest)
    assert run.code == 2 and message in run.stderr and str(manifest) in run.stderr


def test_configuration_can_silence_stale_exceptions(cli, tmp_path):
    manifest = write_project(tmp_path / "p", grants=SEND_MAIL, accept=[{"permission": "Tasks.Read", "reason": "r"}])
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  stale-exception: off\n")
    _, active, _ = check(cli, manifest)
    assert active == []


def test_report_outputs_show_owner_ticket_and_expiry(cli, tmp_path):
    manifest = write_project(tmp_path, grants=[*EXTRA, ("Tasks.Read", "delegated")], accept=[
        {"permission": "Calendars.Read", "reason": "macro", "owner": "cal-team", "ticket": "CAL-2",
         "expires": "2099-02-03"},
        {"permission": "Tasks.Read", "reason": "old", "owner": "task-team", "ticket": "T-1", "expires": "2001-01-01"}])
    markdown = cli("check", "--format", "markdown", manifest).stdout
    assert "| macro | cal-team | CAL-2 | 2099-02-03 |" in markdown
    assert "expired on 2001-01-01 \\(old; owner task-team, ticket T-1\\)" in markdown
    audit = cli("report", "--format", "markdown", manifest).stdout
    assert "| Calendars.Read | active | 1 | macro | cal-team | CAL-2 | 2099-02-03 |" in audit
    assert "| Tasks.Read | expired | 1 | old | task-team | T-1 | 2001-01-01 |" in audit
    sarif = json.loads(cli("check", "--format", "sarif", manifest).stdout)
    [suppression] = [r["suppressions"][0] for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppression["properties"]["owner"] == "cal-team" and suppression["properties"]["ticket"] == "CAL-2"
