"""The command line as a user meets it: exit codes, streams, formats, colour, bad input without tracebacks."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES, SHARED

INVOICE = EXAMPLES / "invoice-bot" / "scopelint.yaml"


def test_shipped_example_checks_with_warnings_and_exit_0(cli):
    run = cli("check", INVOICE)
    assert run.code == 0
    assert "broader" in run.stdout and "Files.ReadWrite.All" in run.stdout and "Files.ReadWrite would do" in run.stdout
    assert "0 error(s), 2 warning(s)" in run.stdout
    assert run.stderr == ""


def test_strict_makes_warnings_fail(cli):
    assert cli("check", "--strict", INVOICE).code == 1
    assert cli("check", "--fail-level", "info", INVOICE).code == 1


def test_json_findings_carry_the_documented_keys(cli):
    run = cli("check", "--format", "json", INVOICE)
    doc = json.loads(run.stdout)
    keys = {"code", "kind", "severity", "message", "activity", "permission", "permission_type", "file", "line"}
    assert doc["findings"] and all(keys <= set(f) for f in doc["findings"])
    assert doc["tool"]["name"] == "scopelint"
    assert [m["name"] for m in doc["manifests"]] == ["invoice-bot"]


def test_a_directory_means_every_manifest_below_it(cli, tmp_path):
    for name in ("a", "b"):
        shutil.copytree(EXAMPLES / "invoice-bot", tmp_path / name)
    run = cli("check", "--format", "json", tmp_path)
    assert len(json.loads(run.stdout)["manifests"]) == 2


def test_default_path_is_the_current_directory(cli):
    run = cli("check", cwd=EXAMPLES / "invoice-bot")
    assert run.code == 0 and "invoice-bot" in run.stdout


def test_registration_option_overrides_the_manifest(cli, tmp_path):
    reg = tmp_path / "empty.json"
    reg.write_text('{"requiredResourceAccess": []}')
    run = cli("check", "--format", "json", "--registration", reg, INVOICE)
    assert run.code == 1
    assert {f["kind"] for f in json.loads(run.stdout)["findings"] if not f["suppressed"]} >= {"missing"}


def test_no_colour_when_not_a_tty_or_with_no_color(cli_proc):
    run = cli_proc("check", INVOICE, env={"NO_COLOR": "1"})
    assert "\x1b[" not in run.stdout


def test_several_outputs_in_one_run_are_written(cli, tmp_path):
    out = tmp_path / "report.json"
    run = cli("check", "--format", "json", "--output", out, "--format", "text", INVOICE)
    assert run.code == 0
    assert json.loads(out.read_text())["manifests"][0]["name"] == "invoice-bot"
    assert "invoice-bot" in run.stdout


def test_scopes_prints_the_minimal_set_as_json(cli):
    run = cli("scopes", "--format", "json", INVOICE)
    rows = json.loads(run.stdout)
    assert [(r["permission"], r["type"]) for r in rows] == [
        ("Files.ReadWrite", "delegated"), ("Mail.Read.Shared", "delegated"), ("Mail.ReadWrite", "delegated"),
        ("Mail.Send", "delegated"), ("User.Read", "delegated")]
    assert all(r["id"] for r in rows)


def test_a_registration_holding_exactly_what_scopes_prints_is_clean(cli, tmp_path):
    rows = json.loads(cli("scopes", "--format", "json", INVOICE).stdout)
    reg = tmp_path / "app.json"
    reg.write_text(json.dumps({"requiredResourceAccess": [{
        "resourceAppId": "00000003-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": r["id"], "type": "Scope"} for r in rows]}]}))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(INVOICE.read_text().split("accept:")[0])
    run = cli("check", "--format", "json", manifest)
    assert json.loads(run.stdout)["findings"] == [] and run.code == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["explain", "SendMail"], "UiPath.MicrosoftOffice365.Activities.Mail.SendMail"),
        (["explain", "send mail"], "provenance: documented"),
        (["explain", "Mail.Send"], "e383f46e-2787-4529-855e-0e479a3ffac0"),
        (["explain", "SL103"], "broader"),
        (["explain", "broader"], "SL103"),
        (["explain", "GET", "/me/messages"], "least privileged"),
    ],
)
def test_explain_answers_activities_permissions_codes_and_calls(cli, args, needle):
    run = cli(*args)
    assert run.code == 0 and needle in run.stdout


def test_explain_unknown_thing_suggests_and_exits_2(cli):
    run = cli("explain", "SendMial")
    assert run.code == 2 and "did you mean" in run.stderr.lower()


def test_rules_list_json_has_one_object_per_class(cli):
    rows = json.loads(cli("rules", "list", "--format", "json").stdout)["activities"]
    send = next(r for r in rows if r["class"] == "UiPath.MicrosoftOffice365.Activities.Mail.SendMail")
    assert send["generation"] == "classic" and send["provenance"]["delegated"]["kind"] == "documented"
    assert ["Mail.ReadWrite", "Mail.Send", "User.Read"] in send["delegated"]
    assert len({r["class"] for r in rows}) == len(rows) >= 170


BAD_INPUTS = {
    "syntax.yaml": ("scopelint: 1\nname: [unclosed\n", ":3:"),
    "dupe.yaml": ("scopelint: 1\nname: a\nname: b\nactivities: []\n", ":3: duplicate key 'name'"),
    "unknown-key.yaml": ("scopelint: 1\nname: a\nactivities: []\nfoo: 1\n", ":4:1: unknown key 'foo'"),
    "empty.yaml": ("", "empty manifest"),
    "binary.yaml": (b"\x00\x01\x02", "binary content"),
    "latin1.yaml": ("scopelint: 1\nname: caf\xe9\n".encode("latin-1"), ":2: not UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_manifest_is_one_line_on_stderr_and_exit_2(cli_proc, tmp_path, name):
    content, needle = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    run = cli_proc("check", path)
    assert run.code == 2
    lines = [line for line in run.stderr.splitlines() if line]
    assert len(lines) == 1 and str(path) in lines[0] and needle in lines[0]
    assert "Traceback" not in run.stderr + run.stdout


def test_directory_given_as_registration_is_input_error(cli_proc, tmp_path):
    run = cli_proc("check", "--registration", tmp_path, INVOICE)
    assert run.code == 2 and "is a directory" in run.stderr and "Traceback" not in run.stderr


def test_missing_registration_file_names_the_manifest_line(cli_proc, tmp_path):
    m = tmp_path / "scopelint.yaml"
    m.write_text("scopelint: 1\nname: x\nactivities: []\nregistration: nope.json\n")
    run = cli_proc("check", m)
    assert run.code == 2 and f"{m}:4: registration file" in run.stderr


def test_one_bad_manifest_does_not_hide_the_others(cli, tmp_path):
    shutil.copytree(EXAMPLES / "invoice-bot", tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "scopelint.yaml").write_text("scopelint: 1\n")
    run = cli("check", "--format", "json", tmp_path)
    doc = json.loads(run.stdout)
    assert run.code == 2
    assert [m["name"] for m in doc["manifests"]] == ["invoice-bot"]
    assert any(f["kind"] == "invalid-input" for f in doc["findings"])


def test_no_manifest_found_is_exit_2(cli, tmp_path):
    run = cli("check", tmp_path)
    assert run.code == 2 and "no scopelint.yaml found" in run.stderr


def test_catalog_refresh_from_a_service_principal_export_goes_to_the_cache(cli, tmp_path):
    sp = {"appId": "00000003-0000-0000-c000-000000000000",
          "oauth2PermissionScopes": [{"id": "e383f46e-2787-4529-855e-0e479a3ffac0", "value": "Mail.Send",
                                      "type": "User", "adminConsentDisplayName": "Send mail as a user"}],
          "appRoles": [{"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "value": "Mail.Send",
                        "displayName": "Send mail as any user"}]}
    src = tmp_path / "sp.json"
    src.write_text(json.dumps(sp))
    cache = tmp_path / "cache"
    run = cli("catalog", "refresh", "--from", src, env={"SCOPELINT_CACHE": str(cache)})
    assert run.code == 0
    doc = json.loads((cache / "catalog.json").read_text())
    assert [r["value"] for r in doc["delegated"]] == ["Mail.Send"] and doc["delegated"][0]["admin"] is False


def test_catalog_refresh_with_bundled_shared_data_round_trips(cli, tmp_path):
    if not (SHARED / "graph" / "graph_permissions.json").exists():
        pytest.skip("../shared is not beside the checkout")
    run = cli("catalog", "refresh", "--from", SHARED / "graph" / "graph_permissions.json",
              "--paths", SHARED / "graph" / "graph_api_permissions.json", "--output", tmp_path)
    assert run.code == 0
    from importlib import resources
    bundled = json.loads((resources.files("scopelint") / "data" / "catalog.json").read_text("utf-8"))
    assert json.loads((tmp_path / "catalog.json").read_text()) == bundled


def test_version(cli):
    run = cli("--version")
    assert run.code == 0 and "scopelint" in run.stdout


def _run_on_a_terminal(args: list, env: dict) -> str:
    """Run scopelint with stdout on a pseudo-terminal, as a user at a shell would."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scopelint", *map(str, args)], stdout=follower,
                            stderr=subprocess.PIPE, env={**os.environ, **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = _run_on_a_terminal(["check", INVOICE], {})
    assert "\x1b[33mwarning" in coloured
    plain = _run_on_a_terminal(["check", INVOICE], {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "warning" in plain


def test_explain_marks_a_permission_microsoft_disabled(cli):
    run = cli("explain", "AgentCard.Read.All")
    assert run.code == 0 and "[disabled by Microsoft]" in run.stdout


def test_json_names_the_registration_format(cli):
    doc = json.loads(cli("check", "--format", "json", INVOICE).stdout)
    assert doc["manifests"][0]["registration_format"] == "Entra portal manifest (Microsoft Graph format)"


def test_manifests_sharing_a_registration_each_get_its_findings(cli, tmp_path):
    """The shared export is read once per run; every manifest still reports against it."""
    shutil.copytree(EXAMPLES / "invoice-bot", tmp_path / "a")
    (tmp_path / "b").mkdir()
    text = (EXAMPLES / "invoice-bot" / "scopelint.yaml").read_text()
    shared = text.replace("registration: app.json", "registration: ../a/app.json")
    (tmp_path / "b" / "scopelint.yaml").write_text(shared)
    doc = json.loads(cli("check", "--format", "json", tmp_path).stdout)
    broader = sorted(f["manifest"] for f in doc["findings"] if f["kind"] == "broader")
    assert broader == [str(tmp_path / "a" / "scopelint.yaml"), str(tmp_path / "b" / "scopelint.yaml")]


def test_the_console_script_and_python_m_both_run_the_program():
    """Both go through program.run (the collector set for a short-lived process); the in-process cli.main stays
    plain for callers such as these tests."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"scopelint": "scopelint.program:run"}
    assert "from scopelint.program import run" in (root / "scopelint" / "__main__.py").read_text()


def test_rules_list_shows_the_libraries_a_pack_describes(cli):
    """The example pack describes LIB_GraphAPI's Graph calls: rules list shows the package, its calls and sources in
    text and JSON; without the pack there is none."""
    pack = EXAMPLES / "graph-library" / "rules"
    text = cli("rules", "list", "--rules", pack)
    assert text.code == 0
    tail = text.stdout.split("\nlibraries (a project that depends on one makes its Graph calls, kind library):\n")[1]
    assert tail.splitlines() == [
        f"{'LIB_GraphAPI':<72} pack lib-graphapi: SendMailViaGraph sends as the mailbox it is given; "
        "ListInboxViaGraph reads its inbox",
        "  POST /users/{id}/sendMail",
        "  GET /users/{id}/mailFolders/{id}/messages",
        "  source: https://dev.azure.com/contoso/rpa/_git/LIB_GraphAPI?path=/README.md"]
    listed = json.loads(cli("rules", "list", "--rules", pack, "--format", "json").stdout)
    assert [(lib["package"], lib["pack"], lib["operations"]) for lib in listed["libraries"]] == [
        ("LIB_GraphAPI", "lib-graphapi", ["POST /users/{id}/sendMail", "GET /users/{id}/mailFolders/{id}/messages"])]
    assert listed["libraries"][0]["origin"].endswith("lib-graphapi.yaml")
    assert json.loads(cli("rules", "list", "--format", "json").stdout)["libraries"] == []
    assert "libraries (" not in cli("rules", "list").stdout
    assert "then the libraries rule packs describe" in " ".join(cli("rules", "list", "--help").stdout.split())


UNSAFE = "x\x1b[31mred\x07\u202e"  # a colour sequence, a bell and a right-to-left override


def test_click_usage_errors_show_unsafe_values_escaped(cli_proc):
    """click echoes an unexpected argument back as typed: the line shows each control and bidi character escaped
    (on a pipe too, where click itself would silently drop the colour sequence)."""
    run = cli_proc("rules", "verify", UNSAFE)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.splitlines()[-1] == "Error: Got unexpected extra argument (x\\x1b[31mred\\x07\\u202e)"
    assert run.stderr.startswith("Usage: scopelint rules verify [OPTIONS]\n")
    bad_format = cli_proc("check", "--format", UNSAFE, "--fail-level", "error")
    assert bad_format.code == 2 and "Invalid value for '--format'" in bad_format.stderr
    for text in (run.stderr, bad_format.stderr):
        assert not any(ch in text for ch in "\x1b\x07\u202e")


def test_show_query_prints_the_kql_and_unsafe_option_values_only_escaped(cli_proc):
    from scopelint.usage.kql import summary_query

    app = "11111111-2222-4333-8444-555555555555"
    run = cli_proc("usage", "--show-query", "--app-id", app, "--since", "2026-11-01")
    assert run.code == 0 and run.stdout == summary_query([app], "2026-11-01")
    for option in ("--app-id", "--since"):
        bad = cli_proc("usage", "--show-query", option, UNSAFE)
        assert bad.code == 2 and bad.stdout == "" and "x\\x1b[31mred\\x07\\u202e" in bad.stderr
        assert not any(ch in bad.stderr for ch in "\x1b\x07\u202e")
