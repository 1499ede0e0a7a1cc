"""The permission impact of a change to a manifest: what the minimal set gains (newly required, newly needing
admin consent) and loses (now removable), comparing two checked versions (`scopelint diff`). The base version
can come from git (`git show REV:path`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scopelint.catalog import Catalog, Permission
from scopelint.errors import InputError
from scopelint.findings import Finding
from scopelint.manifest import Manifest, parse_manifest
from scopelint.results import Result
from scopelint.yamlio import decode, parse_yaml


@dataclass(frozen=True)
class PermissionChange:
    """A permission that entered or left the minimal set, with the activities behind it."""

    permission: Permission
    id: str | None
    admin_consent: bool
    privilege: int | None
    needed_by: tuple[str, ...]


@dataclass(frozen=True)
class ManifestDiff:
    """One manifest, base version against head version. `base` is None when the manifest is new."""

    base: str | None
    head: str
    name: str
    auth: str
    added: tuple[PermissionChange, ...]
    removed: tuple[PermissionChange, ...]
    unchanged: tuple[Permission, ...]
    new_admin_consent: tuple[PermissionChange, ...]
    admin_consent_before: bool
    admin_consent_after: bool
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def diff_results(base: Result | None, head: Result, catalog: Catalog, base_label: str | None = None,
                 head_label: str | None = None) -> ManifestDiff:
    """Compare the minimal permission sets of two versions of a manifest."""
    before = set(base.minimal) if base else set()
    after = set(head.minimal)
    added = tuple(_change(p, head, catalog) for p in sorted(after - before))
    removed = tuple(_change(p, base, catalog) for p in sorted(before - after)) if base else ()
    return ManifestDiff(
        base=(base_label or base.manifest.path) if base else None,
        head=head_label or head.manifest.path,
        name=head.manifest.name,
        auth=head.manifest.auth,
        added=added,
        removed=removed,
        unchanged=tuple(sorted(before & after)),
        new_admin_consent=tuple(c for c in added if c.admin_consent),
        admin_consent_before=any(_admin(p, catalog) for p in before),
        admin_consent_after=any(_admin(p, catalog) for p in after),
        findings=tuple(f for f in head.findings if f.suppressed_by is None),
    )


def _admin(p: Permission, catalog: Catalog) -> bool:
    info = catalog.get(p.type, p.name)
    return bool(info and info.admin_consent)


def _change(p: Permission, result: Result, catalog: Catalog) -> PermissionChange:
    info = catalog.get(p.type, p.name)
    return PermissionChange(p, info.id if info else None, bool(info and info.admin_consent),
                            info.privilege if info else None, tuple(result.used_by.get(p, ())))


def manifest_at_revision(path: Path, rev: str) -> Manifest | None:
    """The manifest as it was at a git revision (`git show REV:path`); None when it did not exist there."""
    import subprocess

    label = f"{rev}:{path.as_posix()}"
    if not rev or rev.startswith("-"):
        raise InputError(f"not a git revision: {rev!r}")
    try:
        proc = subprocess.run(["git", "-C", str(path.parent), "show", f"{rev}:./{path.name}"],
                              capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed (needed for --git)") from None
    except subprocess.TimeoutExpired:
        raise InputError("git show took longer than 120 s", label) from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        message = lines[-1].removeprefix("fatal: ") if lines else f"git show exited with {proc.returncode}"
        if "does not exist in" in message or "exists on disk, but not in" in message:
            return None
        raise InputError(f"git: {message}", label)
    return parse_manifest(parse_yaml(decode(proc.stdout, label), label), label)
