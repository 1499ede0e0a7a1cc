"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…::…` annotation per active finding.

Escaping follows the runner's rules: data escapes % CR LF; property values also escape : and , so that nothing
from an input file can end a command early or start a new one.
"""

from __future__ import annotations

from scopelint.findings import Finding
from scopelint.results import RunResult

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: RunResult) -> str:
    return "".join(annotation(f) + "\n" for f in report.findings if f.suppressed_by is None)


def annotation(f: Finding) -> str:
    props = [f"file={escape_property(f.file)}"]
    if f.line:
        props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
    props.append(f"title={escape_property(f'scopelint {f.code} {f.kind}')}")
    message = f.message + (f"\n→ {f.suggestion}" if f.suggestion else "")
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(message)}"
