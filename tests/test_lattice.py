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
    (d("Sites.ReadWrite.All"), d("Files.ReadWrite.All")),
    (d("Sites.ReadWrite.All"), d("Files.ReadWrite")),
    (d("Sites.Read.All"), d("Files.Read.All")),
    (d("Sites.Manage.All"), d("Sites.ReadWrite.All")),
    (d("Sites.FullControl.All"), d("Sites.Manage.All")),
    (d("Sites.FullControl.All"), d("Files.Read")),
    (d("User.ReadWrite.All"), d("User.ReadWrite")),
    (d("User.ReadWrite"), d("User.Read")),
    (d("User.Read.All"), d("User.Read")),
    (d("User.Read.All"), d("User.ReadBasic.All")),
    (d("Directory.Read.All"), d("User.Read.All")),
    (d("Directory.Read.All"), d("Group.Read.All")),
    (d("Directory.ReadWrite.All"), d("Directory.Read.All")),
    (d("Group.ReadWrite.All"), d("Group.Read.All")),
    (d("Tasks.ReadWrite"), d("Tasks.Read")),
    (d("Tasks.ReadWrite.Shared"), d("Tasks.ReadWrite")),
    (d("MailboxSettings.ReadWrite"), d("MailboxSettings.Read")),
    (a("Mail.ReadWrite"), a("Mail.Read")),
    (a("Mail.Read"), a("Mail.ReadBasic.All")),
    (a("Calendars.ReadWrite"), a("Calendars.Read")),
    (a("Calendars.Read"), a("Calendars.ReadBasic.All")),
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


def _accepting(ptype: str) -> dict[str, set[str]]:
    from scopelint.operations import load_operations

    out: dict[str, set[str]] = {}
    for key, (least, accepted) in load_operations()._entries[ptype].items():
        for name in {*least, *accepted}:
            out.setdefault(name.lower(), set()).add(key)
    return out


def test_curated_edges_that_cite_the_path_data_are_borne_out_by_it():
    """An edge derived from Microsoft's path data: X is accepted on at least 90 % of the paths that accept Y."""
    import yaml

    from scopelint.paths import DATA

    doc = yaml.safe_load((DATA / "lattice.yaml").read_text())
    checked = 0
    for edge in doc["edges"]:
        if not edge["source"].startswith("Microsoft Graph path data"):
            continue
        for ptype in ("delegated", "application") if edge["type"] == "both" else (edge["type"],):
            accepting = _accepting(ptype)
            for low in edge["implies"]:
                paths = accepting.get(low.lower(), set())
                if paths:
                    support = len(paths & accepting.get(edge["covers"].lower(), set())) / len(paths)
                    assert support >= 0.9, f"{edge['covers']} > {low} ({ptype}): {support:.0%}"
                    checked += 1
    assert checked >= 6
