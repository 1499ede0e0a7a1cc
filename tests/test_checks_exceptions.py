"""The `exceptions` family (SL401 expired-exception, SL402 stale-exception): the manifest's `accept:` entries,
reviewed after they were applied."""

from __future__ import annotations

import json
from pathlib import Path

from check_families import family_tests, kinds
from report_fixtures import SEND_MAIL, write_project

EXTRA = [*SEND_MAIL, ("Tasks.Read", "delegated")]


def accepted(tmp_path: Path, permission: str = "Tasks.Read", expires: str = "2099-12-31") -> tuple[Path, list]:
    return write_project(tmp_path, grants=EXTRA, accept=[{"permission": permission, "reason": "pilot",
                                                           "expires": expires}]), []


CASES = {
    "expired-exception": (lambda t: accepted(t, expires="2020-01-31"), accepted),
    "stale-exception": (lambda t: accepted(t, permission="Calendars.Read"), accepted),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "exceptions", CASES)


def test_an_expired_exception_lets_its_finding_through_even_when_the_review_is_off(cli, tmp_path):
    manifest, _ = accepted(tmp_path, expires="2020-01-31")
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  expired-exception: off\n")
    assert kinds(cli, manifest, []) == ["excess"]


def test_an_entry_for_a_kind_that_is_off_is_not_stale(cli, tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[{"permission": "Tasks.Read", "kind": "excess",
                                                               "reason": "pilot"}])
    (tmp_path / ".scopelint.yaml").write_text("severity:\n  excess: off\n")
    assert kinds(cli, manifest, []) == []


def _found(cli, tmp_path: Path, manifest: Path, kind: str) -> list[dict]:
    """The findings of one kind as JSON shows them (with the exception they carry), the temporary folder as
    '<tmp>'."""
    text = cli("check", "--format", "json", manifest).stdout.replace(str(tmp_path), "<tmp>")
    keep = ("code", "message", "file", "line", "column", "activity", "permission", "permission_type", "manifest",
            "suggestion", "exception")
    return [{k: f[k] for k in keep} for f in json.loads(text)["findings"] if f["kind"] == kind]


def test_an_expired_exception_names_its_date_reason_owner_and_ticket_and_points_at_the_entry(cli, tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[
        {"permission": "Tasks.Read", "type": "delegated", "activity": "Send Mail", "reason": "pilot",
         "expires": "2020-01-31", "owner": "ana", "ticket": "OPS-1"},
        {"permission": "Tasks.Read", "reason": "pilot", "expires": "2020-01-31"}])
    entry = {"expires": "2020-01-31", "line": 8, "owner": "ana", "reason": "pilot", "ticket": "OPS-1"}
    found = _found(cli, tmp_path, manifest, "expired-exception")
    assert found[0] == {
        "code": "SL401", "message": "exception for Tasks.Read expired on 2020-01-31 (pilot; owner ana, ticket OPS-1)",
        "file": "<tmp>/scopelint.yaml", "line": 8, "column": 3, "activity": "Send Mail", "permission": "Tasks.Read",
        "permission_type": "delegated", "manifest": "<tmp>/scopelint.yaml",
        "suggestion": "extend 'expires' after a review, or fix the registration", "exception": entry}
    assert found[1]["message"] == "exception for Tasks.Read expired on 2020-01-31 (pilot)"
    assert found[1]["line"] == 15


def test_a_stale_exception_says_to_remove_it_and_names_its_owner(cli, tmp_path):
    manifest = write_project(tmp_path, grants=EXTRA, accept=[
        {"permission": "Tasks.Read", "reason": "pilot"},
        {"permission": "Calendars.Read", "type": "delegated", "activity": "Send Mail", "reason": "later",
         "owner": "bo"},
        {"permission": "Files.Read", "reason": "later"}])
    found = _found(cli, tmp_path, manifest, "stale-exception")
    assert [(f["line"], f["message"]) for f in found] == [
        (10, "exception for Calendars.Read matches no finding; remove it (owner bo)"),
        (15, "exception for Files.Read matches no finding; remove it")]
    assert {k: found[0][k] for k in ("code", "file", "column", "activity", "permission", "permission_type",
                                     "manifest", "suggestion")} == {
        "code": "SL402", "file": "<tmp>/scopelint.yaml", "column": 3, "activity": "Send Mail",
        "permission": "Calendars.Read", "permission_type": "delegated", "manifest": "<tmp>/scopelint.yaml",
        "suggestion": None}


def test_the_report_counts_every_finding_an_exception_suppresses(cli, tmp_path):
    """Send Mail and Forward Mail both lack Mail.Send: one entry suppresses both, and the report says 2."""
    manifest = write_project(tmp_path, activities=("Send Mail", "Forward Mail"), grants=[],
                             accept=[{"permission": "Mail.Send", "reason": "pilot"}])
    report = cli("report", "--format", "markdown", manifest).stdout
    assert "| Mail.Send | active | 2 | pilot | — | — | never |" in report.splitlines()


def test_one_entry_suppresses_each_matching_finding_not_only_the_first(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Forward Mail"), grants=[],
                             accept=[{"permission": "Mail.Send", "reason": "pilot"}])
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    send = [(f["activity"], f["suppressed"]) for f in findings if f["permission"] == "Mail.Send"]
    assert send == [("Send Mail", True), ("Forward Mail", True)]
    assert {f["permission"] for f in findings if not f["suppressed"]} == {"Mail.ReadWrite", "User.Read"}


def test_an_expired_exception_does_not_hide_the_findings_after_the_one_it_matched(cli, tmp_path):
    """Mail.Send is missing (accepted until 2020: reported again) and Tasks.Read is excess (no exception)."""
    manifest = write_project(tmp_path, grants=[*SEND_MAIL[:1], *SEND_MAIL[2:], ("Tasks.Read", "delegated")],
                             accept=[{"permission": "Mail.Send", "reason": "pilot", "expires": "2020-01-31"}])
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    assert sorted((f["kind"], f["permission"], f["suppressed"]) for f in findings) == [
        ("excess", "Tasks.Read", False), ("expired-exception", "Mail.Send", False), ("missing", "Mail.Send", False)]
