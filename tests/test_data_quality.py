"""Data QA of the bundled knowledge: the rule packs, the catalog and the lattice checked against each other
and against Microsoft's permission data (policy_sentry style: the data is tested, not only the code)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml

from scopelint.analysis import Need
from scopelint.catalog import TYPES, Permission, load_catalog
from scopelint.compare import Engine
from scopelint.lattice import load_lattice
from scopelint.operations import load_operations
from scopelint.rules import builtin_pack_files, load_builtin_rules

CATALOG = load_catalog()
LATTICE = load_lattice()
RULES = load_builtin_rules()
ENGINE = Engine(CATALOG, LATTICE, RULES)
RULE_LIST = list(RULES)


def _schema(name: str) -> dict:
    return json.loads((resources.files("scopelint") / "schemas" / name).read_text("utf-8"))


@pytest.mark.parametrize("path", builtin_pack_files(), ids=lambda p: p.name)
def test_every_pack_validates_against_the_published_schema(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(_schema("rulepack.schema.json")).validate(doc)


def test_every_permission_named_in_a_rule_exists_in_the_catalog_for_its_type():
    unknown = []
    for rule in RULE_LIST:
        for ptype in TYPES:
            reqs = [rule.requirement(ptype)] + ([rule.shared[ptype]] if ptype in rule.shared else [])
            for req in reqs:
                for alt in req.any_of:
                    unknown.extend(f"{rule.cls}: {p}" for p in alt if CATALOG.get(p.type, p.name) is None)
    assert unknown == []


def test_class_names_are_unique_across_packs_and_aliases_do_not_shadow_classes():
    seen: dict[str, str] = {}
    for path in builtin_pack_files():
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            assert raw["class"].lower() not in seen, f"{raw['class']} in {path.name} and {seen[raw['class'].lower()]}"
            seen[raw["class"].lower()] = path.name
    for rule in RULE_LIST:
        for alias in rule.aliases:
            owner = RULES.find(alias)
            assert owner is not None
            if alias.lower() in seen:
                assert owner is rule or owner.cls.lower() == alias.lower()


def test_every_activity_has_a_delegated_and_application_requirement_or_an_explained_none():
    for rule in RULE_LIST:
        for ptype in TYPES:
            req = rule.requirement(ptype)
            assert req.any_of, f"{rule.cls} {ptype}: empty any_of"
            if req.needs_nothing:
                assert rule.notes, f"{rule.cls} {ptype}: needs nothing but says not why"
        if rule.kind != "scope" and rule.cls.rsplit(".", 1)[-1] not in ("HttpRequestConnections", "UseDriveCard"):
            assert not rule.requirement("delegated").needs_nothing, f"{rule.cls} needs no delegated permission?"


def test_documented_requirements_name_their_source_and_derived_ones_their_operations():
    for rule in RULE_LIST:
        for ptype in TYPES:
            req = rule.requirement(ptype)
            if req.provenance == "documented":
                assert req.source and req.source.startswith("https://"), rule.cls
            elif not req.needs_nothing:
                assert req.operations, f"{rule.cls} {ptype}: derived but lists no Graph operations"
        assert rule.sources, rule.cls


def test_the_documented_non_permission_sites_readwrite_is_not_shipped():
    names = {p.name for r in RULE_LIST for t in TYPES for alt in r.requirement(t).any_of for p in alt}
    assert "Sites.ReadWrite" not in names
    delete = RULES.find("UiPath.MicrosoftOffice365.Activities.Files.DeleteItem")
    assert "Sites.ReadWrite" in delete.notes


def _op_needs(ops, ptype: str, widen: bool) -> list[Need]:
    """What Microsoft's data says each operation needs: its least-privileged permissions (else accepted)."""
    index = load_operations()
    needs = []
    for op in ops:
        if ptype == "application":
            op = op.replace(" /me/", " /users/{id}/")
        match = index.match(ptype, op)
        if match is None:
            continue
        names = match.least or match.accepted
        perms = [CATALOG.permission(ptype, n) for n in names if CATALOG.permission(ptype, n)]
        if widen:
            perms = [_wider(p) for p in perms]
        needs.append(Need(op, 0, tuple((p,) for p in perms), "derived", None, (match.key,)))
    return needs


def _wider(perm: Permission) -> Permission:
    """The shared-mailbox / other-user variant Microsoft's path data does not distinguish (.Shared, else .All)."""
    for suffix in (".Shared", ".All"):
        wider = CATALOG.permission(perm.type, perm.name + suffix)
        if wider:
            return wider
    return perm


def _cases():
    for rule in RULE_LIST:
        for ptype in TYPES:
            yield rule, ptype, False
            if ptype in rule.shared:
                yield rule, ptype, True


CASES = list(_cases())


@pytest.mark.parametrize(("rule", "ptype", "shared"), CASES,
                         ids=[f"{r.short_name}-{t}{'-shared' if s else ''}" for r, t, s in CASES])
def test_requirement_is_consistent_with_its_operations(rule, ptype, shared):
    """Each alternative set lets every declared Graph call through, unless the rule records why not."""
    req = rule.requirement(ptype, shared)
    if req.override:
        return
    held_ok = []
    for need in _op_needs(req.operations, ptype, shared):
        index = load_operations()
        match = index.match(ptype, need.subject)
        accepted = {CATALOG.permission(ptype, n) for n in (*match.least, *match.accepted)} - {None}
        if shared:
            accepted |= {_wider(p) for p in accepted}
        for alt in req.any_of:
            ok = any(any(LATTICE.covers(g, a) for g in alt) for a in accepted)
            held_ok.append((need.subject, [p.name for p in alt], ok))
    assert [h for h in held_ok if not h[2]] == []


@pytest.mark.parametrize(("rule", "ptype", "shared"), CASES,
                         ids=[f"{r.short_name}-{t}{'-shared' if s else ''}" for r, t, s in CASES])
def test_no_rule_demands_more_than_graphs_least_privilege_without_a_recorded_reason(rule, ptype, shared):
    """If Graph's least-privileged set is strictly narrower in the lattice than the rule's cheapest set, the rule
    must say why (an `override`)."""
    req = rule.requirement(ptype, shared)
    needs = _op_needs(req.operations, ptype, shared)
    if req.override or not needs:
        return
    least = set(ENGINE.minimal_cover(needs))
    cheapest = min(req.any_of, key=ENGINE.cost)
    narrower = all(any(LATTICE.covers(a, m) for a in cheapest) for m in least)
    assert not (narrower and ENGINE.cost(cheapest) > ENGINE.cost(least)), (
        f"{[p.name for p in cheapest]} where Graph's least is {sorted(p.name for p in least)}")


def test_catalog_counts_and_the_guid_shared_by_a_scope_and_a_role():
    assert len(CATALOG.names("delegated")) == 807
    assert len(CATALOG.names("application")) == 716
    scope = CATALOG.by_id("delegated", "405a51b5-8d8d-430b-9842-8be4b0e9f324")
    role = CATALOG.by_id("application", "405a51b5-8d8d-430b-9842-8be4b0e9f324")
    assert scope.permission.name == role.permission.name == "User.Export.All"
    assert scope.permission.type == "delegated" and role.permission.type == "application"


def test_catalog_records_where_it_comes_from():
    assert "merill/microsoft-info" in CATALOG.source
    assert CATALOG.retrieved


def test_lattice_edges_are_between_catalog_permissions_and_name_a_source():
    doc = yaml.safe_load((resources.files("scopelint") / "data" / "lattice.yaml").read_text("utf-8"))
    for edge in doc["edges"]:
        assert edge["source"]
        types = TYPES if edge["type"] == "both" else (edge["type"],)
        assert any(CATALOG.get(t, edge["covers"]) for t in types), edge["covers"]
    for non in doc["non_edges"]:
        assert non["why"]
        for t in TYPES:
            a, b = CATALOG.permission(t, non["covers"]), CATALOG.permission(t, non["implies"])
            if a and b:
                assert not LATTICE.covers(a, b), f"{a} must not cover {b}"


def test_compiled_rules_json_matches_the_yaml_sources():
    """data/rules.json is what start-up reads; regenerate it with `python -m scopelint.databuild`."""
    from scopelint.rules import compile_builtin_packs

    shipped = json.loads((resources.files("scopelint") / "data" / "rules.json").read_text("utf-8"))
    assert shipped == json.loads(json.dumps(compile_builtin_packs())), "run: python -m scopelint.databuild"


@pytest.mark.parametrize("auth", TYPES)
@pytest.mark.parametrize("rule", RULE_LIST, ids=[r.cls.rsplit(".", 2)[-2] + "." + r.short_name for r in RULE_LIST])
def test_exactly_what_scopes_prints_checks_clean_for_every_activity(rule, auth):
    """A registration holding exactly the minimal set has no finding, for every activity and both auth modes."""
    from scopelint.manifest import parse_manifest
    from scopelint.registration import Grant, Registration
    from scopelint.yamlio import parse_yaml

    for shared in (False, True):
        text = f"scopelint: 1\nname: t\nauth: {auth}\nactivities:\n  - activity: {rule.cls}\n    shared: {shared}\n"
        manifest = parse_manifest(parse_yaml(text, "m.yaml"), "m.yaml")
        minimal = ENGINE.check(manifest, None).minimal
        reg = Registration("app.json", "test", tuple(Grant(p, None, p.name) for p in minimal))
        expected = ["unsupported-auth"] if rule.requirement(auth, shared).unsupported else []
        assert [f.kind for f in ENGINE.check(manifest, reg).findings] == expected
        assert all(p.type == auth for p in minimal)


def test_one_manifest_with_every_activity_checks_clean_against_its_scopes():
    from scopelint.manifest import parse_manifest
    from scopelint.registration import Grant, Registration
    from scopelint.yamlio import parse_yaml

    for auth in TYPES:
        items = "".join(f"  - {r.cls}\n" for r in RULE_LIST)
        manifest = parse_manifest(parse_yaml(f"scopelint: 1\nname: all\nauth: {auth}\nactivities:\n{items}", "m"), "m")
        minimal = ENGINE.check(manifest, None).minimal
        assert minimal
        reg = Registration("app.json", "test", tuple(Grant(p, None, p.name) for p in minimal))
        unsupported = sorted(r.cls for r in RULE_LIST if r.requirement(auth).unsupported)
        findings = ENGINE.check(manifest, reg).findings
        assert sorted(f.activity for f in findings if f.kind == "unsupported-auth") == unsupported
        assert [f for f in findings if f.kind != "unsupported-auth"] == []


def test_unsupported_auth_modes_are_explained_and_need_nothing_else():
    marked = [(r, t) for r in RULE_LIST for t in TYPES if r.requirement(t).unsupported]
    assert {r.short_name for r, _ in marked} >= {"FindMeetingTimes", "FindMeetingTimesConnections"}
    for rule, ptype in marked:
        req = rule.requirement(ptype)
        assert req.any_of == ((),), f"{rule.cls}: unsupported yet lists permissions"
        assert "Not supported" in req.unsupported or "no application permission" in req.unsupported
