"""SARIF output: valid against the official 2.1.0 schema, rules with help, results at the manifest or registration
entry, fingerprints that survive edits, accepted findings as suppressions, byte-identical reruns."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import EXAMPLES
from report_fixtures import SEND_MAIL, guid, write_project

from scopelint.checks import CHECKS

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(cli, *args, cwd=None) -> dict:
    run = cli("check", "--format", "sarif", *args, cwd=cwd)
    assert run.code in (0, 1), run.stderr
    doc = json.loads(run.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    return doc


@pytest.fixture
def mixed(tmp_path) -> Path:
    """A manifest with a missing permission (manifest entry), an excess one (registration entry: an application
    permission for delegated auth, which the unknown activity cannot need either), an unknown activity and an
    accepted grant the unknown activity might need."""
    return write_project(tmp_path / "p", activities=("Send Mail", "Write Range", "Sned Mial"),
                         grants=[*SEND_MAIL, ("Calendars.Read", "application"), ("Tasks.Read", "delegated")],
                         accept=[{"permission": "Tasks.Read", "reason": "planner pilot", "owner": "sec@example.org",
                                  "ticket": "SEC-7", "expires": "2099-12-31"}])


def test_output_is_valid_sarif_with_every_code_as_a_rule_with_help(cli, mixed):
    doc = sarif(cli, mixed)
    assert doc["version"] == "2.1.0"
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(c.id for c in CHECKS)
    for rule in rules:
        code = next(c for c in CHECKS if c.id == rule["id"])
        assert rule["help"]["text"].startswith(code.help)
        assert rule["shortDescription"]["text"] == code.summary
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def _results(doc: dict, kind: str) -> list[dict]:
    return [r for r in doc["runs"][0]["results"] if r["properties"]["kind"] == kind]


def test_results_point_at_the_manifest_entry_or_the_registration_entry(cli, mixed):
    doc = sarif(cli, mixed, cwd=mixed.parent)
    manifest_lines = mixed.read_text().splitlines()
    unknown = _results(doc, "unknown-activity")[0]
    loc = unknown["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": mixed.as_uri()}
    line = loc["region"]["startLine"]
    column = loc["region"]["startColumn"]
    assert manifest_lines[line - 1][column - 1:].startswith("Sned Mial")
    excess = _results(doc, "excess")[0]
    loc = excess["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("/p/app.json")
    reg_line = (mixed.parent / "app.json").read_text().splitlines()[loc["region"]["startLine"] - 1]
    assert guid("Calendars.Read", "application") in reg_line
    assert excess["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == mixed.as_uri()


def test_relative_paths_are_relative_uris_under_srcroot(cli, mixed):
    doc = sarif(cli, "p/scopelint.yaml", cwd=mixed.parent.parent)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"p/scopelint.yaml", "p/app.json"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
               for r in doc["runs"][0]["results"])


def test_fingerprints_survive_moving_lines_and_are_distinct(cli, mixed):
    before = sarif(cli, mixed)
    text = mixed.read_text()
    mixed.write_text("# a comment that moves every line down\n\n\n" + text)
    after = sarif(cli, mixed)

    def prints(doc):
        return {(r["ruleId"], r["properties"].get("permission"), r["properties"].get("activity")):
                (r["partialFingerprints"]["scopelint/v1"], r["locations"][0]["physicalLocation"].get("region"))
                for r in doc["runs"][0]["results"]}

    old, new = prints(before), prints(after)
    assert old.keys() == new.keys()
    moved = [k for k in old if old[k][1] != new[k][1]]
    assert moved, "the edit should have moved manifest lines"
    assert all(old[k][0] == new[k][0] for k in old)
    fps = [fp for fp, _ in old.values()]
    assert len(fps) == len(set(fps))


def test_accepted_findings_are_suppressed_results_with_owner_ticket_and_expiry(cli, mixed):
    doc = sarif(cli, mixed)
    accepted = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert len(accepted) == 1
    s = accepted[0]["suppressions"][0]
    assert accepted[0]["properties"]["permission"] == "Tasks.Read"
    assert s["kind"] == "inSource" and s["status"] == "accepted" and s["justification"] == "planner pilot"
    assert s["properties"] == {"owner": "sec@example.org", "ticket": "SEC-7", "expires": "2099-12-31",
                               "line": s["properties"]["line"]}


def test_levels_follow_severity_and_configured_overrides(cli, mixed):
    doc = sarif(cli, mixed)
    assert {r["level"] for r in _results(doc, "missing")} == {"error"}
    assert {r["level"] for r in _results(doc, "excess")} == {"warning"}
    (mixed.parent / ".scopelint.yaml").write_text("severity:\n  excess: info\n")
    doc = sarif(cli, mixed)
    assert {r["level"] for r in _results(doc, "excess")} == {"note"}


def test_unreadable_manifest_marks_the_run_unsuccessful(cli, tmp_path):
    bad = tmp_path / "scopelint.yaml"
    bad.write_text("scopelint: 1\nname: x\nactivities: [\n")
    run = cli("check", "--format", "sarif", bad)
    assert run.code == 2
    doc = json.loads(run.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert doc["runs"][0]["results"][0]["ruleId"] == "SL901"


def test_two_runs_give_byte_identical_sarif_and_json(cli_proc, tmp_path):
    for name in ("a", "b"):
        write_project(tmp_path / name, activities=("Send Mail", "Write Range"), grants=[
            *SEND_MAIL, ("Sites.ReadWrite.All", "delegated"), ("Calendars.Read", "delegated")])
    for fmt in ("sarif", "json"):
        first = cli_proc("check", "--format", fmt, tmp_path)
        second = cli_proc("check", "--format", fmt, tmp_path)
        assert first.stdout and first.stdout == second.stdout


def test_output_file_suffix_picks_sarif(cli, tmp_path):
    out = tmp_path / "scan.sarif"
    run = cli("check", "-o", out, EXAMPLES / "invoice-bot")
    assert run.code == 0 and "0 error(s), 2 warning(s)" in run.stdout  # the console still shows the findings
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(out.read_text()))
