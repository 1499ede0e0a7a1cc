"""`--stamp`: the commit a report was made from and when, for reports kept as evidence. Off by default, so that
output stays deterministic; SOURCE_DATE_EPOCH (reproducible builds) fixes the time."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path


def stamp(folder: str | Path = ".") -> dict[str, str | bool | None]:
    """{"commit": full hash or None outside git, "dirty": uncommitted changes to tracked files, "generated": UTC
    time as ISO 8601}."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    dirty = bool(_git(folder, "status", "--porcelain", "--untracked-files=no")) if commit else False
    return {"commit": commit, "dirty": dirty, "generated": when.replace(microsecond=0).isoformat()}


def _git(folder: str | Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def describe(meta: dict) -> str | None:
    """One line for report footers: 'commit 1a2b3c4d… (with uncommitted changes), generated 2026-12-03T17:00:00Z'."""
    s = meta.get("stamp")
    if not s:
        return None
    commit = f"commit {s['commit']}" + (" (with uncommitted changes)" if s.get("dirty") else "") if s.get("commit") \
        else "not in a git repository"
    return f"{commit}, generated {s['generated']}"
