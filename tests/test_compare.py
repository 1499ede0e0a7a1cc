"""The engine's cover choice: least privilege first, fewer permissions only among equals, deterministic."""

from __future__ import annotations

import datetime as dt

from scopelint.catalog import Permission, load_catalog
from scopelint.compare import Engine
from scopelint.evaluation import evaluate
from scopelint.lattice import load_lattice
from scopelint.manifest import parse_manifest
from scopelint.registration import Grant, Registration
from scopelint.rules import load_builtin_rules
from scopelint.yamlio import parse_yaml

ENGINE = Engine(load_catalog(), load_lattice(), load_builtin_rules(), today=dt.date(2026, 11, 28))


def manifest(activities: str, auth: str = "delegated", extra: str = ""):
    text = f"scopelint: 1\nname: t\nauth: {auth}\nactivities: {activities}\n{extra}"
    return parse_manifest(parse_yaml(text, "m.yaml"), "m.yaml")


def registration(*names: str, ptype: str = "delegated") -> Registration:
    return Registration("app.json", "test", tuple(Grant(Permission(ptype, n), i + 1, n) for i, n in enumerate(names)))


def names(perms) -> list[str]:
    return [p.name for p in perms]


def test_group_readwrite_all_never_beats_tasks_readwrite_plus_groupmember_read_all():
    result = evaluate(ENGINE.analyse(manifest("[CreateTask, GetGroup]"), None))
    assert names(result.minimal) == ["GroupMember.Read.All", "Tasks.ReadWrite"]


def test_one_permission_serving_two_activities_beats_two():
    result = evaluate(ENGINE.analyse(manifest("[GetListItems, DownloadFile]"), None))
    assert names(result.minimal) == ["Sites.Read.All"]
    assert result.used_by[Permission("delegated", "Sites.Read.All")] == ["Download File", "Get List Items"]


def test_lattice_absorbs_narrower_needs():
    result = evaluate(ENGINE.analyse(manifest("[SendMail, GetMail]"), None))
    assert names(result.minimal) == ["Mail.ReadWrite", "Mail.Send", "User.Read"]
    assert result.used_by[Permission("delegated", "Mail.ReadWrite")] == ["Get Mail", "Send Mail"]


def test_application_auth_uses_application_requirements():
    result = evaluate(ENGINE.analyse(manifest("[GetMail]", auth="application"), None))
    assert [(p.type, p.name) for p in result.minimal] == [("application", "Mail.Read")]


def test_exact_registration_is_clean_and_oidc_scopes_are_never_excess():
    needed = names(evaluate(ENGINE.analyse(manifest("[SendMail, UploadFile]"), None)).minimal)
    held = registration(*needed, "openid", "offline_access")
    result = evaluate(ENGINE.analyse(manifest("[SendMail, UploadFile]"), held))
    assert result.findings == []


def test_satisfied_through_broader_names_the_narrower_one():
    result = evaluate(ENGINE.analyse(manifest("[GetSheets]"), registration("Files.ReadWrite.All")))
    [finding] = result.findings
    assert (finding.kind, finding.permission) == ("broader", "Files.ReadWrite.All")
    assert "Files.ReadWrite would do" in finding.message


def test_broad_permission_needed_elsewhere_is_not_called_broader():
    result = evaluate(ENGINE.analyse(manifest("[GetListItems, AddListItems]"), registration("Sites.ReadWrite.All")))
    assert result.findings == []


def test_missing_completion_is_chosen_over_all_activities_together():
    result = evaluate(ENGINE.analyse(manifest("[GetMail, SendMail]"), registration("User.Read", "Mail.Send")))
    assert sorted((f.kind, f.permission, f.activity) for f in result.findings) == [
        ("missing", "Mail.ReadWrite", "Get Mail"), ("missing", "Mail.ReadWrite", "Send Mail")]


def test_findings_do_not_depend_on_the_order_of_activities_or_grants():
    grants = ("Mail.Send", "Sites.Read.All", "Tasks.Read")
    a = evaluate(ENGINE.analyse(manifest("[SendMail, GetSheets, CreateTask]"), registration(*grants)))
    b = evaluate(ENGINE.analyse(manifest("[CreateTask, GetSheets, SendMail]"), registration(*reversed(grants))))
    key = sorted((f.kind, f.permission, f.activity, f.message) for f in a.findings)
    assert key == sorted((f.kind, f.permission, f.activity, f.message) for f in b.findings)
    assert a.minimal == b.minimal


def test_accept_suppresses_until_it_expires():
    extra = "accept:\n  - permission: Calendars.ReadWrite\n    reason: macro\n    expires: 2026-12-31\n"
    held = registration("Mail.Read", "Calendars.ReadWrite")
    live = evaluate(ENGINE.analyse(manifest("[GetMail]", extra=extra), held))
    assert [(f.kind, f.suppressed_by is not None) for f in live.findings] == [("excess", True)]
    later = Engine(ENGINE.catalog, ENGINE.lattice, ENGINE.rules, today=dt.date(2027, 1, 1))
    expired = evaluate(later.analyse(manifest("[GetMail]", extra=extra), held))
    assert sorted((f.kind, f.suppressed_by) for f in expired.findings) == [
        ("excess", None), ("expired-exception", None)]
