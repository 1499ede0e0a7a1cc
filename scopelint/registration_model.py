"""The app registration as every reader returns it: requested Graph permissions with their lines, entries that
could not be resolved, other APIs' permissions, and (from a snapshot or a live read) the consent the tenant holds.

A leaf module: the file readers (registration.py for exported app files, snapshot.py for snapshots) both build these
records, and neither needs to import the other for it.
"""

from typing import NamedTuple

from scopelint.catalog import Permission, PermissionType


class Grant(NamedTuple):
    """A permission the registration asks for, with the line it stands on."""

    permission: Permission
    line: int | None
    raw: str


class Unresolved(NamedTuple):
    """An entry scopelint could not turn into a known Graph permission."""

    raw: str
    type: str | None
    line: int | None
    reason: str


class OtherResource(NamedTuple):
    """Permissions for another API than Microsoft Graph: reported as not checked."""

    resource: str
    permission_count: int
    line: int | None


class Registration(NamedTuple):
    """An app registration: the Graph permissions it requests (and, from a snapshot or a live read, the consent the
    tenant holds for them)."""

    path: str
    format: str
    requested: tuple[Grant, ...]
    unresolved: tuple[Unresolved, ...] = ()
    other_resources: tuple[OtherResource, ...] = ()
    consented: tuple[Grant, ...] | None = None
    app_id: str | None = None
    display_name: str | None = None

    def requested_permissions(self, ptype: PermissionType) -> set[Permission]:
        """The permissions of one type the registration requests (consent aside)."""
        return {g.permission for g in self.requested if g.permission.type == ptype}
