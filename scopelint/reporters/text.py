"""Terminal output: per manifest what it needs and its findings, then a one-line summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scopelint.findings import Finding
from scopelint.results import Result, RunResult

if TYPE_CHECKING:
    from scopelint.usage.join import Usage

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}
_ADD_REGISTRATION = ("  to compare with the app registration: export it next to the manifest (az ad app show --id "
                     "APP_ID > app.json) and add 'registration: app.json', or pass --registration FILE")


def render(report: RunResult) -> str:
    style = _styler(report.color)
    lines: list[str] = []
    by_manifest: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_manifest.setdefault(f.manifest or f.file, []).append(f)
    described = set()
    for result in report.results:
        described.add(result.manifest.path)
        lines.extend(_manifest_lines(result, by_manifest.get(result.manifest.path, []), style))
    for path, items in sorted(by_manifest.items()):
        if path not in described:
            lines.extend(_unread_lines(path, items, style))
    for usage in report.usage:
        lines.extend(_usage_lines(usage, style))
    lines.append(_summary(report, style))
    return "\n".join(lines) + "\n"


def stream(pairs: Iterable[tuple[Result | None, list[Finding]]], color: bool, write: Callable[[str], object]) -> None:
    """The text of `render`, written manifest by manifest as the run checks them (Session.each), so a run over
    thousands of manifests holds one at a time. Findings of files that could not be read come last, as there."""
    style = _styler(color)
    counts = {"error": 0, "warning": 0, "info": 0}
    checked = 0
    rest: dict[str, list[Finding]] = {}
    for result, findings in pairs:
        for f in findings:
            if f.suppressed_by is None:
                counts[f.severity] += 1
        own = result.manifest.path if result is not None else None
        for f in findings:
            if (f.manifest or f.file) != own:
                rest.setdefault(f.manifest or f.file, []).append(f)
        if result is not None:
            checked += 1
            write("".join(line + "\n" for line in _manifest_lines(
                result, [f for f in findings if (f.manifest or f.file) == own], style)))
    for path, items in sorted(rest.items()):
        write("".join(line + "\n" for line in _unread_lines(path, sorted(items, key=Finding.sort_key), style)))
    write(_summary_line(counts, checked, style) + "\n")


def _styler(color: bool) -> Callable[..., str]:
    if color:
        from scopelint.reporters.ansi import style

        return style

    def plain(text: str, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
        return text

    return plain


def _manifest_lines(result: Result, findings: list[Finding], style) -> list[str]:
    """One checked manifest: what it is, what it needs, its findings (sorted), a blank line."""
    m = result.manifest
    reg = result.registration.path if result.registration else "no registration: requirements only"
    lines = [style(m.path, bold=True) + f"  ({m.name}, {m.auth}, {reg})",
             f"  needs: {', '.join(p.name for p in result.minimal) or 'none'}"]
    lines.extend(_finding_lines(findings, m.path, style))
    if result.registration and not any(f.suppressed_by is None for f in findings):
        lines.append("  " + style("ok", fg="green") + f": {len(result.needs)} need(s) covered")
    if result.registration is None and not result.manifest.registration:
        lines.append(style(_ADD_REGISTRATION, dim=True))
    lines.append("")
    return lines


def _unread_lines(path: str, findings: list[Finding], style) -> list[str]:
    return [style(path, bold=True), *_finding_lines(findings, path, style), ""]


def _usage_lines(u: Usage, style) -> list[str]:
    """The observed usage of one app: window and counts, each operation with what served it, unmatched paths."""
    apps = ", ".join(u.app_ids) or "(no app id logged)"
    w = u.window
    span = f"{w.first[:10]} to {w.last[:10]} ({w.days} day(s))" if w.first and w.days else "no times logged"
    out = [style(f"observed usage of app {apps}", bold=True) + f"  ({', '.join(u.sources)})",
           f"  {u.calls} call(s), {span}; {len(u.operations)} operation(s), {u.unmatched_calls} unmatched call(s)"
           + (f", {u.batches} $batch envelope(s)" if u.batches else "")]
    for op in u.operations:
        served = ", ".join(f"{p.name} ×{n}" for p, n in op.served_by) or "-"
        denied = f", {op.denied} denied" if op.denied else ""
        least = op.least.name if op.least else "?"
        out.append(f"  {op.calls:>8}  {op.key}  [{op.scheme}; least {least}; served by {served}{denied}]")
    for path, n in u.unmatched:
        out.append(f"  {n:>8}  {path}  [matches nothing in Microsoft's permission data]")
    if u.people_counted:
        out.append(f"  users: {', '.join(u.users) or '-'}")
        out.append(f"  IP addresses: {', '.join(u.ips) or '-'}")
    out.append("")
    return out


def _finding_lines(findings: list[Finding], manifest: str, style) -> list[str]:
    out = []
    for f in findings:
        if f.suppressed_by:
            continue
        where = _where(f, manifest)
        sev = style(f"{f.severity:<7}", fg=_COLORS[f.severity])
        out.append(f"  {where:<6} {sev} {f.kind:<18} {f.message}  [{f.code}]")
        for ev in f.evidence:
            out.append(f"{'':17}{style('· ' + ev, dim=True)}")
        if f.suggestion:
            out.append(f"{'':17}{style('→ ' + f.suggestion, fg='cyan')}")
    accepted = sum(1 for f in findings if f.suppressed_by)
    if accepted:
        out.append(f"  ({accepted} finding(s) accepted by exceptions in the manifest)")
    return out


def _where(f: Finding, manifest: str) -> str:
    """Line in the manifest; `path:line` relative to the manifest's folder for files below it (registration,
    workflows); the path as given otherwise."""
    line = f.line or "-"
    if f.file == manifest:
        return f"{line}"
    try:
        return f"{Path(f.file).relative_to(Path(manifest).parent)}:{line}"
    except ValueError:
        return f"{f.file}:{line}"


def _summary(report: RunResult, style) -> str:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in report.findings:
        if f.suppressed_by is None:
            counts[f.severity] += 1
    return _summary_line(counts, len(report.results), style)


def _summary_line(counts: dict[str, int], n: int, style) -> str:
    text = (f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
            f"in {n} manifest{'s' if n != 1 else ''}")
    return style(text, fg="red" if counts["error"] else ("yellow" if counts["warning"] else "green"), bold=True)
