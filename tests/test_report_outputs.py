"""`check --format F --output FILE`, repeatable: every format can be written to a file, one run writes several,
the file suffix picks the format, and the output is the same on every run."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from scopelint.reporters import formats

INVOICE = EXAMPLES / "invoice-bot"


@pytest.mark.parametrize("fmt", formats())
def test_every_format_writes_to_a_file(cli, tmp_path, fmt):
    out = tmp_path / "report.out"
    run = cli("check", "--format", fmt, "--output", out, INVOICE)
    assert run.code == 0, run.stderr
    assert run.stdout.rstrip().endswith("0 error(s), 2 warning(s), 0 info in 1 manifest")  # the console still shows
    text = out.read_text(encoding="utf-8")
    assert text and text == cli("check", "--format", fmt, INVOICE).stdout
    assert [p.name for p in tmp_path.iterdir()] == ["report.out"]  # no temporary file left behind


def test_one_run_writes_several_formats_and_one_to_stdout(cli, tmp_path):
    run = cli("check", "-f", "sarif", "-o", tmp_path / "a", "-f", "junit", "-o", tmp_path / "b", "-f", "markdown",
              INVOICE)
    assert run.code == 0
    assert (tmp_path / "a").read_text().lstrip().startswith("{")
    assert (tmp_path / "b").read_text().startswith("<?xml")
    assert run.stdout.startswith("## scopelint:")


@pytest.mark.parametrize(("name", "marker"), [
    ("r.sarif", '"version": "2.1.0"'), ("r.sarif.json", '"version": "2.1.0"'), ("r.json", '"manifests"'),
    ("r.xml", "<testsuites"), ("r.md", "## scopelint:"), ("r.html", "<!DOCTYPE html>"), ("r.csv", "record,project"),
    ("r.txt", "0 error(s), 2 warning(s)")])
def test_the_suffix_picks_the_format(cli, tmp_path, name, marker):
    run = cli("check", "-o", tmp_path / name, INVOICE)
    assert run.code == 0 and "0 error(s), 2 warning(s)" in run.stdout
    assert marker in (tmp_path / name).read_text()


def test_unknown_suffix_and_second_stdout_format_are_usage_errors(cli, tmp_path):
    run = cli("check", "-o", tmp_path / "r.bin", INVOICE)
    assert run.code == 2 and "cannot tell the format" in run.stderr
    assert cli("check", "-f", "json", "-f", "sarif", INVOICE).code == 2


@pytest.mark.parametrize("fmt", formats())
def test_every_format_is_byte_identical_across_runs(cli_proc, fmt):
    first = cli_proc("check", "--format", fmt, EXAMPLES)
    second = cli_proc("check", "--format", fmt, EXAMPLES)
    assert first.code == second.code == 0
    assert first.stdout == second.stdout
