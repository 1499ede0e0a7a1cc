"""Reporters, in a registry keyed by format name. A reporter turns a CheckReport into text; it never computes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `scan` imports report.scan and must not pay for loading the engine
    from scopelint.audit import Audit
    from scopelint.compare import Result
    from scopelint.findings import Finding

_MODULES = {
    "text": "scopelint.report.text",
    "json": "scopelint.report.json_format",
    "sarif": "scopelint.report.sarif",
    "junit": "scopelint.report.junit",
    "github": "scopelint.report.github",
    "markdown": "scopelint.report.markdown",
    "html": "scopelint.report.html",
    "csv": "scopelint.report.csv_format",
}
# Formats that lay out the audit view (CheckReport.audit); markdown shows it when present, a summary otherwise.
AUDIT_FORMATS = frozenset({"html", "csv"})


@dataclass
class CheckReport:
    """Everything a reporter may show: per-manifest results and findings that belong to no result."""

    results: list[Result]
    findings: list[Finding]
    meta: dict = field(default_factory=dict)
    color: bool = False
    fail_level: str = "error"
    audit: Audit | None = None


def formats() -> list[str]:
    return sorted(_MODULES)


def reporter(name: str) -> Callable[[CheckReport], str]:
    """The render function of a format; modules load only when used."""
    return import_module(_MODULES[name]).render
