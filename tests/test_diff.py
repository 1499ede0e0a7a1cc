"""`scopelint diff`: the permission impact of a manifest change, from two files or against a git revision."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from report_fixtures import HOSTILE, write_project


def test_two_manifests_newly_required_admin_consent_and_removable(cli, tmp_path):
    base = write_project(tmp_path / "base", activities=("Send Mail", "Get Calendars"))
    head = write_project(tmp_path / "head", activities=("Send Mail", "Create Group", "Write Range"))
    run = cli("diff", base, head, "--format", "json")
    assert run.code == 0, run.stderr
    [d] = json.loads(run.stdout)["manifests"]
    # Create Group: Microsoft's least privilege for POST /groups is Group.ReadWrite.All (issue #12)
    assert [c["permission"] for c in d["newly_required"]] == ["Files.ReadWrite", "Group.ReadWrite.All"]
    assert [c["permission"] for c in d["newly_admin_consent"]] == ["Group.ReadWrite.All"]
    assert d["newly_admin_consent"][0]["needed_by"] == ["Create Group"]
    assert [c["permission"] for c in d["now_removable"]] == ["Calendars.ReadBasic"]
    assert d["admin_consent"] == {"before": False, "after": True}
    assert {p["permission"] for p in d["unchanged"]} == {"Mail.ReadWrite", "Mail.Send", "User.Read"}


def test_text_and_markdown(cli, tmp_path):
    base = write_project(tmp_path / "base", activities=("Send Mail", "Write Range"))
    head = write_project(tmp_path / "head", name=HOSTILE, activities=("Send Mail", "Create Group"))
    text = cli("diff", base, head).stdout
    assert "  + Group.ReadWrite.All (delegated, admin consent): Create Group" in text
    assert "  - Files.ReadWrite (delegated): Write Range  (now removable)" in text
    assert "  ! newly needs admin consent: Group.ReadWrite.All" in text
    assert text.rstrip().endswith("1 newly required, 1 newly needing admin consent, 1 now removable in 1 manifest")
    markdown = cli("diff", base, head, "--format", "markdown").stdout
    assert markdown.startswith("## Microsoft Graph permission impact: 1 newly required, 1 newly needing admin "
                               "consent, 1 now removable")
    assert "| ➕ newly required | Group.ReadWrite.All | delegated | yes | 4 | Create Group |" in markdown
    assert "| ➖ now removable | Files.ReadWrite | delegated | no | 2 | Write Range |" in markdown
    assert "**The app now needs admin consent**: Group.ReadWrite.All" in markdown
    assert "<script>" not in markdown and "](javascript:" not in markdown


def test_no_change(cli, tmp_path):
    a = write_project(tmp_path / "a", activities=("Send Mail",))
    b = write_project(tmp_path / "b", activities=("SendMail",))
    assert "no change to the required permissions" in cli("diff", a, b).stdout


def test_output_file(cli, tmp_path):
    a = write_project(tmp_path / "a", activities=("Send Mail",))
    out = tmp_path / "impact.md"
    run = cli("diff", a, a, "--format", "markdown", "-o", out)
    assert run.code == 0 and run.stdout == "" and "No change" in out.read_text()


def test_usage_errors(cli, tmp_path):
    a = write_project(tmp_path / "a")
    assert cli("diff", a).code == 2
    run = cli("diff", a, tmp_path / "missing.yaml")
    assert run.code == 2 and "missing.yaml: no such file" in run.stderr


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    write_project(tmp_path / "robots" / "mailer", activities=("Send Mail",))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


@needs_git
def test_git_revision_against_the_working_tree(cli, repo):
    write_project(repo / "robots" / "mailer", activities=("Send Mail", "Write Range"))
    write_project(repo / "robots" / "new", activities=("GetMail",))
    run = cli("diff", "--git", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0, run.stderr
    docs = {d["head"]: d for d in json.loads(run.stdout)["manifests"]}
    mailer = docs["robots/mailer/scopelint.yaml"]
    assert mailer["base"] == "HEAD:robots/mailer/scopelint.yaml"
    assert [c["permission"] for c in mailer["newly_required"]] == ["Files.ReadWrite"]
    new = docs["robots/new/scopelint.yaml"]
    assert new["base"] is None and [c["permission"] for c in new["newly_required"]] == ["Mail.Read"]


@needs_git
def test_git_named_manifest_and_bad_revisions(cli, repo):
    manifest = repo / "robots" / "mailer" / "scopelint.yaml"
    run = cli("diff", "--git", "HEAD", manifest)
    assert run.code == 0 and "no change" in run.stdout
    run = cli("diff", "--git", "no-such-rev", manifest)
    assert run.code == 2 and run.stderr.startswith("scopelint: error: no-such-rev:") and "Traceback" not in run.stderr
    run = cli("diff", "--git", "--output=/tmp/x", manifest)
    assert run.code == 2 and "not a git revision" in run.stderr
