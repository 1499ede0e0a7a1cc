"""The README stays true: two quick-start commands, every finding code, every command documented."""

from __future__ import annotations

import re

from conftest import ROOT

from scopelint.checks import CHECKS, markdown_table
from scopelint.cli import main

README = (ROOT / "README.md").read_text()


def test_quick_start_has_exactly_the_run_and_the_test_command():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands == ["pip install . && scopelint check manifests/examples/invoice-bot/scopelint.yaml",
                        "pip install -e '.[test,graph]' && pytest"]
    assert (ROOT / "manifests" / "examples" / "invoice-bot" / "scopelint.yaml").is_file()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-e '.[test,graph]'" in ci and "pytest" in ci


def test_every_finding_code_is_in_the_readme():
    for code in CHECKS:
        assert code.id in README or code.kind in README, code.id


def test_the_findings_table_is_the_check_registry():
    table = README.split("## Findings", 1)[1].split("\n\n", 2)[1] + "\n"
    assert table == markdown_table()
    assert len(table.splitlines()) == len(CHECKS) + 2


def test_every_command_is_in_the_readme():
    for name in main.commands:
        assert f"scopelint {name}" in README, name


def test_the_architecture_module_map_names_every_module_and_only_real_ones():
    """docs/architecture.md's table has a row for every module and package of scopelint, and every row names a file
    or folder that exists (a move or a rename shows up here until the map follows)."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"^\| `([^`]+)` \|", doc, re.M))
    package = ROOT / "scopelint"
    real = {p.name for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    real |= {p.name + "/" for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(real - named) == []
    assert sorted(n for n in named if not (package / n).exists()) == []
