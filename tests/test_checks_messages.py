"""What the grant checks tell the user to do, word for word where a user copies it: the permission kind the portal
and `az` expect (Scope for delegated, Role for application) and the registration line a finding points at. Found by
mutation testing (docs/testing.md): these details could change without any other test noticing."""

from __future__ import annotations

import json

import pytest
from report_fixtures import guid, write_project


def _findings(cli, manifest) -> list[dict]:
    return json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]


@pytest.mark.parametrize(("auth", "word"), [("delegated", "Scope"), ("application", "Role")])
def test_a_missing_permission_is_suggested_with_the_kind_the_registration_uses(cli, tmp_path, auth, word):
    manifest = write_project(tmp_path, activities=("Send Mail",), grants=[], auth=auth)
    (missing,) = [f for f in _findings(cli, manifest) if f["kind"] == "missing" and f["permission"] == "Mail.Send"]
    assert missing["suggestion"] == f"add Mail.Send ({word})"


def test_an_excess_grant_points_at_its_line_in_the_registration(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",),
                             grants=[("Mail.ReadWrite", "delegated"), ("Mail.Send", "delegated"),
                                     ("User.Read", "delegated"), ("Tasks.ReadWrite", "delegated")])
    (excess,) = [f for f in _findings(cli, manifest) if f["kind"] == "excess"]
    registration = (tmp_path / "app.json").read_text().splitlines()
    assert excess["permission"] == "Tasks.ReadWrite" and excess["file"].endswith("app.json")
    assert guid("Tasks.ReadWrite") in registration[excess["line"] - 1]
