"""What a run produces, for the reporters: per manifest its Analysis with the reported findings, and the run as a
whole. Engine-side models: the engine and the session never import the reporters.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from scopelint.analysis import Analysis, ExceptionStatus, Need
from scopelint.catalog import Permission
from scopelint.findings import Finding
from scopelint.manifest import Manifest
from scopelint.registration import Registration

if TYPE_CHECKING:
    from scopelint.review import Review
    from scopelint.usage.join import Usage


class Result(NamedTuple):
    """One manifest: the facts worked out once, the findings the checks reported, what became of its exceptions."""

    analysis: Analysis
    findings: list[Finding]
    exceptions: list[ExceptionStatus]

    @property
    def manifest(self) -> Manifest:
        return self.analysis.manifest

    @property
    def registration(self) -> Registration | None:
        return self.analysis.registration

    @property
    def needs(self) -> tuple[Need, ...]:
        return self.analysis.needs

    @property
    def minimal(self) -> tuple[Permission, ...]:
        return self.analysis.minimal

    @property
    def needed_by(self) -> dict[Permission, list[Need]]:
        return self.analysis.needed_by

    @property
    def used_by(self) -> dict[Permission, list[str]]:
        """Per permission of the minimal set, the labels of the needs it serves (sorted)."""
        return {p: sorted({n.label for n in needs}) for p, needs in self.analysis.needed_by.items()}

    @property
    def active(self) -> list[Finding]:
        """The findings no exception suppresses."""
        return [f for f in self.findings if f.suppressed_by is None]


@dataclass
class RunResult:
    """Everything a reporter may show: per-manifest results and findings that belong to no result."""

    results: list[Result]
    findings: list[Finding]
    meta: dict = field(default_factory=dict)
    color: bool = False
    fail_level: str = "error"
    review: "Review | None" = None
    usage: list["Usage"] = field(default_factory=list)  # observed usage (`usage`, `check --logs`): per manifest or app
