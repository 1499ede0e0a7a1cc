"""Shared shape of the per-family check tests (tests/test_checks_<family>.py): every check of a family has a
positive case (its finding appears), a negative case (it does not) and a severity-off case (the positive case
with `severity: {kind: off}` in the manifest's configuration: the finding is gone, the rest of the run is not)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from scopelint.checks import BY_KIND, CHECKS

# A case builds real files below tmp_path and returns the manifest and any extra `check` arguments.
Case = Callable[[Path], tuple[Path, list]]


def kinds(cli, manifest: Path, args: list) -> list[str]:
    run = cli("check", "--format", "json", *args, manifest)
    found = [f["kind"] for f in json.loads(run.stdout)["findings"] if not f["suppressed"]]
    assert run.code in (0, 1, 2) and "Traceback" not in run.stderr, run.stderr
    return found


def assert_family_complete(family: str, cases: dict[str, tuple[Case, Case]]) -> None:
    assert sorted(cases) == sorted(c.kind for c in CHECKS if c.family == family)


def positive(cli, tmp_path: Path, kind: str, case: Case) -> None:
    manifest, args = case(tmp_path)
    found = kinds(cli, manifest, args)
    assert kind in found
    assert BY_KIND[kind].family  # registered


def negative(cli, tmp_path: Path, kind: str, case: Case) -> None:
    manifest, args = case(tmp_path)
    assert kind not in kinds(cli, manifest, args)


def severity_off(cli, tmp_path: Path, kind: str, case: Case) -> None:
    manifest, args = case(tmp_path)
    before = kinds(cli, manifest, args)
    (manifest.parent / ".scopelint.yaml").write_text(f"severity:\n  {BY_KIND[kind].id}: off\n")
    after = kinds(cli, manifest, args)
    assert kind in before and kind not in after
    assert sorted(after) == sorted(k for k in before if k != kind)


def family_tests(family: str, cases: dict[str, tuple[Case, Case]]):
    """The four tests every family file runs: its cases cover the family, and per check a positive, a negative and a
    severity-off case. Assign them to test_* names in the family's module so pytest collects them there."""
    import pytest

    def test_every_check_of_the_family_has_cases():
        assert_family_complete(family, cases)

    @pytest.mark.parametrize("kind", sorted(cases))
    def test_positive(cli, tmp_path, kind):
        positive(cli, tmp_path, kind, cases[kind][0])

    @pytest.mark.parametrize("kind", sorted(cases))
    def test_negative(cli, tmp_path, kind):
        negative(cli, tmp_path, kind, cases[kind][1])

    @pytest.mark.parametrize("kind", sorted(cases))
    def test_severity_off(cli, tmp_path, kind):
        severity_off(cli, tmp_path, kind, cases[kind][0])

    return test_every_check_of_the_family_has_cases, test_positive, test_negative, test_severity_off
