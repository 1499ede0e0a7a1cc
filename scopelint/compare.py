"""The engine: manifest + rules -> needs, the least-privileged cover, and the best alternative per need.

Never prints. `scopelint.analysis` builds the facts of a manifest with it; the registered checks (run by
`scopelint.evaluation`) turn them into findings.
"""

import datetime as dt
from collections.abc import Set as AbstractSet

from scopelint.analysis import Alternative, Analysis, Need, UnknownActivity, Unsupported, analyse
from scopelint.catalog import Catalog, Permission
from scopelint.lattice import Lattice
from scopelint.manifest import Manifest, OperationRef
from scopelint.registration import Registration
from scopelint.rules import Requirement, Rule, RuleBook

SEARCH_BUDGET = 200_000


class Engine:
    """Works out needs, the minimal cover and the findings for manifests, with one catalog/lattice/rulebook."""

    def __init__(self, catalog: Catalog, lattice: Lattice, rules: RuleBook, today: dt.date | None = None) -> None:
        self.catalog = catalog
        self.lattice = lattice
        self.rules = rules
        self.today = today or dt.date.today()
        self._covers: dict[tuple, list[Permission]] = {}

    # needs -------------------------------------------------------------------------------------------
    def needs(self, manifest: Manifest) -> tuple[list[Need], list[UnknownActivity], list[Unsupported],
                                                  list[OperationRef]]:
        """The needs of the declared activities and Graph calls, and the entries whose needs are unknown or that
        cannot run under the manifest's auth mode."""
        ptype = manifest.auth
        needs: list[Need] = []
        unknown: list[UnknownActivity] = []
        unsupported: list[Unsupported] = []
        unknown_ops: list[OperationRef] = []
        for ref in manifest.activities:
            rule = self.rules.find(ref.ref)
            if rule is None:
                unknown.append(UnknownActivity(ref, tuple(self.rules.suggest(ref.ref))))
                continue
            if rule.kind == "scope":
                continue
            req = rule.requirement(ptype, ref.target)
            if req.unsupported:
                unsupported.append(Unsupported(ref, rule, req.unsupported))
                continue
            needs.append(self.need(rule.display_name, ref.line, req, rule=rule, target=ref.target,
                                   column=ref.column))
        for op in manifest.operations:
            op_req = self.operation_requirement(ptype, op.request)
            if op_req is None:
                unknown_ops.append(op)
                continue
            needs.append(self.need(op.request, op.line, op_req, column=op.column))
        return needs, unknown, unsupported, unknown_ops

    def operation_requirement(self, ptype: str, request: str) -> Requirement | None:
        """What a raw Graph call ('METHOD /path') needs, from Microsoft's operation index; None when it has no
        entry. The index (3 MB of path data) loads on the first call."""
        from scopelint.operations import load_operations

        index = load_operations()
        match = index.match(ptype, request)  # type: ignore[arg-type]
        if match is None:
            return None
        names = sorted(set(match.least) | set(match.accepted))
        alts = tuple((self.catalog.permission(ptype, n) or Permission(ptype, n),) for n in names)  # type: ignore[arg-type]
        return Requirement(any_of=alts, provenance="derived", source=index.source, operations=(match.key,))

    def need(self, subject: str, line: int, req: Requirement, rule: Rule | None = None, target: str = "own",
             column: int | None = None) -> Need:
        """A need with each alternative reduced (members another member covers dropped)."""
        alts = tuple(self._reduce(alt) for alt in req.any_of)
        return Need(subject, line, alts, req.provenance, req.source, req.operations, rule, target, column)

    # cover -------------------------------------------------------------------------------------------
    def _reduce(self, perms) -> Alternative:
        """Drop permissions another member already covers; sorted for determinism."""
        perms = set(perms)
        kept = {p for p in perms if not any(q != p and self.lattice.covers(q, p) for q in perms)}
        return tuple(sorted(kept))

    def cost(self, perms) -> tuple:
        """Least privilege first (highest rank, then the next...), fewer permissions only among equals."""
        return tuple(sorted((self.lattice.rank(p) for p in perms), reverse=True))

    def satisfied(self, alt: Alternative, held: AbstractSet[Permission]) -> bool:
        return all(any(self.lattice.covers(h, p) for h in held) for p in alt)

    def minimal_cover(self, needs: list[Need], held: AbstractSet[Permission] = frozenset()) -> list[Permission]:
        """The least-privileged permission set that, with `held`, satisfies every need (branch and bound).

        Memoised per (distinct needs, held): manifests in one run often need the same things.
        """
        pending = tuple(sorted({n.alternatives for n in needs if n.alternatives}, key=lambda a: (len(a), a)))
        key = (pending, frozenset(held))
        if key not in self._covers:
            self._covers[key] = self._search_cover(pending, frozenset(held))
        return list(self._covers[key])

    def _search_cover(self, pending: tuple, held: frozenset[Permission]) -> list[Permission]:
        options = [sorted(alts, key=lambda a: (self.cost(a), a)) for alts in pending]
        best: list = [None, None]  # cost, chosen set
        budget = [SEARCH_BUDGET]

        def search(i: int, chosen: tuple[Permission, ...]) -> None:
            budget[0] -= 1
            current = self.cost(chosen)
            if best[0] is not None and current >= best[0]:
                return
            while i < len(options) and any(self.satisfied(a, set(held) | set(chosen)) for a in options[i]):
                i += 1
            if i == len(options):
                best[0], best[1] = current, chosen
                return
            for alt in options[i]:
                if budget[0] <= 0 and best[0] is not None:
                    return
                extra = [p for p in alt if not any(self.lattice.covers(h, p) for h in held)]
                search(i + 1, self._reduce(set(chosen) | set(extra)))

        search(0, ())
        return sorted(best[1] or ())

    def choose(self, need: Need,
               held: AbstractSet[Permission]) -> tuple[Alternative | None, dict[Permission, Permission]]:
        """The satisfied alternative whose covering grants are least privileged, and which grant covers what."""
        best = None
        for alt in need.alternatives:
            if not self.satisfied(alt, held):
                continue
            using = {p: min((h for h in held if self.lattice.covers(h, p)), key=self.lattice.rank) for p in alt}
            key = (self.cost(set(using.values())), self.cost(alt), alt)
            if best is None or key < best[0]:
                best = (key, alt, using)
        return (best[1], best[2]) if best else (None, {})

    # facts and findings ------------------------------------------------------------------------------
    def analyse(self, manifest: Manifest, registration: Registration | None = None, project=None) -> Analysis:
        """Every fact about a manifest, its registration and its project (scopelint.analysis)."""
        return analyse(self, manifest, registration, project)
