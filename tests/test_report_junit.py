"""JUnit XML: a suite per manifest, a test case per check; failures follow the fail level; hostile names stay
text; unreadable manifests are errors."""

from __future__ import annotations

from defusedxml import ElementTree
from report_fixtures import HOSTILE, SEND_MAIL, write_project

from scopelint.checks import CHECKS


def junit(cli, *args):
    run = cli("check", "--format", "junit", *args)
    return run, ElementTree.fromstring(run.stdout.encode("utf-8"))


def _case(suite, code: str):
    return next(c for c in suite.iter("testcase") if c.get("name").startswith(code + " "))


def test_a_suite_per_manifest_and_a_case_per_check(cli, tmp_path):
    write_project(tmp_path / "a", grants=SEND_MAIL)
    write_project(tmp_path / "b", activities=("Send Mail", "Write Range"), grants=SEND_MAIL)
    run, root = junit(cli, tmp_path)
    assert run.code == 1
    suites = root.findall("testsuite")
    assert [s.get("file") for s in suites] == [str(tmp_path / "a" / "scopelint.yaml"),
                                               str(tmp_path / "b" / "scopelint.yaml")]
    checks = len(CHECKS) - 1  # every code but invalid-input
    assert all(len(s.findall("testcase")) == checks for s in suites)
    assert root.get("tests") == str(2 * checks) and root.get("failures") == "1"
    failure = _case(suites[1], "SL101").find("failure")
    assert failure is not None and failure.get("type") == "SL101"
    assert "Files.ReadWrite" in failure.get("message") and "Write Range" in failure.text
    assert suites[0].get("failures") == "0"


def test_warnings_pass_below_the_fail_level_and_fail_at_it(cli, tmp_path):
    manifest = write_project(tmp_path, grants=[*SEND_MAIL, ("Calendars.Read", "delegated")])
    run, root = junit(cli, manifest)
    case = _case(root.find("testsuite"), "SL102")
    assert run.code == 0 and case.find("failure") is None
    assert "Calendars.Read" in case.find("system-out").text
    run, root = junit(cli, "--strict", manifest)
    assert run.code == 1 and _case(root.find("testsuite"), "SL102").find("failure") is not None


def test_registration_checks_are_skipped_without_a_registration(cli, tmp_path):
    _, root = junit(cli, write_project(tmp_path))
    suite = root.find("testsuite")
    assert _case(suite, "SL101").find("skipped") is not None
    assert _case(suite, "SL201").find("skipped") is None
    assert suite.get("skipped") == root.get("skipped") and int(root.get("skipped")) >= 4


def test_unreadable_manifest_is_an_erroring_case(cli, tmp_path):
    bad = tmp_path / "scopelint.yaml"
    bad.write_text("scopelint: 1\nname: x\nname: y\nactivities: []\n")
    run, root = junit(cli, bad)
    assert run.code == 2
    suite = root.find("testsuite")
    error = suite.find("testcase/error")
    assert error.get("type") == "SL901" and "duplicate key" in error.get("message")
    assert root.get("errors") == "1"


def test_hostile_names_are_escaped_text(cli, tmp_path):
    manifest = write_project(tmp_path, name=HOSTILE, activities=(HOSTILE,), grants=SEND_MAIL)
    run, root = junit(cli, manifest)
    assert "<script>" not in run.stdout
    suite = root.find("testsuite")
    assert HOSTILE in suite.get("name")
    assert HOSTILE in _case(suite, "SL201").find("failure").text
