"""The `inputs` family (SL901 invalid-input): workflows of the project the scan could not read; SL902 capped-input:
a workflow read whole whose flood of repeats was summarised. (Unreadable manifests, registrations and configurations
are reported by the session, exit 2: tests/test_badinput.py.)"""

from __future__ import annotations

import json
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


def flooded(tmp_path: Path, calls: bool = True) -> tuple[Path, list]:
    """The example plus a generated workflow with more Graph calls (HTTP Requests) than are listed one by one."""
    manifest, _ = example(tmp_path)
    from scopelint.uipath.xaml import MAX_USES_PER_FILE

    call = ('<ui:HttpClient EndPoint="https://graph.microsoft.com/v1.0/me/messages" />\n' if calls else
            '<ui:HttpClient EndPoint="https://example.org/v1.0/me/messages" />\n')
    (manifest.parent / "Flood.xaml").write_text(
        '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
        'xmlns:ui="http://schemas.uipath.com/workflow/activities">\n<Sequence>\n'
        + call * (MAX_USES_PER_FILE + 5) + "</Sequence>\n</Activity>\n")
    return manifest, []


CASES = {"invalid-input": (lambda t: example(t, broken=True), example),
         "capped-input": (flooded, lambda t: flooded(t, calls=False))}


test_every_check_of_the_family_has_cases, test_positive, test_negative, _ = family_tests("inputs", CASES)


def test_severity_off(cli, tmp_path):
    """A broken workflow is reported as invalid input; turned off, the rest of the check still runs."""
    manifest, _ = example(tmp_path, broken=True)
    (manifest.parent / ".scopelint.yaml").write_text("severity:\n  SL901: off\n")
    run = cli("check", "--format", "json", manifest)
    assert run.code == 0 and "invalid-input" not in run.stdout
    assert '"needs"' in run.stdout or '"required"' in run.stdout


def test_a_capped_workflow_is_a_warning_not_bad_input(cli, tmp_path):
    """More than 10,000 identical Graph calls in one workflow: read whole, so check warns (SL902) and exits as its
    other findings say, never 2 (which is for input that could not be read)."""
    manifest, _ = flooded(tmp_path)
    run = cli("check", "--format", "json", manifest)
    found = [(f["code"], f["severity"], f["message"]) for f in json.loads(run.stdout)["findings"]
             if f["kind"] in ("capped-input", "invalid-input")]
    assert found == [("SL902", "warning", "10,005 Graph calls, more than 10,000 in one workflow: 5 that repeat one "
                                          "already listed (but for the line) are not listed")]
    assert run.code == 1  # the undeclared GET /me/messages (an error), not bad input
    (manifest.parent / ".scopelint.yaml").write_text("severity:\n  SL308: off\n")
    assert cli("check", manifest).code == 0


def test_workflows_outside_any_project_are_no_bad_input(cli, tmp_path):
    """A readable workflow with no project.json above it is a scan warning, never SL901: `check --project` at the
    folder holding both the project and such a workflow reports what it reports without it, and exits the same."""
    manifest, _ = example(tmp_path / "tree")
    alone = cli("check", manifest, "--project", manifest.parent, "--format", "json")
    (tmp_path / "tree" / "Loose").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "uipath" / "monorepo" / "Loose" / "Orphan.xaml",
                tmp_path / "tree" / "Loose")
    beside = cli("check", manifest, "--project", tmp_path / "tree", "--format", "json")
    kinds = [f["kind"] for f in json.loads(beside.stdout)["findings"]]
    assert "invalid-input" not in kinds and beside.code == alone.code != 2
    assert kinds == [f["kind"] for f in json.loads(alone.stdout)["findings"]]
    scan = cli("scan", tmp_path / "tree")
    assert scan.code == 0
    assert f"scopelint: warning: {tmp_path / 'tree'}: workflows outside any UiPath project" in scan.stderr


def test_an_unreadable_workflow_is_named_with_its_line_and_the_manifest_it_belongs_to(cli, tmp_path):
    manifest, _ = example(tmp_path, broken=True)
    found = [f for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
             if f["kind"] == "invalid-input"]
    assert [(f["file"], f["line"], f["manifest"]) for f in found] == [
        (str(manifest.parent / "Broken.xaml"), 31, str(manifest))]
    assert found[0]["message"].startswith("not well-formed XAML: ")


def test_a_capped_workflow_is_named_with_the_manifest_it_belongs_to(cli, tmp_path):
    manifest, _ = flooded(tmp_path)
    found = [f for f in json.loads(cli("check", "--format", "json", manifest).stdout)["findings"]
             if f["kind"] == "capped-input"]
    assert [(f["file"], f["manifest"]) for f in found] == [(str(manifest.parent / "Flood.xaml"), str(manifest))]
