"""Manifest format v1: what is accepted, and one precise error for everything else."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import jsonschema
import pytest
import yaml

from scopelint.errors import InputError
from scopelint.manifest import LiveRegistration, load_manifest

SCHEMA = json.loads((resources.files("scopelint") / "schemas" / "manifest.schema.json").read_text("utf-8"))

FULL = """\
# yaml-language-server: $schema=../schemas/manifest.schema.json
scopelint: 1
name: invoice-bot
auth: application
activities:
  - SendMail
  - activity: GetMail
    shared: true
operations:
  - GET /me/messages
registration: app.json
project: ../robot
accept:
  - permission: Mail.ReadWrite
    reason: drafts are edited by a macro
    expires: 2027-06-30
    owner: rpa-coe
    ticket: 42
"""


def _write(tmp_path, text: str):
    p = tmp_path / "scopelint.yaml"
    p.write_text(text)
    return p


def test_full_manifest_loads_with_lines(tmp_path):
    m = load_manifest(_write(tmp_path, FULL))
    assert m.name == "invoice-bot" and m.auth == "application"
    assert [(a.ref, a.line, a.shared) for a in m.activities] == [("SendMail", 6, False), ("GetMail", 7, True)]
    assert m.operations[0].request == "GET /me/messages" and m.operations[0].line == 10
    assert m.registration == tmp_path / "app.json"
    assert m.project == tmp_path / "../robot"
    accept = m.accept[0]
    assert (accept.permission, accept.expires, accept.owner, accept.ticket) == (
        "Mail.ReadWrite", dt.date(2027, 6, 30), "rpa-coe", "42")


def test_auth_defaults_to_delegated_and_activities_may_be_empty(tmp_path):
    m = load_manifest(_write(tmp_path, "scopelint: 1\nname: x\nactivities: []\n"))
    assert m.auth == "delegated" and m.activities == () and m.registration is None


def test_live_registration_mapping(tmp_path):
    m = load_manifest(_write(tmp_path, "scopelint: 1\nname: x\nactivities: []\n"
                                       "registration:\n  client_id: abc\n  tenant: contoso.onmicrosoft.com\n"))
    assert m.registration == LiveRegistration("abc", "contoso.onmicrosoft.com")


BAD = [
    ("scopelint: 1\nname: x\nactivities: []\nregistraton: app.json\n", 4,
     "unknown key 'registraton' in manifest (did you mean 'registration'?)"),
    ("scopelint: 2\nname: x\nactivities: []\n", 1, "'scopelint' must be 1"),
    ("scopelint: 1\nactivities: []\n", 1, "missing required key 'name'"),
    ("scopelint: 1\nname: x\nauth: app\nactivities: []\n", 3, "'auth' must be one of delegated, application"),
    ("scopelint: 1\nname: x\nactivities: SendMail\n", 3, "'activities' must be a list"),
    ("scopelint: 1\nname: x\nactivities:\n  - 42\n", 4, "each activity is a name or a mapping"),
    ("scopelint: 1\nname: x\nactivities:\n  - activity: SendMail\n    shard: true\n", 5,
     "unknown key 'shard' in activity entry"),
    ("scopelint: 1\nname: x\nactivities:\n  - activity: SendMail\n    shared: yes please\n", 5,
     "'shared' must be true or false"),
    ("scopelint: 1\nname: x\nactivities: []\noperations:\n  - FETCH /me\n", 5, "bad operation 'FETCH /me'"),
    ("scopelint: 1\nname: x\nactivities: []\naccept:\n  - permission: Mail.Send\n", 5, "accept entry needs 'reason'"),
    ("scopelint: 1\nname: x\nactivities: []\naccept:\n  - permission: Mail.Send\n    reason: r\n    expires: soon\n",
     7, "'expires' must be a date"),
    ("scopelint: 1\nname: x\nactivities: []\nregistration: 5\n", 4, "'registration' is a file path or a mapping"),
    ("- just\n- a list\n", 1, "the manifest must be a mapping"),
    ("", None, "empty manifest"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_manifest_is_one_error_with_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_manifest(path)
    assert err.value.file == str(path)
    assert err.value.line == line
    assert message in err.value.message


@pytest.mark.parametrize("text", [FULL] + [b[0] for b in BAD if b[0]], ids=["full"] + [b[2][:40] for b in BAD if b[0]])
def test_hand_validation_and_the_published_schema_agree(tmp_path, text):
    """The loader and schemas/manifest.schema.json accept and reject the same documents."""
    doc = yaml.safe_load(text)
    if isinstance(doc, dict):
        for entry in doc.get("accept") or []:
            if isinstance(entry.get("expires"), dt.date):
                entry["expires"] = entry["expires"].isoformat()
    schema_ok = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).is_valid(doc)
    try:
        load_manifest(_write(tmp_path, text))
        loader_ok = True
    except InputError:
        loader_ok = False
    assert schema_ok == loader_ok
