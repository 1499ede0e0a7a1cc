"""Finding UiPath projects in a folder tree: each project.json / .local/template.json and the workflows it owns."""

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from scopelint.uipath.model import Diagnostic


@dataclass
class Root:
    """A project (or the workflows outside any project) and the files it owns."""

    path: Path
    kind: str
    meta: Path | None
    files: list[str] = field(default_factory=list)  # as str(path / name), built without a Path per file
    code: list[str] = field(default_factory=list)  # coded workflows and code files (.cs, .vb), likewise


def _project_kind(folder: Path, names: set[str]) -> tuple[str, Path] | None:
    if "project.json" in names:
        return "project", folder / "project.json"
    if ".local" in names and (folder / ".local" / "template.json").is_file():
        return "template", folder / ".local" / "template.json"
    return None


def discover(root: Path) -> tuple[list[Root], list[Diagnostic]]:
    """Every project under root, each with the workflows of its subtree not claimed by a nearer project.

    Hidden folders (.git, .local, .templates, ...) are not searched for workflows; symlinked folders are followed
    once, and a link back to a folder already being walked is reported as a loop, not followed.
    """
    diagnostics: list[Diagnostic] = []
    roots: list[Root] = []
    orphans = Root(root, "folder", None)
    seen: set[tuple[int, int]] = set()

    stack: list[tuple[Path, Root, frozenset]] = [(root, orphans, frozenset())]
    while stack:  # iterative: folder depth is the user's, Python's recursion limit is not
        folder, owner, ancestors = stack.pop()
        try:
            st = folder.stat()
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            diagnostics.append(Diagnostic(str(folder), f"cannot read folder: {os_message(exc)}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            diagnostics.append(Diagnostic(str(folder), "symlink loop: this folder links back to a folder above it; "
                                          "not followed"))
            continue
        if key in seen:
            continue
        seen.add(key)
        found = _project_kind(folder, {e.name for e in entries})
        if found:
            owner = Root(folder, found[0], found[1])
            roots.append(owner)
        below = ancestors | {key}
        prefix = str(folder / "_")[:-1]  # what pathlib puts before a name in this folder ("" for ".")
        for entry in reversed(entries):
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith(".") and entry.name not in ("node_modules", "__pycache__"):
                    stack.append((folder / entry.name, owner, below))
            elif entry.name.lower().endswith(".xaml"):
                owner.files.append(prefix + entry.name)
            elif entry.name.lower().endswith((".cs", ".vb")):
                owner.code.append(prefix + entry.name)
    if orphans.files:
        roots.append(orphans)
    return roots, diagnostics


def os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, FileNotFoundError):
        return "no such file (dangling symlink?)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)
