"""The permission implication lattice: does granting X also grant Y?

Every edge is a theorem with one of two kinds of evidence:
- same resource: Graph's naming scheme (ReadWrite > Read > ReadBasic of one resource; `.All` > `.Shared` > the
  signed-in user's own), or a curated pair, holds only where the catalog's display names say both permissions are
  about the same resource (application `Calendars.ReadWrite.All` is about work hours, not calendars);
- across resources: X is accepted on every Graph path that accepts Y among the operations the rules use, proven by
  the data build (scopelint/proofs.py) from data/lattice.yaml's claims into data/lattice.json, which this loads.
"""

import json
import re
from functools import cache
from typing import NamedTuple

from scopelint.catalog import Catalog, Permission, PermissionType, load_catalog
from scopelint.paths import DATA

# Suffixes in any case, spelled out: re.IGNORECASE would cost ~0.3 ms more to compile on every run
_NAME = re.compile(r"^(?P<res>.+?)\.(?P<lvl>[A-Za-z]+)(?P<sfx>\.[Aa][Ll][Ll]|\.[Ss][Hh][Aa][Rr][Ee][Dd])?$")
_LEVEL = {"readbasic": 0, "read": 1, "readwrite": 2}
_SCOPE = {"": 0, ".shared": 1, ".all": 2}
# Words of a catalog display name that say what is done or how far, not to what: what is left names the resource.
_NOT_RESOURCE = frozenset((
    "a", "all", "an", "and", "any", "app", "application", "as", "basic", "by", "can", "create", "delete", "details",
    "edit", "entire", "for", "from", "full", "has", "have", "in", "its", "manage", "of", "on", "or", "own", "read",
    "readwrite", "sign", "signed", "that", "the", "their", "to", "update", "user", "users", "with", "without",
    "write", "you", "your"))
_WORD = r"[a-z0-9]+"


class Edge(NamedTuple):
    """X covers Y, and why we believe it."""

    covers: Permission
    implies: Permission
    source: str


class Lattice:
    """Covers-relation over the catalog's permissions, transitively closed on demand."""

    def __init__(self, catalog: Catalog, doc: dict) -> None:
        """`doc` is the compiled data/lattice.json: proven curated edges (one type, one pair each) and non-edges."""
        self.catalog = catalog
        self.version = str(doc.get("version", ""))
        self._non_edges = {(n["covers"].lower(), n["implies"].lower()) for n in doc.get("non_edges", [])}
        self._curated: dict[Permission, list[Edge]] = {}
        for entry in doc.get("edges", []):
            top = catalog.permission(entry["type"], entry["covers"])
            low = catalog.permission(entry["type"], entry["implies"])
            if top is not None and low is not None:
                self._curated.setdefault(top, []).append(Edge(top, low, f"{entry['source']} ({entry['evidence']})"))
        self._families: dict[tuple[PermissionType, str], list[tuple[Permission, str, int]]] = {}
        self._grouped: set[PermissionType] = set()  # the types whose families are built
        self._closure: dict[Permission, frozenset[Permission]] = {}
        self._ranks: dict[Permission, tuple[int, bool, int, str]] = {}

    def _family(self, ptype: PermissionType, resource: str) -> list[tuple[Permission, str, int]]:
        """Permissions of one resource (`Mail`, `Files`...) with their level and reach; the families of a type are
        built in one pass over its names on first use."""
        if ptype not in self._grouped:
            self._grouped.add(ptype)
            for name in self.catalog.names(ptype):
                m = _NAME.match(name)
                if m:
                    scope = _SCOPE[(m["sfx"] or "").lower()]
                    if ptype == "application" and scope == 0:
                        scope = 2  # tenant-wide with or without `.All`; the display names decide the resource
                    family = self._families.setdefault((ptype, m["res"].lower()), [])
                    family.append((Permission(ptype, name), m["lvl"].lower(), scope))
        return self._families.get((ptype, resource.lower()), [])

    def naming_edges(self, perm: Permission) -> list[tuple[Permission, bool]]:
        """The pairs Graph's naming scheme suggests below `perm`, each with whether the catalog's display names
        confirm both are about the same resource (only confirmed ones are edges)."""
        out: list[tuple[Permission, bool]] = []
        m = _NAME.match(perm.name)
        if m:
            family = self._family(perm.type, m["res"])
            own = next((f for f in family if f[0] == perm), None)
            if own:
                for other, level, scope in family:
                    if other != perm and _level_within(level, own[1]) and scope <= own[2]:
                        out.append((other, same_resource(self.catalog, perm, other)))
        return out

    def direct_edges(self, perm: Permission) -> list[Edge]:
        """The edges leaving `perm`: naming-scheme ones the catalog confirms, then the proven curated ones."""
        edges = [Edge(perm, other, _NAMING) for other, confirmed in self.naming_edges(perm) if confirmed]
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


_NAMING = "naming scheme, same resource per the catalog's display names: narrower level or reach"


@cache
def resource_words(title: str) -> frozenset[str]:
    """The words of a catalog display name that name a resource, singular: 'Read calendars in all mailboxes' ->
    {calendar, mailbox}; 'Read all users' work hours and locations' -> {work, hour, location}."""
    words = set()
    for word in re.findall(_WORD, re.sub(r"['\u2019][a-z]*", "", title.lower())):
        if word in _NOT_RESOURCE or len(word) < 2:
            continue
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("es") and word[-3:-2] in ("x", "s"):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def same_resource(catalog: Catalog, a: Permission, b: Permission) -> bool:
    """Do the catalog's display names of `a` and `b` name a common resource? A name written as one word in one
    title ('SignInIdentifiers') counts when the other title spells it out ('sign-in identifiers')."""
    info_a, info_b = catalog.get(a.type, a.name), catalog.get(b.type, b.name)
    if info_a is None or info_b is None:
        return False
    words_a, words_b = resource_words(info_a.title), resource_words(info_b.title)
    if words_a & words_b:
        return True
    joined_a = "".join(re.findall(_WORD, info_a.title.lower()))
    joined_b = "".join(re.findall(_WORD, info_b.title.lower()))
    return any(len(w) > 3 and w in joined_b for w in words_a) or any(len(w) > 3 and w in joined_a for w in words_b)


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
    """The bundled lattice: proven edges compiled by `python -m scopelint.databuild` from data/lattice.yaml."""
    return Lattice(load_catalog(), json.loads((DATA / "lattice.json").read_text(encoding="utf-8")))
