"""The implication lattice, edge by edge, and the explicit non-edges."""

from __future__ import annotations

import pytest

from scopelint.catalog import Permission
from scopelint.lattice import load_lattice

L = load_lattice()


def d(name: str) -> Permission:
    return Permission("delegated", name)


def a(name: str) -> Permission:
    return Permission("application", name)


COVERS = [
    (d("Mail.ReadWrite"), d("Mail.Read")),
    (d("Mail.Read"), d("Mail.ReadBasic")),
    (d("Mail.ReadWrite"), d("Mail.ReadBasic")),
    (d("Mail.ReadWrite.Shared"), d("Mail.ReadWrite")),
    (d("Mail.ReadWrite.Shared"), d("Mail.Read.Shared")),
    (d("Mail.Read.Shared"), d("Mail.Read")),
    (d("Mail.Send.Shared"), d("Mail.Send")),
    (d("Calendars.ReadWrite"), d("Calendars.Read")),
    (d("Calendars.ReadWrite.Shared"), d("Calendars.ReadWrite")),
    (d("Calendars.Read"), d("Calendars.ReadBasic")),
    (d("Files.ReadWrite.All"), d("Files.ReadWrite")),
    (d("Files.ReadWrite.All"), d("Files.Read.All")),
    (d("Files.Read.All"), d("Files.Read")),
    (d("Sites.ReadWrite.All"), d("Sites.Read.All")),
    (d("Sites.Read.All"), d("Files.Read.All")),
    (d("Sites.Manage.All"), d("Sites.ReadWrite.All")),
    (d("Sites.FullControl.All"), d("Sites.Manage.All")),
    (d("Sites.FullControl.All"), d("Files.Read")),
    (a("Sites.FullControl.All"), a("Files.ReadWrite.All")),
    (d("User.ReadWrite.All"), d("User.ReadWrite")),
    (d("User.ReadWrite"), d("User.Read")),
    (d("User.Read.All"), d("User.Read")),
    (d("User.Read.All"), d("User.ReadBasic.All")),
    (d("Directory.Read.All"), d("User.Read.All")),
    (d("Directory.Read.All"), d("GroupMember.Read.All")),
    (d("Group.Read.All"), d("GroupMember.Read.All")),
    (a("Group.Read.All"), a("GroupMember.Read.All")),
    (d("Directory.ReadWrite.All"), d("Directory.Read.All")),
    (d("Group.ReadWrite.All"), d("Group.Read.All")),
    (d("Tasks.ReadWrite"), d("Tasks.Read")),
    (d("Tasks.ReadWrite.Shared"), d("Tasks.ReadWrite")),
    (d("MailboxSettings.ReadWrite"), d("MailboxSettings.Read")),
    (a("Mail.ReadWrite"), a("Mail.Read")),
    (a("Mail.Read"), a("Mail.ReadBasic.All")),
    (a("Calendars.ReadWrite"), a("Calendars.Read")),
    (a("Calendars.Read"), a("Calendars.ReadBasic.All")),
    (a("Calendars.ReadWrite.All"), a("Calendars.Read.All")),
    (a("Sites.ReadWrite.All"), a("Files.ReadWrite.All")),
    (a("User.ReadWrite.All"), a("User.Read.All")),
]

NOT_COVERS = [
    (d("Mail.ReadWrite"), d("Mail.Send")),
    (d("Mail.ReadWrite.Shared"), d("Mail.Send.Shared")),
    (d("Mail.ReadWrite"), d("Mail.ReadWrite.Shared")),
    (d("Mail.Read"), d("Mail.ReadWrite")),
    (d("Mail.Send"), d("Mail.Send.Shared")),
    (d("Mail.ReadWrite"), d("MailboxSettings.ReadWrite")),
    (d("Files.ReadWrite.All"), d("Sites.ReadWrite.All")),
    (d("Files.ReadWrite"), d("Files.Read.All")),
    (d("Sites.ReadWrite.All"), d("Sites.Manage.All")),
    (d("Group.ReadWrite.All"), d("Tasks.ReadWrite")),
    (d("User.ReadWrite.All"), d("Directory.Read.All")),
    (d("User.ReadBasic.All"), d("User.Read")),
    (d("Calendars.ReadWrite"), d("Mail.Send")),
    (d("Directory.AccessAsUser.All"), d("Directory.Read.All")),
    (d("Directory.ReadWrite.All"), d("Group.ReadWrite.All")),
    (a("Mail.Send"), d("Mail.Send")),
    # issue #12: application Calendars.*.All are the work hours and locations roles, not calendars
    (a("Calendars.ReadWrite.All"), a("Calendars.ReadWrite")),
    (a("Calendars.ReadWrite.All"), a("Calendars.Read")),
    (a("Calendars.Read.All"), a("Calendars.Read")),
    (a("Calendars.ReadWrite"), a("Calendars.ReadWrite.All")),
    # issue #12: Microsoft's path data refutes these (Planner paths, /me/drive paths)
    (d("Directory.Read.All"), d("Group.Read.All")),
    (a("Directory.Read.All"), a("Group.Read.All")),
    (d("Directory.ReadWrite.All"), d("Group.Read.All")),
    (d("Sites.ReadWrite.All"), d("Files.ReadWrite.All")),
    (d("Sites.ReadWrite.All"), d("Files.ReadWrite")),
]


@pytest.mark.parametrize(("high", "low"), COVERS, ids=[f"{h}>{lo}" for h, lo in COVERS])
def test_edge_holds(high, low):
    assert L.covers(high, low)
    assert L.rank(high) > L.rank(low), "a covering permission must rank as more privileged"


@pytest.mark.parametrize(("high", "low"), NOT_COVERS, ids=[f"{h}!>{lo}" for h, lo in NOT_COVERS])
def test_non_edge_does_not_hold(high, low):
    assert not L.covers(high, low)


def test_every_permission_covers_itself():
    assert L.covers(d("Mail.Send"), d("Mail.Send"))


def test_path_explains_a_transitive_edge_with_sources():
    chain = L.path(d("Sites.FullControl.All"), d("Files.Read"))
    assert [e.implies.name for e in chain][-1] == "Files.Read"
    assert chain[0].covers.name == "Sites.FullControl.All"
    assert all(e.source for e in chain)


def test_the_path_is_explained_by_a_proven_cross_resource_edge_with_its_evidence():
    chain = L.path(a("Sites.ReadWrite.All"), a("Files.ReadWrite.All"))
    assert len(chain) == 1
    assert "accepted on all" in chain[0].source and "https://learn.microsoft.com" in chain[0].source


def test_naming_edges_the_catalog_refutes_are_reported_not_used():
    refuted = {other.name for other, ok in L.naming_edges(a("Calendars.ReadWrite.All")) if not ok}
    assert refuted == {"Calendars.ReadWrite", "Calendars.Read", "Calendars.ReadBasic.All"}
    assert all(ok for _, ok in L.naming_edges(d("Mail.ReadWrite.Shared")))
