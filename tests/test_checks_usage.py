"""The `usage` family (SL501-SL506) through `check --logs`: a manifest, its registration and an az-style log export,
all real files."""

from __future__ import annotations

import json
from pathlib import Path

from check_families import family_tests

from scopelint.catalog import GRAPH_APP_ID, load_catalog

APP = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
G = "https://graph.microsoft.com/v1.0"
SEND = ("POST", f"{G}/me/sendMail", 202)
ME = ("GET", f"{G}/me", 200)
DRAFT = ("PATCH", f"{G}/me/messages/AAMkAGI2TG93AAA1x=", 200)
READ = ("GET", f"{G}/users/ap@contoso.example/mailFolders/inbox/messages", 200)
LIST = ("GET", f"{G}/sites/contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3/lists/1/items", 200)
NEEDED = ["Mail.ReadWrite", "Mail.Send", "User.Read", "Mail.Read.Shared"]


def case(tmp_path: Path, calls: list[tuple], granted: list[str] = NEEDED, claims: list[str] | None = None,
         activities: str = "[Send Mail, {activity: Get Mail, shared: true}]") -> tuple[Path, list]:
    cat = load_catalog()
    (tmp_path / "app.json").write_text(json.dumps({"appId": APP, "requiredResourceAccess": [
        {"resourceAppId": GRAPH_APP_ID,
         "resourceAccess": [{"id": cat.get("delegated", n).id, "type": "Scope"} for n in granted]}]}))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(f"scopelint: 1\nname: bot\nactivities: {activities}\nregistration: app.json\n")
    scopes = " ".join(claims if claims is not None else granted)
    rows = [{"TimeGenerated": f"2026-11-{1 + i % 28:02d}T08:00:00Z", "AppId": APP, "RequestMethod": method,
             "RequestUri": uri, "ResponseStatusCode": str(status), "Scopes": scopes, "Roles": ""}
            for i, (method, uri, status) in enumerate(calls)]
    log = tmp_path / "logs.json"
    log.write_text(json.dumps(rows))
    return manifest, ["--logs", log]


ALL = [SEND, ME, DRAFT, READ]
CASES = {
    "unused-grant": (lambda t: case(t, ALL, [*NEEDED, "Calendars.Read"]), lambda t: case(t, ALL)),
    "used-undeclared": (lambda t: case(t, [*ALL, LIST], [*NEEDED, "Sites.Read.All"]),
                        lambda t: case(t, ALL)),
    "denied": (lambda t: case(t, [*ALL, ("GET", f"{G}/me/calendar/events", 403)]), lambda t: case(t, ALL)),
    "token-broader": (lambda t: case(t, [*ALL, LIST], [*NEEDED, "Sites.ReadWrite.All"]),
                      lambda t: case(t, ALL, [*NEEDED, "Sites.ReadWrite.All"])),
    "never-exercised": (lambda t: case(t, [SEND, ME, DRAFT]), lambda t: case(t, ALL)),
    "unmatched-call": (lambda t: case(t, [*ALL, ("GET", f"{G}/me/contoso.extension", 404)]), lambda t: case(t, ALL)),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "usage", CASES)


def test_without_logs_the_family_does_not_run(cli, tmp_path):
    manifest, _ = case(tmp_path, ALL, [*NEEDED, "Calendars.Read"])
    run = cli("check", "--format", "json", manifest)
    assert not [f for f in json.loads(run.stdout)["findings"] if f["code"].startswith("SL5")]
