"""Explanations for `scopelint explain` and the data behind `scopelint rules list`."""

from __future__ import annotations

from scopelint.catalog import TYPES, PermissionType, load_catalog
from scopelint.checks import lookup
from scopelint.lattice import load_lattice
from scopelint.rules import TARGETS, LibraryRule, Requirement, Rule, load_builtin_rules


def rule_dict(rule: Rule) -> dict:
    """One activity's rule as plain data (the JSON of `rules list`)."""

    def sets(req: Requirement | None) -> list[list[str]]:
        return [[p.name for p in alt] for alt in req.any_of] if req else []

    def prov(req: Requirement | None) -> dict:
        if req is None:
            return {}
        out: dict = {"kind": req.provenance}
        if req.source:
            out["source"] = req.source
        if req.provenance == "derived":
            out["operations"] = list(req.operations)
        if req.override:
            out["override"] = req.override
        if req.unsupported:
            out["unsupported"] = req.unsupported
        return out

    return {
        "class": rule.cls,
        "display_name": rule.display_name,
        "group": rule.group,
        "generation": rule.generation,
        "kind": rule.kind,
        "aliases": list(rule.aliases),
        "class_confirmed": rule.class_confirmed,
        "operations": list(rule.operations),
        "delegated": sets(rule.delegated),
        "application": sets(rule.application),
        "shared": {t: sets(r) for t, r in sorted(rule.shared.items())},
        "site": {t: sets(r) for t, r in sorted(rule.site.items())},
        "provenance": {"delegated": prov(rule.delegated), "application": prov(rule.application)},
        "sources": list(rule.sources),
        "notes": rule.notes,
        "pack": rule.pack,
    }


def library_dict(library: LibraryRule) -> dict:
    """A rule pack's `libraries:` entry as plain data (the JSON of `rules list`): the package and the Graph calls a
    project depending on it makes."""
    return {"package": library.package, "description": library.description, "operations": list(library.operations),
            "sources": list(library.sources), "pack": library.pack, "origin": library.origin}


def explain_text(thing: str, auth: PermissionType | None = None) -> str:
    """Text for an activity, a permission, a finding code or a Graph call; did-you-mean when nothing matches."""
    rules = load_builtin_rules()
    code = lookup(thing)
    if code:
        return f"{code.id} {code.kind} (default severity: {code.severity})\n  {code.summary}\n\n{_wrap(code.help)}\n"
    rule = rules.find(thing)
    if rule:
        return _explain_rule(rule, auth)
    catalog = load_catalog()
    infos = [catalog.get(t, thing) for t in TYPES]
    if any(infos):
        return _explain_permission(thing, auth)
    if thing.split(" ", 1)[0].upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        return _explain_operation(thing, auth)
    hints = rules.suggest(thing)
    hint = f" Did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
    from scopelint.errors import InputError

    raise InputError(f"'{thing}' is not a known activity, permission, finding code or Graph call.{hint}")


def _explain_rule(rule: Rule, auth: PermissionType | None) -> str:
    lines = [f"{rule.display_name}  ({rule.cls})",
             f"  group {rule.group}, {rule.generation} {rule.kind}, pack {rule.pack}"
             + ("" if rule.class_confirmed else ", class name inferred")]
    if rule.operations:
        lines.append("  Graph calls:")
        lines.extend(f"    {op}" for op in rule.operations)
    for ptype in (auth,) if auth else TYPES:
        for target in TARGETS:
            if target != "own" and ptype not in rule.option(target):
                continue
            req = rule.requirement(ptype, target)
            label = f"{ptype}, target {target}"
            alts = " OR ".join("(" + " + ".join(p.name for p in alt) + ")" if alt else "(nothing)"
                               for alt in req.any_of)
            lines.append(f"  {label}: NOT SUPPORTED — {req.unsupported}" if req.unsupported else f"  {label}: {alts}")
            lines.append(f"    provenance: {req.provenance}" + (f", {req.source}" if req.source else ""))
            if req.override:
                lines.append(f"    override: {req.override}")
    if rule.sources:
        lines.append("  sources:")
        lines.extend(f"    {s}" for s in rule.sources)
    if rule.notes:
        lines.append("  notes:")
        lines.append(_wrap(rule.notes, indent="    "))
    return "\n".join(lines) + "\n"


def _explain_permission(name: str, auth: PermissionType | None) -> str:
    catalog = load_catalog()
    lattice = load_lattice()
    rules = load_builtin_rules()
    lines = []
    for ptype in (auth,) if auth else TYPES:
        info = catalog.get(ptype, name)
        if info is None:
            continue
        p = info.permission
        lines.append(f"{p.name} ({ptype}, {'Scope' if ptype == 'delegated' else 'Role'} {info.id})")
        lines.append(f"  {info.title}" + ("" if info.enabled else "  [disabled by Microsoft]"))
        lines.append(f"  admin consent: {'required' if info.admin_consent else 'not required'}; "
                     f"privilege level: {info.privilege if info.privilege is not None else 'not rated'}")
        implied = sorted(q.name for q in lattice.implied(p) if q != p)
        if implied:
            lines.append(f"  also grants: {', '.join(implied)}")
        users = sorted({r.short_name for r in rules
                        if any(p in alt for req in (r.requirement(ptype), *r.shared.values(), *r.site.values())
                               for alt in req.any_of if req is not None)})
        if users:
            lines.append(f"  named by the rules of: {', '.join(users)}")
    return "\n".join(lines) + "\n"


def _explain_operation(request: str, auth: PermissionType | None) -> str:
    from scopelint.operations import load_operations, parse_request

    try:
        parse_request(request)
    except ValueError as exc:
        from scopelint.errors import InputError

        raise InputError(f"bad Graph call {request!r}: {exc}") from None
    index = load_operations()
    lines = [request]
    for ptype in (auth,) if auth else TYPES:
        m = index.match(ptype, request)
        if m is None:
            lines.append(f"  {ptype}: no match in Microsoft's permission data")
            continue
        lines.append(f"  {ptype}: matches {m.key}")
        lines.append(f"    least privileged: {', '.join(m.least) or '(not marked)'}")
        lines.append(f"    accepted: {', '.join(m.accepted)}")
    lines.append(f"  source: {index.source}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str = "  ") -> str:
    import textwrap

    return textwrap.fill(" ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent)
