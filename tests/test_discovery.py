"""Which manifests a folder search finds: git's ignore rules inside a repository, `exclude:` in the configuration,
and manifests named on the command line always checked."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import SEND_MAIL, write_project

from scopelint.config import excluded
from scopelint.session import find_manifests


def checked(run) -> list[str]:
    return sorted(m["path"] for m in json.loads(run.stdout)["manifests"])


@pytest.fixture
def tree(tmp_path) -> Path:
    """robots/a and robots/b, and a build copy of robots/a under dist/."""
    write_project(tmp_path / "robots" / "a", grants=SEND_MAIL)
    write_project(tmp_path / "robots" / "b", grants=SEND_MAIL)
    shutil.copytree(tmp_path / "robots" / "a", tmp_path / "dist" / "robots" / "a")
    return tmp_path


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="git")
def test_in_a_repository_what_git_ignores_is_not_checked(tree, cli):
    git(tree, "init", "-q")
    (tree / ".gitignore").write_text("dist/\n")
    git(tree, "add", "robots/a")  # robots/b stays untracked: not ignored, so still checked
    run = cli("check", ".", "--format", "json", cwd=tree)
    assert run.code == 0, run.stderr
    assert checked(run) == ["robots/a/scopelint.yaml", "robots/b/scopelint.yaml"]
    run = cli("check", "robots", "--format", "json", cwd=tree)  # a folder below the root: paths stay as given
    assert checked(run) == ["robots/a/scopelint.yaml", "robots/b/scopelint.yaml"]
    named = cli("check", "dist/robots/a/scopelint.yaml", "--format", "json", cwd=tree)
    assert checked(named) == ["dist/robots/a/scopelint.yaml"]  # named on the command line: always checked


def test_outside_a_repository_every_manifest_is_found(tree, cli):
    run = cli("check", ".", "--format", "json", cwd=tree)
    assert checked(run) == ["dist/robots/a/scopelint.yaml", "robots/a/scopelint.yaml", "robots/b/scopelint.yaml"]


def test_exclude_in_the_configuration(tree, cli):
    (tree / ".scopelint.yaml").write_text("exclude:\n  - dist/\n  - robots/b\n")
    run = cli("check", ".", "--format", "json", cwd=tree)
    assert checked(run) == ["robots/a/scopelint.yaml"]
    named = cli("check", "robots/b/scopelint.yaml", "--format", "json", cwd=tree)
    assert checked(named) == ["robots/b/scopelint.yaml"]


def test_exclude_patterns_are_relative_to_their_configuration(tree):
    (tree / "robots" / ".scopelint.yaml").write_text("exclude: [b]\n")
    found = find_manifests([str(tree)])
    assert sorted(p.relative_to(tree).as_posix() for p in found) == \
        ["dist/robots/a/scopelint.yaml", "robots/a/scopelint.yaml"]


@pytest.mark.parametrize(("path", "patterns", "expected"), [
    ("dist/robots/a/scopelint.yaml", ["dist"], True),
    ("dist/robots/a/scopelint.yaml", ["dist/"], True),
    ("robots/dist/scopelint.yaml", ["dist"], True),          # no slash: a name at any depth
    ("robots/dist/scopelint.yaml", ["/dist"], False),        # a leading slash anchors at the config's folder
    ("robots/old/a/scopelint.yaml", ["**/old"], True),
    ("archive/2024/scopelint.yaml", ["archive/*"], True),
    ("robots/a/scopelint.yaml", ["robots/b", "dist"], False),
    ("robots/a/scopelint.yaml", ["robots/*/scopelint.yaml"], True),
])
def test_exclude_matching(path, patterns, expected):
    assert excluded(path, patterns) is expected


def test_a_bad_exclude_is_one_line_with_file_and_line(tree, cli):
    (tree / ".scopelint.yaml").write_text("fail_level: error\nexclude: dist\n")
    run = cli("check", ".", cwd=tree)
    assert run.code == 2 and ".scopelint.yaml:2:" in run.stderr and "exclude" in run.stderr


def test_exclude_of_an_explicit_configuration(tree, cli):
    config = tree / "ci-scopelint.yaml"  # not found by the upward search: only --config names it
    config.write_text("exclude: [dist]\n")
    run = cli("check", ".", "--config", config, "--format", "json", cwd=tree)
    assert checked(run) == ["robots/a/scopelint.yaml", "robots/b/scopelint.yaml"]
