"""Observed calls joined with Microsoft's operation index, the lattice, the manifest and the registration.

Each distinct call -> the index entry for its token's scheme (Scopes = delegated, Roles = application) -> the
least-privileged permission Microsoft documents for it, and the claim of the token that served it (the least
privileged claim covering one of the permissions the call accepts). From that: unused grants, calls the project
does not declare, denied calls, claims broader than their calls needed, declared needs never exercised, and calls
Graph's data does not list. Never prints.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from scopelint.catalog import OIDC_SCOPES, Catalog, Permission
from scopelint.findings import Finding, make
from scopelint.lattice import Lattice
from scopelint.operations import OperationIndex
from scopelint.registration import Registration
from scopelint.usage.tally import Tally, Window

if TYPE_CHECKING:
    from scopelint.analysis import Need

TOP = 5  # paths shown as evidence per finding
# What the logs alone can show (never-exercised needs `check --logs`, used-undeclared a manifest).
FINDING_KINDS = ("unused-grant", "used-undeclared", "denied", "token-broader", "unmatched-call")
DENIED = frozenset({403})


class OperationUse(NamedTuple):
    """One operation of the index (or an unmatched request) with what the logs say about it."""

    scheme: str
    key: str
    calls: int
    ok: int
    denied: int
    least: Permission | None
    accepted: tuple[Permission, ...]
    served_by: tuple[tuple[Permission, int], ...]
    claims_when_denied: tuple[str, ...]
    paths: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Usage:
    """What one app (or every app of the logs) did in the window: the reporters' view of observed usage."""

    sources: tuple[str, ...]
    app_ids: tuple[str, ...]
    window: Window
    rows: int
    calls: int
    filtered: int
    batches: int
    ignored: int
    operations: tuple[OperationUse, ...]
    unmatched: tuple[tuple[str, int], ...]
    claims_seen: tuple[Permission, ...]
    users: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    people_counted: bool = False

    @property
    def unmatched_calls(self) -> int:
        return sum(n for _, n in self.unmatched)

    def served(self) -> dict[Permission, int]:
        out: dict[Permission, int] = {}
        for op in self.operations:
            for perm, n in op.served_by:
                out[perm] = out.get(perm, 0) + n
        return out


class Joiner:
    """Maps observed calls onto permissions with one catalog, lattice and operation index."""

    def __init__(self, catalog: Catalog, lattice: Lattice, index: OperationIndex) -> None:
        self.catalog = catalog
        self.lattice = lattice
        self.index = index
        self._matches: dict[tuple[str, str, str], tuple] = {}

    def _perm(self, scheme: str, name: str) -> Permission:
        return self.catalog.permission(scheme, name) or Permission(scheme, name)  # type: ignore[arg-type]

    def _match(self, scheme: str, method: str, path: str) -> tuple:
        """(index key, least-privileged permission, accepted permissions), or () when Graph's data has no entry."""
        cache = (scheme, method, path)
        if cache not in self._matches:
            try:
                found = self.index.match(scheme, f"{method} {path}")  # type: ignore[arg-type]
            except ValueError:
                found = None
            if found is None:
                self._matches[cache] = ()
            else:
                least = [self._perm(scheme, n) for n in found.least]
                accepted = {self._perm(scheme, n) for n in (*found.least, *found.accepted)}
                if scheme == "delegated" and path.startswith("/users/{id}/"):
                    shared = {s for p in accepted if (s := self._shared(p)) is not None}
                    if shared:
                        least = sorted(shared)
                        accepted |= shared
                best = min(least, key=self.lattice.rank) if least else None
                self._matches[cache] = (found.key, best, tuple(sorted(accepted)))
        return self._matches[cache]

    def _shared(self, perm: Permission) -> Permission | None:
        """A delegated call under /users/{id} reaches another user's data (a shared mailbox, calendar): Microsoft
        documents the `.Shared` variants for that ("mail a user can access, including shared mail",
        https://learn.microsoft.com/graph/permissions-reference#mailreadshared)."""
        if perm.name.endswith((".Shared", ".All")):
            return None
        return self.catalog.permission("delegated", perm.name + ".Shared")

    def serving(self, claims: Iterable[Permission], accepted: tuple[Permission, ...],
                prefer: frozenset[Permission] = frozenset()) -> Permission | None:
        """The claim that served a call: one the project declares when it fits, a `.Shared` one for another
        user's data (a shared-mailbox read is Mail.Read.Shared, not the Mail.ReadWrite beside it), else the least
        privileged claim that covers one of the permissions the call accepts."""
        fits = [c for c in claims if any(self.lattice.covers(c, a) for a in accepted)]
        if not fits:
            return None
        shared = {a for a in accepted if a.name.endswith(".Shared")}
        return min(fits, key=lambda c: (c not in prefer, c not in shared, self.lattice.rank(c)))

    def usage(self, tally: Tally, sources: Iterable[str], default_scheme: str,
              apps: Iterable[str] | None = None, show_users: bool = False,
              declared: Iterable[Permission] = ()) -> Usage:
        """The usage of these apps (every app in the logs by default); `declared` (the manifest's minimal set)
        is preferred when attributing a call to the claim that served it."""
        prefer = frozenset(declared)
        wanted = set(apps) if apps is not None else None
        rows = [o for o in tally.observed() if wanted is None or o.app_id in wanted]
        ops: dict[tuple[str, str], dict] = {}
        unmatched: dict[str, int] = {}
        claims_seen: set[Permission] = set()
        for o in rows:
            scheme = o.scheme or default_scheme
            held = [self._perm(scheme, c) for c in o.claims]
            claims_seen.update(held)
            match = self._match(scheme, o.method, o.path)
            request = f"{o.method} {o.path}"
            if not match:
                unmatched[request] = unmatched.get(request, 0) + o.calls
                continue
            key, least, accepted = match
            entry = ops.setdefault((scheme, key), {"calls": 0, "ok": 0, "denied": 0, "least": least,
                                                   "accepted": accepted, "served": {}, "denied_claims": set(),
                                                   "paths": {}})
            entry["calls"] += o.calls
            entry["paths"][request] = entry["paths"].get(request, 0) + o.calls
            if o.status in DENIED:
                entry["denied"] += o.calls
                entry["denied_claims"].update(o.claims)
            elif 200 <= o.status < 400:
                entry["ok"] += o.calls
                served = self.serving(held, accepted, prefer)
                if served is not None:
                    entry["served"][served] = entry["served"].get(served, 0) + o.calls
        operations = tuple(
            OperationUse(scheme, key, e["calls"], e["ok"], e["denied"], e["least"], e["accepted"],
                         tuple(sorted(e["served"].items())), tuple(sorted(e["denied_claims"])),
                         _top(e["paths"], len(e["paths"])))
            for (scheme, key), e in sorted(ops.items()))
        app_ids = tuple(sorted(wanted if wanted is not None else {o.app_id for o in rows}))
        users = tuple(sorted(tally.users)) if show_users else ()
        ips = tuple(sorted(tally.ips)) if show_users else ()
        return Usage(tuple(sources), app_ids, tally.window(wanted), tally.rows, sum(o.calls for o in rows),
                     tally.filtered, tally.batches, tally.ignored, operations, _top(unmatched, len(unmatched)),
                     tuple(sorted(claims_seen)), users, ips, show_users)

    # findings: one method per check of the `usage` family (scopelint.checks.usage) -------------------------
    def findings(self, usage: Usage, ctx: "Context", kinds: Iterable[str] = FINDING_KINDS) -> list[Finding]:
        """The usage findings of these kinds (without a manifest: the logs judged on their own)."""
        out: list[Finding] = []
        for kind in kinds:
            out.extend(getattr(self, kind.replace("-", "_"))(usage, ctx))
        return out

    def _window_text(self, usage: Usage) -> str:
        w = usage.window
        if not w.first:
            return f"{usage.calls} call(s) observed"
        days = w.days
        span = f" ({days} day(s))" if days else ""
        return f"{usage.calls} call(s) from {w.first[:10]} to {w.last[:10]}{span}"

    def unused_grant(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """Granted (or, without a registration, carried by the tokens) and never what served a call."""
        if not usage.calls:  # no call at all says nothing about any permission
            return []
        served = usage.served()
        schemes = {op.scheme for op in usage.operations} or {p.type for p in usage.claims_seen}
        registration = ctx.registration
        if registration is not None:
            lines = {g.permission: g.line for g in registration.requested}
            granted = {g.permission for g in registration.requested if g.permission.type in schemes}
            origin = registration.path
        else:
            lines = {}
            granted = set(usage.claims_seen)
            origin = ctx.where
        out = []
        window = self._window_text(usage)
        for perm in sorted(granted):
            if perm in served or perm.name.lower() in OIDC_SCOPES:
                continue
            what = "granted" if registration is not None else "carried by the tokens"
            if perm in ctx.declared:
                suggestion = (f"the manifest still needs {perm.name}: if that activity is dead, remove it from the "
                              "manifest first")
            else:
                suggestion = f"remove {perm.name}"
            out.append(make("unused-grant", f"{perm.name} is {what} but none of the {window} needed it",
                            origin, line=lines.get(perm), permission=perm.name, permission_type=perm.type,
                            manifest=ctx.manifest, suggestion=suggestion,
                            evidence=(f"window: {usage.window.first or '?'} .. {usage.window.last or '?'}",
                                      f"calls observed: {usage.calls}",
                                      f"app(s): {', '.join(usage.app_ids) or '(not logged)'}")))
        return out

    def used_undeclared(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """Successful calls no permission of the manifest's minimal set covers, grouped by what they need."""
        if not ctx.has_manifest:
            return []
        groups: dict[Permission, dict[str, int]] = {}
        for op in usage.operations:
            if op.ok == 0 or op.least is None:
                continue
            if any(self.lattice.covers(d, a) for d in ctx.declared for a in op.accepted):
                continue
            paths = groups.setdefault(op.least, {})
            paths[op.key] = paths.get(op.key, 0) + op.ok
        out = []
        for perm, paths in sorted(groups.items()):
            total = sum(paths.values())
            top = _top(paths, TOP)
            out.append(make("used-undeclared",
                            f"{total} successful call(s) need {perm.name}, which nothing in the manifest declares "
                            f"(top: {top[0][0]})", ctx.manifest, permission=perm.name,
                            permission_type=perm.type, manifest=ctx.manifest,
                            suggestion="declare the calls under `operations:` or find out who makes them",
                            evidence=tuple(f"{k}: {n} call(s)" for k, n in top)))
        return out

    def denied(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """403 answers per operation, with the least-privileged permission that would have served them."""
        out = []
        for op in usage.operations:
            if not op.denied:
                continue
            would = op.least.name if op.least else None
            scheme = "Scope" if op.scheme == "delegated" else "Role"
            message = f"{op.key} was denied {op.denied} time(s) (403)" + (
                f": {would} ({op.scheme}) would serve it" if would else "")
            evidence = [f"{p}: {n} call(s)" for p, n in op.paths[:TOP]]
            evidence.append("token carried: " + (", ".join(op.claims_when_denied) or "no claims"))
            out.append(make("denied", message, ctx.manifest, manifest=ctx.manifest, activity=op.key,
                            permission=would, permission_type=op.scheme, evidence=tuple(evidence),
                            suggestion=f"add {would} ({scheme})" if would else None))
        return out

    def token_broader(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """A claim all of whose calls Microsoft documents a narrower permission for (never one the manifest
        needs: narrowing it would break a declared activity)."""
        per_claim: dict[Permission, list[tuple[OperationUse, int]]] = {}
        for op in usage.operations:
            for perm, n in op.served_by:
                per_claim.setdefault(perm, []).append((op, n))
        registration = ctx.registration
        lines = {g.permission: g.line for g in registration.requested} if registration is not None else {}
        out = []
        for perm, served in sorted(per_claim.items()):
            if perm in ctx.declared:
                continue
            narrower = {op.least for op, _ in served if op.least is not None}
            rank = self.lattice.rank(perm)
            if not narrower or not all(self.lattice.rank(p) < rank for p in narrower):
                continue
            calls = sum(n for _, n in served)
            names = ", ".join(p.name for p in sorted(narrower))
            out.append(make("token-broader",
                            f"{perm.name} served {calls} call(s) that needed only {names}",
                            registration.path if registration is not None else ctx.manifest, line=lines.get(perm),
                            permission=perm.name, permission_type=perm.type, manifest=ctx.manifest,
                            suggestion=f"replace {perm.name} with {names}",
                            evidence=tuple(f"{op.key}: {n} call(s), {op.least.name} would do"
                                           for op, n in sorted(served, key=lambda t: (-t[1], t[0].key))[:TOP * 2]
                                           if op.least is not None)))
        return out

    def unmatched_call(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """Calls Graph's data does not list: counted and listed, never dropped."""
        if not usage.unmatched:
            return []
        return [make("unmatched-call",
                     f"{usage.unmatched_calls} call(s) to {len(usage.unmatched)} path(s) match nothing in "
                     "Microsoft's permission data", ctx.manifest, manifest=ctx.manifest,
                     evidence=tuple(f"{p}: {n} call(s)" for p, n in usage.unmatched[:TOP * 2]))]

    def never_exercised(self, usage: Usage, ctx: "Context") -> list[Finding]:
        """Declared needs no successful call exercised: by the Graph calls their rule names (as index entries,
        `/me` and `/users/{id}` alike), else -- a need without listed calls -- by its chosen permissions."""
        used = [op for op in usage.operations if op.ok]
        seen = {_as_user(op.key) for op in used}
        out = []
        for i, need in enumerate(ctx.needs):
            alt = ctx.chosen.get(i) or ()
            if need.operations:
                keys = {_as_user(self._key(ctx.auth, op)) for op in need.operations}
                if keys & seen:
                    continue
            elif any(self.lattice.covers(p, a) for op in used for p in alt for a in op.accepted):
                continue
            perms = ", ".join(p.name for p in alt) or "its permissions"
            out.append(make("never-exercised",
                            f"{need.label} needs {perms}, but none of the {self._window_text(usage)} used them",
                            ctx.manifest, line=need.line, column=need.column, activity=need.subject,
                            manifest=ctx.manifest, evidence=tuple(f"Graph call: {op}" for op in need.operations),
                            suggestion="check whether the activity still runs; remove it when it is dead"))
        return out

    def _key(self, scheme: str, request: str) -> str:
        """The index entry of a rule's Graph call ('GET /users/{id|name}/...'), or the call as written."""
        try:
            found = self.index.match(scheme, request)  # type: ignore[arg-type]
        except ValueError:
            found = None
        return found.key if found is not None else request


class Context(NamedTuple):
    """What a usage finding is judged against: where the logs are, the manifest (a label without one), its
    minimal set, the registration, and the declared needs with the alternative each takes."""

    where: str
    manifest: str
    declared: frozenset[Permission] = frozenset()
    registration: Registration | None = None
    needs: "tuple[Need, ...]" = ()
    chosen: Mapping[int, tuple[Permission, ...] | None] = MappingProxyType({})
    has_manifest: bool = False
    auth: str = "delegated"


class Observed(NamedTuple):
    """Observed usage as the Analysis of one manifest holds it: the facts and the joiner that judges them."""

    usage: Usage
    joiner: Joiner
    where: str


def _as_user(key: str) -> str:
    """'GET /me/messages' and 'GET /users/{id}/messages' as one key (one API in Microsoft's data)."""
    method, _, path = key.partition(" ")
    if path == "/me" or path.startswith("/me/"):
        path = "/users/{id}" + path[3:]
    return f"{method} {path.lower()}"


def _top(counts: dict[str, int], n: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def observed_apps(tally: Tally) -> list[str]:
    """The app ids the logs hold calls for (most calls first)."""
    return [a for a, _ in sorted(tally.apps.items(), key=lambda kv: (-kv[1], kv[0]))]


