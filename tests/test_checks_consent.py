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
