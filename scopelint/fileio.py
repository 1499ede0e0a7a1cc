"""Writing files the user asked for: atomically where a file can be replaced, straight through where it cannot.

What the output path names decides how it is written (never by replacing something that is not a regular file):

- a new path or a regular file: a temporary file in the same folder, then a rename (an interrupted run leaves the
  old file or none, never half of one);
- a symbolic link: followed to the file it names, which is then written by these same rules (the link stays);
  a dangling link is refused;
- a character device (/dev/stdout, /dev/null, a terminal) or a named pipe (FIFO): opened and written through, so
  `-o /dev/null` never replaces the device and a pipe a CI step reads gets the report; a pipe nobody reads is
  refused instead of waiting forever;
- anything else (block device, socket): refused.

Refusals are bad input (exit 2, `InputError`); failures while writing (disk full, file-size limit, a directory in
the way, permissions) are external failures (exit 3, `ExternalError`). Both are one line naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import IO

from scopelint.errors import ExternalError, InputError


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` as the module docstring describes (atomic replace for regular files and new paths)."""
    name = str(path)
    target = Path(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _failure(exc, name) from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            target = Path(os.path.realpath(target, strict=True))
            info = os.stat(target)
        except OSError:
            raise InputError("is a symbolic link to nothing (dangling or a loop); not written", name) from None
    if info is None or stat.S_ISREG(info.st_mode):
        _replace(target, text, name, info)
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_through(target, text, name, stat.S_ISFIFO(info.st_mode))
    elif stat.S_ISDIR(info.st_mode):
        raise ExternalError(f"{name}: cannot write: is a directory")
    else:
        raise InputError("is neither a regular file, a character device nor a named pipe; not written", name)


def _replace(target: Path, text: str, name: str, info: os.stat_result | None) -> None:
    import tempfile  # only runs that write files pay for it

    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _failure(exc, name) from None
    try:
        try:
            _write_all(fd, text.encode("utf-8", "surrogateescape"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, info.st_mode & 0o777 if info is not None else 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failure(exc, name) from None
        raise


def _write_through(target: Path, text: str, name: str, fifo: bool) -> None:
    """Open an existing device or pipe without creating or replacing anything and write into it."""
    flags = os.O_WRONLY | (os.O_NONBLOCK if fifo else 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise InputError("is a named pipe that nobody reads; not written", name) from None
        raise _failure(exc, name) from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        _write_all(fd, text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise _failure(exc, name) from None
    finally:
        os.close(fd)


def write_stream(stream: IO[str], text: str) -> None:
    """Write a report to a text stream (standard output) whole: a short write (file-size limit, full device) is an
    OSError here, where Python's buffered writer would drop the rest silently."""
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    data = memoryview(text.encode(getattr(stream, "encoding", None) or "utf-8", "surrogateescape"))
    while data:
        written = buffer.write(data)
        data = data[written or 0:]
    buffer.flush()


def _write_all(fd: int, data: bytes) -> None:
    """os.write until everything is written: a short write is retried, so its cause (EFBIG, ENOSPC) is raised."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _failure(exc: OSError, name: str) -> Exception:
    """A missing folder on the path is bad input; any other failure to write is external (disk, limits, rights)."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError(f"cannot write: {reason}", name)
    return ExternalError(f"{name}: cannot write: {reason}")
