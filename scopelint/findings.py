"""Findings: one thing to report, with its evidence and location; and the exit code, decided here and nowhere else.

What each finding code means (id, kind, default severity, help) is registered in `scopelint.checks`.
"""

from dataclasses import dataclass, field
from typing import Literal

from scopelint.checks import BY_KIND

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Finding:
    """One thing to report, with its evidence and location."""

    kind: str
    severity: str
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    activity: str | None = None
    permission: str | None = None
    permission_type: str | None = None
    evidence: tuple[str, ...] = ()
    suggestion: str | None = None
    suppressed_by: str | None = None
    manifest: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def code(self) -> str:
        return BY_KIND[self.kind].id

    def sort_key(self) -> tuple:
        return (self.manifest or self.file, self.file != (self.manifest or self.file), self.file, self.line or 0,
                self.kind, self.activity or "",
                self.permission or "", self.permission_type or "", self.message)


def make(kind: str, message: str, file: str, **kw) -> Finding:
    """A finding with its registry default severity (`evaluation.evaluate` applies the configured one)."""
    return Finding(kind=kind, severity=BY_KIND[kind].severity, message=message, file=file, **kw)


# How a run can end, and the exit code each ends with: the commands and cli.py name the outcome, never the number.
Outcome = Literal["clean", "findings", "drifted", "disagreement", "bad-input", "external", "interrupted", "bug"]
_EXIT: dict[Outcome, int] = {
    "clean": 0,
    "findings": 1,  # findings at or above the fail level
    "drifted": 1,  # `scopes`: the manifest does not declare what its project uses, so no set is printed
    "disagreement": 1,  # `rules verify`: a proof disagrees with the rules or the lattice
    "bad-input": 2,  # unreadable or invalid input, nothing readable, a manifest that could not be written
    "external": 3,  # the tenant, the network, the disk or the output failed
    "interrupted": 130,  # Ctrl-C or an aborted prompt
    "bug": 4,  # an unexpected exception
}


def outcome_code(outcome: Outcome) -> int:
    """The exit code of a run that ended in `outcome`."""
    return _EXIT[outcome]


def exit_code(findings: list[Finding], fail_level: str = "error", input_error: bool = False) -> int:
    """0 clean, 1 findings at or above the fail level, 2 bad input (which wins over findings)."""
    if input_error:
        return outcome_code("bad-input")
    threshold = SEVERITIES.index(fail_level)
    active = (f for f in findings if f.suppressed_by is None)
    return outcome_code("findings" if any(SEVERITIES.index(f.severity) >= threshold for f in active) else "clean")
