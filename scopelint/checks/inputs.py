"""SL901: files that could not be read. The session reports unreadable manifests, registrations and configurations
itself (there is no Analysis without them); this check reports the workflows of a project the scan could not read.
SL902: workflows read whole whose flood of repeated uses was summarised (a warning: the input is not bad)."""

from scopelint.analysis import Analysis
from scopelint.findings import Finding, make


def invalid_input(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    return [make("invalid-input", d.message, d.file, line=d.line, manifest=a.manifest.path)
            for d in project.diagnostics if not d.capped]


def capped_input(a: Analysis) -> list[Finding]:
    project = a.project
    assert project is not None
    return [make("capped-input", d.message, d.file, line=d.line, manifest=a.manifest.path)
            for d in project.diagnostics if d.capped]
