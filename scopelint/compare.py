"""The engine: manifest + rules + registration -> requirements, a least-privileged cover, and findings.

Never prints. Inputs are already loaded; outputs are plain data for the reporters.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from scopelint.catalog import OIDC_SCOPES, Catalog, Permission
from scopelint.findings import Finding, lookup, make
from scopelint.lattice import Lattice
from scopelint.manifest import Accept, Manifest
from scopelint.registration import Grant, Registration
from scopelint.rules import Requirement, Rule, RuleBook

SEARCH_BUDGET = 200_000
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
    shared: bool = False
    column: int | None = None

    @property
    def label(self) -> str:
        return self.subject + (" (shared)" if self.shared else "")


class ExceptionStatus(NamedTuple):
    """What became of one `accept:` entry: active (suppressing), expired, or stale (matching nothing)."""

    accept: Accept
    status: str
    matched: int


@dataclass
class Result:
    """What the engine found for one manifest."""

    manifest: Manifest
    needs: list[Need]
    minimal: list[Permission]
    findings: list[Finding]
    registration: Registration | None = None
    chosen: dict[int, Alternative] = field(default_factory=dict)
    needed_by: dict[Permission, list[Need]] = field(default_factory=dict)
    exceptions: list[ExceptionStatus] = field(default_factory=list)

    @property
    def used_by(self) -> dict[Permission, list[str]]:
        """Per permission of the minimal set, the labels of the needs it serves (sorted)."""
        return {p: sorted({n.label for n in needs}) for p, needs in self.needed_by.items()}


class Engine:
    """Works out needs, the minimal cover and the findings for manifests, with one catalog/lattice/rulebook."""

    def __init__(self, catalog: Catalog, lattice: Lattice, rules: RuleBook, today: dt.date | None = None) -> None:
        self.catalog = catalog
        self.lattice = lattice
        self.rules = rules
        self.today = today or dt.date.today()
        self._covers: dict[tuple, list[Permission]] = {}

    # needs -------------------------------------------------------------------------------------------
    def needs(self, manifest: Manifest) -> tuple[list[Need], list[Finding]]:
        ptype = manifest.auth
        needs: list[Need] = []
        findings: list[Finding] = []
        for ref in manifest.activities:
            rule = self.rules.find(ref.ref)
            if rule is None:
                hints = self.rules.suggest(ref.ref)
                hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
                findings.append(make("unknown-activity", f"unknown activity '{ref.ref}'{hint}", manifest.path,
                                     line=ref.line, column=ref.column, activity=ref.ref))
                continue
            if rule.kind == "scope":
                continue
            req = rule.requirement(ptype, ref.shared)
            if req.unsupported:
                findings.append(make("unsupported-auth",
                                     f"{rule.display_name} cannot run with {ptype} auth: {req.unsupported}",
                                     manifest.path, line=ref.line, column=ref.column, activity=ref.ref,
                                     permission_type=ptype, manifest=manifest.path))
                continue
            needs.append(self._need(rule.display_name, ref.line, req, rule=rule, shared=ref.shared,
                                    column=ref.column))
        if manifest.operations:
            from scopelint.operations import load_operations  # lazy: 3 MB of path data

            index = load_operations()
            for op in manifest.operations:
                match = index.match(ptype, op.request)
                if match is None:
                    findings.append(make("unknown-operation",
                                         f"'{op.request}' matches no path in Microsoft's permission data",
                                         manifest.path, line=op.line, column=op.column, activity=op.request))
                    continue
                names = sorted(set(match.least) | set(match.accepted))
                alts = tuple((self.catalog.permission(ptype, n) or Permission(ptype, n),) for n in names)
                req = Requirement(any_of=alts, provenance="derived", source=index.source, operations=(match.key,))
                needs.append(self._need(op.request, op.line, req, column=op.column))
        return needs, findings

    def _need(self, subject: str, line: int, req: Requirement, rule: Rule | None = None, shared: bool = False,
              column: int | None = None) -> Need:
        alts = tuple(self._reduce(alt) for alt in req.any_of)
        return Need(subject, line, alts, req.provenance, req.source, req.operations, rule, shared, column)

    # cover -------------------------------------------------------------------------------------------
    def _reduce(self, perms) -> Alternative:
        """Drop permissions another member already covers; sorted for determinism."""
        perms = set(perms)
        kept = {p for p in perms if not any(q != p and self.lattice.covers(q, p) for q in perms)}
        return tuple(sorted(kept))

    def cost(self, perms) -> tuple:
        """Least privilege first (highest rank, then the next...), fewer permissions only among equals."""
        return tuple(sorted((self.lattice.rank(p) for p in perms), reverse=True))

    def satisfied(self, alt: Alternative, held: set[Permission]) -> bool:
        return all(any(self.lattice.covers(h, p) for h in held) for p in alt)

    def minimal_cover(self, needs: list[Need], held: set[Permission] = frozenset()) -> list[Permission]:
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

    def choose(self, need: Need, held: set[Permission]) -> tuple[Alternative | None, dict[Permission, Permission]]:
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

    # compare -----------------------------------------------------------------------------------------
    def check(self, manifest: Manifest, registration: Registration | None, extra: Iterable[Finding] = ()) -> Result:
        """Needs, cover and findings; `extra` findings (e.g. project drift) go through the same `accept:` entries."""
        needs, findings = self.needs(manifest)
        minimal = self.minimal_cover(needs)
        ideal = {i: self.choose(n, set(minimal))[0] for i, n in enumerate(needs)}
        needed_by: dict[Permission, list[Need]] = {}
        for i, alt in ideal.items():
            for p in alt or ():
                for m in minimal:
                    if self.lattice.covers(m, p) and needs[i] not in needed_by.get(m, []):
                        needed_by.setdefault(m, []).append(needs[i])
        result = Result(manifest, needs, minimal, findings, registration, ideal, needed_by)
        if registration is not None:
            findings.extend(self._against_registration(manifest, needs, minimal, ideal, registration))
        if registration is not None and registration.consented is not None:
            findings.extend(self._against_consent(manifest, needs, registration))
        findings.extend(extra)
        accepted, result.exceptions = self._apply_accepts(manifest, findings)
        result.findings = sorted(accepted, key=Finding.sort_key)
        return result

    def _against_registration(self, manifest, needs, minimal, ideal, reg: Registration) -> list[Finding]:
        ptype = manifest.auth
        other = "application" if ptype == "delegated" else "delegated"
        held = reg.granted(ptype)
        lines = {g.permission: g.line for g in reg.requested}
        out: list[Finding] = []
        used: dict[Permission, list[int]] = {}
        unsatisfied = []
        for i, need in enumerate(needs):
            alt, using = self.choose(need, held)
            if alt is None:
                unsatisfied.append(i)
                continue
            for grant in using.values():
                used.setdefault(grant, []).append(i)
        additions = self.minimal_cover([needs[i] for i in unsatisfied], held) if unsatisfied else []
        wrong_type = {p.name.lower(): p for p in reg.granted(other)}
        for i in unsatisfied:
            need = needs[i]
            alt, using = self.choose(need, held | set(additions))
            for needed in alt or ():
                if using.get(needed) in held:
                    used.setdefault(using[needed], []).append(i)
                    continue
                perm = using.get(needed, needed)  # the addition that serves this and possibly other needs
                evidence = self._evidence(need)
                twin = wrong_type.get(perm.name.lower())
                if twin is not None:
                    as_needed = "" if perm == needed else f" (for {needed.name})"
                    out.append(make("wrong-type",
                                    f"{need.label} needs {perm.name}{as_needed} as a {ptype} permission; the "
                                    f"registration has it as {other} ({'Role' if other == 'application' else 'Scope'})",
                                    manifest.path, line=need.line, column=need.column,
                                    activity=need.subject, permission=perm.name,
                                    permission_type=ptype, evidence=evidence, manifest=manifest.path,
                                    extra={"registration_line": lines.get(twin)}))
                    continue
                via = "" if perm == needed else f"; {perm.name} covers it and other needs together"
                message = f"{need.label} needs {needed.name}, which the registration does not grant{via}"
                out.append(make("missing", message,
                                manifest.path, line=need.line, column=need.column,
                                activity=need.subject, permission=perm.name,
                                permission_type=ptype, evidence=evidence, manifest=manifest.path,
                                suggestion=f"add {perm.name} ({'Scope' if ptype == 'delegated' else 'Role'})"))
        minimal_set = set(minimal)
        for grant in sorted(held):
            if grant.name.lower() in OIDC_SCOPES:
                continue
            if grant not in used:
                out.append(make("excess", f"{grant.name} is granted but nothing in the manifest needs it",
                                reg.path, line=lines.get(grant), permission=grant.name, permission_type=ptype,
                                manifest=manifest.path))
                continue
            if grant in minimal_set:
                continue
            narrower = set()
            for i in used[grant]:
                narrower.update(ideal.get(i) or ())
            narrower = {p for p in narrower if p != grant and self.lattice.rank(p) < self.lattice.rank(grant)}
            if narrower:
                subjects = sorted({needs[i].label for i in used[grant]})
                names = ", ".join(p.name for p in sorted(narrower))
                out.append(make("broader",
                                f"{grant.name} is broader than needed for {', '.join(subjects)}: {names} would do",
                                reg.path, line=lines.get(grant), permission=grant.name, permission_type=ptype,
                                activity=subjects[0] if len(subjects) == 1 else None, manifest=manifest.path,
                                suggestion=f"replace {grant.name} with {names}",
                                evidence=tuple(f"{s} is satisfied through {grant.name}" for s in subjects)))
        claimed = {f.permission.lower() for f in out if f.kind == "wrong-type"}
        for grant in sorted(reg.granted(other)):
            if grant.name.lower() in claimed or grant.name.lower() in OIDC_SCOPES:
                continue
            out.append(make("excess",
                            f"{grant.name} is an {other} permission, but the manifest's auth is {ptype}: not used",
                            reg.path, line=lines.get(grant), permission=grant.name, permission_type=other,
                            manifest=manifest.path))
        for bad in reg.unresolved:
            out.append(make("unknown-permission", f"{bad.raw!r}: {bad.reason}", reg.path, line=bad.line,
                            permission=bad.raw, permission_type=bad.type, manifest=manifest.path))
        for res in reg.other_resources:
            out.append(make("not-checked",
                            f"{res.count} permission(s) for resource {res.resource} (not Microsoft Graph): not checked",
                            reg.path, line=res.line, manifest=manifest.path))
        return out

    def _against_consent(self, manifest: Manifest, needs: list[Need], reg: Registration) -> list[Finding]:
        """Required-and-requested permissions no consent grant covers; grants the registration no longer asks for."""
        ptype = manifest.auth
        consented = {g.permission for g in reg.consented or ()}
        lines = {g.permission: g.line for g in reg.requested}
        needed: dict[Permission, set[str]] = {}
        for need in needs:
            _, using = self.choose(need, reg.granted(ptype))
            for grant in using.values():
                needed.setdefault(grant, set()).add(need.label)
        out: list[Finding] = []
        for perm in sorted(needed):
            # A delegated sign-in asks for each scope by name and prompts for any scope nobody consented to, even
            # under a broader consented one; an app-only token carries every assigned role, so broader ones serve.
            if perm in consented or (ptype == "application" and any(self.lattice.covers(c, perm) for c in consented)):
                continue
            subjects = sorted(needed[perm])
            out.append(make("not-consented",
                            f"{perm.name} is requested and needed by {', '.join(subjects)}, but no consent grant "
                            "in the tenant covers it", reg.path, line=lines.get(perm), permission=perm.name,
                            permission_type=ptype, activity=subjects[0] if len(subjects) == 1 else None,
                            manifest=manifest.path, suggestion=f"grant admin consent for {perm.name}"))
        for grant in stale_grants(reg):
            perm = grant.permission
            out.append(make("consented-not-requested",
                            f"{perm.name} ({perm.type}) holds a grant ({grant.raw}) that the registration no longer "
                            "requests", reg.path, line=grant.line, permission=perm.name, permission_type=perm.type,
                            manifest=manifest.path, suggestion=f"revoke the grant for {perm.name}"))
        return out

    def _evidence(self, need: Need) -> tuple[str, ...]:
        ev = []
        if need.rule is not None:
            ev.append(f"activity {need.rule.cls} ({need.provenance})")
        if need.source:
            ev.append(f"source: {need.source}")
        ev.extend(f"Graph call: {op}" for op in need.operations)
        return tuple(ev)

    # exceptions --------------------------------------------------------------------------------------
    def _apply_accepts(self, manifest: Manifest,
                       findings: list[Finding]) -> tuple[list[Finding], list[ExceptionStatus]]:
        """Suppress what active exceptions cover; expired ones let their findings through and are findings
        themselves, as are stale ones (matching nothing). Every finding an exception touches carries it in
        `extra["exception"]` so reporters can show reason, owner, ticket and expiry."""
        out = []
        hits = {id(a): 0 for a in manifest.accept}
        for f in findings:
            match = next((a for a in manifest.accept if _accept_matches(a, f)), None)
            if match is None:
                out.append(f)
                continue
            hits[id(match)] += 1
            tagged = replace(f, extra={**f.extra, "exception": match})
            if match.expires is not None and match.expires < self.today:
                out.append(tagged)
                continue
            out.append(replace(tagged, suppressed_by=f"{manifest.path}:{match.line}: {match.reason}"))
        statuses = []
        for a in manifest.accept:
            who = ", ".join(f"{k} {v}" for k, v in (("owner", a.owner), ("ticket", a.ticket)) if v)
            where = dict(line=a.line, column=a.column, permission=a.permission, permission_type=a.type,
                         activity=a.activity, manifest=manifest.path, extra={"exception": a})
            if a.expires is not None and a.expires < self.today:
                status = "expired"
                out.append(make("expired-exception",
                                f"exception for {a.permission} expired on {a.expires.isoformat()} "
                                f"({'; '.join(filter(None, (a.reason, who)))})",
                                manifest.path, **where,
                                suggestion="extend 'expires' after a review, or fix the registration"))
            elif hits[id(a)] == 0:
                status = "stale"
                out.append(make("stale-exception",
                                f"exception for {a.permission} matches no finding; remove it"
                                + (f" ({who})" if who else ""),
                                manifest.path, **where))
            else:
                status = "active"
            statuses.append(ExceptionStatus(a, status, hits[id(a)]))
        return out, statuses


def stale_grants(reg: Registration) -> list[Grant]:
    """Consent grants for permissions the registration does not request (OIDC sign-in scopes aside)."""
    requested = {g.permission for g in reg.requested}
    return sorted((g for g in reg.consented or () if g.permission not in requested
                   and g.permission.name.lower() not in OIDC_SCOPES),
                  key=lambda g: (g.permission, g.raw))


def _accept_matches(accept, finding: Finding) -> bool:
    if finding.permission is None or finding.permission.lower() != accept.permission.strip().lower():
        return False
    if accept.type and finding.permission_type and accept.type != finding.permission_type:
        return False
    if accept.kind and (lookup(accept.kind) is None or lookup(accept.kind).kind != finding.kind):
        return False
    return not (accept.activity and (finding.activity or "").lower() != accept.activity.lower())
