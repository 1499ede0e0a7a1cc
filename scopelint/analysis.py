"""The facts about one manifest, worked out once: what it needs and why, the least-privileged set, which alternative
each need takes, what the registration holds and what each grant serves, what is missing and how to complete it,
wrong-type twins, consent, and -- when a project is known -- what the workflows use that the manifest does not say.

Every command reads an Analysis: `check` and the reporters through the checks (`scopelint.checks`), `scopes` and
its remedy formats, `report`, `diff` and `audit`. Nothing here decides severities or prints.
"""

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from scopelint.catalog import OIDC_SCOPES, Permission, PermissionType
from scopelint.manifest import Accept, ActivityRef, Manifest, OperationRef
from scopelint.registration import Grant, Registration
from scopelint.rules import Rule

if TYPE_CHECKING:
    from scopelint.compare import Engine
    from scopelint.drift import ScopeRequest
    from scopelint.uipath import ActivityUse, GraphCall, LibraryHint, Project
    from scopelint.usage.join import Observed

Alternative = tuple[Permission, ...]


class Need(NamedTuple):
    """Something the project does that needs permissions: an activity or a raw Graph call."""

    subject: str
    line: int
    alternatives: tuple[Alternative, ...]
    provenance: str
    source: str | None
    operations: tuple[str, ...] = ()
    rule: Rule | None = None
    target: str = "own"
    column: int | None = None

    @property
    def shared(self) -> bool:
        return self.target == "shared"

    @property
    def label(self) -> str:
        return self.subject + ("" if self.target == "own" else f" ({self.target})")

    @property
    def evidence(self) -> tuple[str, ...]:
        """Why the need is what it is: the activity's rule and provenance, the source, the Graph calls."""
        ev = []
        if self.rule is not None:
            ev.append(f"activity {self.rule.cls} ({self.provenance})")
        if self.source:
            ev.append(f"source: {self.source}")
        ev.extend(f"Graph call: {op}" for op in self.operations)
        return tuple(ev)


class UnknownActivity(NamedTuple):
    """A declared activity no rule pack knows, with the close matches."""

    ref: ActivityRef
    hints: tuple[str, ...]


class Unsupported(NamedTuple):
    """A declared activity that cannot run under the manifest's auth mode, and why."""

    ref: ActivityRef
    rule: Rule
    reason: str


class Gap(NamedTuple):
    """A permission a need lacks. `via` is the addition that completes it (the needed permission, or a broader one
    that serves other needs too); `twin` is the same name held with the other permission type."""

    need: Need
    needed: Permission
    via: Permission
    twin: Permission | None


class Surplus(NamedTuple):
    """A held grant outside the least-privileged set and the judgement on it: `excess` (nothing needs it),
    `redundant` (another permission of the minimal set covers what it serves), `broader` (narrower `to_add`
    would do), `cannot-judge` (nothing known needs it, but something with unknown needs may), `project` (an
    activity the workflows use but the manifest does not declare needs it), `other-type` (a permission of the
    other type), `wrong-type` (the other-type twin of a needed permission)."""

    grant: Permission
    verdict: str
    served: tuple[str, ...] = ()
    replacement: tuple[Permission, ...] = ()
    to_add: tuple[Permission, ...] = ()


class Unconsented(NamedTuple):
    """A requested and needed permission no consent grant covers, and the needs it serves."""

    permission: Permission
    served: tuple[str, ...]


class ExceptionStatus(NamedTuple):
    """What became of one `accept:` entry: active (suppressing), expired, or stale (matching nothing)."""

    accept: Accept
    status: str
    matched: int


class Analysis(NamedTuple):
    """Everything worked out for one manifest (see the module docstring). Registration facts are empty without a
    registration, consent facts without consent data, project facts without a project."""

    manifest: Manifest
    today: dt.date
    needs: tuple[Need, ...]
    unknown_activities: tuple[UnknownActivity, ...]
    unsupported: tuple[Unsupported, ...]
    unknown_operations: tuple[OperationRef, ...]
    minimal: tuple[Permission, ...]
    chosen: dict[int, Alternative | None]
    needed_by: dict[Permission, list[Need]]
    registration: Registration | None = None
    held: frozenset[Permission] = frozenset()
    held_other: frozenset[Permission] = frozenset()
    used: Mapping[Permission, tuple[int, ...]] = MappingProxyType({})
    gaps: tuple[Gap, ...] = ()
    surplus: tuple[Surplus, ...] = ()
    unconsented: tuple[Unconsented, ...] = ()
    stale_grants: tuple[Grant, ...] = ()
    project: "Project | None" = None
    undeclared: tuple[tuple["ActivityUse", ...], ...] = ()
    unused_declared: tuple[tuple[ActivityRef, Rule], ...] = ()
    wider_targets: tuple[tuple[ActivityRef, "ActivityUse"], ...] = ()
    expression_targets: tuple[tuple["ActivityUse", tuple[str, ...]], ...] = ()
    scope_requests: tuple["ScopeRequest", ...] = ()
    project_needs: tuple[Need, ...] = ()
    observed: "Observed | None" = None
    undeclared_calls: tuple[tuple["GraphCall", ...], ...] = ()
    unresolved_calls: tuple["GraphCall", ...] = ()
    libraries: tuple[tuple["LibraryHint", bool], ...] = ()

    @property
    def other_type(self) -> PermissionType:
        return "application" if self.manifest.auth == "delegated" else "delegated"

    @property
    def unjudged(self) -> tuple[str, ...]:
        """What the manifest or its project uses whose needs are unknown (unknown activities and Graph calls)."""
        names = [u.ref.ref for u in self.unknown_activities] + [op.request for op in self.unknown_operations]
        names += [uses[0].canonical for uses in self.undeclared if not uses[0].rule]
        names += [c.text for c in self.unresolved_calls]
        return tuple(dict.fromkeys(names))

    @property
    def drifted(self) -> bool:
        """The workflows use activities (or make Graph calls) the manifest does not declare, or point a declared
        activity at wider data than declared (a site, a shared mailbox): its needs are not the project's."""
        return bool(self.undeclared or self.undeclared_calls or self.wider_targets)

    def grant_line(self, permission: Permission) -> int | None:
        """The registration line requesting a permission."""
        reg = self.registration
        return next((g.line for g in reg.requested if g.permission == permission), None) if reg else None

    def present(self) -> set[str | None]:
        """Which facts the checks may rely on (the `requires` of scopelint.checks)."""
        out: set[str | None] = {None}
        if self.registration is not None:
            out.add("registration")
            if self.registration.consented is not None:
                out.add("consent")
        if self.project is not None:
            out.add("project")
        if self.manifest.accept:
            out.add("accept")
        if self.observed is not None:
            out.add("usage")
        return out


def analyse(engine: "Engine", manifest: Manifest, registration: Registration | None = None,
            project: "Project | None" = None) -> Analysis:
    """Work out every fact about a manifest, its registration and its project, once."""
    needs, unknown, unsupported, unknown_ops = engine.needs(manifest)
    minimal = tuple(engine.minimal_cover(needs))
    chosen = {i: engine.choose(n, set(minimal))[0] for i, n in enumerate(needs)}
    needed_by: dict[Permission, list[Need]] = {}
    for i, alt in chosen.items():
        for p in alt or ():
            for m in minimal:
                if engine.lattice.covers(m, p) and needs[i] not in needed_by.get(m, []):
                    needed_by.setdefault(m, []).append(needs[i])
    analysis = Analysis(manifest, engine.today, tuple(needs), tuple(unknown), tuple(unsupported),
                        tuple(unknown_ops), minimal, chosen, needed_by)
    if project is not None:
        analysis = _with_project(engine, analysis, project)
    if registration is not None:
        analysis = _with_registration(engine, analysis, registration)
    return analysis


def _with_project(engine: "Engine", analysis: Analysis, project: "Project") -> Analysis:
    from scopelint.drift import (
        expression_targets,
        libraries,
        undeclared_calls,
        undeclared_uses,
        unresolved_calls,
        unused_declarations,
        wider_targets,
    )

    manifest = analysis.manifest
    undeclared = undeclared_uses(manifest, project, engine.rules)
    project_needs = []
    for uses in undeclared:
        rule = engine.rules.find(uses[0].canonical) if uses[0].rule else None
        if rule is None or rule.kind == "scope":
            continue
        for target in sorted({u.target for u in uses}):
            req = rule.requirement(manifest.auth, target)
            if not req.unsupported:
                project_needs.append(engine.need(rule.display_name, uses[0].line, req, rule=rule, target=target))
    wider = wider_targets(manifest, project, engine.rules)
    for ref, use in wider:  # what the declared activity needs for the data the workflow points it at
        wide_rule = engine.rules.find(ref.ref)
        wide_req = wide_rule.requirement(manifest.auth, use.target) if wide_rule else None
        if wide_rule and wide_req and not wide_req.unsupported:
            project_needs.append(engine.need(wide_rule.display_name, use.line, wide_req, rule=wide_rule,
                                             target=use.target))
    calls = undeclared_calls(manifest, project)
    for places in calls:
        call_req = engine.operation_requirement(manifest.auth, places[0].request or "")
        if call_req is not None:
            project_needs.append(engine.need(places[0].request or "", places[0].line, call_req))
    return analysis._replace(project=project, undeclared=undeclared,
                             unused_declared=unused_declarations(manifest, project, engine.rules),
                             wider_targets=wider,
                             expression_targets=expression_targets(manifest, project, engine.rules),
                             project_needs=tuple(project_needs), undeclared_calls=calls,
                             unresolved_calls=unresolved_calls(project),
                             libraries=libraries(project, engine.rules))


def _with_registration(engine: "Engine", analysis: Analysis, reg: Registration) -> Analysis:
    ptype, other = analysis.manifest.auth, analysis.other_type
    needs, lattice = analysis.needs, engine.lattice
    held = frozenset(reg.requested_permissions(ptype))
    held_other = frozenset(reg.requested_permissions(other))
    used: dict[Permission, list[int]] = {}
    served: dict[Permission, set[str]] = {}
    unsatisfied = []
    for i, need in enumerate(needs):
        alt, using = engine.choose(need, held)
        if alt is None:
            unsatisfied.append(i)
            continue
        for grant in using.values():
            used.setdefault(grant, []).append(i)
            served.setdefault(grant, set()).add(need.label)
    additions = engine.minimal_cover([needs[i] for i in unsatisfied], held) if unsatisfied else []
    twins = {p.name.lower(): p for p in held_other}
    gaps = []
    for i in unsatisfied:
        alt, using = engine.choose(needs[i], held | set(additions))
        for needed in alt or ():
            if using.get(needed) in held:
                used.setdefault(using[needed], []).append(i)
                continue
            via = using.get(needed, needed)
            gaps.append(Gap(needs[i], needed, via, twins.get(via.name.lower())))
    analysis = analysis._replace(registration=reg, held=held, held_other=held_other,
                                 used={g: tuple(ix) for g, ix in used.items()}, gaps=tuple(gaps))
    analysis = analysis._replace(surplus=_surplus(engine, analysis))
    if analysis.project is not None:
        from scopelint.drift import scope_requests

        analysis = analysis._replace(scope_requests=scope_requests(analysis.project, engine.catalog, ptype))
    if reg.consented is not None:
        consented = {g.permission for g in reg.consented}
        unconsented = []
        for perm in sorted(served):
            # A delegated sign-in asks for each scope by name and prompts for any scope nobody consented to, even
            # under a broader consented one; an app-only token carries every assigned role, so broader ones serve.
            if perm in consented or (ptype == "application" and any(lattice.covers(c, perm) for c in consented)):
                continue
            unconsented.append(Unconsented(perm, tuple(sorted(served[perm]))))
        analysis = analysis._replace(unconsented=tuple(unconsented), stale_grants=tuple(stale_grants(reg)))
    return analysis


def _surplus(engine: "Engine", a: Analysis) -> tuple[Surplus, ...]:
    """The judgement on every held grant outside the minimal set (see Surplus)."""
    lattice = engine.lattice
    minimal = set(a.minimal)
    wanted = {p for n in a.project_needs for alt in n.alternatives for p in alt}
    unjudged = bool(a.unjudged)
    out = []
    for grant in sorted(a.held):
        if grant.name.lower() in OIDC_SCOPES or grant in minimal:
            continue
        by_project = any(lattice.covers(grant, p) for p in wanted)
        if grant not in a.used:
            verdict = "project" if by_project else "cannot-judge" if unjudged else "excess"
            out.append(Surplus(grant, verdict))
            continue
        served = a.used[grant]
        labels = tuple(sorted({a.needs[i].label for i in served}))
        replacement = tuple(sorted({m for i in served for m in a.minimal if a.needs[i] in a.needed_by.get(m, ())}))
        to_add = tuple(p for p in replacement if p not in a.held)
        if by_project:
            verdict = "project"
        elif unjudged:
            # Known activities are served through it, but so may be the unknown one: replacing it could break that.
            verdict = "cannot-judge"
        elif to_add and all(lattice.rank(p) < lattice.rank(grant) for p in to_add):
            verdict = "broader"
        else:
            verdict = "redundant"
        out.append(Surplus(grant, verdict, labels, replacement, to_add))
    claimed = {g.via.name.lower() for g in a.gaps if g.twin is not None}
    for grant in sorted(a.held_other):
        if grant.name.lower() in OIDC_SCOPES:
            continue
        out.append(Surplus(grant, "wrong-type" if grant.name.lower() in claimed else "other-type"))
    return tuple(out)


def stale_grants(reg: Registration) -> list[Grant]:
    """Consent grants for permissions the registration does not request (OIDC sign-in scopes aside)."""
    requested = {g.permission for g in reg.requested}
    return sorted((g for g in reg.consented or () if g.permission not in requested
                   and g.permission.name.lower() not in OIDC_SCOPES),
                  key=lambda g: (g.permission, g.raw))
