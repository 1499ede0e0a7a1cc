"""Files written for the user appear whole or not at all."""

from __future__ import annotations

import os

import pytest

from scopelint import fileio
from scopelint.fileio import write_atomic


def test_write_creates_and_replaces(tmp_path):
    target = tmp_path / "report.html"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.sarif"
    target.write_text("previous report")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "x" * 1_000_000)
    assert target.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_existing_file_mode_is_kept(tmp_path):
    target = tmp_path / "scopelint.yaml"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomic(target, "new")
    assert (target.stat().st_mode & 0o777) == 0o600


def test_output_into_a_missing_folder_is_an_input_error(cli, tmp_path):
    from conftest import EXAMPLES

    run = cli("check", "--format", "json", "--output", tmp_path / "nope" / "out.json",
              EXAMPLES / "invoice-bot" / "scopelint.yaml")
    assert run.code == 2 and "cannot write" in run.stderr and "Traceback" not in run.stderr
