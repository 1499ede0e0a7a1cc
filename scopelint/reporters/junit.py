"""JUnit XML for CI test dashboards: a test suite per manifest, a test case per check (finding code).

A check fails when it has findings at or above the run's fail level; findings below it are listed in the test
case's output. Registration checks are skipped for manifests checked without a registration. A manifest that
could not be read is a suite with one erroring test case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from scopelint.checks import BY_KIND, CHECKS
from scopelint.findings import SEVERITIES, Finding
from scopelint.results import RunResult

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHECKS = sorted(CHECKS, key=lambda c: c.id)


def render(report: RunResult) -> str:
    threshold = SEVERITIES.index(report.fail_level)
    root = ET.Element("testsuites", name="scopelint")
    by_manifest: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.suppressed_by is None:
            by_manifest.setdefault(f.manifest or f.file, []).append(f)
    described = set()
    for r in report.results:
        path = r.manifest.path
        described.add(path)
        suite = _suite(root, f"{path} ({r.manifest.name})", path)
        mine = by_manifest.get(path, [])
        for code in _CHECKS:
            if code.kind == "invalid-input":
                continue
            case = _case(suite, path, code)
            if r.registration is None and code.requires in ("registration", "consent"):
                ET.SubElement(case, "skipped", message="no app registration given")
                continue
            hits = [f for f in mine if f.kind == code.kind]
            failing = [f for f in hits if SEVERITIES.index(f.severity) >= threshold]
            if failing:
                failure = ET.SubElement(case, "failure", type=code.id, message=_clean(failing[0].message))
                failure.text = _clean("\n".join(_line(f) for f in failing))
            quiet = [f for f in hits if f not in failing]
            if quiet:
                ET.SubElement(case, "system-out").text = _clean("\n".join(_line(f) for f in quiet))
    for path, items in sorted(by_manifest.items()):
        if path in described:
            continue
        suite = _suite(root, path, path)
        case = _case(suite, path, BY_KIND["invalid-input"])
        error = ET.SubElement(case, "error", type=BY_KIND["invalid-input"].id, message=_clean(items[0].message))
        error.text = _clean("\n".join(_line(f) for f in items))
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, name: str, path: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=_clean(name), file=_clean(path))


def _case(suite: ET.Element, path: str, code) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_clean(path), name=f"{code.id} {code.kind}: {code.summary}",
                         file=_clean(path))


def _count(root: ET.Element) -> None:
    """tests/failures/errors/skipped attributes on every suite and on the root."""
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        cases = suite.findall("testcase")
        counts = {"tests": len(cases), "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))


def _line(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.line else f.file
    text = f"{f.severity} {f.code} {where}: {f.message}"
    text += "".join(f"\n  · {e}" for e in f.evidence)
    return text + (f"\n  → {f.suggestion}" if f.suggestion else "")


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (escaping of <, >, & and quotes is ElementTree's job)."""
    return _NOT_XML.sub("", text)
