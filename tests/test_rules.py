"""Rule lookup and user rule packs (custom activities, in-house libraries that wrap Graph)."""

from __future__ import annotations

import json

from conftest import CONTOSO_PACK as PACK

from scopelint.rules import load_builtin_rules

RULES = load_builtin_rules()



def test_lookup_by_full_class_short_name_display_name_alias_and_generic_arity():
    cls = "UiPath.MicrosoftOffice365.Activities.Mail.SendMail"
    for ref in (cls, cls.upper(), "SendMail", "sendmail", "Send Mail", "  send   mail "):
        assert RULES.find(ref).cls == cls
    assert RULES.find("ReadRangeConnections`1").cls.endswith("Excel.ReadRangeConnections")


def test_classic_and_connections_activities_are_distinct_classes():
    assert RULES.find("SendMail").generation == "classic"
    assert RULES.find("SendMailConnections").generation == "connections"


def test_scope_is_a_scope_not_an_activity():
    assert RULES.find("Office365ApplicationScope").kind == "scope"


def test_user_pack_adds_activities_and_is_announced(cli, tmp_path):
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "contoso.yaml").write_text(PACK)
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities: [ArchiveInvoices]\n")
    run = cli("scopes", "--format", "json", "--rules", tmp_path / "packs", manifest)
    assert run.code == 0, run.stderr
    assert [r["permission"] for r in json.loads(run.stdout)] == ["Mail.ReadWrite"]
    assert "loaded rule pack" in run.stderr and "contoso.yaml (1 rule(s))" in run.stderr


def test_user_pack_replaces_a_builtin_rule_only_when_it_says_so(cli, tmp_path):
    pack = PACK.replace("Contoso.Rpa.Mail.ArchiveInvoices", "UiPath.MicrosoftOffice365.Activities.Mail.SendMail")
    (tmp_path / "p.yaml").write_text(pack)
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities: [SendMail]\n")
    run = cli("scopes", "--rules", tmp_path / "p.yaml", manifest)
    assert run.code == 2 and "add 'overrides: true'" in run.stderr
    (tmp_path / "p.yaml").write_text(pack.replace("    sources:", "    overrides: true\n    sources:"))
    run = cli("scopes", "--format", "json", "--rules", tmp_path / "p.yaml", manifest)
    assert run.code == 0 and [r["permission"] for r in json.loads(run.stdout)] == ["Mail.ReadWrite"]


def test_invalid_user_pack_names_file_and_line(cli, tmp_path):
    (tmp_path / "p.yaml").write_text(PACK.replace("generation: custom", "generation: modern"))
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities: []\n")
    run = cli("check", "--rules", tmp_path / "p.yaml", manifest)
    assert run.code == 2
    assert f"{tmp_path / 'p.yaml'}:7: invalid rule pack: rules/0/generation" in run.stderr
