"""Data QA of the bundled knowledge: the rule packs, the catalog and the lattice checked against each other
and against Microsoft's permission data (policy_sentry style: the data is tested, not only the code)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml

from scopelint import proofs
from scopelint.catalog import TYPES, Permission, load_catalog
from scopelint.compare import Engine
from scopelint.evaluation import evaluate
from scopelint.lattice import load_lattice
from scopelint.operations import load_operations
from scopelint.rules import builtin_pack_files, load_builtin_rules

CATALOG = load_catalog()
LATTICE = load_lattice()
RULES = load_builtin_rules()
ENGINE = Engine(CATALOG, LATTICE, RULES)
RULE_LIST = list(RULES)
INDEX = load_operations()


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
            reqs = [rule.requirement(ptype, target) for target in ("own", "shared", "site")]
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


PROOF_CASES = proofs.cases(RULE_LIST)
LEAST, LEAST_SKIPS = proofs.least_cases(RULE_LIST, LATTICE, INDEX)
_SKIPPED = {(s.case.rule.cls, s.case.ptype, s.case.target): s.reason for s in LEAST_SKIPS}
_LEAST = {(c.rule.cls, c.ptype, c.target): least for c, least in LEAST}


@pytest.mark.parametrize("case", PROOF_CASES, ids=[f"{c.rule.short_name}-{c.ptype}-{c.target}"
                                                   for c in PROOF_CASES])
def test_requirement_is_consistent_with_its_operations(case):
    """Each alternative set lets every declared Graph call through per Microsoft's data, overrides included: a set
    UiPath documents that Microsoft refutes would pass `check` and get 403 (per-resource `.Selected` grants aside)."""
    assert proofs.check_consistency(case, LATTICE, INDEX) == []


@pytest.mark.parametrize("case", PROOF_CASES, ids=[f"{c.rule.short_name}-{c.ptype}-{c.target}"
                                                   for c in PROOF_CASES])
def test_every_requirement_offers_microsofts_least_privileged_set_or_says_why_with_a_source(case):
    """Documented rules keep UiPath's sets and also offer Microsoft's least-privileged set; derived rules never
    demand more than it. A case that cannot be decided is an explicit skip with its reason (never a pass)."""
    key = (case.rule.cls, case.ptype, case.target)
    if key in _SKIPPED:
        pytest.skip(_SKIPPED[key])
    assert proofs.check_least(case, _LEAST[key], LATTICE) == []


def test_least_privilege_skips_are_counted_and_each_has_a_reason():
    """The undecidable cases stay visible: their number and reasons are pinned, so a new one is a reviewed change."""
    reasons: dict[str, int] = {}
    for skip in LEAST_SKIPS:
        assert skip.reason
        kind = skip.reason.split(":")[0]
        reasons[kind] = reasons.get(kind, 0) + 1
    # 8 without operations: 6 before issue #15, plus the Mail package's Use Outlook 365 card
    # (delegated and application), a container that calls no Graph API itself (mail-outlook365.yaml)
    # not in path data: 57, plus 51 `site` cases (issue #14) whose /sites/{site-id}/drive/... or /drives/... calls
    # (Excel workbook ranges, search) Microsoft's path data does not list
    assert reasons == {"auth mode unsupported": 2, "no Graph operations declared (UiPath names no Graph call)": 8,
                       "not in Microsoft's path data": 108}
    assert len(LEAST) + len(LEAST_SKIPS) == len(PROOF_CASES)


def test_accepted_set_skips_are_counted_and_each_has_a_reason():
    """Sets Microsoft's data cannot decide stay visible: 85 per-resource grants (`Sites.Selected` for a site's
    files, granted outside the registration), and the same undecidable requirements as for least privilege."""
    skips = proofs.accepted_skips(RULE_LIST, INDEX, CATALOG)
    assert dict(proofs.skip_counts(skips)) == {
        "auth mode unsupported": 2, "granted per resource outside the registration": 85,
        "no Graph operations declared (UiPath names no Graph call)": 8, "not in Microsoft's path data": 108}
    assert {s.reason for s in skips if s.reason.startswith("granted")} == {
        "granted per resource outside the registration: [Sites.Selected]"}


def test_a_documented_set_microsoft_refutes_is_a_disagreement():
    """The proof holds overrides to Microsoft's data: Add Sheet with UiPath's read-only set back in is refuted."""
    rule = RULES.find("AddSheet")
    req = rule.requirement("delegated")
    sites_read = (CATALOG.permission("delegated", "Sites.Read.All"),)
    bad = rule._replace(delegated=req._replace(any_of=(*req.any_of, sites_read)))
    problems = proofs.check_consistency(proofs.Case(bad, "delegated"), LATTICE, INDEX)
    assert problems == ["UiPath.MicrosoftOffice365.Activities.Excel.AddSheet delegated: [Sites.Read.All] cannot "
                        "perform POST /me/drive/items/{id}/workbook/worksheets/add per Microsoft's data (read-only "
                        "for a write); accepted: Files.ReadWrite"]
    assert "Sites.Read.All" in req.override and "would get 403" in req.override


def test_documented_rules_offer_the_least_privileged_set_counted():
    offered = [c for c, least in LEAST if c.requirement.provenance == "documented" and not c.requirement.override
               and any(all(any(LATTICE.covers(h, p) for h in least) for p in alt) for alt in c.requirement.any_of)]
    assert len(offered) == 14


def test_one_graph_call_gets_one_answer_across_rules():
    assert proofs.check_one_answer(RULE_LIST, LATTICE, INDEX) == []


def test_excel_reads_need_files_readwrite_in_every_generation():
    """Decided from Microsoft's Get Range page and permission data: workbook reads need Files.ReadWrite."""
    for name in ("ReadRow", "ReadRowConnections", "ReadCell", "ReadCellConnections", "VLookupRange",
                 "VLookupRangeConnections", "GetCellColor", "GetCellColorConnections"):
        rule = RULES.find(name)
        assert [[p.name for p in alt] for alt in rule.requirement("delegated").any_of] == [["Files.ReadWrite"]], name


def test_every_lattice_edge_has_same_resource_or_path_evidence():
    compiled = json.loads((resources.files("scopelint") / "data" / "lattice.json").read_text("utf-8"))
    assert proofs.check_edges(compiled, CATALOG, INDEX, RULE_LIST) == []
    assert {e["kind"] for e in compiled["edges"]} == {"same-resource", "cross-resource"}
    for ptype in TYPES:
        for name in CATALOG.names(ptype):
            for edge in LATTICE.direct_edges(Permission(ptype, name)):
                if edge.source.startswith("naming scheme"):
                    assert proofs.same_resource(CATALOG, edge.covers, edge.implies), edge


def test_the_build_rejects_false_edges_with_reasons():
    compiled = json.loads((resources.files("scopelint") / "data" / "lattice.json").read_text("utf-8"))
    rejected = {(e["type"], e["covers"], e["implies"]): e["why"] for e in compiled["rejected"]}
    assert "GET /groups/{id}/planner/plans" in rejected[("delegated", "Directory.Read.All", "Group.Read.All")]
    assert ("delegated", "Sites.ReadWrite.All", "Files.ReadWrite.All") in rejected
    naming = {(e["type"], e["covers"], e["implies"]) for e in proofs.rejected_naming_edges(LATTICE)}
    assert ("application", "Calendars.ReadWrite.All", "Calendars.ReadWrite") in naming


def test_compiled_lattice_json_matches_what_the_build_proves():
    """data/lattice.json is what start-up reads; regenerate it with `python -m scopelint.databuild`."""
    from scopelint.databuild import build_lattice

    shipped = json.loads((resources.files("scopelint") / "data" / "lattice.json").read_text("utf-8"))
    assert shipped == build_lattice(report=False), "run: python -m scopelint.databuild"


def test_rejected_cross_resource_edges_are_explicit_alternatives_where_every_call_accepts_them():
    compiled = json.loads((resources.files("scopelint") / "data" / "lattice.json").read_text("utf-8"))
    assert proofs.check_explicit_alternatives(compiled, RULE_LIST, LATTICE, INDEX) == []


def test_every_name_in_the_rules_and_the_operation_index_resolves_for_its_type():
    assert proofs.check_names(RULE_LIST, CATALOG, INDEX) == []
    assert "Calendars.ReadBasic.All" in INDEX.match("application", "GET /users/{id}/calendars").least


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
        assert edge["source"].startswith("https://") and edge["kind"] in proofs.KINDS
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
        minimal = evaluate(ENGINE.analyse(manifest, None)).minimal
        reg = Registration("app.json", "test", tuple(Grant(p, None, p.name) for p in minimal))
        expected = ["unsupported-auth"] if rule.requirement(auth, shared).unsupported else []
        assert [f.kind for f in evaluate(ENGINE.analyse(manifest, reg)).findings] == expected
        assert all(p.type == auth for p in minimal)


def test_one_manifest_with_every_activity_checks_clean_against_its_scopes():
    from scopelint.manifest import parse_manifest
    from scopelint.registration import Grant, Registration
    from scopelint.yamlio import parse_yaml

    for auth in TYPES:
        items = "".join(f"  - {r.cls}\n" for r in RULE_LIST)
        manifest = parse_manifest(parse_yaml(f"scopelint: 1\nname: all\nauth: {auth}\nactivities:\n{items}", "m"), "m")
        minimal = evaluate(ENGINE.analyse(manifest, None)).minimal
        assert minimal
        reg = Registration("app.json", "test", tuple(Grant(p, None, p.name) for p in minimal))
        unsupported = sorted(r.cls for r in RULE_LIST if r.requirement(auth).unsupported)
        findings = evaluate(ENGINE.analyse(manifest, reg)).findings
        assert sorted(f.activity for f in findings if f.kind == "unsupported-auth") == unsupported
        assert [f for f in findings if f.kind != "unsupported-auth"] == []


def test_unsupported_auth_modes_are_explained_and_need_nothing_else():
    marked = [(r, t) for r in RULE_LIST for t in TYPES if r.requirement(t).unsupported]
    assert {r.short_name for r, _ in marked} >= {"FindMeetingTimes", "FindMeetingTimesConnections"}
    for rule, ptype in marked:
        req = rule.requirement(ptype)
        assert req.any_of == ((),), f"{rule.cls}: unsupported yet lists permissions"
        assert "Not supported" in req.unsupported or "no application permission" in req.unsupported
