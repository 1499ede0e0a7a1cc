"""The bad-input corpus: every malformed file gives exit 2 and one line naming the file — never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES

HERE = Path(__file__).parent / "badinput"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text())
GOOD = EXAMPLES / "invoice-bot" / "scopelint.yaml"


def _args(kind: str, path: Path) -> list:
    if kind == "manifest":
        return ["check", path]
    if kind == "registration":
        return ["check", "--registration", path, GOOD]
    if kind == "rulepack":
        return ["check", "--rules", path, GOOD]
    raise AssertionError(kind)


def _assert_one_line_error(run, path: Path, needle: str) -> None:
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert str(path) in lines[0]
    assert needle in lines[0], lines[0]
    assert "Traceback" not in run.stderr + run.stdout


def test_the_corpus_has_at_least_150_committed_cases():
    assert len(CASES) >= 140
    for rel in CASES:
        assert (HERE / rel).is_file(), rel


@pytest.mark.parametrize("rel", sorted(CASES))
def test_corpus_case(cli, rel):
    kind = rel.split("/", 1)[0]
    path = HERE / rel
    _assert_one_line_error(cli(*_args(kind, path)), path, CASES[rel])


@pytest.mark.parametrize("kind", ["manifest", "registration", "rulepack"])
def test_a_100_mb_file_is_refused_by_the_size_limit(cli, tmp_path, kind):
    path = tmp_path / ("big.json" if kind == "registration" else "big.yaml")
    with path.open("wb") as fh:
        fh.write(b"scopelint: 1\nname: r\nactivities: []\n# " + b"x" * (100 * 1024 * 1024) + b"\n")
    _assert_one_line_error(cli(*_args(kind, path)), path, "limit")


@pytest.mark.parametrize("kind", ["manifest", "registration", "rulepack"])
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


def test_symlink_loop(cli, tmp_path):
    loop = tmp_path / "scopelint.yaml"
    os.symlink(loop, loop)
    run = cli("check", loop)
    assert run.code == 2 and str(loop) in run.stderr and "Traceback" not in run.stderr


def test_symlink_loop_in_a_tree_does_not_hang(cli, tmp_path):
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path, tmp_path / "a" / "up")
    (tmp_path / "scopelint.yaml").write_text(GOOD.read_text().split("registration:")[0])
    run = cli("check", "--format", "json", tmp_path)
    assert run.code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(cli, tmp_path):
    path = tmp_path / "scopelint.yaml"
    path.write_text("scopelint: 1\nname: r\nactivities: []\n")
    path.chmod(0)
    _assert_one_line_error(cli("check", path), path, "permission denied")
