"""What the `needs` checks (SL107, SL201, SL203) tell the user, and what the manifest then needs: every unknown
activity is reported with its own line and close matches, and the known activities around it still count. Found by
mutation testing (docs/testing.md): the did-you-mean list and the handling of several unknown entries were unpinned."""

from __future__ import annotations

import json

from report_fixtures import write_project

FIELDS = ("code", "severity", "message", "line", "column", "activity", "permission_type")


def _check(cli, manifest) -> tuple[list[dict], list[str]]:
    """The findings (user-visible fields) and the `needs:` line of the text report."""
    findings = json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
    assert {f["manifest"] for f in findings} <= {str(manifest)}  # every needs finding names its manifest
    needs = [line.strip() for line in cli("check", manifest).stdout.splitlines() if line.startswith("  needs:")]
    return [{k: f[k] for k in FIELDS} | {"kind": f["kind"]} for f in findings], needs


def test_each_unknown_activity_is_reported_with_its_close_matches_and_the_known_ones_still_count(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Sned Mial", "Write Range", "Xyzzy Frobnicate", "Get Mial",
                                                   "Send Mail"))
    findings, needs = _check(cli, manifest)
    assert findings == [
        {"kind": "unknown-activity", "code": "SL201", "severity": "error", "line": 5, "column": 3,
         "activity": "Sned Mial", "permission_type": None,
         "message": "unknown activity 'Sned Mial'; did you mean 'Send Mail' or 'Send Email' or 'SendMailX'?"},
        {"kind": "unknown-activity", "code": "SL201", "severity": "error", "line": 7, "column": 3,
         "activity": "Xyzzy Frobnicate", "permission_type": None, "message": "unknown activity 'Xyzzy Frobnicate'"},
        {"kind": "unknown-activity", "code": "SL201", "severity": "error", "line": 8, "column": 3,
         "activity": "Get Mial", "permission_type": None,
         "message": "unknown activity 'Get Mial'; did you mean 'Get Mail' or 'Get Email List' or 'Delete Mail'?"},
    ]
    # Write Range (before an unknown entry) and Send Mail (after two) are both still worked out.
    assert needs == ["needs: Files.ReadWrite, Mail.ReadWrite, Mail.Send, User.Read"]


def test_an_activity_that_cannot_run_app_only_is_reported_and_the_rest_still_counts(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Find Meeting Times", "Send Mail", "FindMeetingTimes"),
                             auth="application")
    findings, needs = _check(cli, manifest)
    text = ("Find Meeting Times cannot run with application auth: Microsoft Graph offers no application permission "
            "for findMeetingTimes (API page: Application 'Not supported'; no app-only entry in Microsoft's permission "
            "data)")
    assert findings == [
        {"kind": "unsupported-auth", "code": "SL107", "severity": "error", "line": line, "column": 3,
         "activity": activity, "permission_type": "application", "message": text}
        for line, activity in ((5, "Find Meeting Times"), (7, "FindMeetingTimes"))]
    assert needs == ["needs: Mail.ReadWrite, Mail.Send"]


def test_an_unknown_graph_call_is_reported_and_the_known_calls_still_count(cli, tmp_path):
    manifest = write_project(tmp_path, activities=())
    manifest.write_text(manifest.read_text() + "operations:\n  - GET /me/nothingHere\n  - GET /me/events\n"
                        "  - DELETE /me/frobnications/{id}\n  - GET /me/messages\n")
    findings, needs = _check(cli, manifest)
    assert findings == [
        {"kind": "unknown-operation", "code": "SL203", "severity": "warning", "line": line, "column": 5,
         "activity": request, "permission_type": None,
         "message": f"'{request}' matches no path in Microsoft's permission data"}
        for line, request in ((6, "GET /me/nothingHere"), (8, "DELETE /me/frobnications/{id}"))]
    assert needs == ["needs: Calendars.ReadBasic, Mail.ReadBasic"]


def test_a_scope_activity_needs_nothing_of_its_own(cli, tmp_path):
    """The Microsoft 365 Scope only signs in: declaring it adds no need and no finding."""
    manifest = write_project(tmp_path, activities=("Office365ApplicationScope", "Send Mail"))
    findings, needs = _check(cli, manifest)
    assert findings == []
    assert needs == ["needs: Mail.ReadWrite, Mail.Send, User.Read"]
