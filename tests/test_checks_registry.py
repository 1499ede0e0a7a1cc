"""The check registry (scopelint.checks): one entry per finding code, each with a function in its family module
and nothing unregistered there; families load only when one of their checks runs; `explain` and SARIF read it."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from importlib import import_module

from conftest import EXAMPLES

from scopelint.checks import BY_ID, CHECKS, FAMILIES, REQUIREMENTS
from scopelint.findings import SEVERITIES

# Helpers of the exceptions family that apply `accept:` entries (checks.evaluate calls them), not checks.
NOT_CHECKS = {"apply_accepts", "accept_matches"}


def test_ids_and_kinds_are_unique_and_well_formed():
    assert len({c.id for c in CHECKS}) == len({c.kind for c in CHECKS}) == len(CHECKS)
    for c in CHECKS:
        assert c.id.startswith("SL") and c.id[2:].isdigit() and c.severity in SEVERITIES
        assert c.requires in REQUIREMENTS and c.summary and len(c.help) > len(c.summary)


def test_every_family_module_holds_exactly_its_registered_checks():
    for family in FAMILIES:
        module = import_module(f"scopelint.checks.{family}")
        public = {name for name, obj in vars(module).items() if inspect.isfunction(obj)
                  and obj.__module__ == module.__name__ and not name.startswith("_")} - NOT_CHECKS
        assert public == {c.kind.replace("-", "_") for c in CHECKS if c.family == family}, family
    assert all(callable(c.function) for c in CHECKS)


def test_explain_prints_the_registry_help(cli):
    for code in ("SL205", "SL103"):
        run = cli("explain", code)
        check = BY_ID[code]
        assert run.code == 0
        assert run.stdout.startswith(f"{check.id} {check.kind} (default severity: {check.severity})")
        assert " ".join(check.help.split()[:6]) in " ".join(run.stdout.split())


PROBE = """
import json, sys
from scopelint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith('scopelint.checks.'))), file=sys.stderr)
"""


def _families_loaded(*args: str, cwd=None) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_families_load_only_when_one_of_their_checks_can_run(tmp_path):
    loaded = _families_loaded("check", EXAMPLES / "invoice-bot" / "scopelint.yaml")
    assert loaded == ["scopelint.checks.exceptions", "scopelint.checks.grants", "scopelint.checks.needs"]
    bare = tmp_path / "scopelint.yaml"
    bare.write_text("scopelint: 1\nname: x\nactivities: [Send Mail]\n")
    assert _families_loaded("check", bare) == ["scopelint.checks.needs"]


def test_severity_off_skips_the_work_of_a_whole_family(tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text((EXAMPLES / "invoice-bot" / "scopelint.yaml").read_text().replace(
        "registration: app.json", f"registration: {EXAMPLES / 'invoice-bot' / 'app.json'}"))
    off = "".join(f"  {c.id}: off\n" for c in CHECKS if c.family == "grants")
    (tmp_path / ".scopelint.yaml").write_text("severity:\n" + off)
    assert "scopelint.checks.grants" not in _families_loaded("check", manifest)
