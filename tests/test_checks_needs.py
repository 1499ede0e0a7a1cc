"""The `needs` family (SL107 unsupported-auth, SL201 unknown-activity, SL203 unknown-operation): entries of the
manifest whose needs cannot be worked out or that cannot run under its auth mode."""

from __future__ import annotations

from pathlib import Path

from check_families import family_tests


def manifest(tmp_path: Path, activities: str, auth: str = "delegated", operations: str = "") -> tuple[Path, list]:
    path = tmp_path / "scopelint.yaml"
    path.write_text(f"scopelint: 1\nname: x\nauth: {auth}\nactivities: [{activities}]\n"
                    + (f"operations:\n  - {operations}\n" if operations else ""))
    return path, []


CASES = {
    "unsupported-auth": (lambda t: manifest(t, "Send Mail, FindMeetingTimes", auth="application"),
                         lambda t: manifest(t, "Send Mail, FindMeetingTimes")),
    "unknown-activity": (lambda t: manifest(t, "Send Mail, Sned Mial"), lambda t: manifest(t, "Send Mail")),
    "unknown-operation": (lambda t: manifest(t, "Sned Mial", operations="GET /me/frobnications"),
                          lambda t: manifest(t, "Sned Mial", operations="GET /me/messages")),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "needs", CASES)
