"""One line per open finding, `path:line:col: severity code message`: what editors, problem matchers and grep
read. Nothing else: no headers, no summary (so a clean run prints nothing)."""

from __future__ import annotations

from scopelint.reporters.ansi import style
from scopelint.results import RunResult

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def render(report: RunResult) -> str:
    lines = []
    for f in report.findings:
        if f.suppressed_by is not None:
            continue
        severity = style(f.severity, fg=_COLORS[f.severity]) if report.color else f.severity
        message = f.message + (f" ({f.suggestion})" if f.suggestion else "")
        lines.append(f"{f.file}:{f.line or 1}:{f.column or 1}: {severity} {f.code} {message}")
    return "".join(line + "\n" for line in lines)
