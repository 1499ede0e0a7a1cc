"""The `consent` family (SL105 not-consented, SL106 consented-not-requested), from a snapshot of the tenant."""

from __future__ import annotations

import json
from pathlib import Path

from check_families import family_tests, kinds

from scopelint.catalog import GRAPH_APP_ID, load_catalog

NEEDED = ["Mail.ReadWrite", "Mail.Send", "User.Read"]


def _entry(name: str) -> dict:
    return {"resourceAppId": GRAPH_APP_ID, "type": "Scope", "id": load_catalog().get("delegated", name).id,
            "value": name}


def snapshot(tmp_path: Path, requested: list[str], consented: list[str]) -> tuple[Path, list]:
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({
        "scopelint-snapshot": 1, "tool": {"name": "scopelint", "version": "0.1.0"},
        "fetched": "2026-11-28T09:00:00Z", "graph": "https://graph.microsoft.com/v1.0", "tenant": None,
        "application": {"appId": "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b", "id": None, "displayName": "bot"},
        "servicePrincipal": {"id": "b1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e0f"},
        "requested": [_entry(n) for n in requested],
        "consented": [{**_entry(n), "consent": "AllPrincipals"} for n in consented]}, indent=2))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: bot\nactivities: [Send Mail]\nregistration: snap.json\n")
    return manifest, []


CASES = {
    "not-consented": (lambda t: snapshot(t, NEEDED, NEEDED[1:]), lambda t: snapshot(t, NEEDED, NEEDED)),
    "consented-not-requested": (lambda t: snapshot(t, NEEDED, [*NEEDED, "Tasks.Read"]),
                                lambda t: snapshot(t, NEEDED, NEEDED)),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "consent", CASES)


def test_a_registration_file_without_consent_data_runs_no_consent_check(cli, tmp_path):
    manifest, _ = snapshot(tmp_path, NEEDED, [])
    doc = json.loads((tmp_path / "snap.json").read_text())
    (tmp_path / "app.json").write_text(json.dumps({"requiredResourceAccess": [
        {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": e["id"], "type": "Scope"}
                                                           for e in doc["requested"]]}]}))
    manifest.write_text(manifest.read_text().replace("snap.json", "app.json"))
    assert kinds(cli, manifest, []) == []


def _found(cli, tmp_path: Path, manifest: Path, kind: str) -> list[dict]:
    """The findings of one kind as JSON shows them, the temporary folder as '<tmp>'."""
    text = cli("check", "--format", "json", manifest).stdout.replace(str(tmp_path), "<tmp>")
    keep = ("code", "message", "file", "line", "activity", "permission", "permission_type", "manifest", "suggestion")
    return [{k: f[k] for k in keep} for f in json.loads(text)["findings"] if f["kind"] == kind]


def _line_of(path: Path, text: str) -> int:
    """The first line holding `text`: the requested entry's GUID, where a finding about it points."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_not_consented_names_the_permission_who_needs_it_and_its_registration_line(cli, tmp_path):
    manifest, _ = snapshot(tmp_path, NEEDED, NEEDED[1:])
    assert _found(cli, tmp_path, manifest, "not-consented") == [{
        "code": "SL105", "file": "<tmp>/snap.json",
        "line": _line_of(tmp_path / "snap.json", _entry("Mail.ReadWrite")["id"]),
        "message": "Mail.ReadWrite is requested and needed by Send Mail, but no consent grant in the tenant covers it",
        "activity": "Send Mail", "permission": "Mail.ReadWrite", "permission_type": "delegated",
        "manifest": "<tmp>/scopelint.yaml", "suggestion": "grant admin consent for Mail.ReadWrite"}]


def test_not_consented_for_two_activities_names_both_and_no_single_one(cli, tmp_path):
    manifest, _ = snapshot(tmp_path, NEEDED, NEEDED[1:])
    manifest.write_text(manifest.read_text().replace("[Send Mail]", "[Send Mail, Get Mail]"))
    [f] = _found(cli, tmp_path, manifest, "not-consented")
    assert f["message"] == ("Mail.ReadWrite is requested and needed by Get Mail, Send Mail, but no consent grant in "
                            "the tenant covers it")
    assert f["activity"] is None


def test_a_stale_consent_grant_says_which_grant_and_how_to_revoke_it(cli, tmp_path):
    manifest, _ = snapshot(tmp_path, NEEDED, [*NEEDED, "Tasks.Read", "openid"])
    snap = tmp_path / "snap.json"
    tasks = _entry("Tasks.Read")["id"]
    consented_line = [n for n, line in enumerate(snap.read_text().splitlines(), 1) if tasks in line][-1]
    assert _found(cli, tmp_path, manifest, "consented-not-requested") == [{
        "code": "SL106", "file": "<tmp>/snap.json", "line": consented_line,
        "message": "Tasks.Read (delegated) holds a grant (admin consent for all users) that the registration no "
                   "longer requests",
        "activity": None, "permission": "Tasks.Read", "permission_type": "delegated",
        "manifest": "<tmp>/scopelint.yaml", "suggestion": "revoke the grant for Tasks.Read"}]  # openid: sign-in only
