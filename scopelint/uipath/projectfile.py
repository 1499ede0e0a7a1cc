"""project.json / template.json -> name, expression language, target, Microsoft 365 package versions, ignored files.

A wrong type or an unreadable file is a diagnostic, never an exception: the scan goes on with what it can read.
"""

import json
from pathlib import Path
from typing import NamedTuple

from scopelint.errors import InputError
from scopelint.uipath.discover import Root
from scopelint.uipath.libraries import Dependency
from scopelint.uipath.model import ASSEMBLIES, Diagnostic, PackageRef
from scopelint.uipath.nuget import parse_nuget_range
from scopelint.yamlio import Limits, parse_json, read_text


class Meta(NamedTuple):
    """What a project file says that the scan uses."""

    name: str
    expression_language: str | None = None
    target_framework: str | None = None
    output_type: str | None = None
    packages: tuple[PackageRef, ...] = ()
    dependencies: tuple[Dependency, ...] = ()  # the others: libraries that may call Graph themselves (libraries.py)
    ignored: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    read: bool = True


def read_meta(root: Root) -> Meta:
    default_name = _template_name(root.path) if root.kind == "template" else root.path.resolve().name
    if root.meta is None:
        return Meta(default_name)
    name = str(root.meta)
    try:
        text = read_text(root.meta, Limits(max_bytes=16 * 1024 * 1024))
        doc = parse_json(text, name)
    except InputError as exc:
        return Meta(default_name, diagnostics=(Diagnostic(name, exc.message, exc.line),), read=False)
    if not isinstance(doc, dict):
        return Meta(default_name, diagnostics=(Diagnostic(name, "expected a JSON object"),), read=False)
    template = root.kind == "template"
    diagnostics: list[Diagnostic] = []

    def typed(parent: dict, key: str, kind: type, what: str, then: str):
        """parent[key] when it has the expected type; absent or null is None; a wrong type is a diagnostic."""
        value = parent.get(key)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        diagnostics.append(Diagnostic(name, f"'{key}' is {_short(value)}, not {what}; {then}",
                                      _line_of(text, json.dumps(key))))
        return None

    design = typed(doc, "designOptions", dict, "an object", "its settings are ignored") or {}
    process = typed(design, "processOptions", dict, "an object", "its settings are ignored") or {}
    deps_key = "Dependencies" if template else "dependencies"
    deps = typed(doc, deps_key, dict, "an object", "no package versions are known")
    packages = []
    others = []
    for dep, version in (deps or {}).items():
        if dep.lower() not in ASSEMBLIES:
            others.append(Dependency(dep, _short(version).strip('"'), _line_of(text, json.dumps(dep))))
            continue
        line = _line_of(text, json.dumps(dep))
        rng = parse_nuget_range(version) if isinstance(version, str) else None
        if rng is None:
            diagnostics.append(Diagnostic(name, f"{dep}: {_short(version)} is not a NuGet version range", line))
        packages.append(PackageRef(dep, str(version), rng, line))
    ignored = typed(process, "ignoredFiles", list, "a list of file names", "no workflow is ignored") or []
    if any(not isinstance(p, str) for p in ignored):
        diagnostics.append(Diagnostic(name, "'ignoredFiles' holds entries that are not file names; they are skipped",
                                      _line_of(text, '"ignoredFiles"')))
    raw_name = None if template else typed(doc, "name", str, "a string", "the folder name is used")
    expression = typed(doc, "ExpressionLanguage" if template else "expressionLanguage", str, "a string", "ignored")
    framework = typed(doc, "targetFramework", str, "a string", "ignored")
    output = typed(doc, "OutputType", str, "a string", "ignored") if template else typed(
        design, "outputType", str, "a string", "ignored")
    return Meta(
        name=raw_name.strip() if raw_name and raw_name.strip() else default_name,
        expression_language=_str(expression),
        target_framework=_str(framework),
        output_type=_str(output),
        packages=tuple(sorted(packages, key=lambda p: p.name.lower())),
        dependencies=tuple(sorted(others, key=lambda p: p.name.lower())),
        ignored=tuple(_norm_rel(p) for p in ignored if isinstance(p, str)),
        diagnostics=tuple(diagnostics),
    )


def _short(value) -> str:
    """A value as the user wrote it, cut short: a diagnostic is one readable line."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _template_name(folder: Path) -> str:
    """Studio templates live in <Name>/contentFiles/any/any/ptN/: name them after the package folder."""
    parts = folder.resolve().parts
    if "contentFiles" in parts:
        i = len(parts) - 1 - parts[::-1].index("contentFiles")
        if i > 0:
            return f"{parts[i - 1]} ({parts[-1]})" if parts[-1] != parts[i - 1] else parts[i - 1]
    return parts[-1] if parts else str(folder)


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _norm_rel(path: str) -> str:
    return path.replace("\\", "/").strip("/").lower()

