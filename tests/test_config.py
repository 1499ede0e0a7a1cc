"""Configuration: .scopelint.yaml found upward from each manifest, or [tool.scopelint] in pyproject.toml; severity
per code, fail level, rule packs, default registration, limits; unknown keys are errors with file and line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import CONTOSO_PACK as PACK
from report_fixtures import SEND_MAIL, write_project, write_registration

from scopelint.config import _TOP_KEYS, find_config

SCHEMA = Path(__file__).resolve().parent.parent / "scopelint" / "schemas" / "config.schema.json"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository root (.git) with one project two folders down that has one excess grant. The root is a
    subfolder of tmp_path, so a config placed above it stays inside this test's folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write_project(root / "robots" / "mailer", grants=[*SEND_MAIL, ("Calendars.Read", "delegated")])
    return root


def manifest(repo: Path) -> Path:
    return repo / "robots" / "mailer" / "scopelint.yaml"


def findings(cli, *args) -> tuple[int, list[dict]]:
    run = cli("check", "--format", "json", *args)
    return run.code, json.loads(run.stdout)["findings"] if run.stdout else []


def test_without_configuration_defaults_apply(cli, repo):
    code, found = findings(cli, manifest(repo))
    assert code == 0 and [(f["kind"], f["severity"]) for f in found] == [("excess", "warning")]


def test_config_found_upward_changes_severity_by_kind_or_code(cli, repo):
    (repo / ".scopelint.yaml").write_text("severity:\n  excess: error\n")
    code, found = findings(cli, manifest(repo))
    assert code == 1 and found[0]["severity"] == "error"
    (repo / ".scopelint.yaml").write_text("severity:\n  sl102: info\n")
    code, found = findings(cli, manifest(repo))
    assert code == 0 and found[0]["severity"] == "info"


@pytest.mark.parametrize("value", ["off", "'off'"])
def test_off_drops_the_finding(cli, repo, value):
    (repo / ".scopelint.yaml").write_text(f"severity:\n  SL102: {value}\n")
    assert findings(cli, manifest(repo)) == (0, [])


def test_fail_level_from_config_and_the_command_line_wins(cli, repo):
    (repo / ".scopelint.yaml").write_text("fail_level: warning\n")
    assert findings(cli, manifest(repo))[0] == 1
    assert findings(cli, "--fail-level", "error", manifest(repo))[0] == 0


def test_nearest_config_wins_and_search_stops_at_the_repository_root(cli, repo):
    (repo.parent / ".scopelint.yaml").write_text("severity:\n  excess: error\n")
    assert find_config(manifest(repo).parent) is None
    assert findings(cli, manifest(repo))[0] == 0
    (repo / ".scopelint.yaml").write_text("severity:\n  excess: error\n")
    (repo / "robots" / ".scopelint.yaml").write_text("severity:\n  excess: info\n")
    assert find_config(manifest(repo).parent).resolve() == (repo / "robots" / ".scopelint.yaml").resolve()
    assert findings(cli, manifest(repo))[1][0]["severity"] == "info"


def test_pyproject_tool_table(cli, repo):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.scopelint]\nfail_level = "warning"\n\n'
                                         '[tool.scopelint.severity]\nexcess = "error"\n')
    code, found = findings(cli, manifest(repo))
    assert code == 1 and found[0]["severity"] == "error"


def test_pyproject_without_the_table_is_not_a_config(repo):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[project.scripts]\nscopelint = "scopelint.cli:main"\n')
    assert find_config(manifest(repo).parent) is None


@pytest.mark.parametrize("table", [
    '[tool.scopelint]\nfail_level = "warning"\n',
    '[ "tool" . \'scopelint\' ]\nfail_level = "warning"\n',
    '[tool]\nscopelint = {fail_level = "warning"}\n',
    '[tool]\nscopelint.fail_level = "warning"\n',
    'tool.scopelint.fail_level = "warning"\n',
    'tool = {scopelint = {fail_level = "warning"}}\n',
    '[tool.scopelint.severity]\nexcess = "warning"\n',
])
def test_every_toml_spelling_of_the_table_is_found(repo, table):
    (repo / "pyproject.toml").write_text(table + '\n[project]\nname = "x"\ndependencies = ["scopelint"]\n')
    assert find_config(manifest(repo).parent) is not None


def test_a_pyproject_that_only_depends_on_scopelint_is_not_parsed(repo):
    """The TOML parser is skipped when no line can start the table: a pre-commit run pays nothing for it."""
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["scopelint>=1"]\n'
                                         '[project.scripts]\nscopelint = "scopelint.cli:main"\n'
                                         '[tool.ruff]\nline-length = 120\n# tool.scopelintish = 1\n')
    probe = ("import sys\nfrom scopelint.config import find_config\n"
             f"assert find_config({str(manifest(repo).parent)!r}) is None\nprint('tomllib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("fail_level: warning\nseverty:\n  excess: error\n", 2, "unknown key 'severty' in configuration "
                                                          "(did you mean 'severity'?)"),
    ("limits:\n  max_byte: 5\n", 2, "unknown key 'max_byte' in limits (did you mean 'max_bytes'?)"),
    ("severity:\n  excess: error\n  SL999: off\n", 3, "unknown finding code 'SL999' under severity"),
    ("severity:\n  excess: loud\n", 2, "invalid configuration: 'severity/excess' must be one of error, warning"),
    ("fail_level: sometimes\n", 1, "invalid configuration: 'fail_level' must be one of error, warning, info"),
    ("rules: packs/\n", 1, "invalid configuration: 'rules' must be a list of rule pack files or folders, got 'packs/'"),
])
def test_bad_configuration_is_one_line_with_file_and_line(cli, repo, text, line, message):
    (repo / ".scopelint.yaml").write_text(text)
    run = cli("check", manifest(repo))
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith(f"scopelint: error: {repo / '.scopelint.yaml'}:{line}: {message}"), run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_unknown_key_in_pyproject_names_its_line(cli, repo):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.scopelint]\nfail_level = "error"\n'
                                         'registation = "app.json"\n')
    run = cli("check", manifest(repo))
    assert run.code == 2
    assert re.match(r"scopelint: error: .*pyproject\.toml:6: unknown key 'registation' in configuration "
                    r"\(did you mean 'registration'\?\)", run.stderr)


def test_rule_packs_from_config_are_relative_to_it(cli, tmp_path):
    write_project(tmp_path / "p", activities=("Archive Invoices",), grants=[("Mail.ReadWrite", "delegated")])
    code, found = findings(cli, tmp_path / "p")
    assert code == 1 and found[0]["kind"] == "unknown-activity"
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "contoso.yaml").write_text(PACK)
    (tmp_path / ".scopelint.yaml").write_text("rules: [packs]\n")
    assert findings(cli, tmp_path / "p") == (0, [])


def test_default_registration_applies_only_where_the_manifest_names_none(cli, tmp_path):
    write_project(tmp_path / "p", activities=("Send Mail",))
    write_registration(tmp_path / "shared-app.json", SEND_MAIL[:2])
    (tmp_path / ".scopelint.yaml").write_text("registration: shared-app.json\n")
    code, found = findings(cli, tmp_path / "p")
    assert code == 1 and [(f["kind"], f["permission"]) for f in found] == [("missing", "User.Read")]


def test_limits_cap_input_files(cli, repo):
    (repo / ".scopelint.yaml").write_text("limits:\n  max_bytes: 20\n")
    run = cli("check", manifest(repo))
    assert run.code == 2 and "larger than the 20-byte limit" in run.stderr


def test_explicit_config_file_overrides_the_search(cli, repo, tmp_path_factory):
    (repo / ".scopelint.yaml").write_text("severity:\n  excess: info\n")
    other = tmp_path_factory.mktemp("cfg") / "strict.yaml"
    other.write_text("fail_level: warning\n")
    assert findings(cli, "--config", other, manifest(repo))[0] == 1
    run = cli("check", "--config", repo / "missing.yaml", manifest(repo))
    assert run.code == 2 and "no such configuration file" in run.stderr


def test_schema_is_valid_and_matches_the_loader():
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == _TOP_KEYS
    example = {"scopelint": 1, "severity": {"excess": "error", "SL305": "off", "broader": False},
               "fail_level": "warning", "rules": ["packs"], "registration": "app.json", "limits": {"max_bytes": 10}}
    jsonschema.Draft202012Validator(schema).validate(example)


def test_sibling_manifests_look_up_their_shared_configuration_once(tmp_path, monkeypatch):
    from scopelint import config

    (tmp_path / ".git").mkdir()
    (tmp_path / "robots" / "a").mkdir(parents=True)
    (tmp_path / "robots" / "b").mkdir()
    (tmp_path / "robots" / ".scopelint.yaml").write_text("scopelint: 1\nfail_level: warning\n")
    probed: list[Path] = []
    real = config._config_in
    monkeypatch.setattr(config, "_config_in", lambda d: probed.append(d) or real(d))
    finder = config.ConfigFinder()
    first = finder.for_manifest(tmp_path / "robots" / "a" / "scopelint.yaml")
    second = finder.for_manifest(tmp_path / "robots" / "b" / "scopelint.yaml")
    assert first is second and first.fail_level == "warning"
    assert probed == [tmp_path / "robots" / "a", tmp_path / "robots", tmp_path / "robots" / "b"]
    assert find_config(tmp_path / "robots" / "a") == find_config(tmp_path / "robots" / "b")
