"""Regenerates the bad-input corpus: `python tests/badinput/generate.py`.

Each case is a file under tests/badinput/<kind>/ plus a line in cases.yaml saying which command reads it and a
substring the one-line error must contain. Inputs too large to commit (100 MB, symlink loops, unreadable files) are
made at test time by tests/test_badinput.py.
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
        "utf16-no-bom.yaml": ("scopelint: 1\n".encode("utf-16-le"), "binary content"),
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
        "utf16-no-bom.json": ('{"requiredResourceAccess": []}'.encode("utf-16-le"), "binary content"),
        "merge-conflict.json": ('{\n<<<<<<< HEAD\n"requiredResourceAccess": []\n=======\n>>>>>>> x\n}',
                                "JSON syntax error"),
        "yaml-not-json.json": ("requiredResourceAccess: []\n", "JSON syntax error"),
        "duplicate-rra-truncated.json": ('{"requiredResourceAccess": [], "requiredResourceAccess": [', "JSON syntax"),
        "bom-truncated.json": (b'\xef\xbb\xbf{"requiredResourceAccess": [', "JSON syntax error"),
        "huge-number.json": ('{"requiredResourceAccess": 1' + "0" * 5000 + "}", "JSON value error"),
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
    }


def write() -> None:
    table = {}
    for kind, cases in (("manifest", manifests()), ("registration", registrations()), ("rulepack", rulepacks())):
        folder = HERE / kind
        folder.mkdir(exist_ok=True)
        for name, (content, needle) in cases.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (folder / name).write_bytes(data)
            table[f"{kind}/{name}"] = needle
    (HERE / "cases.yaml").write_text(
        "# file -> a substring the one-line error must contain (generated by generate.py)\n"
        + yaml.safe_dump(table, sort_keys=True, allow_unicode=True, width=200))


if __name__ == "__main__":
    write()
