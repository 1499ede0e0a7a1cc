"""Whole-process timings, side by side on the same inputs (no timed assertions live in the test suite).

    python bench/startup_bench.py [--runs 31] [--manifests 1000]

1. `scopelint check` on one typical manifest with a registration file, against `yamllint` and
   `check-jsonschema --schemafile schemas/manifest.schema.json` on the same manifest, and `python -c pass`.
2. `scopelint check` over N generated manifests in one invocation (manifests per second after start-up).

The commands of part 1 run in rounds (each once per round, in turn), so a change in the machine's load during the
run touches them all alike; wall time is the figure the goal is about, CPU time (user + system, from wait4) is
shown beside it because it is less sensitive to other jobs. Tools that are not installed are reported as such
(pip install yamllint check-jsonschema); bench/run_all.py installs everything into a fresh virtual environment.
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


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `cmd` (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def timed_together(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per command, the wall and CPU times of `runs` rounds, after one warm-up round (.pyc files, page cache)."""
    for cmd in cmds.values():
        run_once(cmd)
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            wall, cpu = run_once(cmd)
            out[name][0].append(wall)
            out[name][1].append(cpu)
    return out


def row(name: str, wall: list[float], cpu: list[float]) -> str:
    return (f"| {name} | {statistics.median(wall) * 1000:.1f} | {min(wall) * 1000:.1f} | "
            f"{statistics.median(cpu) * 1000:.1f} | {len(wall)} |")


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
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--manifests", type=int, default=1000)
    args = parser.parse_args()
    py = sys.executable
    scopelint = [py, "-m", "scopelint"] if not shutil.which("scopelint") else [shutil.which("scopelint")]
    manifest = str(EXAMPLE / "scopelint.yaml")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    cmds = {"python -c pass": [py, "-c", "pass"], "scopelint check": [*scopelint, "check", manifest]}
    missing = []
    for name, cmd in (("yamllint", ["yamllint", manifest]),
                      ("check-jsonschema", ["check-jsonschema", "--schemafile",
                                            str(ROOT / "schemas" / "manifest.schema.json"), manifest])):
        if shutil.which(cmd[0]):
            cmds[name] = cmd
        else:
            missing.append(name)
    print(f"\n| command (one manifest), {args.runs} interleaved rounds | median wall ms | min wall ms | "
          "median CPU ms | runs |\n|---|---|---|---|---|")
    for name, (wall, cpu) in timed_together(cmds, args.runs).items():
        print(row(name, wall, cpu))
    for name in missing:
        print(f"| {name} | not installed | | | |")
    with tempfile.TemporaryDirectory() as tmp:
        generate_manifests(Path(tmp), args.manifests)
        many_runs = max(3, args.runs // 7)
        times = timed_together({"one": [*scopelint, "check", str(Path(tmp) / "robot-0000")],
                                "many": [*scopelint, "check", tmp]}, many_runs)
    one, many = times["one"], times["many"]
    # Conservative: the fastest single-manifest run is taken as the start-up, so noise cannot inflate the rate.
    per_second = args.manifests / max(statistics.median(many[0]) - min(one[0]), 1e-9)
    print(f"\n| scopelint check over {args.manifests} manifests | median wall ms | min wall ms | median CPU ms | "
          "runs |\n|---|---|---|---|---|")
    print(row(f"{args.manifests} manifests, one invocation", *many))
    print(row("1 manifest (start-up)", *one))
    print(f"\nthroughput after start-up (median of the run minus the fastest start-up): "
          f"{per_second:,.0f} manifests/s")


if __name__ == "__main__":
    main()
