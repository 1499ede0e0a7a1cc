"""Writing files the user owns: atomically (temporary file in the same folder, then rename)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from scopelint.errors import InputError


def write_atomic(path: str | Path, text: str) -> None:
    """Replace `path` with `text` in one step; an interrupted run leaves the old file (or none), never half."""
    import tempfile  # only runs that write files pay for it

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
