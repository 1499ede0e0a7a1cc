"""Peak memory of big runs, before and after, side by side: `check` over many manifests, `scan --format json` over
many workflows.

    python bench/memory_bench.py                          # 10,000 manifests, 50,000 workflows
    python bench/memory_bench.py --manifests 2000 --workflows 5000 --before HEAD~3 --keep /tmp/trees

`check` runs on `--manifests` copies of the example manifest, each with its registration file in its own folder
(bench/startup_bench.py's generator), in text and in JSON; `scan --format json` on `--workflows` Studio-shaped
workflows of 8 KB and more in 50 projects, one in ten holding Microsoft 365 activities (bench/scan_bench.py's
generator). "Before" is the scopelint package of commit `--before` (extracted with `git archive`), "after" this
checkout, or `--after REV`. Each command runs once per tree, one after another (the machine is shared: the load
average is printed); figures are wall time, CPU (user + system) and the peak resident set of the scopelint process
(wait4; scan's worker processes hold one file at a time and are not counted). Outputs go to files, which are
compared: before and after must print the same.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import scan_bench  # noqa: E402
import startup_bench  # noqa: E402
from audit_bench import extract  # noqa: E402


def run(tree: Path, args: list[str], out: Path) -> dict:
    """One scopelint run with `tree` first on PYTHONPATH: exit code, wall, CPU, peak RSS; stdout to `out`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "scopelint", *args], stdout=sink, stderr=subprocess.DEVNULL,
                                env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(proc.pid, 0)
    return {"code": os.waitstatus_to_exitcode(status), "wall": time.perf_counter() - start,
            "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--workflows", type=int, default=50_000)
    parser.add_argument("--before", default="8a04ca6", help="commit to measure as before")
    parser.add_argument("--after", help="commit to measure as after (default: this checkout as it is)")
    parser.add_argument("--keep", type=Path, help="folder for the generated trees (reused when present)")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| command | tree | reader | exit | wall s | CPU s | peak RSS MB |\n|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="scopelint-memory-bench-") as tmp:
        work = Path(tmp)
        keep = args.keep or work
        trees = {"before": extract(args.before, work / "before"),
                 "after": extract(args.after, work / "after") if args.after else ROOT}
        manifests = keep / f"manifests-{args.manifests}"
        if not args.skip_check and not manifests.exists():
            startup_bench.generate_manifests(manifests, args.manifests)
        workflows = keep / f"workflows-{args.workflows}"
        if not args.skip_scan and not workflows.exists():
            scan_bench.generate(workflows, args.workflows, args.workflows * 8 / 1024, 0.1, 0.4)
        commands = [] if args.skip_check else [
            ("check (text)", f"{args.manifests:,} manifests", ["check", str(manifests)]),
            ("check --format json", f"{args.manifests:,} manifests", ["check", str(manifests), "-f", "json"])]
        if not args.skip_scan:
            commands.append(("scan --format json", f"{args.workflows:,} workflows",
                             ["scan", str(workflows), "--format", "json"]))
        for name, size, cmd in commands:
            outs = {}
            for label, tree in trees.items():
                outs[label] = work / f"{label}.out"
                m = run(tree, cmd, outs[label])
                rev = args.before if label == "before" else args.after or "checkout"
                print(f"| `{name}` | {size} | {label} ({rev}) | {m['code']} "
                      f"| {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss']:.0f} |", flush=True)
            same = outs["before"].read_bytes() == outs["after"].read_bytes()
            print(f"| | | same output before and after: {same} | | | | |", flush=True)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
