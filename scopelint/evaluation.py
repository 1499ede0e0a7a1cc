"""Running the registered checks on an Analysis: the one place that turns facts into reported findings.

Kept apart from the registry table (`scopelint.checks`), which the findings, the manifest reader and the reporters
import and which must import nothing of the engine back.
"""

from collections.abc import Mapping
from dataclasses import replace

from scopelint.analysis import Analysis, ExceptionStatus
from scopelint.checks import CHECKS, severity_of
from scopelint.findings import Finding
from scopelint.results import Result


def evaluate(analysis: Analysis, overrides: Mapping[str, str] | None = None) -> Result:
    """Run every check that can run on the Analysis and is not off, with the configured severities, then apply
    the manifest's `accept:` exceptions and review them."""
    overrides = overrides or {}
    present = analysis.present()
    findings = []
    for check in CHECKS:
        severity = severity_of(check, overrides)
        if severity == "off" or check.requires not in present or check.family == "exceptions":
            continue
        findings.extend(_with_severity(check.function(analysis), severity))
    statuses: list[ExceptionStatus] = []
    if "accept" in present:
        from scopelint.checks.exceptions import apply_accepts

        findings, statuses = apply_accepts(analysis, findings, overrides)
    for check in CHECKS:
        severity = severity_of(check, overrides)
        if check.family == "exceptions" and severity != "off" and check.requires in present:
            findings.extend(_with_severity(check.function(analysis, statuses), severity))
    return Result(analysis, sorted(findings, key=Finding.sort_key), statuses)


def _with_severity(findings: list[Finding], severity: str) -> list[Finding]:
    return [f if f.severity == severity else replace(f, severity=severity) for f in findings]
