"""Reporters, in a registry keyed by format name. A reporter turns a CheckReport into text; it never computes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from scopelint.compare import Result
from scopelint.findings import Finding

_MODULES = {
    "text": "scopelint.report.text",
    "json": "scopelint.report.json_format",
}


@dataclass
class CheckReport:
    """Everything a reporter may show: per-manifest results and findings that belong to no result."""

    results: list[Result]
    findings: list[Finding]
    meta: dict = field(default_factory=dict)
    color: bool = False


def formats() -> list[str]:
    return sorted(_MODULES)


def reporter(name: str) -> Callable[[CheckReport], str]:
    """The render function of a format; modules load only when used."""
    return import_module(_MODULES[name]).render
