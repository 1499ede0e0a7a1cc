"""Whole-process timings, side by side on the same inputs (no timed assertions live in the test suite).

    python bench/startup_bench.py [--runs 21] [--manifests 1000]

1. `scopelint check` on one typical manifest with a registration file, against `yamllint` and
   `check-jsonschema --schemafile schemas/manifest.schema.json` on the same manifest, and `python -c pass`.
2. `scopelint check` over N generated manifests in one invocation (manifests per second after start-up).

Tools that are not installed are reported as such (pip install yamllint check-jsonschema).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "manifests" / "examples" / "invoice-bot"


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as an installed tool runs


def timed(cmd: list[str], runs: int, cwd: Path | None = None) -> list[float]:
    """Wall times of `runs` executions after one warm-up (so .pyc files and the page cache are warm)."""
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=ENV)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=ENV)
        out.append(time.perf_counter() - start)
    return out


def row(name: str, times: list[float]) -> str:
    return (f"| {name} | {statistics.median(times) * 1000:.1f} | {min(times) * 1000:.1f} | "
            f"{max(times) * 1000:.1f} | {len(times)} |")


def generate_manifests(folder: Path, count: int) -> None:
    """`count` copies of the example manifest with its registration, each in its own folder."""
    manifest = (EXAMPLE / "scopelint.yaml").read_text()
    registration = (EXAMPLE / "app.json").read_text()
    for i in range(count):
        d = folder / f"robot-{i:04d}"
        d.mkdir(parents=True)
        (d / "scopelint.yaml").write_text(manifest.replace("name: invoice-bot", f"name: robot-{i:04d}"))
        (d / "app.json").write_text(registration)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--manifests", type=int, default=1000)
    args = parser.parse_args()
    py = sys.executable
    scopelint = [py, "-m", "scopelint"] if not shutil.which("scopelint") else [shutil.which("scopelint")]
    manifest = str(EXAMPLE / "scopelint.yaml")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print("\n| command (one manifest) | median ms | min ms | max ms | runs |\n|---|---|---|---|---|")
    print(row("python -c pass", timed([py, "-c", "pass"], args.runs)))
    print(row("scopelint check", timed([*scopelint, "check", manifest], args.runs)))
    for name, cmd in (("yamllint", ["yamllint", manifest]),
                      ("check-jsonschema", ["check-jsonschema", "--schemafile",
                                            str(ROOT / "schemas" / "manifest.schema.json"), manifest])):
        if shutil.which(cmd[0]):
            print(row(name, timed(cmd, args.runs)))
        else:
            print(f"| {name} | not installed | | | |")
    with tempfile.TemporaryDirectory() as tmp:
        generate_manifests(Path(tmp), args.manifests)
        one = timed([*scopelint, "check", str(Path(tmp) / "robot-0000")], max(5, args.runs // 3))
        many = timed([*scopelint, "check", tmp], max(3, args.runs // 7))
    per_second = args.manifests / max(statistics.median(many) - statistics.median(one), 1e-9)
    print(f"\n| scopelint check over {args.manifests} manifests | median ms | min ms | max ms | runs |")
    print("|---|---|---|---|---|")
    print(row(f"{args.manifests} manifests, one invocation", many))
    print(row("1 manifest (start-up)", one))
    print(f"\nthroughput after start-up: {per_second:,.0f} manifests/s")


if __name__ == "__main__":
    main()
