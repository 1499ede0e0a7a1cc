"""The audit report as CSV: one table a spreadsheet can filter, with evidence per row and no formula injection."""

from __future__ import annotations

import csv
import io

from conftest import EXAMPLES
from report_fixtures import SEND_MAIL, write_project

from scopelint.reporters.csv_format import COLUMNS


def rows(cli, *args) -> list[dict]:
    run = cli("report", "--format", "csv", *args)
    assert run.code == 0, run.stderr
    reader = csv.DictReader(io.StringIO(run.stdout))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def test_rows_carry_evidence_registration_standing_findings_and_exceptions(cli):
    table = rows(cli, EXAMPLES / "invoice-bot")
    required = [r for r in table if r["record"] == "required" and r["permission"] == "Files.ReadWrite"]
    assert len(required) == 1
    r = required[0]
    assert (r["activity"], r["line"], r["provenance"], r["status"]) == ("Write Range", "10", "documented",
                                                                       "covered by Files.ReadWrite.All")
    assert r["operations"].startswith("PATCH /me/drive/items/") and r["source"].startswith("https://docs.uipath.com/")
    assert r["id"] == "5c28f0bf-8a70-41f1-8ab2-9032436ddb65" and r["admin_consent"] == "no" and r["privilege"] == "2"
    requested = {(r["permission"], r["type"]): r["status"] for r in table if r["record"] == "requested"}
    assert requested[("Files.ReadWrite.All", "delegated")] == "broader"
    assert requested[("User.ReadWrite", "delegated")] == "excess (accepted)"
    exception = next(r for r in table if r["record"] == "exception")
    assert (exception["permission"], exception["status"], exception["owner"], exception["expires"]) == (
        "User.ReadWrite", "active", "rpa-coe@contoso.example", "2027-06-30")
    assert {r["code"] for r in table if r["record"] == "finding"} == {"SL102", "SL103"}


def test_cells_that_would_run_as_formulas_are_quoted(cli, tmp_path):
    manifest = write_project(tmp_path, name="=HYPERLINK(\"http://evil\")", activities=("Send Mail", "@SUM(A1)"),
                             grants=SEND_MAIL)
    table = rows(cli, manifest)
    assert {r["project"] for r in table} == {"'=HYPERLINK(\"http://evil\")"}
    finding = next(r for r in table if r["code"] == "SL201")
    assert finding["activity"] == "'@SUM(A1)"


def test_output_suffix_picks_csv(cli, tmp_path):
    out = tmp_path / "audit.csv"
    run = cli("report", EXAMPLES / "invoice-bot", "-o", out)
    assert run.code == 0 and run.stdout == ""
    assert out.read_text().startswith(",".join(COLUMNS) + "\n")
