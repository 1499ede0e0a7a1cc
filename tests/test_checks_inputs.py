"""The `inputs` family (SL901 invalid-input): workflows of the project the scan could not read. (Unreadable
manifests, registrations and configurations are reported by the session, exit 2: tests/test_badinput.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

from check_families import family_tests

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "manifests" / "examples" / "uipath-invoice"


def example(tmp_path: Path, broken: bool = False) -> tuple[Path, list]:
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    if broken:  # a workflow cut off mid-way: the scan recovers what it can and reports the file
        (folder / "Broken.xaml").write_text((folder / "Main.xaml").read_text()[:3000] + "\n<<<")
    return folder / "scopelint.yaml", []


CASES = {"invalid-input": (lambda t: example(t, broken=True), example)}


test_every_check_of_the_family_has_cases, test_positive, test_negative, _ = family_tests("inputs", CASES)


def test_severity_off(cli, tmp_path):
    """A broken workflow is reported as invalid input; turned off, the rest of the check still runs."""
    manifest, _ = example(tmp_path, broken=True)
    (manifest.parent / ".scopelint.yaml").write_text("severity:\n  SL901: off\n")
    run = cli("check", "--format", "json", manifest)
    assert run.code == 0 and "invalid-input" not in run.stdout
    assert '"needs"' in run.stdout or '"required"' in run.stdout
