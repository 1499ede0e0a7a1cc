"""`check` writes text and JSON to standard output while it checks, one manifest at a time: the output, the stderr
lines and the exit code are those of the same report written whole to a file."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES


@pytest.fixture
def tree(tmp_path):
    """Manifests whose folder names sort differently as strings and as paths ("a-b" / "a"), one that is not YAML,
    one whose registration file is missing, and clean and failing ones."""
    root = tmp_path / "robots"
    for name in ("a", "a-b", "a/z", "b", "c"):
        shutil.copytree(EXAMPLES / "invoice-bot", root / name)
    (root / "b" / "scopelint.yaml").write_text("scopelint: 1\nname: [broken\n")
    (root / "c" / "app.json").unlink()
    return root


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_streamed_output_equals_the_report_written_whole(cli_proc, tree, tmp_path, fmt):
    streamed = cli_proc("check", tree, "-f", fmt)
    whole = cli_proc("check", tree, "-f", fmt, "-o", tmp_path / f"report.{fmt}")
    assert streamed.code == whole.code == 2, streamed.stderr
    assert streamed.stdout == (tmp_path / f"report.{fmt}").read_text()
    assert sorted(streamed.stderr.splitlines()) == sorted(whole.stderr.splitlines())
    assert "name: [broken" not in streamed.stdout and "b/scopelint.yaml" in streamed.stderr
    if fmt == "json":
        doc = json.loads(streamed.stdout)
        assert len(doc["manifests"]) == 3 and doc["summary"]["warning"] > 0
        assert doc["findings"] == sorted(doc["findings"], key=lambda f: (f["manifest"] or f["file"]))


def test_streamed_exit_code_follows_the_fail_level(cli_proc, tree):
    shutil.rmtree(tree / "b")
    shutil.rmtree(tree / "c")
    assert cli_proc("check", tree).code == 0
    run = cli_proc("check", tree, "--strict", "-f", "json")
    assert run.code == 1 and json.loads(run.stdout)["summary"]["warning"] > 0
