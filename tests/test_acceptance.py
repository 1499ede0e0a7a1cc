"""Acceptance cases: a folder per case (manifest + registration + expected.yaml), run through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

CASES = sorted(p for p in (Path(__file__).parent / "acceptance").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gives_exactly_the_expected_findings(case, cli):
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    run = cli("check", "--format", "json", str(case / "scopelint.yaml"))
    assert run.code == expected["exit"], run.stdout + run.stderr
    active = [f for f in json.loads(run.stdout)["findings"] if not f["suppressed"]]
    unmatched = list(active)
    for want in expected["findings"]:
        hit = next((f for f in unmatched if all(f[k] == v for k, v in want.items())), None)
        assert hit is not None, f"expected {want}; got {_brief(active)}"
        unmatched.remove(hit)
    assert unmatched == [], f"unexpected findings: {_brief(unmatched)}"


def _brief(findings: list[dict]) -> list[tuple]:
    return [(f["kind"], f["permission"], f["activity"], f["line"]) for f in findings]


def test_every_finding_kind_of_the_core_is_covered_by_a_case():
    kinds = set()
    for case in CASES:
        kinds |= {f["kind"] for f in yaml.safe_load((case / "expected.yaml").read_text())["findings"]}
    assert {"missing", "excess", "broader", "wrong-type", "unknown-activity", "unknown-permission",
            "unknown-operation", "not-checked", "expired-exception", "stale-exception", "unsupported-auth"} <= kinds
