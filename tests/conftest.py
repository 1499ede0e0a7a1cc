"""Shared test helpers: run the real CLI in-process or as a subprocess, and paths to shipped examples."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "manifests" / "examples"
SHARED = ROOT.parent / "shared"
CONTOSO_PACK = """\
scopelint-rulepack: 1
pack: contoso-lib
rules:
  - class: Contoso.Rpa.Mail.ArchiveInvoices
    display_name: Archive Invoices
    group: Custom
    generation: custom
    kind: activity
    operations:
      - GET /me/messages
      - POST /me/messages/{id}/move
    delegated: {any_of: [[Mail.ReadWrite]], provenance: derived}
    application: {any_of: [[Mail.ReadWrite]], provenance: derived}
    sources: [https://git.contoso.example/rpa/lib]
"""  # a user rule pack for an in-house library that wraps Graph


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run `scopelint ARGS` in-process (fast); returns exit code, stdout and stderr separately."""
    from scopelint.cli import main

    def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
        runner = CliRunner()
        old = os.getcwd()
        try:
            if cwd:
                os.chdir(cwd)
            result = runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
        finally:
            os.chdir(old)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def cli_proc():
    """Run `python -m scopelint ARGS` as a real process, for tracebacks, streams and environment."""

    def run(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> Run:
        full_env = {**os.environ, **(env or {})}
        full_env.pop("SCOPELINT_DEBUG", None)
        proc = subprocess.run([sys.executable, "-m", "scopelint", *map(str, args)], cwd=cwd, env=full_env,
                              capture_output=True, text=True, timeout=timeout)
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
