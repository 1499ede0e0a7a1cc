"""The permission implication lattice: does granting X also grant Y?

Generic edges come from Graph's naming scheme (ReadWrite > Read > ReadBasic of one resource; `.All` > `.Shared`
> the signed-in user's own); curated edges and non-edges come from data/lattice.yaml with their sources.
"""

import re
from functools import cache
from typing import NamedTuple

import yaml

from scopelint.catalog import TYPES, Catalog, Permission, load_catalog
from scopelint.paths import DATA

# Suffixes in any case, spelled out: re.IGNORECASE would cost ~0.3 ms more to compile on every run
_NAME = re.compile(r"^(?P<res>.+?)\.(?P<lvl>[A-Za-z]+)(?P<sfx>\.[Aa][Ll][Ll]|\.[Ss][Hh][Aa][Rr][Ee][Dd])?$")
_LEVEL = {"readbasic": 0, "read": 1, "readwrite": 2}
_SCOPE = {"": 0, ".shared": 1, ".all": 2}


class Edge(NamedTuple):
    """X covers Y, and why we believe it."""

    covers: Permission
    implies: Permission
    source: str


class Lattice:
    """Covers-relation over the catalog's permissions, transitively closed on demand."""

    def __init__(self, catalog: Catalog, doc: dict) -> None:
        self.catalog = catalog
        self.version = str(doc.get("version", ""))
        self._non_edges = {(n["covers"].lower(), n["implies"].lower()) for n in doc.get("non_edges", [])}
        self._curated: dict[Permission, list[Edge]] = {}
        for entry in doc.get("edges", []):
            types = TYPES if entry["type"] == "both" else (entry["type"],)
            for ptype in types:
                top = catalog.permission(ptype, entry["covers"])
                if top is None:
                    continue
                for name in entry["implies"]:
                    low = catalog.permission(ptype, name)
                    if low is not None:
                        self._curated.setdefault(top, []).append(Edge(top, low, entry["source"]))
        self._families: dict[tuple[str, str], list[tuple[Permission, str, int]]] = {}
        self._grouped: set[str] = set()  # the types whose families are built
        self._closure: dict[Permission, frozenset[Permission]] = {}
        self._ranks: dict[Permission, tuple[int, bool, int, str]] = {}

    def _family(self, ptype: str, resource: str) -> list[tuple[Permission, str, int]]:
        """Permissions of one resource (`Mail`, `Files`...) with their level and reach; the families of a type are
        built in one pass over its names on first use."""
        if ptype not in self._grouped:
            self._grouped.add(ptype)
            for name in self.catalog.names(ptype):
                m = _NAME.match(name)
                if m:
                    scope = _SCOPE[(m["sfx"] or "").lower()]
                    if ptype == "application" and scope == 0:
                        scope = 2  # an application role is tenant-wide with or without `.All`
                    family = self._families.setdefault((ptype, m["res"].lower()), [])
                    family.append((Permission(ptype, name), m["lvl"].lower(), scope))
        return self._families.get((ptype, resource.lower()), [])

    def direct_edges(self, perm: Permission) -> list[Edge]:
        """The edges leaving `perm`: generic ones from the naming scheme, then curated ones."""
        edges: list[Edge] = []
        m = _NAME.match(perm.name)
        if m:
            family = self._family(perm.type, m["res"])
            own = next((f for f in family if f[0] == perm), None)
            if own:
                for other, level, scope in family:
                    if other != perm and _level_within(level, own[1]) and scope <= own[2]:
                        edges.append(Edge(perm, other, "naming scheme: same resource, narrower level or reach"))
        edges.extend(self._curated.get(perm, []))
        return [e for e in edges if (e.covers.name.lower(), e.implies.name.lower()) not in self._non_edges]

    def implied(self, perm: Permission) -> frozenset[Permission]:
        """Everything `perm` grants, itself included."""
        if perm not in self._closure:
            seen = {perm}
            stack = [perm]
            while stack:
                for edge in self.direct_edges(stack.pop()):
                    if edge.implies not in seen:
                        seen.add(edge.implies)
                        stack.append(edge.implies)
            self._closure[perm] = frozenset(seen)
        return self._closure[perm]

    def covers(self, granted: Permission, needed: Permission) -> bool:
        return needed in self.implied(granted)

    def rank(self, perm: Permission) -> tuple[int, bool, int, str]:
        """Privilege order: Graph's privilegeLevel and admin consent of everything granted, then lattice reach.

        If X covers Y then rank(X) > rank(Y), so narrower always sorts first.
        """
        rank = self._ranks.get(perm)
        if rank is None:
            implied = self.implied(perm)
            level, admin = 0, False
            for p in implied:
                info = self.catalog.get(p.type, p.name)
                level = max(level, _default_level(p) if info is None or info.privilege is None else info.privilege)
                admin = admin or bool(info and info.admin_consent)
            rank = self._ranks[perm] = (level, admin, len(implied), perm.name.lower())
        return rank

    def path(self, granted: Permission, needed: Permission) -> list[Edge]:
        """The chain of edges that shows `granted` covers `needed` (empty when equal or not covered)."""
        prev: dict[Permission, Edge] = {}
        stack = [granted]
        while stack:
            cur = stack.pop()
            if cur == needed:
                chain = []
                while cur != granted:
                    chain.append(prev[cur])
                    cur = prev[cur].covers
                return chain[::-1]
            for edge in self.direct_edges(cur):
                if edge.implies not in prev and edge.implies != granted:
                    prev[edge.implies] = edge
                    stack.append(edge.implies)
        return []


def _default_level(perm: Permission) -> int:
    """A guess for the ~10 % of permissions Microsoft gives no privilegeLevel: tenant-wide ranks higher."""
    return 3 if perm.name.endswith(".All") or perm.type == "application" else 2


def _level_within(low: str, high: str) -> bool:
    """ReadBasic <= Read <= ReadWrite; any other level (Send, Manage, ...) only equals itself."""
    if low == high:
        return True
    return low in _LEVEL and high in _LEVEL and _LEVEL[low] <= _LEVEL[high]


@cache
def load_lattice() -> Lattice:
    doc = yaml.load(
        (DATA / "lattice.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    return Lattice(load_catalog(), doc)
