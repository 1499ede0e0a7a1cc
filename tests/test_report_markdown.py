"""Markdown: the check summary for $GITHUB_STEP_SUMMARY / PR comments and the audit report; nothing from input
becomes HTML, a link or a table break."""

from __future__ import annotations

import re

from conftest import EXAMPLES
from report_fixtures import HOSTILE, SEND_MAIL, write_project

from scopelint.reporters.markdown import md, md_link


def test_summary_counts_findings_per_manifest_and_lists_them(cli, tmp_path):
    write_project(tmp_path / "a", name="alpha", grants=SEND_MAIL)
    write_project(tmp_path / "b", name="beta", activities=("Send Mail", "Write Range"),
                  grants=[*SEND_MAIL, ("Calendars.Read", "delegated")])
    run = cli("check", "--format", "markdown", tmp_path)
    assert run.code == 1
    out = run.stdout
    assert out.startswith("## scopelint: 1 error(s), 1 warning(s), 0 info in 2 manifests\n")
    rows = [line for line in out.splitlines() if line.startswith("| ") and line.split(" | ")[0].endswith(".yaml")]
    assert len(rows) == 2
    assert re.search(r"\| beta \| delegated \| .*app\.json \| 1 \| 1 \| 0 \| 0 \|$", rows[1])
    assert "| ❌ error | SL101 missing |" in out and "Files.ReadWrite" in out
    assert "knowledge base" in out.splitlines()[-1]


def test_accepted_exceptions_show_reason_owner_ticket_and_expiry(cli):
    out = cli("check", "--format", "markdown", EXAMPLES / "invoice-bot").stdout
    section = out[out.index("<details><summary>Accepted exceptions (1)</summary>"):]
    row = next(line for line in section.splitlines() if "User.ReadWrite" in line)
    assert "rpa-coe@&#8203;contoso.example" in row and "2027-06-30" in row and "profile-update robot" in row


def test_clean_run_says_so(cli, tmp_path):
    out = cli("check", "--format", "markdown", write_project(tmp_path, grants=SEND_MAIL)).stdout
    assert "No findings at any severity." in out


def test_hostile_names_render_as_plain_text(cli, tmp_path):
    manifest = write_project(tmp_path, name=HOSTILE, activities=("Send Mail", HOSTILE), grants=SEND_MAIL,
                             display_name=HOSTILE)
    for out in (cli("check", "--format", "markdown", manifest).stdout,
                cli("report", "--format", "markdown", manifest).stdout):
        assert "<script>" not in out and "&lt;script&gt;" in out
        assert "](javascript:" not in out and r"\]\(javascript:" in out
        for line in out.splitlines():
            if line.startswith("|"):
                cells = re.split(r"(?<!\\)\|", line)
                assert len(cells) == len(re.split(r"(?<!\\)\|", _header_for(out, line)))


def _header_for(out: str, row: str) -> str:
    lines = out.splitlines()
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return lines[i]


def test_md_escapes_markup_and_flattens_lines():
    assert md("a|b") == r"a\|b"
    assert md("[x](javascript:y)") == r"\[x\]\(javascript:y\)"
    assert md("<img src=x onerror=y>") == "&lt;img src=x onerror=y&gt;"
    assert md("line1\nline2  x") == "line1 line2 x"
    assert md("*bold* _it_ `code`") == r"\*bold\* \_it\_ \`code\`"
    assert md_link("https://docs.example/a_b") == "<https://docs.example/a_b>"
    assert md_link("javascript:alert(1)") == r"javascript:alert\(1\)"
    assert md_link("https://x.example/<script>") == "https://x.example/&lt;script&gt;"


def test_audit_markdown_has_summary_evidence_and_exceptions(cli):
    run = cli("report", "--format", "markdown", EXAMPLES / "invoice-bot")
    assert run.code == 0
    out = run.stdout
    assert out.startswith("# Microsoft Graph permission audit")
    assert "## Summary across projects" in out and "| 1 | invoice-bot | invoice-bot \\(UiPath\\) |" in out
    row = next(line for line in out.splitlines() if line.startswith("| Files.ReadWrite |"))
    assert "Write Range (manifest line 10)" in row and "documented" in row and "<https://docs.uipath.com/" in row
    exceptions = out[out.index("### Exceptions"):]
    assert "| User.ReadWrite | active | 1 |" in exceptions and "rpa-coe@&#8203;contoso.example" in exceptions
