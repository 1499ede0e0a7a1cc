"""The pre-commit hook as pre-commit runs it: read .pre-commit-hooks.yaml, keep the changed files its `files`
pattern matches, run `entry + args + filenames` in the repository root, and look at exit code and output."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from report_fixtures import SEND_MAIL, write_project, write_registration

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
HOOK = next(h for h in HOOKS if h["id"] == "scopelint")


def run_hook(repo: Path, changed: list[str]) -> subprocess.CompletedProcess:
    """What pre-commit does for a python hook: filter by `files`, append the names when pass_filenames."""
    pattern = re.compile(HOOK["files"])
    names = [c for c in changed if pattern.search(c)]
    if not names:
        return subprocess.CompletedProcess([], 0, "", "")  # pre-commit skips a hook with no matching files
    entry = shlex.split(HOOK["entry"])
    if shutil.which(entry[0]) is None:  # not installed as a console script: same program through python -m
        entry = [sys.executable, "-m", "scopelint", *entry[1:]]
    cmd = entry + list(HOOK.get("args", [])) + (names if HOOK.get("pass_filenames", True) else [])
    return subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=120, check=False)


def test_hook_definition():
    assert HOOK["entry"].split()[:2] == ["scopelint", "check"]
    assert HOOK["language"] == "python" and HOOK["pass_filenames"] is True and HOOK["require_serial"] is True
    pattern = re.compile(HOOK["files"])
    for name in ("scopelint.yaml", "robots/a/scopelint.yml", ".scopelint.yaml", "app.json", "robots/a/app.json",
                 "pyproject.toml"):
        assert pattern.search(name), name
    for name in ("README.md", "main.py", "robots/a/Main.xaml", "scopelint.yaml.bak"):
        assert not pattern.search(name), name


@pytest.fixture
def repo(tmp_path) -> Path:
    """Two projects: `good` (clean) and `bad` (its registration lacks a permission)."""
    (tmp_path / ".git").mkdir()
    write_project(tmp_path / "good", grants=SEND_MAIL)
    write_project(tmp_path / "bad", grants=SEND_MAIL[:2])
    (tmp_path / "package.json").write_text("{}")
    return tmp_path


def test_a_changed_registration_checks_the_manifest_that_names_it(repo):
    proc = run_hook(repo, ["bad/app.json"])
    assert proc.returncode == 1
    assert "bad/scopelint.yaml" in proc.stdout and "good/scopelint.yaml" not in proc.stdout
    assert "User.Read" in proc.stdout


def test_a_changed_manifest_is_checked_alone(repo):
    proc = run_hook(repo, ["good/scopelint.yaml", "README.md"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "good/scopelint.yaml" in proc.stdout and "bad/" not in proc.stdout


def test_unrelated_files_pass_quietly(repo):
    proc = run_hook(repo, ["package.json"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert run_hook(repo, ["main.py"]).returncode == 0


def test_a_changed_configuration_rechecks_the_manifests_below_it(repo):
    (repo / "good" / ".scopelint.yaml").write_text("fail_level: info\n")
    write_registration(repo / "good" / "app.json", [*SEND_MAIL, ("Calendars.Read", "delegated")])
    proc = run_hook(repo, ["good/.scopelint.yaml"])
    assert proc.returncode == 1 and "Calendars.Read" in proc.stdout and "bad/" not in proc.stdout


def test_a_broken_manifest_blocks_the_commit_with_one_line(repo):
    (repo / "good" / "scopelint.yaml").write_text("scopelint: 1\nname: x\nactivities: [\n")
    proc = run_hook(repo, ["good/scopelint.yaml"])
    assert proc.returncode == 2 and "good/scopelint.yaml:4:" in proc.stderr and "Traceback" not in proc.stderr
