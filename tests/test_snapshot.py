"""Snapshots offline: `check --registration snapshot.json` compares required vs requested vs consented without any
network, and live mode stays an optional extra that offline commands never import."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT

from scopelint.catalog import Permission, load_catalog
from scopelint.errors import InputError
from scopelint.registration import load_registration

CAT = load_catalog()
GRAPH = "00000003-0000-0000-c000-000000000000"
APP_ID = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
MANIFEST = "scopelint: 1\nname: invoice-bot\nauth: {auth}\nactivities:\n  - Send Mail\n  - Write Range\n"


def _req(ptype: str, name: str) -> dict:
    return {"resourceAppId": GRAPH, "type": "Scope" if ptype == "delegated" else "Role",
            "id": CAT.get(ptype, name).id, "value": name}


def _consent(ptype: str, name: str, consent: str = "AllPrincipals", **extra) -> dict:
    return {**_req(ptype, name), "consent": consent, **extra}


def _snapshot(requested: list[dict], consented: list[dict]) -> dict:
    return {"scopelint-snapshot": 1, "tool": {"name": "scopelint", "version": "0.1.0"},
            "fetched": "2026-11-28T09:00:00Z", "graph": "https://graph.microsoft.com/v1.0",
            "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "application": {"appId": APP_ID, "id": None, "displayName": "invoice-bot"},
            "servicePrincipal": {"id": "b1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e0f"},
            "requested": requested, "consented": consented}


NEEDED = ["Files.ReadWrite", "Mail.ReadWrite", "Mail.Send", "User.Read"]


def _write(tmp_path, doc, auth: str = "delegated", extra: str = "") -> tuple:
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(MANIFEST.format(auth=auth) + extra)
    return snap, manifest


def _findings(cli, snap, manifest) -> tuple[int, list[dict]]:
    run = cli("check", "--registration", snap, "--format", "json", manifest)
    return run.code, json.loads(run.stdout)["findings"]


def test_snapshot_reads_as_a_registration_with_consent_and_lines(tmp_path):
    doc = _snapshot([_req("delegated", "Mail.Send"), {"resourceAppId": "00000003-0000-0ff1-ce00-000000000000",
                                                      "type": "Scope", "id": "x-1", "value": None}],
                    [_consent("delegated", "Mail.Send", "Principal", users=3),
                     _consent("application", "Mail.Send", "AppRoleAssignment")])
    snap, _ = _write(tmp_path, doc)
    reg = load_registration(snap, CAT)
    text = snap.read_text().splitlines()
    assert reg.format == "scopelint snapshot" and reg.app_id == APP_ID
    assert [g.permission for g in reg.requested] == [Permission("delegated", "Mail.Send")]
    assert CAT.get("delegated", "Mail.Send").id in text[reg.requested[0].line - 1]
    assert [(g.permission, g.raw) for g in reg.consented] == [
        (Permission("delegated", "Mail.Send"), "consent by 3 user(s)"),
        (Permission("application", "Mail.Send"), "app role assignment")]
    assert all(g.line and '"id"' in text[g.line - 1] for g in reg.consented)
    assert reg.consented[0].line != reg.requested[0].line
    assert [(r.resource, r.permission_count) for r in reg.other_resources] == [
        ("00000003-0000-0ff1-ce00-000000000000", 1)]


def test_not_consented_and_consented_not_requested_offline(cli, tmp_path):
    requested = [_req("delegated", n) for n in NEEDED]
    consented = [_consent("delegated", n) for n in ("Mail.ReadWrite", "Mail.Send", "User.Read")]
    consented += [_consent("delegated", "Calendars.Read", "Principal", users=2),
                  _consent("application", "Mail.Send", "AppRoleAssignment")]
    snap, manifest = _write(tmp_path, _snapshot(requested, consented))
    code, findings = _findings(cli, snap, manifest)
    assert code == 1
    got = {(f["kind"], f["severity"], f["permission"], f["permission_type"]) for f in findings}
    assert got == {("not-consented", "error", "Files.ReadWrite", "delegated"),
                   ("consented-not-requested", "warning", "Calendars.Read", "delegated"),
                   ("consented-not-requested", "warning", "Mail.Send", "application")}
    lines = snap.read_text().splitlines()
    for f in findings:
        assert f["file"] == str(snap) and f["line"]
        assert CAT.get(f["permission_type"], f["permission"]).id in lines[f["line"] - 1]
    stale = next(f for f in findings if f["permission"] == "Calendars.Read")
    assert "consent by 2 user(s)" in stale["message"]


def test_full_consent_is_clean(cli, tmp_path):
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED],
                                                [_consent("delegated", n) for n in NEEDED]))
    code, findings = _findings(cli, snap, manifest)
    assert code == 0 and findings == []


def test_per_user_consent_counts_as_consent(cli, tmp_path):
    consented = [_consent("delegated", n) for n in NEEDED if n != "Mail.Send"]
    consented.append(_consent("delegated", "Mail.Send", "Principal", users=1))
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], consented))
    assert _findings(cli, snap, manifest) == (0, [])


def test_no_consent_at_all_flags_every_needed_request(cli, tmp_path):
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], []))
    code, findings = _findings(cli, snap, manifest)
    assert code == 1
    assert sorted(f["permission"] for f in findings if f["kind"] == "not-consented") == NEEDED


def test_a_broader_delegated_consent_does_not_spare_the_prompt(cli, tmp_path):
    """Sign-in asks for Files.ReadWrite by name; consent to Sites.ReadWrite.All does not answer that prompt."""
    consented = [_consent("delegated", n) for n in NEEDED if n != "Files.ReadWrite"]
    consented.append(_consent("delegated", "Sites.ReadWrite.All"))
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], consented))
    _, findings = _findings(cli, snap, manifest)
    assert ("not-consented", "Files.ReadWrite") in {(f["kind"], f["permission"]) for f in findings}


def test_a_broader_assigned_role_serves_an_app_only_run(cli, tmp_path):
    roles = ["Files.ReadWrite.All", "Mail.ReadWrite", "Mail.Send"]
    consented = [_consent("application", n, "AppRoleAssignment") for n in ("Mail.ReadWrite", "Mail.Send")]
    consented.append(_consent("application", "Sites.ReadWrite.All", "AppRoleAssignment"))
    requested = [_req("application", n) for n in roles] + [_req("application", "Sites.ReadWrite.All")]
    snap, manifest = _write(tmp_path, _snapshot(requested, consented), auth="application")
    _, findings = _findings(cli, snap, manifest)
    assert not [f for f in findings if f["kind"] == "not-consented"]


def test_sign_in_scopes_consented_without_request_are_not_reported(cli, tmp_path):
    consented = [_consent("delegated", n) for n in [*NEEDED, "openid", "profile", "offline_access"]]
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], consented))
    assert _findings(cli, snap, manifest) == (0, [])


def test_an_accept_entry_suppresses_a_stale_grant(cli, tmp_path):
    consented = [_consent("delegated", n) for n in NEEDED] + [_consent("delegated", "Calendars.Read")]
    accept = ("accept:\n  - permission: Calendars.Read\n    kind: consented-not-requested\n"
              "    reason: revocation scheduled with the tenant admins\n")
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], consented), extra=accept)
    code, findings = _findings(cli, snap, manifest)
    assert code == 0 and [f["kind"] for f in findings if not f["suppressed"]] == []


def test_a_permission_only_the_tenant_knows_keeps_its_name(tmp_path):
    preview = {"resourceAppId": GRAPH, "type": "Scope", "id": "7d3f0c4e-9b2a-4e15-8c6d-3f2a1b0c9e8d",
               "value": "Contoso.Preview.Read"}
    nameless = {**preview, "id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "value": None}
    snap, _ = _write(tmp_path, _snapshot([preview, nameless], []))
    reg = load_registration(snap, CAT)
    assert [g.permission for g in reg.requested] == [Permission("delegated", "Contoso.Preview.Read")]
    assert [u.raw for u in reg.unresolved] == ["0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"]


def test_an_unknown_format_version_is_an_input_error_with_its_line(cli, tmp_path):
    doc = _snapshot([], [])
    doc["scopelint-snapshot"] = 2
    snap, manifest = _write(tmp_path, doc)
    with pytest.raises(InputError, match="unsupported snapshot format version 2") as err:
        load_registration(snap, CAT)
    assert '"scopelint-snapshot"' in snap.read_text().splitlines()[err.value.line - 1]
    run = cli("check", "--registration", snap, manifest)
    assert run.code == 2 and "unsupported snapshot format version" in run.stderr


def test_a_snapshot_that_breaks_the_schema_is_an_input_error(tmp_path):
    doc = _snapshot([_req("delegated", "Mail.Send")], [_consent("delegated", "Mail.Send", "Sometimes")])
    snap, _ = _write(tmp_path, doc)
    with pytest.raises(InputError, match="invalid snapshot: consented/0/consent") as err:
        load_registration(snap, CAT)
    assert '"consented"' in snap.read_text().splitlines()[err.value.line - 1]


def test_the_schema_is_valid_and_published_under_schemas():
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_snapshot([_req("delegated", "Mail.Send")], []))


# live mode is an optional extra ---------------------------------------------------------------------------------------

def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [
    ["fetch", APP_ID],
    ["check", "--live", "--app-id", APP_ID, str(EXAMPLES / "invoice-bot" / "scopelint.yaml")],
    ["audit", "--live", "--all-apps"],
    ["catalog", "refresh", "--live"],
])
def test_without_the_extra_live_commands_say_how_to_install_it(args):
    proc = _python("import sys; sys.modules['msgraph'] = None\nfrom scopelint.cli import main\n"
                   f"main({args!r})")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "scopelint: error: live mode needs msgraph-sdk and azure-identity: pip install 'scopelint[graph]'")


def test_offline_commands_never_import_the_sdk(tmp_path):
    snap, manifest = _write(tmp_path, _snapshot([_req("delegated", n) for n in NEEDED], []))
    proc = _python("import sys\nfrom scopelint.cli import main\n"
                   "try:\n"
                   f"    main(['check', '--registration', r'{snap}', r'{manifest}'])\n"
                   "except SystemExit as exc:\n    print('exit', exc.code)\n"
                   "sdk = {'msgraph', 'azure', 'kiota_http', 'httpx'}\n"
                   "print(sorted({m.split('.')[0] for m in sys.modules} & sdk))")
    assert proc.stdout.strip().splitlines()[-2:] == ["exit 1", "[]"], proc.stderr
