"""Property-based tests: loaders never crash on anything, and the comparer keeps its promises."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scopelint.catalog import TYPES, Permission, load_catalog
from scopelint.compare import Engine
from scopelint.errors import InputError
from scopelint.evaluation import evaluate
from scopelint.lattice import load_lattice
from scopelint.manifest import parse_manifest
from scopelint.registration import Grant, Registration, parse_registration
from scopelint.rules import load_builtin_rules
from scopelint.yamlio import parse_yaml

CATALOG = load_catalog()
LATTICE = load_lattice()
RULES = load_builtin_rules()
ENGINE = Engine(CATALOG, LATTICE, RULES, today=dt.date(2026, 11, 28))
ACTIVITIES = sorted(r.cls for r in RULES if r.kind != "scope")
PROFILE = settings(max_examples=60, derandomize=True, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12),
                    st.sampled_from(["SendMail", "Mail.Send", "GET /me", "delegated", "application", "2027-01-01"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8) | st.sampled_from(
        ["scopelint", "name", "auth", "activities", "accept", "operations", "registration", "permission", "reason",
         "shared", "activity", "requiredResourceAccess", "resourceAppId", "resourceAccess", "id", "type"]),
        inner, max_size=5)), max_leaves=20)


@PROFILE
@given(st.text(max_size=300))
def test_manifest_loader_never_crashes_on_any_text(text):
    try:
        doc = parse_yaml(text, "m.yaml")
        parse_manifest(doc, "m.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)


@PROFILE
@given(json_values)
def test_manifest_loader_never_crashes_on_any_structure(value):
    text = yaml.safe_dump({"scopelint": 1, "name": "x", "activities": [], **value}
                          if isinstance(value, dict) else value)
    with contextlib.suppress(InputError):
        parse_manifest(parse_yaml(text, "m.yaml"), "m.yaml")


@PROFILE
@given(json_values)
def test_registration_reader_never_crashes(value):
    doc = {"requiredResourceAccess": value} if not isinstance(value, dict) else value
    with contextlib.suppress(InputError):
        parse_registration(doc, json.dumps(doc), "app.json", CATALOG)


def _manifest(activities: list[tuple[str, bool]], auth: str):
    items = "".join(f"  - activity: {a}\n    shared: {str(s).lower()}\n" for a, s in activities)
    return parse_manifest(parse_yaml(f"scopelint: 1\nname: t\nauth: {auth}\nactivities:\n{items}", "m"), "m")


def _registration(perms) -> Registration:
    return Registration("app.json", "test", tuple(Grant(p, None, p.name) for p in perms))


projects = st.tuples(
    st.lists(st.tuples(st.sampled_from(ACTIVITIES), st.booleans()), min_size=1, max_size=6, unique_by=lambda t: t[0]),
    st.sampled_from(TYPES),
)


def _key(findings):
    return sorted((f.kind, f.permission, f.permission_type, f.activity, f.message) for f in findings)


@PROFILE
@given(projects)
def test_exactly_the_printed_scopes_give_no_missing_and_no_excess(project):
    activities, auth = project
    manifest = _manifest(activities, auth)
    minimal = evaluate(ENGINE.analyse(manifest, None)).minimal
    findings = evaluate(ENGINE.analyse(manifest, _registration(minimal))).findings
    assert [f for f in findings if f.kind in ("missing", "excess", "broader", "wrong-type")] == []


@PROFILE
@given(projects, st.data())
def test_an_unrelated_permission_adds_exactly_one_excess(project, data):
    activities, auth = project
    manifest = _manifest(activities, auth)
    minimal = evaluate(ENGINE.analyse(manifest, None)).minimal
    needed = {p for m in minimal for p in LATTICE.implied(m)}
    unrelated = [Permission(auth, n) for n in CATALOG.names(auth)
                 if n.lower() not in ("openid", "profile", "email", "offline_access")
                 and not (LATTICE.implied(Permission(auth, n)) & needed)
                 and not any(LATTICE.covers(m, Permission(auth, n)) for m in minimal)]
    extra = data.draw(st.sampled_from(unrelated))
    findings = evaluate(ENGINE.analyse(manifest, _registration([*minimal, extra]))).findings
    assert [(f.kind, f.permission) for f in findings if f.kind != "unsupported-auth"] == [("excess", extra.name)]


@PROFILE
@given(projects, st.data())
def test_removing_a_required_permission_yields_a_missing(project, data):
    activities, auth = project
    manifest = _manifest(activities, auth)
    minimal = evaluate(ENGINE.analyse(manifest, None)).minimal
    assume(minimal)  # a project needing nothing has nothing to remove: hypothesis draws another, never a pass
    gone = data.draw(st.sampled_from(minimal))
    findings = evaluate(ENGINE.analyse(manifest, _registration([p for p in minimal if p != gone]))).findings
    assert any(f.kind == "missing" for f in findings)


@PROFILE
@given(projects, st.data())
def test_findings_do_not_depend_on_order(project, data):
    activities, auth = project
    grants = data.draw(st.lists(st.sampled_from([Permission(auth, n) for n in (
        "Mail.Send", "Mail.ReadWrite", "Mail.Read", "Files.ReadWrite.All", "Sites.Read.All", "Calendars.ReadWrite",
        "User.Read.All", "Tasks.ReadWrite.All", "Group.ReadWrite.All") if CATALOG.get(auth, n)]), unique=True))
    shuffled_activities = data.draw(st.permutations(activities))
    shuffled_grants = data.draw(st.permutations(grants))
    a = evaluate(ENGINE.analyse(_manifest(activities, auth), _registration(grants)))
    b = evaluate(ENGINE.analyse(_manifest(list(shuffled_activities), auth), _registration(shuffled_grants)))
    assert a.minimal == b.minimal
    assert _key(a.findings) == _key(b.findings)
