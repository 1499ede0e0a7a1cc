"""Regenerates the bad-input corpus: `python tests/badinput/generate.py`.

Each case is a file under tests/badinput/<kind>/ plus a line in cases.yaml: file -> a substring its one line must
contain. The kind says how tests/test_badinput.py reads it: manifest, registration, snapshot, rulepack, config
(.scopelint.yaml) and pyproject ([tool.scopelint], committed as <case>.toml) stop `check` with exit 2; xaml
(workflows) and project (project.json) are per-file diagnostics of `scan` and input errors of `check --project`.
Inputs too large to commit (100 MB, symlink loops, unreadable files) are made at test time. Files of a kind that
no case names any more are deleted, so renaming a case leaves nothing behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
GRAPH = "00000003-0000-0000-c000-000000000000"
GOOD_MANIFEST = "scopelint: 1\nname: robot\nactivities:\n  - SendMail\n"


def manifests() -> dict[str, tuple[bytes | str, str]]:
    cases: dict[str, tuple[bytes | str, str]] = {
        "empty.yaml": ("", "empty manifest"),
        "only-comment.yaml": ("# nothing here\n", "empty manifest"),
        "truncated.yaml": ("scopelint: 1\nname: robot\nactivities:\n  - activity: SendMail\n    shared: tr", "shared"),
        "truncated-flow.yaml": ("scopelint: 1\nname: robot\nactivities: [SendMail, GetMail", "YAML syntax error"),
        "tab-indent.yaml": ("scopelint: 1\nname: robot\nactivities:\n\t- SendMail\n", "YAML syntax error"),
        "dup-top.yaml": (GOOD_MANIFEST + "name: again\n", "duplicate key 'name'"),
        "dup-nested.yaml": ("scopelint: 1\nname: r\nactivities:\n  - activity: SendMail\n    activity: GetMail\n",
                            "duplicate key 'activity'"),
        "dup-accept.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n    reason: s\n",
                            "duplicate key 'reason'"),
        "list-top.yaml": ("- scopelint: 1\n", "must be a mapping"),
        "scalar-top.yaml": ("just text\n", "must be a mapping"),
        "number-top.yaml": ("42\n", "must be a mapping"),
        "version-string.yaml": ("scopelint: '1'\nname: r\nactivities: []\n", "'scopelint' must be 1"),
        "version-bool.yaml": ("scopelint: true\nname: r\nactivities: []\n", "'scopelint' must be 1"),
        "version-2.yaml": ("scopelint: 2\nname: r\nactivities: []\n", "'scopelint' must be 1"),
        "version-null.yaml": ("scopelint:\nname: r\nactivities: []\n", "'scopelint' must be 1"),
        "no-version.yaml": ("name: r\nactivities: []\n", "missing required key 'scopelint'"),
        "no-name.yaml": ("scopelint: 1\nactivities: []\n", "missing required key 'name'"),
        "no-activities.yaml": ("scopelint: 1\nname: r\n", "missing required key 'activities'"),
        "name-list.yaml": ("scopelint: 1\nname: [a]\nactivities: []\n", "'name' must be a non-empty string"),
        "name-empty.yaml": ("scopelint: 1\nname: ''\nactivities: []\n", "'name' must be a non-empty string"),
        "name-blank.yaml": ("scopelint: 1\nname: '   '\nactivities: []\n", "'name' must be a non-empty string"),
        "name-number.yaml": ("scopelint: 1\nname: 7\nactivities: []\n", "'name' must be a non-empty string"),
        "name-null.yaml": ("scopelint: 1\nname:\nactivities: []\n", "'name' must be a non-empty string"),
        "auth-typo.yaml": ("scopelint: 1\nname: r\nauth: delegate\nactivities: []\n", "'auth' must be one of"),
        "auth-list.yaml": ("scopelint: 1\nname: r\nauth: [delegated]\nactivities: []\n", "'auth' must be one of"),
        "auth-case.yaml": ("scopelint: 1\nname: r\nauth: Delegated\nactivities: []\n", "'auth' must be one of"),
        "activities-null.yaml": ("scopelint: 1\nname: r\nactivities:\n", "'activities' must be a list"),
        "activities-string.yaml": ("scopelint: 1\nname: r\nactivities: SendMail\n", "'activities' must be a list"),
        "activities-map.yaml": ("scopelint: 1\nname: r\nactivities: {SendMail: true}\n", "'activities' must be a list"),
        "activity-int.yaml": ("scopelint: 1\nname: r\nactivities: [1]\n", "each activity is a name or a mapping"),
        "activity-null.yaml": ("scopelint: 1\nname: r\nactivities:\n  -\n", "each activity is a name or a mapping"),
        "activity-empty.yaml": ("scopelint: 1\nname: r\nactivities: ['']\n", "each activity is a name or a mapping"),
        "activity-list.yaml": ("scopelint: 1\nname: r\nactivities: [[SendMail]]\n", "each activity is a name"),
        "activity-no-key.yaml": ("scopelint: 1\nname: r\nactivities:\n  - shared: true\n", "needs an 'activity' key"),
        "activity-unknown-key.yaml": ("scopelint: 1\nname: r\nactivities:\n  - activity: SendMail\n    mailbox: x\n",
                                      "unknown key 'mailbox'"),
        "activity-shared-string.yaml": ("scopelint: 1\nname: r\nactivities:\n  - activity: SendMail\n"
                                        "    shared: 'true'\n", "'shared' must be true or false"),
        "activity-shared-int.yaml": ("scopelint: 1\nname: r\nactivities:\n  - activity: SendMail\n    shared: 1\n",
                                     "'shared' must be true or false"),
        "activity-value-list.yaml": ("scopelint: 1\nname: r\nactivities:\n  - activity: [SendMail]\n",
                                     "'activity' must be a non-empty string"),
        "unknown-top-key.yaml": (GOOD_MANIFEST + "permissions: [Mail.Send]\n", "unknown key 'permissions'"),
        "typo-top-key.yaml": (GOOD_MANIFEST + "registation: app.json\n", "did you mean 'registration'"),
        "typo-activities.yaml": ("scopelint: 1\nname: r\nactivites: []\n", "unknown key 'activites'"),
        "operations-string.yaml": (GOOD_MANIFEST + "operations: GET /me\n", "'operations' must be a list"),
        "operation-int.yaml": (GOOD_MANIFEST + "operations: [5]\n", "each operation is a string"),
        "operation-bad-method.yaml": (GOOD_MANIFEST + "operations: ['FETCH /me']\n", "bad operation"),
        "operation-no-path.yaml": (GOOD_MANIFEST + "operations: ['GET']\n", "bad operation"),
        "operation-no-method.yaml": (GOOD_MANIFEST + "operations: ['/me/messages']\n", "bad operation"),
        "operation-map.yaml": (GOOD_MANIFEST + "operations:\n  - GET: /me\n", "each operation is a string"),
        "registration-int.yaml": (GOOD_MANIFEST + "registration: 5\n", "'registration' is a file path or a mapping"),
        "registration-list.yaml": (GOOD_MANIFEST + "registration: [a.json]\n", "'registration' is a file path"),
        "registration-empty.yaml": (GOOD_MANIFEST + "registration: ''\n", "'registration' is a file path"),
        "registration-map-no-id.yaml": (GOOD_MANIFEST + "registration:\n  tenant: t\n", "needs 'client_id'"),
        "registration-map-extra.yaml": (GOOD_MANIFEST + "registration:\n  client_id: c\n  secret: s\n",
                                        "unknown key 'secret'"),
        "registration-missing-file.yaml": (GOOD_MANIFEST + "registration: does-not-exist.json\n",
                                           "registration file"),
        "registration-live-no-flag.yaml": (GOOD_MANIFEST + "registration:\n  client_id: c\n", "--live"),
        "accept-string.yaml": (GOOD_MANIFEST + "accept: Mail.Send\n", "'accept' must be a list"),
        "accept-item-string.yaml": (GOOD_MANIFEST + "accept: [Mail.Send]\n", "each accept entry is a mapping"),
        "accept-no-reason.yaml": (GOOD_MANIFEST + "accept:\n  - permission: Mail.Send\n", "needs 'reason'"),
        "accept-no-permission.yaml": (GOOD_MANIFEST + "accept:\n  - reason: r\n", "needs 'permission'"),
        "accept-empty-reason.yaml": (GOOD_MANIFEST + "accept:\n  - permission: Mail.Send\n    reason: ''\n",
                                     "'reason' must be a non-empty string"),
        "accept-bad-date.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n    expires: 31/12/2027\n",
                                 "'expires' must be a date"),
        "accept-impossible-date.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n"
                                        "    expires: '2027-02-30'\n", "'expires' must be a date"),
        "accept-date-int.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n    expires: 2027\n",
                                 "'expires' must be a date"),
        "accept-datetime.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n"
                                 "    expires: 2027-01-01 10:00:00\n", "'expires' must be a date"),
        "accept-bad-type.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n    type: Scope\n",
                                 "'type' must be one of"),
        "accept-unknown-key.yaml": (GOOD_MANIFEST + "accept:\n  - permission: A\n    reason: r\n    until: x\n",
                                    "unknown key 'until'"),
        "project-int.yaml": (GOOD_MANIFEST + "project: 3\n", "'project' must be a non-empty string"),
        "merge-key.yaml": ("base: &b\n  scopelint: 1\n<<: *b\nname: r\nactivities: []\n", "merge keys"),
        "complex-key.yaml": ("? [a, b]\n: 1\nscopelint: 1\n", "mapping keys must be plain strings"),
        "bad-int.yaml": ("scopelint: 0x\nname: r\nactivities: []\n", "'scopelint' must be 1"),
        "unclosed-quote.yaml": ("scopelint: 1\nname: 'robot\nactivities: []\n", "YAML syntax error"),
        "bad-escape.yaml": ('scopelint: 1\nname: "ro\\qbot"\nactivities: []\n', "YAML syntax error"),
        "undefined-alias.yaml": ("scopelint: 1\nname: *nothing\nactivities: []\n", "YAML syntax error"),
        "two-documents.yaml": (GOOD_MANIFEST + "---\n" + GOOD_MANIFEST, "YAML"),
        "python-tag.yaml": ("scopelint: 1\nname: !!python/object:os.system ls\nactivities: []\n",
                            "unsupported YAML tag"),
        "custom-tag.yaml": ("scopelint: 1\nname: !secret robot\nactivities: []\n", "unsupported YAML tag"),
        "merge-conflict.yaml": ("scopelint: 1\n<<<<<<< HEAD\nname: a\n=======\nname: b\n>>>>>>> branch\n"
                                "activities: []\n", "YAML"),
        "json-not-yaml-object.yaml": ('{"scopelint": 1, "name": "r", "activities": 5}', "'activities' must be a list"),
        "binary-nul.yaml": (b"scopelint: 1\nname: r\x00\nactivities: []\n", "binary content"),
        "binary-random.yaml": (bytes(range(256)) * 4, "binary content"),
        "latin1.yaml": ("scopelint: 1\nname: r\xe9sum\xe9\nactivities: []\n".encode("latin-1"), "not UTF-8"),
        "cp1252-quotes.yaml": (b"scopelint: 1\nname: \x93robot\x94\nactivities: []\n", "not UTF-8"),
        "utf16-no-bom.yaml": ("scopelint: 1\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16-bom-bad.yaml": (b"\xff\xfe" + "scopelint: 1\nname: [\n".encode("utf-16-le"), "YAML syntax error"),
        "utf8-bom-bad.yaml": (b"\xef\xbb\xbf" + b"scopelint: 1\nname: r\nname: s\nactivities: []\n", "duplicate key"),
        "overlong-utf8.yaml": (b"scopelint: 1\nname: \xc0\xaf\nactivities: []\n", "not UTF-8"),
        "lone-surrogate.yaml": (b"scopelint: 1\nname: \xed\xa0\x80\nactivities: []\n", "not UTF-8"),
        "control-char.yaml": ("scopelint: 1\nname: r\x07\nactivities: []\n", "YAML"),
        "deep-nesting.yaml": ("scopelint: 1\nname: r\nactivities: []\nproject: " + "[" * 500 + "]" * 500 + "\n",
                              "nest"),
        "deep-block-nesting.yaml": ("scopelint: 1\nname: r\nactivities:\n" + "".join(
            "  " * i + "- \n" for i in range(1, 120)), "nest"),
        "alias-bomb.yaml": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
            + "scopelint: 1\n", "alias bomb"),
    }
    # Wrong types at every level of the accept entries and activity entries.
    for key, value in (("permission", "[A]"), ("permission", "{a: 1}"), ("reason", "[r]"), ("owner", "[o]"),
                       ("kind", "{k: 1}"), ("activity", "[]")):
        cases[f"accept-{key}-wrong-type-{len(cases)}.yaml"] = (
            GOOD_MANIFEST + f"accept:\n  - permission: A\n    reason: r\n    {key}: {value}\n",
            f"'{key}'" if key != "permission" else "permission")
    # Dates that are no YYYY-MM-DD (Python's fromisoformat would read them) and tickets that are no text.
    for case, value in (("compact", "'20270630'"), ("week", "'2027-W26-3'"), ("datetime", "2027-06-30T10:00:00"),
                        ("ordinal", "'2027-181'"), ("slashes", "2027/06/30"), ("spaces", "'2027 06 30'")):
        cases[f"accept-expires-{case}.yaml"] = (
            GOOD_MANIFEST + f"accept:\n  - permission: A\n    reason: r\n    expires: {value}\n",
            "'expires' must be a date YYYY-MM-DD")
    for case, value in (("list", "[SEC-1]"), ("map", "{id: 12}")):
        cases[f"accept-ticket-{case}.yaml"] = (
            GOOD_MANIFEST + f"accept:\n  - permission: A\n    reason: r\n    ticket: {value}\n",
            "'ticket' must be text")
    return cases


def registrations() -> dict[str, tuple[bytes | str, str]]:
    def entry(**kw) -> str:
        return json.dumps({"requiredResourceAccess": [{"resourceAppId": GRAPH, **kw}]})

    return {
        "empty.json": ("", "JSON syntax error"),
        "whitespace.json": ("   \n\n", "JSON syntax error"),
        "truncated.json": ('{"requiredResourceAccess": [{"resourceAppId": "' + GRAPH, "JSON syntax error"),
        "trailing-comma.json": ('{"requiredResourceAccess": [],}', "JSON syntax error"),
        "comments.json": ('// exported\n{"requiredResourceAccess": []}', "JSON syntax error"),
        "single-quotes.json": ("{'requiredResourceAccess': []}", "JSON syntax error"),
        "nan.json": ('{"requiredResourceAccess": NaN}', "'requiredResourceAccess' must be a list"),
        "string.json": ('"app"', "expected a JSON object or array"),
        "number.json": ("12", "expected a JSON object or array"),
        "null.json": ("null", "expected a JSON object or array"),
        "true.json": ("true", "expected a JSON object or array"),
        "no-rra.json": ('{"appId": "x", "displayName": "robot"}', "no 'requiredResourceAccess' found"),
        "rra-null.json": ('{"requiredResourceAccess": null}', "'requiredResourceAccess' must be a list"),
        "rra-object.json": ('{"requiredResourceAccess": {}}', "'requiredResourceAccess' must be a list"),
        "rra-string.json": ('{"requiredResourceAccess": "Mail.Send"}', "'requiredResourceAccess' must be a list"),
        "rra-item-string.json": ('{"requiredResourceAccess": ["Mail.Send"]}', "must be an object"),
        "rra-item-null.json": ('{"requiredResourceAccess": [null]}', "must be an object"),
        "rra-item-list.json": ("[[1, 2]]", "must be an object"),
        "resource-int.json": ('{"requiredResourceAccess": [{"resourceAppId": 3, "resourceAccess": []}]}',
                              "needs a string 'resourceAppId'"),
        "resource-missing.json": ('{"requiredResourceAccess": [{"resourceAccess": []}]}',
                                  "needs a string 'resourceAppId'"),
        "access-string.json": (entry(resourceAccess="Mail.Send"), "'resourceAccess' list"),
        "access-object.json": (entry(resourceAccess={"id": "x"}), "'resourceAccess' list"),
        "access-null.json": (entry(resourceAccess=None), "'resourceAccess' list"),
        "deep.json": ("[" * 100000 + "]" * 100000, "too deep"),
        "binary.json": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary content"),
        "latin1.json": ('{"displayName": "caf\xe9"}'.encode("latin-1"), "not UTF-8"),
        "utf16-no-bom.json": ('{"requiredResourceAccess": []}'.encode("utf-16-le"),
                               "UTF-16 without a byte-order mark"),
        "merge-conflict.json": ('{\n<<<<<<< HEAD\n"requiredResourceAccess": []\n=======\n>>>>>>> x\n}',
                                "JSON syntax error"),
        "yaml-not-json.json": ("requiredResourceAccess: []\n", "JSON syntax error"),
        "duplicate-rra-truncated.json": ('{"requiredResourceAccess": [], "requiredResourceAccess": [', "JSON syntax"),
        "bom-truncated.json": (b'\xef\xbb\xbf{"requiredResourceAccess": [', "JSON syntax error"),
        "huge-number.json": ('{"requiredResourceAccess": 1' + "0" * 5000 + "}", "JSON value error"),
        "duplicate-rra.json": ('{"requiredResourceAccess": [],\n "requiredResourceAccess": [{"resourceAppId": "x"}]}',
                               "duplicate key 'requiredResourceAccess'"),
        "duplicate-id.json": (entry(resourceAccess=[{"id": "Mail.Send", "type": "Scope"}]).replace(
            '"id": "Mail.Send"', '"id": "Mail.Send", "id": "Mail.Read"'), "duplicate key 'id'"),
        "deep-but-parseable.json": (entry(resourceAccess=[], extra=json.loads("[" * 70 + "]" * 70)),
                                    "nesting deeper than 64 levels"),
        "lone-surrogate.json": ('{"displayName": "app\\udfff", "requiredResourceAccess": []}', "not valid Unicode"),
        "utf16-be-no-bom.json": ('{"requiredResourceAccess": []}'.encode("utf-16-be"),
                                 "UTF-16 without a byte-order mark"),
    }


def rulepacks() -> dict[str, tuple[bytes | str, str]]:
    base = ("scopelint-rulepack: 1\npack: p\nrules:\n  - class: A.B\n    display_name: B\n    group: Custom\n"
            "    generation: custom\n    kind: activity\n    delegated: {any_of: [[Mail.Send]], provenance: derived}\n"
            "    application: {any_of: [[Mail.Send]], provenance: derived}\n    sources: [https://x.example]\n")
    return {
        "empty.yaml": ("", "invalid rule pack"),
        "list.yaml": ("- a\n", "invalid rule pack"),
        "no-version.yaml": (base.replace("scopelint-rulepack: 1\n", ""), "invalid rule pack"),
        "version-2.yaml": (base.replace("scopelint-rulepack: 1", "scopelint-rulepack: 2"), "invalid rule pack"),
        "bad-class.yaml": (base.replace("class: A.B", "class: 'has space'"), "invalid rule pack"),
        "bad-group.yaml": (base.replace("group: Custom", "group: Nope"), "invalid rule pack"),
        "bad-generation.yaml": (base.replace("generation: custom", "generation: modern"), "invalid rule pack"),
        "any-of-string.yaml": (base.replace("any_of: [[Mail.Send]], provenance: derived}\n    application",
                                            "any_of: Mail.Send, provenance: derived}\n    application"),
                               "invalid rule pack"),
        "documented-no-source.yaml": (base.replace("provenance: derived}\n    application",
                                                   "provenance: documented}\n    application"), "invalid rule pack"),
        "unknown-key.yaml": (base + "    colour: red\n", "invalid rule pack"),
        "no-sources.yaml": (base.replace("    sources: [https://x.example]\n", ""), "invalid rule pack"),
        "bad-operation.yaml": (base + "    operations: [FETCH /x]\n", "invalid rule pack"),
        "dup-key.yaml": (base + "    kind: trigger\n", "duplicate key 'kind'"),
        "syntax.yaml": (base + "    notes: [unclosed\n", "YAML syntax error"),
        "binary.yaml": (b"\x00\x01", "binary content"),
        # a name of a built-in activity taken without `overrides: true` (its findings would silently change)
        "shadow-short-name.yaml": (base.replace("class: A.B", "class: Contoso.SendMail"), "uses the name"),
        "shadow-display-name.yaml": (base.replace("display_name: B", "display_name: Send Mail"), "uses the name"),
        "shadow-display-name-case.yaml": (base.replace("display_name: B", "display_name: '  send   MAIL '"),
                                          "uses the name"),
        "shadow-alias.yaml": (base + "    aliases: [Office 365 Scope]\n", "uses the name"),
        "shadow-class.yaml": (base.replace("class: A.B", "class: UiPath.MicrosoftOffice365.Activities.Mail.SendMail"),
                              "uses the name"),
        "shadow-generic-form.yaml": (base.replace("class: A.B", "class: Contoso.GetFileFolderMetadataConnections"),
                                     "uses the name"),
    }


def configs() -> dict[str, tuple[bytes | str, str]]:
    """`.scopelint.yaml` files, read with `check --config FILE` (and found upward from a manifest)."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
    return {
        "list-top.yaml": ("- fail_level: error\n", "must be a mapping"),
        "scalar-top.yaml": ("strict\n", "must be a mapping"),
        "number-top.yaml": ("3\n", "must be a mapping"),
        "version-2.yaml": ("scopelint: 2\n", "'scopelint' must be 1"),
        "version-string.yaml": ("scopelint: '1'\n", "'scopelint' must be 1"),
        "version-bool.yaml": ("scopelint: true\n", "'scopelint' must be 1"),
        "unknown-key.yaml": ("colour: red\n", "unknown key 'colour' in configuration"),
        "typo-key.yaml": ("fail-level: error\n", "did you mean 'fail_level'"),
        "schema-int.yaml": ("$schema: 5\n", "'$schema' must be a string"),
        "severity-list.yaml": ("severity: [excess]\n", "'severity' must be a mapping"),
        "severity-string.yaml": ("severity: loud\n", "'severity' must be a mapping"),
        "severity-null.yaml": ("severity:\n", "'severity' must be a mapping"),
        "severity-bad-value.yaml": ("severity:\n  excess: loud\n", "'severity/excess' must be one of"),
        "severity-int-value.yaml": ("severity:\n  excess: 3\n", "'severity/excess' must be one of"),
        "severity-true.yaml": ("severity:\n  excess: true\n", "'severity/excess' must be one of"),
        "severity-yaml-on.yaml": ("severity:\n  excess: on\n", "'severity/excess' must be one of"),
        "severity-upper-case.yaml": ("severity:\n  excess: ERROR\n",
                                     "'severity/excess' must be one of error, warning, info, off; got 'ERROR'"),
        "severity-nested.yaml": ("severity:\n  excess:\n    level: error\n",
                                 "'severity/excess' must be one of error, warning, info, off; got {'level'"),
        "severity-list-value.yaml": ("severity:\n  excess: [error]\n", "'severity/excess' must be one of"),
        "severity-unknown-code.yaml": ("severity:\n  SL999: off\n", "unknown finding code 'SL999'"),
        "severity-unknown-kind.yaml": ("severity:\n  surplus: off\n", "unknown finding code 'surplus'"),
        "severity-short-code.yaml": ("severity:\n  SL1: off\n", "key 'SL1' is not a finding kind"),
        "severity-capital-kind.yaml": ("severity:\n  Excess: off\n", "key 'Excess' is not a finding kind"),
        "severity-int-key.yaml": ("severity:\n  101: off\n", "key '101' is not a finding kind"),
        "severity-null-key.yaml": ("severity:\n  ~: off\n", "key 'None' is not a finding kind"),
        "fail-level-typo.yaml": ("fail_level: sometimes\n", "'fail_level' must be one of"),
        "fail-level-off.yaml": ("fail_level: off\n", "'fail_level' must be one of"),
        "fail-level-list.yaml": ("fail_level: [error]\n", "'fail_level' must be one of"),
        "fail-level-capital.yaml": ("fail_level: Error\n", "'fail_level' must be one of"),
        "fail-level-date.yaml": ("fail_level: 2024-01-01\n", "'fail_level' must be one of"),
        "rules-string.yaml": ("rules: packs/\n", "'rules' must be a list"),
        "rules-int.yaml": ("rules: 5\n", "'rules' must be a list"),
        "rules-item-int.yaml": ("rules: [5]\n", "'rules/0' must be a non-empty path"),
        "rules-item-list.yaml": ("rules:\n  - [a.yaml]\n", "'rules/0' must be a non-empty path"),
        "rules-item-empty.yaml": ("rules: ['']\n", "'rules/0' must be a non-empty path"),
        "rules-missing.yaml": ("rules: [no-such-pack.yaml]\n", "rule pack file or folder"),
        "registration-list.yaml": ("registration: [a.json]\n", "'registration' must be a non-empty path"),
        "registration-int.yaml": ("registration: 5\n", "'registration' must be a non-empty path"),
        "registration-empty.yaml": ("registration: ''\n", "'registration' must be a non-empty path"),
        "registration-missing.yaml": ("registration: no-such-app.json\n", "registration file"),
        "limits-list.yaml": ("limits: [1]\n", "'limits' must be a mapping"),
        "limits-string.yaml": ("limits: big\n", "'limits' must be a mapping"),
        "limits-unknown-key.yaml": ("limits:\n  max_files: 3\n", "unknown key 'max_files' in limits"),
        "limits-typo-key.yaml": ("limits:\n  max_byte: 5\n", "did you mean 'max_bytes'"),
        "limits-zero.yaml": ("limits:\n  max_bytes: 0\n", "'limits/max_bytes' must be a whole number"),
        "limits-depth-beyond-recursion.yaml": ("limits:\n  max_depth: 100000\n", "must be at most 200"),
        "limits-negative.yaml": ("limits:\n  max_nodes: -5\n", "'limits/max_nodes' must be a whole number"),
        "limits-float.yaml": ("limits:\n  max_depth: 1.5\n", "'limits/max_depth' must be a whole number"),
        "limits-with-unit.yaml": ("limits:\n  max_bytes: 10MB\n",
                                  "'limits/max_bytes' must be a whole number of at least 1, got '10MB'"),
        "limits-bool.yaml": ("limits:\n  max_bytes: true\n", "'limits/max_bytes' must be a whole number"),
        "limits-null.yaml": ("limits:\n  max_bytes:\n", "'limits/max_bytes' must be a whole number"),
        "limits-xml-depth-zero.yaml": ("limits:\n  max_xml_depth: 0\n", "'limits/max_xml_depth' must be a whole"),
        "limits-xml-depth-string.yaml": ("limits:\n  max_xml_depth: deep\n", "'limits/max_xml_depth' must be"),
        "dup-top.yaml": ("fail_level: error\nfail_level: warning\n", "duplicate key 'fail_level'"),
        "dup-severity.yaml": ("severity:\n  excess: error\n  excess: off\n", "duplicate key 'excess'"),
        "dup-limits.yaml": ("limits:\n  max_bytes: 5\n  max_bytes: 6\n", "duplicate key 'max_bytes'"),
        "tab-indent.yaml": ("severity:\n\texcess: off\n", "YAML syntax error"),
        "unclosed-flow.yaml": ("rules: [a.yaml, b.yaml\n", "YAML syntax error"),
        "two-documents.yaml": ("fail_level: error\n---\nfail_level: info\n", "YAML syntax error"),
        "merge-conflict.yaml": ("<<<<<<< HEAD\nfail_level: error\n=======\nfail_level: warning\n>>>>>>> main\n",
                                "YAML syntax error"),
        "merge-key.yaml": ("base: &b {fail_level: error}\n<<: *b\n", "merge keys"),
        "complex-key.yaml": ("? [a, b]\n: 1\n", "mapping keys must be plain strings"),
        "python-tag-scalar.yaml": ("fail_level: !!python/name:os.system\n", "unsupported YAML tag"),
        "python-tag-sequence.yaml": ("fail_level: !!python/object/apply:os.system [ls]\n", "unsupported YAML tag"),
        "custom-tag-mapping.yaml": ("severity: !vault {excess: off}\n", "unsupported YAML tag"),
        "set-tag.yaml": ("rules: !!set {a.yaml: null}\n", "unsupported YAML tag"),
        "alias-bomb.yaml": (bomb, "alias bomb"),
        "deep-nesting.yaml": ("severity: " + "[" * 200 + "]" * 200 + "\n", "nesting deeper than 64 levels"),
        "latin1.yaml": ("# caf\xe9\nfail_level: error\n".encode("latin-1"), "not UTF-8"),
        "cp1252.yaml": (b"# \x93strict\x94\nfail_level: error\n", "not UTF-8"),
        "utf16-no-bom.yaml": ("fail_level: error\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16-be-no-bom.yaml": ("fail_level: error\n".encode("utf-16-be"), "UTF-16 without a byte-order mark"),
        "utf16-bom-bad.yaml": ("fail_level: loud\n".encode("utf-16"), "'fail_level' must be one of"),
        "utf16-bom-odd-length.yaml": ("fail_level: error\n".encode("utf-16") + b"\x00", "not valid UTF-16"),
        "utf8-bom-bad.yaml": (b"\xef\xbb\xbffail_level: loud\n", "'fail_level' must be one of"),
        "nul-byte.yaml": (b"fail_level: error\x00\n", "binary content"),
        "binary.yaml": (bytes(range(256)), "binary content"),
        "control-char.yaml": ("fail_level: err\x07or\n", "YAML error"),
        "json-style.yaml": ('{"fail_level": 3}', "'fail_level' must be one of"),
    }


def pyprojects() -> dict[str, tuple[bytes | str, str]]:
    """`[tool.scopelint]` tables, committed as <case>.toml: a file named pyproject.toml would configure the tools
    that run on this repository (ruff reads them all). The test copies each to a pyproject.toml of its own."""
    head = "[project]\nname = \"robot\"\n\n[tool.scopelint]\n"
    toml = "TOML syntax error"
    cases = {
        "syntax-no-value": (head + "fail_level =\n", toml),
        "unclosed-header": ("[tool.scopelint\nfail_level = 'error'\n", toml),
        "unclosed-string": (head + "fail_level = 'error\n", toml),
        "unclosed-multiline": (head + 'registration = """app.json\n', toml),
        "bad-escape": (head + 'registration = "a\\qb"\n', toml),
        "control-char": (head + "registration = 'a\x07b'\n", toml),
        "bare-word": (head + "fail_level = error\n", toml),
        "dup-key": (head + "fail_level = 'error'\nfail_level = 'info'\n", toml),
        "dup-table": (head + "fail_level = 'error'\n[tool.scopelint]\n", toml),
        "dup-severity": (head + "[tool.scopelint.severity]\nexcess = 'off'\nexcess = 'error'\n", toml),
        "merge-conflict": (head + "<<<<<<< HEAD\nfail_level = 'error'\n=======\nfail_level = 'info'\n>>>>>>> x\n",
                           toml),
        "yaml-in-toml": ("tool:\n  scopelint:\n    fail_level: error\n[tool.scopelint]\n", toml),
        "lone-cr": ((head + "fail_level = 'error'\rcolour = 'x'\n").encode(), toml),
        "table-is-string": ("[tool]\nscopelint = 'strict'\n", "[tool.scopelint] must be a table"),
        "table-is-array": ("[[tool.scopelint]]\nfail_level = 'error'\n", "[tool.scopelint] must be a table"),
        "tool-is-array": ("tool = [1]\n# [tool.scopelint]\n", "[tool.scopelint] must be a table"),
        "unknown-key": (head + "colour = 'red'\n", "unknown key 'colour' in configuration"),
        "typo-key": (head + "registation = 'app.json'\n", "did you mean 'registration'"),
        "version-2": (head + "scopelint = 2\n", "'scopelint' must be 1"),
        "schema-int": (head + "'$schema' = 3\n", "'$schema' must be a string"),
        "severity-string": (head + "severity = 'loud'\n", "'severity' must be a mapping"),
        "severity-bad-value": (head + "severity = {excess = 'loud'}\n", "'severity/excess' must be one of"),
        "severity-true": ("[tool.scopelint.severity]\nexcess = true\n", "'severity/excess' must be one of"),
        "severity-int": ("[tool.scopelint.severity]\nexcess = 2\n", "'severity/excess' must be one of"),
        "severity-unknown-code": ("[tool.scopelint.severity]\nSL999 = 'off'\n", "unknown finding code 'SL999'"),
        "fail-level-typo": (head + "fail_level = 'loud'\n", "'fail_level' must be one of"),
        "fail-level-datetime": (head + "fail_level = 1979-05-27T07:32:00Z\n", "got 1979-05-27T07:32:00"),
        "fail-level-array": (head + "fail_level = ['error']\n", "'fail_level' must be one of"),
        "fail-level-inline": ("[tool]\nscopelint = {fail_level = 'loud'}\n", "'fail_level' must be one of"),
        "fail-level-dotted": ("[tool]\nscopelint.fail_level = 'loud'\n", "'fail_level' must be one of"),
        "rules-string": (head + "rules = 'packs'\n", "'rules' must be a list"),
        "rules-int-item": (head + "rules = [1]\n", "'rules/0' must be a non-empty path"),
        "rules-missing": (head + "rules = ['no-such-pack.yaml']\n", "rule pack file or folder"),
        "registration-int": (head + "registration = 7\n", "'registration' must be a non-empty path"),
        "registration-missing": (head + "registration = 'no-such-app.json'\n", "registration file"),
        "limits-array": (head + "limits = [1]\n", "'limits' must be a mapping"),
        "limits-string-value": ("[tool.scopelint.limits]\nmax_bytes = '10'\n", "'limits/max_bytes' must be a whole"),
        "limits-float": ("[tool.scopelint.limits]\nmax_bytes = 1.5\n", "'limits/max_bytes' must be a whole number"),
        "limits-negative": ("[tool.scopelint.limits]\nmax_depth = -1\n", "'limits/max_depth' must be a whole number"),
        "limits-inf": ("[tool.scopelint.limits]\nmax_depth = inf\n", "'limits/max_depth' must be a whole number"),
        "limits-nan": ("[tool.scopelint.limits]\nmax_nodes = nan\n", "'limits/max_nodes' must be a whole number"),
        "limits-unknown-key": ("[tool.scopelint.limits]\nmax_size = 1\n", "unknown key 'max_size' in limits"),
        "deep-array": (head + "rules = " + "[" * 100 + "]" * 100 + "\n", "nesting deeper than 64 levels"),
        "very-deep-array": (head + "rules = " + "[" * 5000 + "]" * 5000 + "\n", "TOML nesting is too deep"),
        "latin1": ((head + "# caf\xe9\nfail_level = 'error'\n").encode("latin-1"), "not UTF-8"),
        "utf16-no-bom": ((head + "fail_level = 'error'\n").encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16-bom-bad": ((head + "fail_level = 'loud'\n").encode("utf-16"), "'fail_level' must be one of"),
        "nul-byte": ((head + "fail_level = 'error'\x00\n").encode(), "binary content"),
        "utf8-bom-bad": (b"\xef\xbb\xbf" + (head + "fail_level = 'loud'\n").encode(), "got 'loud'"),
        "empty": ("", "[tool.scopelint] must be a table"),
    }
    return {f"{name}.toml": case for name, case in cases.items()}


def snapshots() -> dict[str, tuple[bytes | str, str]]:
    """`scopelint fetch` snapshots, read with `check --registration FILE`."""
    mail_send = "e383f46e-2787-4529-855e-0e479a3ffac0"
    requested = {"resourceAppId": GRAPH, "type": "Scope", "id": mail_send, "value": "Mail.Send"}
    consented = {**requested, "consent": "AllPrincipals"}
    app = {"appId": "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b", "id": None, "displayName": "robot"}

    def snap(drop: str | None = None, **changes) -> str:
        doc = {"scopelint-snapshot": 1, "tool": {"name": "scopelint", "version": "0.1.0"},
               "fetched": "2026-11-28T09:00:00Z", "graph": "https://graph.microsoft.com/v1.0",
               "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47", "application": app,
               "servicePrincipal": {"id": "b1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e0f"},
               "requested": [requested], "consented": [consented]}
        doc.update({key.replace("scopelint_snapshot", "scopelint-snapshot"): v for key, v in changes.items()})
        doc.pop(drop, None)
        return json.dumps(doc, indent=2)

    good = snap()
    return {
        "truncated.json": (good[:200], "JSON syntax error"),
        "truncated-at-end.json": (good[:-3], "JSON syntax error"),
        "empty-object-version-only.json": ('{"scopelint-snapshot": 1}', "'tool' is a required property"),
        "version-2.json": (snap(scopelint_snapshot=2), "unsupported snapshot format version 2"),
        "version-0.json": (snap(scopelint_snapshot=0), "unsupported snapshot format version 0"),
        "version-string.json": (snap(scopelint_snapshot="1"), "unsupported snapshot format version '1'"),
        "version-true.json": (snap(scopelint_snapshot=True), "unsupported snapshot format version True"),
        "version-false.json": (snap(scopelint_snapshot=False), "unsupported snapshot format version False"),
        "version-list.json": (snap(scopelint_snapshot=[1]), "unsupported snapshot format version [1]"),
        "version-object.json": (snap(scopelint_snapshot={"v": 1}), "unsupported snapshot format version"),
        "version-infinite.json": (good.replace('"scopelint-snapshot": 1', '"scopelint-snapshot": 1e999'),
                                  "unsupported snapshot format version inf"),
        "no-tool.json": (snap(drop="tool"), "'tool' is a required property"),
        "no-fetched.json": (snap(drop="fetched"), "'fetched' is a required property"),
        "no-tenant.json": (snap(drop="tenant"), "'tenant' is a required property"),
        "no-application.json": (snap(drop="application"), "'application' is a required property"),
        "no-requested.json": (snap(drop="requested"), "'requested' is a required property"),
        "no-consented.json": (snap(drop="consented"), "'consented' is a required property"),
        "tool-string.json": (snap(tool="scopelint"), "tool: 'scopelint' is not of type 'object'"),
        "tool-other-name.json": (snap(tool={"name": "other", "version": "1"}), "tool/name: 'scopelint' was expected"),
        "tool-version-int.json": (snap(tool={"name": "scopelint", "version": 1}), "tool/version: 1 is not of type"),
        "tool-no-version.json": (snap(tool={"name": "scopelint"}), "tool: 'version' is a required property"),
        "fetched-int.json": (snap(fetched=5), "fetched: 5 is not of type 'string'"),
        "fetched-not-a-time.json": (snap(fetched="yesterday"), "fetched: 'yesterday' is not a 'date-time'"),
        "fetched-date-only.json": (snap(fetched="2026-11-28"), "is not a 'date-time'"),
        "graph-int.json": (snap(graph=1), "graph: 1 is not of type 'string'"),
        "graph-huge-list.json": (snap(graph=["x"] * 20000), "graph: ['x', 'x'"),
        "tenant-int.json": (snap(tenant=5), "tenant: 5 is not of type 'string', 'null'"),
        "tenant-list.json": (snap(tenant=["a"]), "tenant: ['a'] is not of type"),
        "application-string.json": (snap(application="robot"), "application: 'robot' is not of type 'object'"),
        "application-null.json": (snap(application=None), "application: None is not of type 'object'"),
        "application-list.json": (snap(application=[app]), "is not of type 'object'"),
        "application-no-app-id.json": (snap(application={"displayName": "x"}), "'appId' is a required property"),
        "app-id-not-a-guid.json": (snap(application={"appId": "robot-app"}), "application/appId: 'robot-app' does not"),
        "app-id-braces.json": (snap(application={"appId": "{8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b}"}),
                               "does not match"),
        "app-id-short.json": (snap(application={"appId": "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5"}), "does not match"),
        "app-id-no-dashes.json": (snap(application={"appId": "8a7b6c5d12344e5f9a8b0c1d2e3f4a5b"}), "does not match"),
        "app-id-not-hex.json": (snap(application={"appId": "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4z5b"}),
                                "does not match"),
        "app-id-int.json": (snap(application={"appId": 12345}), "application/appId: 12345 is not of type 'string'"),
        "app-id-padded.json": (snap(application={"appId": " 8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"}),
                               "does not match"),
        "display-name-int.json": (snap(application={**app, "displayName": 5}), "application/displayName: 5 is not"),
        "service-principal-string.json": (snap(servicePrincipal="sp"), "servicePrincipal: 'sp' is not valid"),
        "service-principal-no-id.json": (snap(servicePrincipal={}), "servicePrincipal: {} is not valid"),
        "requested-object.json": (snap(requested={}), "requested: {} is not of type 'array'"),
        "requested-null.json": (snap(requested=None), "requested: None is not of type 'array'"),
        "requested-item-string.json": (snap(requested=["Mail.Send"]), "requested/0: 'Mail.Send' is not of type"),
        "requested-item-list.json": (snap(requested=[[requested]]), "requested/0:"),
        "requested-no-id.json": (snap(requested=[{"resourceAppId": GRAPH, "type": "Scope"}]),
                                 "requested/0: 'id' is a required property"),
        "requested-no-type.json": (snap(requested=[{"resourceAppId": GRAPH, "id": mail_send}]),
                                   "requested/0: 'type' is a required property"),
        "requested-id-int.json": (snap(requested=[{**requested, "id": 5}]), "requested/0/id: 5 is not of type"),
        "requested-id-empty.json": (snap(requested=[{**requested, "id": ""}]), "requested/0/id: '' should be"),
        "requested-type-int.json": (snap(requested=[{**requested, "type": 1}]), "requested/0/type: 1 is not of"),
        "requested-resource-int.json": (snap(requested=[{**requested, "resourceAppId": 3}]),
                                        "requested/0/resourceAppId: 3 is not of type"),
        "requested-resource-empty.json": (snap(requested=[{**requested, "resourceAppId": ""}]),
                                          "requested/0/resourceAppId: '' should be non-empty"),
        "requested-value-int.json": (snap(requested=[{**requested, "value": 3}]), "requested/0/value: 3 is not"),
        "consented-object.json": (snap(consented={}), "consented: {} is not of type 'array'"),
        "consented-item-list.json": (snap(consented=[[1]]), "consented/0: [1] is not of type 'object'"),
        "consent-unknown.json": (snap(consented=[{**consented, "consent": "Admin"}]),
                                 "consented/0/consent: 'Admin' is not one of"),
        "consent-lower-case.json": (snap(consented=[{**consented, "consent": "allprincipals"}]),
                                    "consented/0/consent: 'allprincipals' is not one of"),
        "consent-missing.json": (snap(consented=[{k: v for k, v in consented.items() if k != "consent"}]),
                                 "consented/0: 'consent' is a required property"),
        "consent-bool.json": (snap(consented=[{**consented, "consent": True}]), "consented/0/consent: True is not"),
        "consent-type-lower.json": (snap(consented=[{**consented, "type": "scope"}]),
                                    "consented/0/type: 'scope' is not one of"),
        "consent-users-negative.json": (snap(consented=[{**consented, "consent": "Principal", "users": -1}]),
                                        "consented/0/users: -1 is less than the minimum of 0"),
        "consent-users-string.json": (snap(consented=[{**consented, "consent": "Principal", "users": "3"}]),
                                      "consented/0/users: '3' is not of type 'integer'"),
        "consent-users-nan.json": (snap(consented=[{**consented, "consent": "Principal", "users": 0}]).replace(
            '"users": 0', '"users": NaN'), "consented/0/users: nan is not of type 'integer'"),
        "consent-principals-string.json": (snap(consented=[{**consented, "principals": "abc"}]),
                                           "consented/0/principals: 'abc' is not of type 'array'"),
        "consent-no-id-no-value.json": (snap(consented=[{"resourceAppId": GRAPH, "type": "Scope",
                                                         "consent": "AllPrincipals"}]), "consented/0:"),
        "consent-id-and-value-null.json": (snap(consented=[{**consented, "id": None, "value": None}]),
                                           "is not valid under any of the given schemas"),
        "consent-no-resource.json": (snap(consented=[{k: v for k, v in consented.items() if k != "resourceAppId"}]),
                                     "consented/0: 'resourceAppId' is a required property"),
        "duplicate-key.json": (good[:-2] + ',\n  "scopelint-snapshot": 2\n}', "duplicate key 'scopelint-snapshot'"),
        "duplicate-requested.json": (good[:-2] + ',\n  "requested": []\n}', "duplicate key 'requested'"),
        "deep-value.json": (snap(graph=json.loads("[" * 80 + "]" * 80)), "nesting deeper than 64 levels"),
        "lone-surrogate.json": (good.replace('"displayName": "robot"', '"displayName": "rob\\ud800ot"'),
                                "not valid Unicode"),
        "latin1.json": (good.replace('"robot"', '"caf\xe9"').encode("latin-1"), "not UTF-8"),
        "utf16-no-bom.json": (good.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16-bom-truncated.json": (good[:-3].encode("utf-16"), "JSON syntax error"),
        "nul-byte.json": (good.encode()[:50] + b"\x00" + good.encode()[50:], "binary content"),
        "merge-conflict.json": (good.replace('  "tenant"', '<<<<<<< HEAD\n  "tenant"', 1), "JSON syntax error"),
        "yaml-snapshot.json": ("scopelint-snapshot: 1\n", "JSON syntax error"),
    }


WORKFLOW_DECL = ('xmlns:u="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
                 'assembly=UiPath.MicrosoftOffice365.Activities"')
WORKFLOW_HEAD = '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" ' + WORKFLOW_DECL + '>\n'
WORKFLOW_BODY = '  <Sequence DisplayName="Main">\n    <u:SendMail DisplayName="Send" />\n  </Sequence>\n'
GOOD_WORKFLOW = WORKFLOW_HEAD + WORKFLOW_BODY + "</Activity>\n"


def workflows() -> dict[str, tuple[bytes | str, str]]:
    """XAML workflows. Every case declares the activity assembly, so the scanner really parses it (a workflow
    without one is skipped by the prefilter: it cannot hold a Microsoft 365 activity)."""
    head, body, good = WORKFLOW_HEAD, WORKFLOW_BODY, GOOD_WORKFLOW
    decl = '<?xml version="1.0" encoding="utf-8"?>\n'
    dtd = "a DTD (<!DOCTYPE>) or entity declaration"
    laughs = ('<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i + 1} "' + f"&lol{i if i else ''};" * 10 + '">' for i in range(9)))
    send = '  <u:SendMail DisplayName="{}" />\n'
    merge = "merge-conflict markers in the file"
    return {
        "truncated.xaml": (good[:-20], "truncated or incomplete"),
        "truncated-in-attribute.xaml": (head + '  <u:SendMail DisplayName="Se', "truncated or incomplete"),
        "truncated-in-comment.xaml": (head + "<!-- abc\n</Activity>\n", "truncated or incomplete"),
        "no-root-end.xaml": (head + body, "truncated or incomplete"),
        "not-xml.xaml": ("this is not xml " + WORKFLOW_DECL + "\n", "not well-formed XAML"),
        "json-not-xaml.xaml": ('{"a": "' + WORKFLOW_DECL.replace('"', "'") + '"}', "not well-formed XAML"),
        "mismatched-tag.xaml": (head + "  <Sequence>\n  </Sequenc>\n</Activity>\n", "mismatched tag"),
        "two-roots.xaml": (good + good, "junk after document element"),
        "text-after-root.xaml": (good + "trailing text\n", "junk after document element"),
        "bare-ampersand.xaml": (head + send.format("a & b") + "</Activity>\n", "not well-formed (invalid token)"),
        "lt-in-attribute.xaml": (head + send.format("a < b") + "</Activity>\n", "not well-formed"),
        "attribute-without-quotes.xaml": (head + "  <u:SendMail DisplayName=Send />\n</Activity>\n",
                                          "not well-formed"),
        "duplicate-attribute.xaml": (head + '  <u:SendMail DisplayName="a" DisplayName="b" />\n</Activity>\n',
                                     "duplicate attribute"),
        "unbound-prefix.xaml": (head + "  <q:SendMail />\n</Activity>\n", "unbound prefix"),
        "reserved-prefix.xaml": (head.replace(">", ' xmlns:xml="urn:other">', 1) + body + "</Activity>\n",
                                 "reserved prefix"),
        "undefined-entity.xaml": (head + send.format("&nope;") + "</Activity>\n", "undefined entity"),
        "bad-character-reference.xaml": (head + send.format("&#0;") + "</Activity>\n",
                                         "reference to invalid character number"),
        "character-reference-too-large.xaml": (head + send.format("&#x110000;") + "</Activity>\n",
                                               "reference to invalid character number"),
        "tag-starts-with-digit.xaml": (head + "  <1Sequence />\n</Activity>\n", "not well-formed"),
        "unclosed-cdata.xaml": (head + "<![CDATA[ abc\n</Activity>\n", "unclosed CDATA section"),
        "declaration-not-first.xaml": ("\n" + decl + good, "XML or text declaration not at start of entity"),
        "merge-conflict.xaml": (head + "<<<<<<< HEAD\n" + body + "=======\n" + body + ">>>>>>> branch\n"
                                "</Activity>\n", merge),
        "merge-conflict-diff3.xaml": (head + "<<<<<<< HEAD\n" + body + "||||||| base\n" + body + "=======\n"
                                      + body + ">>>>>>> branch\n</Activity>\n", merge),
        "merge-conflict-first-line.xaml": ("<<<<<<< HEAD\n" + good + "=======\n" + good + ">>>>>>> branch\n", merge),
        "doctype.xaml": (decl + "<!DOCTYPE Activity>\n" + good, dtd),
        "doctype-system-http.xaml": (decl + '<!DOCTYPE Activity SYSTEM "http://127.0.0.1:9/workflow.dtd">\n' + good,
                                     dtd),
        "doctype-public.xaml": (decl + '<!DOCTYPE Activity PUBLIC "-//X//DTD X//EN" "file:///etc/x.dtd">\n' + good,
                                dtd),
        "doctype-internal-subset.xaml": (decl + "<!DOCTYPE Activity [<!ELEMENT Activity ANY>]>\n" + good, dtd),
        "billion-laughs.xaml": (decl + "<!DOCTYPE Activity [" + laughs + "]>\n" + head
                                + send.format("&lol9;") + "</Activity>\n", dtd),
        "billion-laughs-in-text.xaml": (decl + "<!DOCTYPE Activity [" + laughs + "]>\n" + head + "&lol9;"
                                        + body + "</Activity>\n", dtd),
        "quadratic-blowup.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY a "' + "x" * 5000 + '">]>\n' + head
                                  + "&a;" * 500 + body + "</Activity>\n", dtd),
        "recursive-entity.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY a "&b;"><!ENTITY b "&a;">]>\n' + head
                                  + "&a;" + body + "</Activity>\n", dtd),
        "external-entity-file.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                                      + head + send.format("&e;") + "</Activity>\n", dtd),
        "external-entity-file-relative.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY e SYSTEM "../../secret.txt">]>\n'
                                               + head + "&e;" + body + "</Activity>\n", dtd),
        "external-entity-http.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>\n'
                                      + head + "&e;" + body + "</Activity>\n", dtd),
        "external-parameter-entity.xaml": (decl + '<!DOCTYPE Activity [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd">'
                                           " %p;]>\n" + good, dtd),
        "unparsed-entity.xaml": (decl + '<!DOCTYPE Activity [<!NOTATION n SYSTEM "x"><!ENTITY e SYSTEM '
                                 '"file:///etc/passwd" NDATA n>]>\n' + good, dtd),
        "utf16-bom-doctype.xaml": (('<!DOCTYPE Activity [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + good)
                                   .encode("utf-16"), dtd),
        "utf16-bom-truncated.xaml": (good[:-20].encode("utf-16"), "truncated or incomplete"),
        "utf16-bom-odd-length.xaml": (good.encode("utf-16") + b"\x00", "not valid UTF-16"),
        "utf16-bom-lone-surrogate.xaml": (b"\xff\xfe" + good.encode("utf-16-le")[:40] + b"\x00\xd8"
                                          + good.encode("utf-16-le")[40:], "not valid UTF-16"),
        "utf16-bom-merge-conflict.xaml": ((head + "<<<<<<< HEAD\n" + body + "=======\n>>>>>>> x\n</Activity>\n")
                                          .encode("utf-16"), merge),
        "utf16be-bom-truncated.xaml": (b"\xfe\xff" + good[:-20].encode("utf-16-be"), "truncated or incomplete"),
        "utf16-no-bom-truncated.xaml": (good[:-20].encode("utf-16-le"), "truncated or incomplete"),
        "utf16be-no-bom-mismatched.xaml": ((head + "<Sequence></Sequenc></Activity>").encode("utf-16-be"),
                                           "mismatched tag"),
        "utf16-no-bom-doctype.xaml": (("<!DOCTYPE Activity>\n" + good).encode("utf-16-le"), dtd),
        "utf16-declared-but-utf8.xaml": ('<?xml version="1.0" encoding="utf-16"?>\n' + good,
                                         "encoding specified in XML declaration is incorrect"),
        "latin1-undeclared.xaml": ((head + send.format("Caf\xe9") + "</Activity>\n").encode("latin-1"),
                                   "not UTF-8 and no other encoding declared"),
        "cp1252-undeclared.xaml": (head.encode() + b'  <u:SendMail DisplayName="\x93Send\x94" />\n</Activity>\n',
                                   "not UTF-8 and no other encoding declared"),
        "overlong-utf8.xaml": (head.encode() + b'  <u:SendMail DisplayName="\xc0\xaf" />\n</Activity>\n',
                               "not UTF-8"),
        "shift-jis-declared.xaml": (('<?xml version="1.0" encoding="shift_jis"?>\n' + good).encode("shift_jis"),
                                    "unsupported encoding"),
        "unknown-encoding-declared.xaml": ('<?xml version="1.0" encoding="x-no-such-charset"?>\n' + good,
                                           "unsupported encoding"),
        "double-bom.xaml": (b"\xef\xbb\xbf\xef\xbb\xbf" + good.encode(), "not well-formed"),
        "utf8-bom-truncated.xaml": (b"\xef\xbb\xbf" + good.encode()[:-20], "truncated or incomplete"),
        "nul-first-byte.xaml": (b"\x00" + good.encode(), "binary content (NUL byte)"),
        "nul-in-attribute.xaml": (good.encode().replace(b'"Send"', b'"Se\x00nd"'), "binary content (NUL byte)"),
        "nul-after-4k.xaml": (head.encode() + b"<!--" + b"x" * 5000 + b"-->\n" + b'<u:SendMail DisplayName="a\x00"/>'
                              + b"\n</Activity>\n", "NUL byte"),
        "control-character.xaml": (head + send.format("a\x01b") + "</Activity>\n", "not well-formed (invalid token)"),
        "binary-png.xaml": (b"\x89PNG\r\n\x1a\n" + WORKFLOW_DECL.encode() + bytes(range(1, 256)), "not UTF-8"),
        "deep-nesting.xaml": (head + "<Sequence>" * 1500 + "</Sequence>" * 1500 + "</Activity>\n",
                              "XML nesting deeper than 1,000 levels"),
        "deep-nesting-in-scopes.xaml": (
            '<Activity xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" xmlns:o="clr-namespace:'
            'UiPath.MicrosoftOffice365.Activities;assembly=UiPath.MicrosoftOffice365.Activities">\n'
            "<o:Office365ApplicationScope><o:Office365ApplicationScope.AuthenticationScopes>"
            + "<List>" * 1200 + "</List>" * 1200
            + "</o:Office365ApplicationScope.AuthenticationScopes></o:Office365ApplicationScope>\n</Activity>\n",
            "XML nesting deeper than 1,000 levels"),
        # the HTTP Request's URL written as a property element is read by handlers of its own (issue #15)
        "deep-nesting-in-http-endpoint.xaml": (
            head.replace(">", ' xmlns:ui="http://schemas.uipath.com/workflow/activities">', 1)
            + '<ui:HttpClient Method="GET"><ui:HttpClient.EndPoint>' + "<InArgument>" * 1200
            + "</InArgument>" * 1200 + "</ui:HttpClient.EndPoint></ui:HttpClient>\n" + body + "</Activity>\n",
            "XML nesting deeper than 1,000 levels"),
        "truncated-in-http-endpoint.xaml": (
            head.replace(">", ' xmlns:ui="http://schemas.uipath.com/workflow/activities">', 1) + body
            + '<ui:HttpClient Method="POST"><ui:HttpClient.EndPoint><InArgument>"https://graph.microsoft.com/v1.0/',
            "truncated or incomplete"),
        "unterminated-invoke-code.xaml": (
            head.replace(">", ' xmlns:ui="http://schemas.uipath.com/workflow/activities">', 1) + body
            + '<ui:InvokeCode Code="var u = &quot;https://graph.microsoft.com/v1.0/me&quot;;\n</Activity>\n',
            "not well-formed"),
    }


GRAPH_LINE = 'var url = "https://graph.microsoft.com/v1.0/users/" + upn + "/sendMail";\n'


def code() -> dict[str, tuple[bytes | str, str]]:
    """Coded workflows and code files (.cs, .vb). Every case names a Graph host, so the scanner really decodes it
    (a code file that names neither a Graph host nor a Graph client is not decoded: it holds no Graph call)."""
    cs = "using System;\npublic class Notify\n{\n    " + GRAPH_LINE + "}\n"
    vb = ("Imports System\nPublic Class Notify\n    Dim url = \"https://graph.microsoft.com/v1.0/me/messages\"\n"
          "End Class\n")
    not_utf8 = "not UTF-8"
    return {
        "latin1.cs": (cs.replace("Notify", "Notificação").encode("latin-1"), not_utf8),
        "latin1-comment.vb": (("' Olá\n" + vb).encode("latin-1"), not_utf8),
        "cp1252-quotes.cs": (cs.replace("using System;", "// \u201cquoted\u201d").encode("cp1252"), not_utf8),
        "shift-jis.vb": (("' こんにちは\n" + vb).encode("shift_jis"), not_utf8),
        "overlong-utf8.cs": (cs.encode() + b"// \xc0\xaf\n", not_utf8),
        "lone-surrogate-utf8.cs": (cs.encode() + b"// \xed\xa0\x80\n", not_utf8),
        "truncated-multibyte.vb": (vb.encode() + b"' \xe2\x82", not_utf8),
        "invalid-continuation.vb": (vb.encode() + b"' \xe2\x28\xa1\n", not_utf8),
        "nul-byte.cs": (cs.encode()[:40] + b"\x00" + cs.encode()[40:], "binary content"),
        "nul-at-end.vb": (vb.encode() + b"\x00", "binary content"),
        "png-named-cs.cs": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + GRAPH_LINE.encode(), "binary content"),
        "utf16-no-bom.cs": (cs.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16be-no-bom.vb": (vb.encode("utf-16-be"), "UTF-16 without a byte-order mark"),
        "utf16-bom-odd-length.cs": (cs.encode("utf-16") + b"\x00", "not valid UTF-16"),
        "utf16-bom-lone-surrogate.vb": ("\ufeff".encode("utf-16-le") + b"\x00\xd8" + vb.encode("utf-16-le"),
                                        "not valid UTF-16"),
    }


def projects() -> dict[str, tuple[bytes | str, str]]:
    """project.json files (the corpus names them <case>.json; the test puts each in a project folder)."""
    o365 = "UiPath.MicrosoftOffice365.Activities"

    def project(**changes) -> str:
        doc = {"name": "Invoice", "main": "Main.xaml", "dependencies": {o365: "[2.6.28]"},
               "expressionLanguage": "VisualBasic", "targetFramework": "Windows",
               "designOptions": {"outputType": "Process", "processOptions": {"ignoredFiles": []}}}
        doc.update(changes)
        return json.dumps(doc, indent=2)

    def dep(version) -> str:
        return project(dependencies={o365: version})

    good = project()
    syntax = "JSON syntax error"
    not_range = "is not a NuGet version range"
    return {
        "empty.json": ("", syntax),
        "whitespace.json": ("  \n\n", syntax),
        "truncated.json": (good[:60], syntax),
        "truncated-at-end.json": (good[:-3], syntax),
        "trailing-comma.json": (good[:-2] + ",\n}", syntax),
        "comments.json": ("// Studio\n" + good, syntax),
        "single-quotes.json": (good.replace('"', "'"), syntax),
        "merge-conflict.json": (good.replace('  "main"', '<<<<<<< HEAD\n  "main"', 1), syntax),
        "xaml-not-json.json": (GOOD_WORKFLOW, syntax),
        "yaml-not-json.json": ("name: Invoice\n", syntax),
        "array-top.json": ("[]", "expected a JSON object"),
        "string-top.json": ('"Invoice"', "expected a JSON object"),
        "null-top.json": ("null", "expected a JSON object"),
        "number-top.json": ("2", "expected a JSON object"),
        "dependencies-list.json": (project(dependencies=[o365]), "'dependencies' is [\"UiPath"),
        "dependencies-string.json": (project(dependencies=o365), "'dependencies' is \"UiPath"),
        "dependencies-number.json": (project(dependencies=5), "'dependencies' is 5, not an object"),
        "dependencies-bool.json": (project(dependencies=True), "'dependencies' is true, not an object"),
        "version-int.json": (dep(2), f"{o365}: 2 {not_range}"),
        "version-null.json": (dep(None), f"{o365}: null {not_range}"),
        "version-list.json": (dep(["2.6.28"]), f'{o365}: ["2.6.28"] {not_range}'),
        "version-object.json": (dep({"min": "2.6"}), not_range),
        "version-empty.json": (dep(""), f'{o365}: "" {not_range}'),
        "version-word.json": (dep("latest"), f'{o365}: "latest" {not_range}'),
        "version-v-prefix.json": (dep("v2.6.28"), not_range),
        "version-five-parts.json": (dep("1.2.3.4.5"), not_range),
        "version-unclosed.json": (dep("[2.6.28"), not_range),
        "version-double-bracket.json": (dep("[2.6.28]]"), not_range),
        "version-open-both-ends.json": (dep("(, )"), not_range),
        "version-three-ends.json": (dep("[1.0, 2.0, 3.0]"), not_range),
        "version-exclusive-exact.json": (dep("(2.6.28)"), not_range),
        "version-reversed.json": (dep("[3.0, 2.0]"), not_range),
        "version-empty-range.json": (dep("(2.0, 2.0]"), not_range),
        "version-trailing-dash.json": (dep("2.6.28-"), not_range),
        "version-spaces-inside.json": (dep("2. 6"), not_range),
        "version-huge-value.json": (dep(["x"] * 5000), '"x", "... is not a NuGet version range'),
        "teams-version-bad.json": (project(dependencies={"UiPath.MicrosoftTeams.Activities": "one"}), not_range),
        "package-lower-case-bad.json": (project(dependencies={o365.lower(): "nope"}), not_range),
        "name-number.json": (project(name=5), "'name' is 5, not a string; the folder name is used"),
        "name-list.json": (project(name=["Invoice"]), "'name' is [\"Invoice\"], not a string"),
        "name-bool.json": (project(name=False), "'name' is false, not a string"),
        "design-options-string.json": (project(designOptions="Process"), "'designOptions' is \"Process\", not an"),
        "process-options-list.json": (project(designOptions={"processOptions": []}), "'processOptions' is []"),
        "ignored-files-string.json": (project(designOptions={"processOptions": {"ignoredFiles": "Main.xaml"}}),
                                      "'ignoredFiles' is \"Main.xaml\", not a list of file names"),
        "ignored-files-numbers.json": (project(designOptions={"processOptions": {"ignoredFiles": [1, 2]}}),
                                       "'ignoredFiles' holds entries that are not file names"),
        "output-type-number.json": (project(designOptions={"outputType": 1}), "'outputType' is 1, not a string"),
        "expression-language-number.json": (project(expressionLanguage=3), "'expressionLanguage' is 3, not a"),
        "target-framework-list.json": (project(targetFramework=["Windows"]), "'targetFramework' is [\"Windows\"]"),
        "duplicate-dependencies.json": (good[:-2] + ',\n  "dependencies": {}\n}', "duplicate key 'dependencies'"),
        "duplicate-name.json": (good.replace('"main"', '"name": "Other",\n  "main"', 1), "duplicate key 'name'"),
        "deep-value.json": (project(extra=json.loads("[" * 80 + "]" * 80)), "nesting deeper than 64 levels"),
        "very-deep.json": ("[" * 100000 + "]" * 100000, "JSON nesting is too deep"),
        "huge-number.json": ('{"name": "x", "size": 1' + "0" * 5000 + "}", "JSON value error"),
        "lone-surrogate.json": (project(name="Invoice").replace("Invoice", "Inv\\udc00oice"), "not valid Unicode"),
        "latin1.json": (good.replace("Invoice", "Caf\xe9").encode("latin-1"), "not UTF-8"),
        "utf16-no-bom.json": (good.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "utf16-bom-truncated.json": (good[:-3].encode("utf-16"), syntax),
        "utf8-bom-truncated.json": (b"\xef\xbb\xbf" + good[:-3].encode(), syntax),
        "nul-byte.json": (good.encode()[:30] + b"\x00" + good.encode()[30:], "binary content"),
    }


KINDS = {"manifest": manifests, "registration": registrations, "rulepack": rulepacks, "config": configs,
         "pyproject": pyprojects, "snapshot": snapshots, "xaml": workflows, "project": projects, "code": code}


def write() -> None:
    table = {}
    for kind, make in KINDS.items():
        folder = HERE / kind
        cases = make()
        for stale in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else ():
            if stale.relative_to(folder).as_posix() not in cases and not any(
                    name.startswith(stale.relative_to(folder).as_posix() + "/") for name in cases):
                stale.rmdir() if stale.is_dir() else stale.unlink()
        for name, (content, needle) in cases.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
            table[f"{kind}/{name}"] = needle
    (HERE / "cases.yaml").write_text(
        "# file -> a substring the one-line error must contain (generated by generate.py)\n"
        + yaml.safe_dump(table, sort_keys=True, allow_unicode=True, width=200))


if __name__ == "__main__":
    write()
