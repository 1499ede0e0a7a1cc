"""Builders for the report, config, fix and diff tests: a project folder with a manifest and a registration.

The manifest is written with yaml.safe_dump so that hostile names (`<script>`, `](javascript:`) reach scopelint
exactly as given.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from scopelint.catalog import GRAPH_APP_ID, REGISTRATION_TYPE, load_catalog

HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) | & "q" %0A,:'


def guid(name: str, ptype: str = "delegated") -> str:
    info = load_catalog().get(ptype, name)
    assert info is not None, name
    return info.id


def write_registration(path: Path, grants: list[tuple[str, str]], app_id: str | None = None,
                       display_name: str | None = None) -> Path:
    """A portal manifest requesting `grants` [(name, type)] on Microsoft Graph."""
    doc: dict = {}
    if app_id:
        doc["appId"] = app_id
    if display_name is not None:
        doc["displayName"] = display_name
    doc["requiredResourceAccess"] = [{
        "resourceAppId": GRAPH_APP_ID,
        "resourceAccess": [{"id": guid(n, t), "type": REGISTRATION_TYPE[t]} for n, t in grants],
    }]
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def write_project(folder: Path, *, name: str = "robot", activities: tuple = ("Send Mail",),
                  grants: list[tuple[str, str]] | None = None, accept: list[dict] | None = None,
                  auth: str = "delegated", app_id: str | None = "11111111-2222-4333-8444-555555555555",
                  display_name: str | None = "robot app", manifest_name: str = "scopelint.yaml") -> Path:
    """A manifest (and, with `grants`, its registration app.json) in `folder`; returns the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    doc: dict = {"scopelint": 1, "name": name, "auth": auth, "activities": list(activities)}
    if grants is not None:
        write_registration(folder / "app.json", grants, app_id, display_name)
        doc["registration"] = "app.json"
    if accept:
        doc["accept"] = accept
    path = folder / manifest_name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


SEND_MAIL = [("Mail.ReadWrite", "delegated"), ("Mail.Send", "delegated"), ("User.Read", "delegated")]
