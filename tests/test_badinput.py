"""The bad-input corpus: every malformed file gives one line naming the file — never a traceback, never a crash.

Manifests, registrations, snapshots, rule packs and configuration files stop the run: exit 2 and exactly one line.
Workflows, code files and project.json are read by the scanner: each bad file is one per-file diagnostic line and
the scan goes on (exit 2 only when nothing could be read); `check --project` turns that line into an invalid-input
error (exit 2).
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES

from scopelint.catalog import load_catalog
from scopelint.yamlio import DEFAULT_LIMITS

HERE = Path(__file__).parent / "badinput"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text())
GOOD = EXAMPLES / "invoice-bot" / "scopelint.yaml"
STOPPING = {"manifest", "registration", "rulepack", "config", "pyproject", "snapshot"}
SCANNED = {"xaml", "project", "code"}
GOOD_PROJECT = '{"name": "Robot", "dependencies": {"UiPath.MicrosoftOffice365.Activities": "[2.6.28]"}}'
GOOD_WORKFLOW = ('<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
                 'xmlns:u="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
                 'assembly=UiPath.MicrosoftOffice365.Activities">\n'
                 '  <Sequence DisplayName="Main">\n    <u:SendMail DisplayName="Send" />\n  </Sequence>\n'
                 '</Activity>\n')
PLAIN_MANIFEST = "scopelint: 1\nname: robot\nactivities:\n  - SendMail\n"
NOTHING_READ = "scopelint: error: nothing could be read"


def kind_of(rel: str) -> str:
    return rel.split("/", 1)[0]


def _args(kind: str, path: Path) -> list:
    if kind == "manifest":
        return ["check", path]
    if kind in ("registration", "snapshot"):
        return ["check", "--registration", path, GOOD]
    if kind == "rulepack":
        return ["check", "--rules", path, GOOD]
    if kind in ("config", "pyproject"):
        return ["check", "--config", path, GOOD]
    raise AssertionError(kind)


def _lines(run) -> list[str]:
    assert "Traceback" not in run.stderr + run.stdout
    assert "internal error" not in run.stderr
    return [line for line in run.stderr.splitlines() if line.strip()]


def _assert_one_line_error(run, path: Path, needle: str) -> None:
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    lines = _lines(run)
    assert len(lines) == 1, run.stderr
    assert str(path) in lines[0]
    assert needle in lines[0], lines[0]
    assert len(lines[0]) < len(str(path)) + 500, lines[0]  # readable: a library quoting a whole value is cut short


def _assert_diagnostic(lines: list[str], path: Path, needle: str, level: str) -> None:
    """Exactly one line names the bad file (with its line when known), and says why."""
    about = [line for line in lines if str(path) in line]
    assert len(about) == 1, lines
    assert about[0].startswith(f"scopelint: {level}: {path}:"), about[0]
    assert needle in about[0], about[0]


def _input(tmp_path: Path, rel: str) -> Path:
    """The corpus file to hand to the CLI: a TOML case becomes a pyproject.toml of its own (the loader goes by name)."""
    if kind_of(rel) != "pyproject":
        return HERE / rel
    path = tmp_path / Path(rel).stem / "pyproject.toml"
    path.parent.mkdir()
    shutil.copyfile(HERE / rel, path)
    return path


def _project(tmp_path: Path, rel: str, with_good: bool = True) -> tuple[Path, Path]:
    """A UiPath project holding one corpus file (as a workflow, or as its project.json); returns (folder, file)."""
    folder = tmp_path / "Robot"
    folder.mkdir()
    if kind_of(rel) in ("xaml", "code"):
        (folder / "project.json").write_text(GOOD_PROJECT)
        bad = folder / Path(rel).name
    else:
        bad = folder / "project.json"
    shutil.copyfile(HERE / rel, bad)
    if with_good:
        (folder / "Main.xaml").write_text(GOOD_WORKFLOW)
    return folder, bad


# ---------------------------------------------------------------------------------------------- the corpus
def test_the_corpus_has_at_least_220_committed_cases_across_every_input_kind():
    assert len(CASES) >= 220
    counts = {kind: sum(1 for rel in CASES if kind_of(rel) == kind) for kind in STOPPING | SCANNED}
    assert min(counts.values()) >= 15, counts
    for rel in CASES:
        assert (HERE / rel).is_file(), rel


@pytest.mark.parametrize("rel", sorted(r for r in CASES if kind_of(r) in STOPPING))
def test_corpus_case(cli, tmp_path, rel):
    path = _input(tmp_path, rel)
    _assert_one_line_error(cli(*_args(kind_of(rel), path)), path, CASES[rel])


@pytest.mark.parametrize("rel", sorted(r for r in CASES if kind_of(r) in SCANNED))
def test_scan_reports_the_bad_file_once_and_goes_on(cli, tmp_path, rel):
    folder, bad = _project(tmp_path, rel)
    run = cli("scan", folder, "--format", "json")
    assert run.code == 0, (run.stdout, run.stderr)
    lines = _lines(run)
    assert len(lines) == 1, lines
    _assert_diagnostic(lines, bad, CASES[rel], "warning")
    found = [a["file"] for p in json.loads(run.stdout)["projects"] for a in p["activities"] if not a["recovered"]]
    assert str(folder / "Main.xaml") in found  # the good workflow next to it was still read


@pytest.mark.parametrize("rel", sorted(r for r in CASES if kind_of(r) == "xaml"))
def test_scan_exits_2_when_the_only_workflow_is_unreadable(cli, tmp_path, rel):
    folder, bad = _project(tmp_path, rel, with_good=False)
    run = cli("scan", folder)
    lines = _lines(run)
    assert (run.code, len(lines), lines[-1]) == (2, 2, NOTHING_READ), run.stderr
    _assert_diagnostic(lines, bad, CASES[rel], "warning")


@pytest.mark.parametrize("rel", sorted(r for r in CASES if kind_of(r) in SCANNED))
def test_check_project_turns_the_diagnostic_into_one_input_error(cli, tmp_path, rel):
    folder, bad = _project(tmp_path, rel)
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    run = cli("check", manifest, "--project", folder)
    assert run.code == 2, (run.stdout, run.stderr)
    lines = _lines(run)
    assert len(lines) == 1, lines
    _assert_diagnostic(lines, bad, CASES[rel], "error")


NOT_A_CONFIG = {"pyproject/empty.toml", "pyproject/tool-is-array.toml"}


@pytest.mark.parametrize("rel", sorted(r for r in CASES if kind_of(r) in ("config", "pyproject")))
def test_a_bad_configuration_found_upward_is_the_same_one_line(cli, tmp_path, rel):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    config = root / (".scopelint.yaml" if kind_of(rel) == "config" else "pyproject.toml")
    shutil.copyfile(HERE / rel, config)
    (root / "robot").mkdir()
    (root / "robot" / "scopelint.yaml").write_text(PLAIN_MANIFEST)
    run = cli("check", root / "robot" / "scopelint.yaml")
    if rel in NOT_A_CONFIG:  # no [tool.scopelint] in any spelling: not scopelint's file, so not an error either
        assert (run.code, run.stderr) == (0, "")
        return
    _assert_one_line_error(run, config, CASES[rel])


SAMPLE_SIZES = {"manifest": 3, "registration": 2, "rulepack": 2, "config": 3, "pyproject": 2, "snapshot": 3,
                "xaml": 3, "project": 2, "code": 2}


def _sample() -> list[str]:
    out = []
    for kind, k in SAMPLE_SIZES.items():
        rels = sorted(r for r in CASES if kind_of(r) == kind)
        out.extend(rels[i * len(rels) // k] for i in range(k))
    return out


@pytest.mark.parametrize("rel", _sample())
def test_a_sample_of_the_corpus_in_a_real_process(cli_proc, tmp_path, rel):
    """End to end in `python -m scopelint`: real streams, real exit codes, 20 cases over every kind (the 60 s
    timeout is a hang guard, not a speed assertion)."""
    kind = kind_of(rel)
    if kind in STOPPING:
        path = _input(tmp_path, rel)
        _assert_one_line_error(cli_proc(*_args(kind, path), timeout=60), path, CASES[rel])
        return
    folder, bad = _project(tmp_path, rel)
    run = cli_proc("scan", folder, timeout=60)
    lines = _lines(run)
    assert (run.code, len(lines)) == (0, 1), run.stderr
    _assert_diagnostic(lines, bad, CASES[rel], "warning")


# ---------------------------------------------------------------------------------------------- made at test time
def _sparse(path: Path, head: bytes, size: int = 100 * 1024 * 1024) -> None:
    """A 100 MB file that costs no disk: its size is what the limits look at first."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)


@pytest.mark.parametrize("kind", ["manifest", "registration", "rulepack", "config", "snapshot"])
def test_a_100_mb_file_is_refused_by_the_size_limit(cli, tmp_path, kind):
    path = tmp_path / ("big.json" if kind in ("registration", "snapshot") else "big.yaml")
    _sparse(path, b"scopelint: 1\nname: r\nactivities: []\n# ")
    _assert_one_line_error(cli(*_args(kind, path)), path, "larger than the")


def test_a_100_mb_workflow_and_project_json_are_per_file_diagnostics(cli, tmp_path):
    folder = tmp_path / "Robot"
    folder.mkdir()
    _sparse(folder / "project.json", b'{"name": "Robot"}')
    _sparse(folder / "Huge.xaml", GOOD_WORKFLOW.encode())
    (folder / "Main.xaml").write_text(GOOD_WORKFLOW)
    run = cli("scan", folder)
    lines = _lines(run)
    assert (run.code, len(lines)) == (0, 2), lines
    _assert_diagnostic(lines, folder / "project.json", "larger than the 16,777,216-byte limit", "warning")
    _assert_diagnostic(lines, folder / "Huge.xaml", "larger than the 20,971,520-byte limit", "warning")


@pytest.mark.parametrize("kind", ["manifest", "registration", "rulepack", "config", "snapshot"])
def test_a_directory_where_a_file_is_expected(cli, tmp_path, kind):
    path = tmp_path / "dir.yaml"
    path.mkdir()
    if kind == "manifest":
        (path / "x.txt").write_text("not a manifest")
        run = cli("check", path)
        assert run.code == 2 and "no scopelint.yaml found" in run.stderr
        return
    if kind == "rulepack":
        run = cli(*_args(kind, path))
        assert run.code == 2 and "no rule pack files" in run.stderr
        return
    _assert_one_line_error(cli(*_args(kind, path)), path, "is a directory")


def test_a_project_json_that_is_a_directory(cli, tmp_path):
    (tmp_path / "project.json").mkdir()
    (tmp_path / "Main.xaml").write_text(GOOD_WORKFLOW)
    run = cli("scan", tmp_path)
    assert run.code == 0
    _assert_diagnostic(_lines(run), tmp_path / "project.json", "is a directory", "warning")


def test_symlink_loop(cli, tmp_path):
    loop = tmp_path / "scopelint.yaml"
    os.symlink(loop, loop)
    run = cli("check", loop)
    assert run.code == 2 and str(loop) in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("kind", ["registration", "config", "snapshot"])
def test_symlink_loop_for_other_inputs(cli, tmp_path, kind):
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    _assert_one_line_error(cli(*_args(kind, loop)), loop, "cannot read")


def test_symlink_loops_in_a_project_are_per_file_diagnostics(cli, tmp_path):
    os.symlink(tmp_path / "project.json", tmp_path / "project.json")
    os.symlink(tmp_path / "Loop.xaml", tmp_path / "Loop.xaml")
    (tmp_path / "Main.xaml").write_text(GOOD_WORKFLOW)
    run = cli("scan", tmp_path)
    lines = _lines(run)
    assert (run.code, len(lines)) == (0, 2), lines
    _assert_diagnostic(lines, tmp_path / "project.json", "cannot read", "warning")
    _assert_diagnostic(lines, tmp_path / "Loop.xaml", "symlink loop", "warning")


def test_symlink_loop_in_a_tree_does_not_hang(cli, tmp_path):
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path, tmp_path / "a" / "up")
    (tmp_path / "scopelint.yaml").write_text(GOOD.read_text().split("registration:")[0])
    run = cli("check", "--format", "json", tmp_path)
    assert run.code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
@pytest.mark.parametrize("kind", ["manifest", "registration", "config", "snapshot"])
def test_unreadable_file(cli, tmp_path, kind):
    path = tmp_path / ("scopelint.yaml" if kind == "manifest" else "input.json")
    path.write_text("scopelint: 1\nname: r\nactivities: []\n")
    path.chmod(0)
    _assert_one_line_error(cli(*_args(kind, path)), path, "permission denied")


# ---------------------------------------------------------------------------------------------- never resolved
HITS: list[str] = []


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        HITS.append(self.path)
        body = b'<!ENTITY leak "CANARY-FROM-HTTP">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


def test_external_entities_are_never_fetched_nor_read(cli, tmp_path):
    """file:// and http:// entities (general and parameter, in UTF-8 and UTF-16) stay unresolved: the loopback server
    sees no request and the planted file's content appears nowhere."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-FROM-FILE")
    folder = tmp_path / "Robot"
    folder.mkdir()
    (folder / "project.json").write_text(GOOD_PROJECT)
    head, rest = GOOD_WORKFLOW.split("\n", 1)
    entities = {
        "File.xaml": f'<!ENTITY e SYSTEM "{secret.as_uri()}">',
        "Http.xaml": f'<!ENTITY e SYSTEM "{url}/general">',
        "Param.xaml": f'<!ENTITY % p SYSTEM "{url}/parameter"> %p;',
        "Dtd.xaml": "",
    }
    for name, decl in entities.items():
        subset = f" [{decl}]" if decl else ""
        body = f'<!DOCTYPE Activity SYSTEM "{url}/dtd"{subset}>\n' + head + "\n&e;" + rest.replace('"Send"', '"&e;"')
        (folder / name).write_text('<?xml version="1.0"?>\n' + body)
        (folder / ("Utf16" + name)).write_bytes(('<?xml version="1.0" encoding="utf-16"?>\n' + body).encode("utf-16"))
    try:
        scan = cli("scan", folder, "--format", "json")
        manifest = tmp_path / "scopelint.yaml"
        manifest.write_text(PLAIN_MANIFEST)
        check = cli("check", manifest, "--project", folder, "--format", "json")
    finally:
        server.shutdown()
    assert HITS == []
    everything = scan.stdout + scan.stderr + check.stdout + check.stderr
    assert "CANARY" not in everything
    assert scan.code == 2 and len(_lines(scan)) == len(entities) * 2 + 1  # every workflow refused: nothing read
    assert all("DTD" in line for line in _lines(scan)[:-1])


# ---------------------------------------------------------------------------------------------- findings, not exit 2
GRAPH = "00000003-0000-0000-c000-000000000000"
SEND_MAIL_NEEDS = ["Mail.ReadWrite", "Mail.Send", "User.Read"]


def _check_registration(cli, tmp_path, doc) -> tuple[int, list[tuple[str, str]]]:
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    reg = tmp_path / "app.json"
    reg.write_text(json.dumps(doc, ensure_ascii=False))
    run = cli("check", manifest, "--registration", reg, "--format", "json")
    assert run.stderr == "" and "Traceback" not in run.stdout
    return run.code, sorted((f["kind"], f["message"]) for f in json.loads(run.stdout)["findings"])


@pytest.mark.parametrize("names", [
    ["mail.send", "MAIL.READWRITE", "user.read"],
    ["  Mail.Send  ", "\tMail.ReadWrite", "User.Read\n"],
    ["mAiL.sEnD", " mail.readwrite ", " USER.READ"],
])
@pytest.mark.parametrize("resource", [GRAPH, GRAPH.upper(), " Microsoft Graph ", "microsoft graph"])
@pytest.mark.parametrize("ptype", ["Scope", "scope", " SCOPE "])
def test_permission_names_in_odd_case_and_whitespace_resolve(cli, tmp_path, names, resource, ptype):
    access = [{"id": n, "type": ptype} for n in names]
    assert _check_registration(cli, tmp_path, {"requiredResourceAccess": [
        {"resourceAppId": resource, "resourceAccess": access}]}) == (0, [])


def test_guids_in_any_case_resolve_and_guids_that_are_not_guids_are_unknown_permissions(cli, tmp_path):
    cat = load_catalog()
    good = [{"id": cat.get("delegated", n).id.upper(), "type": "Scope"} for n in SEND_MAIL_NEEDS]
    mail_read = cat.get("delegated", "Mail.Read").id
    bad = [mail_read[:-1], "{" + mail_read + "}", mail_read.replace("-", ""), "g" + mail_read[1:],
           " " + mail_read[:8] + " - " + mail_read[9:], "Mail\u200b.Read", "\uff2dail.Read", "Mail. Read"]
    code, findings = _check_registration(cli, tmp_path, {"requiredResourceAccess": [
        {"resourceAppId": GRAPH, "resourceAccess": good + [{"id": b, "type": "Scope"} for b in bad]}]})
    assert code == 0  # unknown-permission is a warning: reported, not a failure and not bad input
    assert [kind for kind, _ in findings] == ["unknown-permission"] * len(bad)
    assert sum("not a valid GUID" in message for _, message in findings) == 4
    assert sum("name not in the Graph permission catalog" in message for _, message in findings) == 2
    assert sum("permission names and GUIDs are ASCII" in message for _, message in findings) == 2


def test_snapshot_names_in_odd_case_resolve_and_bad_guids_are_unknown(cli, tmp_path):
    rows = [{"resourceAppId": GRAPH, "type": "Scope", "id": "not-a-guid", "value": f"  {n.upper()} "}
            for n in SEND_MAIL_NEEDS]
    rows.append({"resourceAppId": GRAPH, "type": "Scope", "id": "zzzzzzzz-0000-0000-0000-000000000000",
                 "value": None})
    consent = [{**row, "consent": "AllPrincipals"} for row in rows[:-1]]
    doc = {"scopelint-snapshot": 1, "tool": {"name": "scopelint", "version": "0.1.0"},
           "fetched": "2026-11-28T09:00:00Z", "tenant": None,
           "application": {"appId": "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"}, "requested": rows,
           "consented": consent}
    code, findings = _check_registration(cli, tmp_path, doc)
    assert code == 0 and [k for k, _ in findings] == ["unknown-permission"], findings
    assert "zzzzzzzz" in findings[0][1]


# ---------------------------------------------------------------------------------------------- limits
def _config(tmp_path: Path, **limits: int) -> Path:
    path = tmp_path / f"limits-{'-'.join(f'{k}{v}' for k, v in limits.items())}.yaml"
    path.write_text("limits:\n" + "".join(f"  {k}: {v}\n" for k, v in limits.items()))
    return path


@pytest.mark.parametrize(("limit", "low", "high", "message"), [
    ("max_bytes", 40, 4096, "file is larger than the 40-byte limit"),
    ("max_nodes", 5, 100, "document expands to more than 5 nodes"),
    ("max_depth", 2, 3, "nesting deeper than 2 levels"),
])
def test_each_manifest_limit_names_itself_and_raising_it_lets_the_same_file_pass(cli, tmp_path, limit, low, high,
                                                                                   message):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: robot\nactivities:\n  - activity: SendMail\n")
    _assert_one_line_error(cli("check", "--config", _config(tmp_path, **{limit: low}), manifest), manifest, message)
    run = cli("check", "--config", _config(tmp_path, **{limit: high}), manifest)
    assert (run.code, run.stderr) == (0, "")


@pytest.mark.parametrize(("limit", "low", "high", "message"), [
    ("max_bytes", 100, 4096, "file is larger than the 100-byte limit"),
    ("max_depth", 4, 5, "nesting deeper than 4 levels"),
])
def test_registration_limits_and_raising_them(cli, tmp_path, limit, low, high, message):
    cat = load_catalog()
    reg = tmp_path / "app.json"
    reg.write_text(json.dumps({"requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
        {"id": cat.get("delegated", n).id, "type": "Scope"} for n in SEND_MAIL_NEEDS]}]}))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    run = cli("check", "--config", _config(tmp_path, **{limit: low}), "--registration", reg, manifest)
    _assert_one_line_error(run, reg, message)
    run = cli("check", "--config", _config(tmp_path, **{limit: high}), "--registration", reg, manifest)
    assert (run.code, run.stderr) == (0, "")


def _deep_workflow(levels: int) -> str:
    head, rest = GOOD_WORKFLOW.split("\n", 1)
    return head + "\n" + "<Sequence>" * levels + "</Sequence>" * levels + "\n" + rest


def test_xml_depth_limit_in_check_comes_from_the_configuration(cli, tmp_path):
    folder = tmp_path / "Robot"
    folder.mkdir()
    (folder / "project.json").write_text(GOOD_PROJECT)
    (folder / "Main.xaml").write_text(_deep_workflow(40))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    run = cli("check", "--config", _config(tmp_path, max_xml_depth=20), manifest, "--project", folder)
    assert run.code == 2
    _assert_diagnostic(_lines(run), folder / "Main.xaml", "XML nesting deeper than 20 levels", "error")
    run = cli("check", "--config", _config(tmp_path, max_xml_depth=100), manifest, "--project", folder)
    assert (run.code, run.stderr) == (0, "")


def test_xml_depth_limit_in_scan_comes_from_the_option(cli, tmp_path):
    (tmp_path / "project.json").write_text(GOOD_PROJECT)
    (tmp_path / "Main.xaml").write_text(_deep_workflow(40))
    run = cli("scan", tmp_path, "--max-xml-depth", "20")
    assert run.code == 2
    _assert_diagnostic(_lines(run), tmp_path / "Main.xaml", "raise limits.max_xml_depth", "warning")
    assert cli("scan", tmp_path, "--max-xml-depth", "100").code == 0
    assert cli("scan", tmp_path).code == 0


def test_the_scan_option_default_is_the_configuration_default(cli):
    assert "[default: 1000;" in cli("scan", "--help").stdout and DEFAULT_LIMITS.max_xml_depth == 1000


def test_workflow_size_limit_in_scan_and_in_check(cli, tmp_path):
    (tmp_path / "project.json").write_text(GOOD_PROJECT)
    head, rest = GOOD_WORKFLOW.split("\n", 1)
    size = 21 * 1024 * 1024
    (tmp_path / "Main.xaml").write_text(head + "\n<!--" + "x" * size + "-->\n" + rest)
    run = cli("scan", tmp_path, "--max-file-size", "21")
    _assert_diagnostic(_lines(run), tmp_path / "Main.xaml", "larger than the 22,020,096-byte limit", "warning")
    assert run.code == 2 and "scan --max-file-size" in run.stderr
    assert cli("scan", tmp_path, "--max-file-size", "22").code == 0
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    run = cli("check", manifest, "--project", tmp_path)
    assert run.code == 2
    _assert_diagnostic(_lines(run), tmp_path / "Main.xaml", "larger than the 20,971,520-byte limit", "error")
    run = cli("check", "--config", _config(tmp_path, max_bytes=size * 2), manifest, "--project", tmp_path)
    assert (run.code, run.stderr) == (0, "")


def test_a_project_json_with_content_problems_still_counts_as_read(cli, tmp_path):
    (tmp_path / "project.json").write_text('{"name": "Robot", "dependencies": '
                                           '{"UiPath.MicrosoftOffice365.Activities": "latest"}}')
    run = cli("scan", tmp_path)
    assert run.code == 0 and NOTHING_READ not in run.stderr and "not a NuGet version range" in run.stderr
    (tmp_path / "project.json").write_text('{"name": ')
    run = cli("scan", tmp_path)
    assert run.code == 2 and _lines(run)[-1] == NOTHING_READ


@pytest.mark.parametrize("text", ["limits:\n  max_bytes: 100000000000000000000000000\n",
                                  "[tool.scopelint.limits]\nmax_bytes = 9223372036854775807\n"])
def test_a_huge_configured_limit_is_accepted_not_an_overflow(cli, tmp_path, text):
    config = tmp_path / ("pyproject.toml" if text.startswith("[") else ".scopelint.yaml")
    config.write_text(text)
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text(PLAIN_MANIFEST)
    run = cli("check", "--config", config, manifest)
    assert (run.code, run.stderr) == (0, "")
