"""The `grants` family (SL101 missing, SL102 excess, SL103 broader, SL104 wrong-type, SL202 unknown-permission,
SL204 not-checked, SL205 cannot-judge): the registration against what the manifest needs."""

from __future__ import annotations

import json
from pathlib import Path

from check_families import family_tests, kinds
from report_fixtures import SEND_MAIL, write_project

from scopelint.catalog import GRAPH_APP_ID


def project(tmp_path: Path, activities=("Send Mail",), grants=SEND_MAIL) -> tuple[Path, list]:
    return write_project(tmp_path, activities=activities, grants=list(grants)), []


def with_entry(tmp_path: Path, block: dict) -> tuple[Path, list]:
    """Send Mail with its exact grants plus one more requiredResourceAccess block."""
    manifest, _ = project(tmp_path)
    reg = manifest.parent / "app.json"
    doc = json.loads(reg.read_text())
    doc["requiredResourceAccess"].append(block)
    reg.write_text(json.dumps(doc, indent=2))
    return manifest, []


CASES = {
    "missing": (lambda t: project(t, grants=SEND_MAIL[1:]), lambda t: project(t)),
    "excess": (lambda t: project(t, grants=[*SEND_MAIL, ("Tasks.Read", "delegated")]), lambda t: project(t)),
    "broader": (lambda t: project(t, ("Write Range",), [("Files.ReadWrite.All", "delegated")]),
                lambda t: project(t, ("Write Range",), [("Files.ReadWrite", "delegated")])),
    "wrong-type": (lambda t: project(t, grants=[*SEND_MAIL[:1], ("Mail.Send", "application"), *SEND_MAIL[2:]]),
                   lambda t: project(t)),
    "unknown-permission": (
        lambda t: with_entry(t, {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [
            {"id": "0000dead-beef-4000-8000-000000000000", "type": "Scope"}]}),
        lambda t: project(t)),
    "not-checked": (
        lambda t: with_entry(t, {"resourceAppId": "00000002-0000-0ff1-ce00-000000000000", "resourceAccess": [
            {"id": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "type": "Role"}]}),
        lambda t: project(t)),
    "cannot-judge": (lambda t: project(t, ("Send Mail", "Sned Mial"), [*SEND_MAIL, ("Tasks.Read", "delegated")]),
                     lambda t: project(t, ("Send Mail", "Sned Mial"))),
}


test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off = family_tests(
    "grants", CASES)


def test_without_a_registration_no_grant_check_reports(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail", "Sned Mial"))
    assert kinds(cli, manifest, []) == ["unknown-activity"]
