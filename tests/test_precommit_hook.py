"""The pre-commit hook as pre-commit runs it: read .pre-commit-hooks.yaml, keep the changed files its `files`
pattern matches, run `entry + args + filenames` in the repository root, and look at exit code and output."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from report_fixtures import SEND_MAIL, guid, write_project, write_registration

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
                 "pyproject.toml", "robots/a/Main.xaml", "robots/a/Workflows/Send.xaml", "robots/a/project.json"):
        assert pattern.search(name), name
    for name in ("README.md", "main.py", "scopelint.yaml.bak", "Main.xaml.orig"):
        assert not pattern.search(name), name
    assert set(HOOK["types_or"]) == {"yaml", "toml", "json", "xaml"}
    strict = next(h for h in HOOKS if h["id"] == "scopelint-strict")
    assert strict["entry"] == HOOK["entry"] + " --strict"
    assert {k: v for k, v in strict.items() if k not in ("id", "name", "entry", "description")} == \
        {k: v for k, v in HOOK.items() if k not in ("id", "name", "entry", "description")}


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


def test_a_changed_workflow_checks_the_manifest_of_its_project(tmp_path):
    (tmp_path / ".git").mkdir()
    project = tmp_path / "robots" / "invoice"
    shutil.copytree(EXAMPLE, project)
    write_project(tmp_path / "other", grants=SEND_MAIL[:2])  # broken, but no changed file touches it
    add_undeclared_activity(project / "Workflows" / "FileInvoices.xaml")
    for changed in ("robots/invoice/Workflows/FileInvoices.xaml", "robots/invoice/project.json"):
        proc = run_hook(tmp_path, [changed])
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "robots/invoice/scopelint.yaml" in proc.stdout and "other/" not in proc.stdout
        assert "undeclared-activity" in proc.stdout and "DeleteMail" in proc.stdout


# The real thing: pre-commit itself, in a scratch repository, installing this repository's hooks (try-repo). -------
EXAMPLE = ROOT / "manifests" / "examples" / "uipath-invoice"
_MAIL_NS = ('xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
            'assembly=UiPath.MicrosoftOffice365.Activities" ')


def add_undeclared_activity(workflow: Path) -> None:
    """Insert a Delete Mail activity (not in the example's manifest) next to the Upload File of the workflow."""
    text = workflow.read_text(encoding="utf-8").replace('xmlns:x="', _MAIL_NS + 'xmlns:x="', 1)
    upload = text.index("<umaf:UploadFile")
    text = text[:upload] + '<umam:DeleteMail DisplayName="Delete Mail (processed invoice)" />\n' + text[upload:]
    workflow.write_text(text, encoding="utf-8")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo, check=True,
                   capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory) -> tuple[Path, Path, str]:
    """This checkout as pre-commit fetches it: a git repository of its files (uncommitted edits included) at one
    commit, and one pre-commit cache, so the hook environment is built once and reused by each test."""
    source = tmp_path_factory.mktemp("scopelint-hooks")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=60).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _git(source, "init", "-q", "-b", "main")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "hooks")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True,
                         timeout=60).stdout.strip()
    return source, tmp_path_factory.mktemp("pre-commit-home"), rev


def pre_commit(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess:
    """`pre-commit run HOOK` on the staged files. The hook's virtual environment sees the base interpreter's
    packages; when this interpreter is that base (CI), it builds offline from the hook repository (no index, no
    isolated build). Inside a virtual environment, whose packages the hook's cannot see, pip fetches what is
    missing from the index, as pre-commit does for every user."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"}
    if sys.prefix == sys.base_prefix:
        env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0")
    env.pop("PYTHONPATH", None)  # the hook must run the scopelint pre-commit installed, not this test's import path
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", hook, "--color", "never"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture
def scratch(tmp_path, hook_repository) -> tuple[Path, Path]:
    """A git repository holding the shipped UiPath example (clean: no finding) in robots/invoice and a
    .pre-commit-config.yaml with both hooks, committed; with the pre-commit cache to run in."""
    source, home, rev = hook_repository
    project = tmp_path / "robots" / "invoice"
    shutil.copytree(EXAMPLE, project)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source.as_uri()}\n    rev: {rev}\n    hooks:\n"
        "      - id: scopelint\n      - id: scopelint-strict\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "robot")
    return tmp_path, home


@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is in the test extra")
def test_real_pre_commit_blocks_a_workflow_change_that_adds_an_undeclared_activity(scratch):
    scratch, home = scratch
    add_undeclared_activity(scratch / "robots" / "invoice" / "Workflows" / "FileInvoices.xaml")
    _git(scratch, "add", "-A")
    proc = pre_commit(scratch, home, "scopelint")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert re.search(r"scopelint \(Microsoft Graph permissions\)\.+Failed", out), out
    assert "undeclared-activity" in out and "DeleteMail" in out and "FileInvoices.xaml:" in out


@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is in the test extra")
def test_real_pre_commit_skips_an_unrelated_change_and_strict_fails_on_warnings(scratch):
    scratch, home = scratch
    (scratch / "README.md").write_text("# robots\n")
    _git(scratch, "add", "-A")
    proc = pre_commit(scratch, home, "scopelint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"scopelint \(Microsoft Graph permissions\)\.+\(no files to check\)Skipped", proc.stdout)
    # A registration that grants more than needed: a warning, so only the strict hook fails.
    app = scratch / "robots" / "invoice" / "app.json"
    doc = json.loads(app.read_text(encoding="utf-8"))
    doc["requiredResourceAccess"][0]["resourceAccess"].append({"id": guid("Calendars.Read"), "type": "Scope"})
    app.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    _git(scratch, "add", "-A")
    assert pre_commit(scratch, home, "scopelint").returncode == 0
    strict = pre_commit(scratch, home, "scopelint-strict")
    assert strict.returncode == 1 and "Calendars.Read" in strict.stdout and "excess" in strict.stdout, strict.stdout
