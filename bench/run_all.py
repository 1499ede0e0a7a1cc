"""Every benchmark of bench/ in one run, with every tool installed fresh, as a user would have it.

    python bench/run_all.py [--venv DIR] [--runs 31] [--quick] [--o365 0.02 0.05 0.10]

Creates a virtual environment (DIR, reused when it exists; default a temporary folder), installs this checkout
non-editable with yamllint and check-jsonschema into it (needs pip's index), then runs startup_bench.py and
scan_bench.py --full with that environment first on PATH: every tool is timed as an installed copy, bytecode
compiled, without the development machine's editable installs and start-up hooks. Results go to standard output;
bench/RESULTS.md keeps the figures of record.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="virtual environment to create or reuse")
    parser.add_argument("--runs", type=int, default=31, help="rounds for the start-up comparison")
    parser.add_argument("--quick", action="store_true", help="scan 500 workflows (~50 MB) instead of 5,000")
    parser.add_argument("--o365", nargs="+", default=["0.02", "0.05", "0.10"],
                        help="shares of workflows with activities, one scan tree each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scopelint-bench-") as tmp:
        venv = args.venv or Path(tmp) / "venv"
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "--quiet", "yamllint", "check-jsonschema"], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", str(HERE.parent)],
                       check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", str(HERE.parent)], check=True)  # its dependencies
        env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
        # Outside the checkout, so `python -m scopelint` could not pick up the source tree either.
        subprocess.run([python, str(HERE / "startup_bench.py"), "--runs", str(args.runs)], env=env, cwd=tmp,
                       check=True)
        scan = [python, str(HERE / "scan_bench.py"), "--o365", *args.o365]
        subprocess.run(scan if args.quick else [*scan, "--full"], env=env, cwd=tmp, check=True)


if __name__ == "__main__":
    main()
