"""The `exceptions` family (SL401 expired-exception, SL402 stale-exception): the manifest's `accept:` entries,
reviewed after they were applied."""

from __future__ import annotations

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
