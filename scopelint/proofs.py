"""The proofs behind the knowledge base, checked against Microsoft's catalog and operation index.

One place for what the data build, the data-QA tests and `scopelint rules verify` prove:
- an edge is a theorem (same resource per the catalog's display names, or accepted on every path that accepts the
  narrower permission among the operations the rules use);
- every permission name used by a rule or the index resolves in the catalog for its type;
- each alternative set of a rule lets every declared Graph call through;
- documented rules also offer Microsoft's least-privileged set (or say why not, with a source);
- one Graph call gets one answer across rules;
- a rejected cross-resource edge is an explicit alternative wherever the rule's operations accept it.
Checks return problems as sentences; cases they cannot decide come back as explicit skips with the reason.
"""

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from scopelint.catalog import TYPES, Catalog, Permission, PermissionType
from scopelint.lattice import Lattice, same_resource
from scopelint.operations import OperationIndex
from scopelint.rules import Requirement, Rule, RuleBook

KINDS = ("same-resource", "cross-resource")


class Case(NamedTuple):
    """One requirement of one rule: its auth type and its target (`own`, or the `shared` / `site` option's)."""

    rule: Rule
    ptype: PermissionType
    target: str = "own"

    @property
    def requirement(self) -> Requirement:
        return self.rule.requirement(self.ptype, self.target)

    @property
    def label(self) -> str:
        return f"{self.rule.cls} {self.ptype}{'' if self.target == 'own' else f' ({self.target})'}"


class Call(NamedTuple):
    """A declared Graph operation as Microsoft's index knows it, under one auth type (and option)."""

    request: str
    key: str
    least: frozenset[Permission]
    accepted: frozenset[Permission]


class Skip(NamedTuple):
    """A case a proof cannot decide, and why: counted and shown, never passed silently."""

    case: Case
    reason: str


def cases(rules: Iterable[Rule]) -> list[Case]:
    """Every requirement of every rule: each auth type, plus the `shared` and `site` options where a rule has them."""
    out = []
    for rule in rules:
        for ptype in TYPES:
            out.append(Case(rule, ptype))
            out.extend(Case(rule, ptype, target) for target in ("shared", "site") if ptype in rule.option(target))
    return out


def calls(case: Case, catalog: Catalog, index: OperationIndex, widen: bool = True) -> tuple[list[Call], list[str]]:
    """The requirement's operations as index entries, and the ones the index does not know.

    App-only calls have no signed-in user, so `/me/...` is read as `/users/{id}/...`. The `shared` option reaches
    another user's mailbox or files and the `site` option a SharePoint library, which the index does not tell apart
    (it lists Files.Read even for /sites/{id}/drive/...): there the `.Shared` (else `.All`) variant of each
    accepted permission is accepted too.
    """
    found, unknown = [], []
    for request in case.requirement.operations:
        if case.ptype == "application":
            request = request.replace(" /me/", " /users/{id}/")
        match = index.match(case.ptype, request)
        if match is None:
            unknown.append(request)
            continue
        least = _perms(catalog, case.ptype, match.least)
        accepted = _perms(catalog, case.ptype, (*match.least, *match.accepted))
        if case.target != "own" and widen:
            least = frozenset(wider(catalog, p) for p in least)
            accepted = accepted | {wider(catalog, p) for p in accepted}
        found.append(Call(request, match.key, least, accepted))
    return found, unknown


def wider(catalog: Catalog, perm: Permission) -> Permission:
    """The shared-mailbox / other-user variant Microsoft's path data does not distinguish (.Shared, else .All)."""
    for suffix in (".Shared", ".All"):
        other = catalog.permission(perm.type, perm.name + suffix)
        if other:
            return other
    return perm


def _perms(catalog: Catalog, ptype: PermissionType, names: Iterable[str]) -> frozenset[Permission]:
    return frozenset(p for p in (catalog.permission(ptype, n) for n in names) if p is not None)


# edges ---------------------------------------------------------------------------------------------------------
def rule_paths(rules: Iterable[Rule], catalog: Catalog, index: OperationIndex) -> dict[str, dict[str, Call]]:
    """Per auth type, the index entries the rules' operations reach (the ground a cross-resource edge is proven on)."""
    out: dict[str, dict[str, Call]] = {t: {} for t in TYPES}
    for case in cases(rules):
        for call in calls(case, catalog, index, widen=False)[0]:
            out[case.ptype][call.key] = call
    return out


def claims(doc: dict) -> Iterator[tuple[PermissionType, str, str, dict]]:
    """The curated edges of data/lattice.yaml, one (type, covers, implies, entry) each."""
    for entry in doc.get("edges", []):
        types: tuple[PermissionType, ...] = TYPES if entry["type"] == "both" else (entry["type"],)
        for ptype in types:
            for low in entry["implies"]:
                yield ptype, entry["covers"], low, entry


def prove_edge(ptype: PermissionType, covers: str, implies: str, kind: str, catalog: Catalog,
               paths: dict[str, dict[str, Call]]) -> tuple[bool, str]:
    """(proven?, the evidence or why not) for one claimed edge."""
    info_high, info_low = catalog.get(ptype, covers), catalog.get(ptype, implies)
    if info_high is None or info_low is None:
        missing = covers if info_high is None else implies
        return False, f"{missing} is not a {ptype} permission in the catalog"
    high, low = info_high.permission, info_low.permission
    if kind == "same-resource":
        if same_resource(catalog, high, low):
            return True, "same resource per the catalog's display names"
        return False, (f"the catalog's display names name different resources: '{info_high.title}' vs "
                       f"'{info_low.title}'")
    accepting_low = [c for c in paths[ptype].values() if low in c.accepted]
    if not accepting_low:
        return False, f"no operation the rules use accepts {implies}: nothing to prove the edge on"
    refuting = sorted(c.key for c in accepting_low if high not in c.accepted)
    if refuting:
        return False, (f"{covers} is accepted on {len(accepting_low) - len(refuting)} of the {len(accepting_low)} "
                       f"paths the rules use that accept {implies}; not on {', '.join(refuting[:4])}"
                       + (f" and {len(refuting) - 4} more" if len(refuting) > 4 else ""))
    return True, f"accepted on all {len(accepting_low)} paths the rules use that accept {implies}"


def compile_lattice(doc: dict, catalog: Catalog, index: OperationIndex, rules: Iterable[Rule]) -> dict[str, Any]:
    """data/lattice.json from data/lattice.yaml: the claims proven (with their evidence) and the ones rejected (why)."""
    paths = rule_paths(rules, catalog, index)
    proven, rejected = [], []
    for ptype, covers, implies, entry in claims(doc):
        ok, why = prove_edge(ptype, covers, implies, entry["kind"], catalog, paths)
        row = {"type": ptype, "covers": covers, "implies": implies, "kind": entry["kind"], "source": entry["source"]}
        if ok:
            proven.append({**row, "evidence": why})
        else:
            rejected.append({**row, "why": why})
    return {
        "version": str(doc.get("version", "")),
        "index_source": index.source,
        "catalog_source": catalog.source,
        "edges": proven,
        "rejected": rejected,
        "non_edges": [{"covers": n["covers"], "implies": n["implies"], "why": n["why"]} for n in doc["non_edges"]],
    }


def rejected_naming_edges(lattice: Lattice) -> list[dict[str, str]]:
    """Pairs Graph's naming scheme suggests that the catalog's display names refute (not edges)."""
    out = []
    for ptype in TYPES:
        for name in lattice.catalog.names(ptype):
            perm = Permission(ptype, name)
            for other, confirmed in lattice.naming_edges(perm):
                if not confirmed:
                    info_a, info_b = lattice.catalog.get(ptype, name), lattice.catalog.get(ptype, other.name)
                    out.append({"type": ptype, "covers": name, "implies": other.name,
                                "why": f"display names name different resources: '{info_a.title if info_a else ''}'"
                                       f" vs '{info_b.title if info_b else ''}'"})
    return out


def check_edges(compiled: dict, catalog: Catalog, index: OperationIndex, rules: Iterable[Rule]) -> list[str]:
    """Every edge the lattice holds, proven again against this catalog and index."""
    paths = rule_paths(rules, catalog, index)
    problems = []
    for edge in compiled["edges"]:
        if edge["kind"] not in KINDS:
            problems.append(f"edge {edge['covers']} > {edge['implies']} ({edge['type']}): kind {edge['kind']!r}?")
            continue
        ok, why = prove_edge(edge["type"], edge["covers"], edge["implies"], edge["kind"], catalog, paths)
        if not ok:
            problems.append(f"edge {edge['covers']} > {edge['implies']} ({edge['type']}) is not proven: {why}")
    return problems


# names ---------------------------------------------------------------------------------------------------------
def check_names(rules: Iterable[Rule], catalog: Catalog, index: OperationIndex) -> list[str]:
    """Every permission a rule names, and every name in the operation index, exists in the catalog for its type."""
    problems: list[str] = []
    for case in cases(rules):
        for alt in case.requirement.any_of:
            problems.extend(f"{case.label}: {p.name} is not a {p.type} permission in the catalog"
                            for p in alt if catalog.get(p.type, p.name) is None)
    for ptype in TYPES:
        unknown: dict[str, int] = {}
        for least, accepted in index.entries(ptype).values():
            for name in {*least, *accepted}:
                if catalog.get(ptype, name) is None:
                    unknown[name] = unknown.get(name, 0) + 1
        problems.extend(f"operation index ({ptype}): {name} on {n} paths is not a {ptype} permission in the catalog"
                        for name, n in sorted(unknown.items()))
    return problems


# requirements --------------------------------------------------------------------------------------------------
def check_consistency(case: Case, lattice: Lattice, index: OperationIndex) -> list[str]:
    """Every set the requirement accepts can perform every declared Graph call per Microsoft's data: a permission
    Microsoft lists for the call (method, path, scheme), or one covering it by a proven edge. Overrides are held to
    it too: a set UiPath documents that Microsoft's data refutes (read-only for a write, or not listed at all) would
    pass `check` and get 403 at run time. Sets granted per resource outside the registration (`*.Selected`) are
    left to their source (`accepted_skips` counts them); calls missing from the path data are skips as well."""
    req = case.requirement
    problems = []
    for call in calls(case, lattice.catalog, index)[0]:
        for alt in req.any_of:
            if granted_per_resource(alt):
                continue
            if not any(lattice.covers(g, a) for g in alt for a in call.accepted):
                read_only = not call.key.startswith("GET ") and all(".Read." in p.name or p.name.endswith(".Read")
                                                                     for p in alt)
                problems.append(f"{case.label}: [{', '.join(p.name for p in alt)}] cannot perform {call.key} per "
                                f"Microsoft's data{' (read-only for a write)' if read_only else ''}; "
                                f"accepted: {', '.join(sorted(p.name for p in call.accepted))}")
    return problems


def granted_per_resource(alt: Iterable[Permission]) -> bool:
    """A set of `*.Selected` permissions only: what they reach is granted per site or item outside the registration
    (https://learn.microsoft.com/en-us/graph/permissions-selected-overview), which the path data does not list."""
    alt = list(alt)
    return bool(alt) and all(p.name.endswith(".Selected") for p in alt)


def _no_calls_to_judge(req: Requirement) -> str | None:
    """Why Microsoft's path data cannot judge a requirement at all (it cannot run, or names no Graph call), or None."""
    if req.unsupported:
        return "auth mode unsupported: the activity cannot run this way"
    if not req.operations:
        return "no Graph operations declared (UiPath names no Graph call)"
    return None


def accepted_skips(rules: Iterable[Rule], index: OperationIndex, catalog: Catalog) -> list[Skip]:
    """The requirements (or sets) whose accepted sets Microsoft's data cannot decide, each with the reason."""
    out = []
    for case in cases(rules):
        req = case.requirement
        if (reason := _no_calls_to_judge(req)) is not None:
            out.append(Skip(case, reason))
        else:
            unknown = calls(case, catalog, index)[1]
            if unknown:
                out.append(Skip(case, f"not in Microsoft's path data: {', '.join(unknown)}"))
            out.extend(Skip(case, f"granted per resource outside the registration: [{', '.join(p.name for p in alt)}]")
                       for alt in req.any_of if granted_per_resource(alt))
    return out


def _holds(lattice: Lattice, held: Iterable[Permission], alt: Iterable[Permission]) -> bool:
    """Holding `held` satisfies the alternative set `alt` (each of its permissions covered by one held)."""
    held = list(held)
    return all(any(lattice.covers(h, p) for h in held) for p in alt)


def least_set(found: list[Call], lattice: Lattice) -> list[Permission]:
    """Microsoft's least-privileged set for the calls: per call its least-privileged permission (lowest rank), unless
    one already chosen covers it."""
    chosen: list[Permission] = []
    for call in sorted(found, key=lambda c: c.key):
        options = call.least or call.accepted
        if not options or any(lattice.covers(c, o) for c in chosen for o in options):
            continue
        chosen.append(min(options, key=lattice.rank))
    return sorted(p for p in chosen if not any(q != p and lattice.covers(q, p) for q in chosen))


def least_cases(rules: Iterable[Rule], lattice: Lattice, index: OperationIndex
                ) -> tuple[list[tuple[Case, list[Permission]]], list[Skip]]:
    """The requirements whose least-privileged set can be computed (with it), and the rest as explicit skips."""
    decided, skipped = [], []
    for case in cases(rules):
        if (reason := _no_calls_to_judge(case.requirement)) is not None:
            skipped.append(Skip(case, reason))
        else:
            found, unknown = calls(case, lattice.catalog, index)
            if unknown:
                skipped.append(Skip(case, f"not in Microsoft's path data: {', '.join(unknown)}"))
            else:
                decided.append((case, least_set(found, lattice)))
    return decided, skipped


def check_least(case: Case, least: list[Permission], lattice: Lattice) -> list[str]:
    """A requirement offers Microsoft's least-privileged set (some alternative is satisfied by it), or records why
    not in an `override` that names its source. Documented rules keep UiPath's sets and add this one; their
    override must say the set is 'not offered' and why (an override about UiPath's own sets is not enough)."""
    req = case.requirement
    if any(_holds(lattice, least, alt) for alt in req.any_of):
        return []
    if req.override:
        if not sourced_override(req):
            return [f"{case.label}: override names no source URL"]
        if req.provenance != "documented" or "not offered" in req.override:
            return []
        return [f"{case.label}: documented sets are kept, but Microsoft's least-privileged set "
                f"[{', '.join(p.name for p in least)}] is neither offered nor said to be 'not offered' (and why)"]
    return [f"{case.label}: Microsoft's least-privileged set [{', '.join(p.name for p in least)}] satisfies none of "
            f"its sets {[[p.name for p in alt] for alt in req.any_of]} and no override says why"]


def _answer(req: Requirement, lattice: Lattice) -> frozenset[frozenset[str]]:
    """A requirement's meaning: its alternatives without those that hold another one (they add nothing)."""
    alts = [frozenset(alt) for alt in req.any_of]
    kept = [a for a in alts if not any(o != a and _holds(lattice, a, o) and not _holds(lattice, o, a) for o in alts)]
    return frozenset(frozenset(p.name for p in a) for a in kept)


def sourced_override(req: Requirement) -> bool:
    """The requirement records why it departs from Microsoft's data, with a source (in the text or its `source`)."""
    return bool(req.override) and ("https://" in (req.override or "") or bool(req.source))


def check_one_answer(rules: Iterable[Rule], lattice: Lattice, index: OperationIndex) -> list[str]:
    """Rules declaring the same Graph operations (same index entries) under one auth type and option need the
    same thing (alternatives that hold another one aside), unless one records an override with its source."""
    catalog = lattice.catalog
    groups: dict[tuple, list[Case]] = {}
    for case in cases(rules):
        found, unknown = calls(case, catalog, index)
        if found and not unknown and not case.requirement.unsupported:
            groups.setdefault((case.ptype, case.target, frozenset(c.key for c in found)), []).append(case)
    problems = []
    for (ptype, target, keys), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], sorted(kv[0][2]))):
        answers: dict[frozenset[frozenset[str]], list[Case]] = {}
        for case in members:
            if sourced_override(case.requirement):
                continue
            answers.setdefault(_answer(case.requirement, lattice), []).append(case)
        if len(answers) > 1:
            detail = "; ".join(f"{', '.join(sorted(c.rule.short_name for c in cs))}: "
                               f"{sorted(sorted(a) for a in ans)}" for ans, cs in sorted(answers.items(), key=str))
            problems.append(f"same call, different answers ({ptype}{'' if target == 'own' else ', ' + target}, "
                            f"{', '.join(sorted(keys))}): {detail}")
    return problems


def check_explicit_alternatives(compiled: dict, rules: Iterable[Rule], lattice: Lattice,
                                index: OperationIndex) -> list[str]:
    """A rejected cross-resource edge X > Y: where a rule accepts Y (in a set) and every one of its calls accepts X
    too, the set with X in Y's place is listed, so X still passes there."""
    problems = []
    catalog = lattice.catalog
    for edge in compiled["rejected"]:
        if edge["kind"] != "cross-resource":
            continue
        high, low = catalog.permission(edge["type"], edge["covers"]), catalog.permission(edge["type"], edge["implies"])
        if high is None or low is None:
            continue
        for case in cases(rules):
            req = case.requirement
            if case.ptype != edge["type"] or req.override or not req.operations:
                continue
            found, unknown = calls(case, catalog, index)
            if unknown or not found or not all(high in c.accepted for c in found):
                continue
            for alt in req.any_of:
                if low in alt:
                    swapped = frozenset({*alt} - {low} | {high})
                    if not any(_holds(lattice, swapped, other) for other in req.any_of):
                        problems.append(f"{case.label}: every call accepts {high.name} but no set lets it stand in "
                                        f"for {low.name} in [{', '.join(p.name for p in alt)}]")
    return problems


class Report(NamedTuple):
    """What `rules verify` found: every disagreement, the explicit skips and what was checked."""

    problems: list[str]
    skips: list[Skip]
    edges: int
    rejected: int
    cases: int
    accepted_skips: tuple[Skip, ...] = ()


def verify(compiled: dict, rules: RuleBook, lattice: Lattice, index: OperationIndex) -> Report:
    """Run every proof over the rules against this catalog (the lattice's) and index."""
    catalog = lattice.catalog
    rule_list = list(rules)
    problems = check_edges(compiled, catalog, index, rule_list)
    problems += check_names(rule_list, catalog, index)
    for case in cases(rule_list):
        problems += check_consistency(case, lattice, index)
    decided, skips = least_cases(rule_list, lattice, index)
    for case, least in decided:
        problems += check_least(case, least, lattice)
    problems += check_one_answer(rule_list, lattice, index)
    problems += check_explicit_alternatives(compiled, rule_list, lattice, index)
    return Report(problems, skips, len(compiled["edges"]), len(compiled["rejected"]), len(cases(rule_list)),
                  tuple(accepted_skips(rule_list, index, catalog)))


def skip_counts(skips: Iterable[Skip]) -> list[tuple[str, int]]:
    """How many skips per kind of reason (the text before its first colon), sorted by kind."""
    reasons: dict[str, int] = {}
    for skip in skips:
        kind = skip.reason.split(":")[0]
        reasons[kind] = reasons.get(kind, 0) + 1
    return sorted(reasons.items())


def verify_bundled() -> tuple[str, bool]:
    """`scopelint rules verify`: the proofs over the built-in rules against the catalog and operation index in use
    (the user's refreshed copies, else the bundled ones); the text to print and whether any proof disagrees."""
    import json

    from scopelint.lattice import load_lattice
    from scopelint.operations import load_operations
    from scopelint.paths import DATA
    from scopelint.rules import load_builtin_rules

    lattice = load_lattice()
    index = load_operations()
    compiled = json.loads((DATA / "lattice.json").read_text(encoding="utf-8"))
    report = verify(compiled, load_builtin_rules(), lattice, index)
    lines = [f"catalog: {lattice.catalog.origin} ({lattice.catalog.source})", f"operation index: {index.source}"]
    lines += [f"disagreement: {p}" for p in report.problems]
    lines.append(f"{report.edges} curated edges proven, {report.rejected} claims rejected at build time; "
                 f"{report.cases} requirements checked")
    lines += [f"least privilege not decidable for {n}: {kind}" for kind, n in skip_counts(report.skips)]
    lines += [f"accepted sets not decidable for {n}: {kind}" for kind, n in skip_counts(report.accepted_skips)]
    lines.append(f"{len(report.problems)} disagreement(s)" if report.problems else "verified: no disagreement")
    return "\n".join(lines) + "\n", bool(report.problems)
