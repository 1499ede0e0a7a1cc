"""Configuration: `.scopelint.yaml` or `[tool.scopelint]` in pyproject.toml, found by searching upward.

It sets the severity per finding code, the fail level, extra rule packs, a default registration, manifests to
exclude from folder searches and input limits.
Validated against schemas/config.schema.json; unknown keys are errors that name file and line.
"""

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from scopelint.checks import lookup
from scopelint.errors import InputError
from scopelint.findings import SEVERITIES
from scopelint.yamlio import DEFAULT_LIMITS, LDict, Limits, LList, check_depth, load_yaml, read_text

CONFIG_NAMES = (".scopelint.yaml", ".scopelint.yml")
_TOP_KEYS = {"$schema", "scopelint", "severity", "fail_level", "rules", "registration", "exclude", "limits"}
# limits.max_depth can be raised this far: YAML and JSON readers and validators recurse once or twice per level, and
# Python stops at 1,000 frames.
MAX_DEPTH_CEILING = 200
_LIMIT_KEYS = {"max_bytes", "max_nodes", "max_depth", "max_xml_depth"}


class Config(NamedTuple):
    """Settings for the manifests below one configuration file (defaults when there is none)."""

    path: str | None = None
    severity: Mapping[str, str] = MappingProxyType({})  # read-only: the default is shared
    fail_level: str | None = None
    rules: tuple[Path, ...] = ()
    registration: Path | None = None
    limits: Limits = DEFAULT_LIMITS
    exclude: tuple[str, ...] = ()

    def excludes(self, manifest: str | Path) -> bool:
        """Does an `exclude:` pattern match this manifest or a folder above it (below the configuration's folder)?"""
        if not self.exclude or self.path is None:
            return False
        try:
            relative = Path(os.path.abspath(manifest)).relative_to(Path(os.path.abspath(self.path)).parent)
        except ValueError:
            return False
        return excluded(relative.as_posix(), self.exclude)


DEFAULT = Config()


def find_config(start: str | Path, known: dict[Path, Path | None] | None = None) -> Path | None:
    """The nearest config file in `start` (a folder) or above; the search ends at the repository root. With
    `known` (folder -> answer), every folder passed on the way up is remembered: manifests in sibling folders
    walk their common parents once, not once each."""
    known = {} if known is None else known
    folder = Path(os.path.abspath(start))
    passed = []
    found: Path | None = None
    for d in (folder, *folder.parents):
        if d in known:
            found = known[d]
            break
        passed.append(d)
        decided, found = _config_in(d)
        if decided:
            break
    for d in passed:
        known[d] = found
    return found


def _config_in(d: Path) -> tuple[bool, Path | None]:
    """(True, file) when folder `d` holds the configuration, (True, None) when it is a repository root without
    one (the search ends), (False, None) when the search goes on to its parent."""
    for name in CONFIG_NAMES:
        if (d / name).is_file():
            return True, _display(d / name)
    pyproject = d / "pyproject.toml"
    if pyproject.is_file() and _has_tool_table(pyproject):
        return True, _display(pyproject)
    return (d / ".git").exists(), None


def load_config(path: str | Path) -> Config:
    """Read and validate one configuration file (YAML, or pyproject.toml's [tool.scopelint] table)."""
    name = str(path)
    if Path(path).name == "pyproject.toml":
        doc = _pyproject_table(path)
    else:
        doc = load_yaml(path)
        if doc is None:
            return Config(path=name)
        if not isinstance(doc, LDict):
            raise InputError("the configuration must be a mapping of keys", name, getattr(doc, "line", None))
    _check_keys(doc, _TOP_KEYS, "configuration", name)
    if isinstance(doc.get("limits"), LDict):
        _check_keys(doc["limits"], _LIMIT_KEYS, "limits", name)
    _validate(doc, name)
    base = Path(name).parent
    rules = tuple(base / p.replace("\\", "/") for p in doc.get("rules") or ())  # Windows separators work too
    registration = base / doc["registration"].replace("\\", "/") if "registration" in doc else None
    named = [("rules", "rule pack file or folder", p) for p in rules]
    if registration is not None:
        named.append(("registration", "registration file", registration))
    for key, what, path in named:
        if not os.path.lexists(path):
            raise InputError(f"{what} {path} not found (paths are relative to this file)", name, doc.line_of(key))
    return Config(
        path=name,
        severity=_severities(doc.get("severity") or LDict(), name),
        fail_level=doc.get("fail_level"),
        rules=rules,
        registration=registration,
        limits=DEFAULT_LIMITS._replace(**dict(doc.get("limits") or {})),
        exclude=tuple(doc.get("exclude") or ()),
    )


def excluded(relative: str, patterns: Iterable[str]) -> bool:
    """gitignore-like matching of a /-separated relative path: a pattern matches the path or one of the folders
    above it; a pattern without / (a trailing one aside) matches a single name at any depth."""
    from fnmatch import fnmatchcase

    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        pattern = raw.strip().removeprefix("./").rstrip("/")
        if "/" in pattern:
            pattern = pattern.removeprefix("/")
            if any(fnmatchcase(p, pattern) or fnmatchcase(p, pattern.replace("**/", "")) for p in prefixes):
                return True
        elif any(fnmatchcase(name, pattern) for name in parts):
            return True
    return False


class ConfigFinder:
    """The configuration of each manifest: an explicit file for all of them, else the nearest one (cached)."""

    def __init__(self, explicit: str | Path | None = None) -> None:
        if explicit is not None and not os.path.lexists(explicit):
            raise InputError("no such configuration file", str(explicit))
        self._explicit = load_config(explicit) if explicit is not None else None
        self._by_folder: dict[Path, Config] = {}
        self._by_file: dict[str, Config] = {}
        self._nearest: dict[Path, Path | None] = {}

    def for_manifest(self, manifest: str | Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        folder = Path(manifest).parent
        if folder not in self._by_folder:
            found = find_config(folder, self._nearest)
            if found is None:
                self._by_folder[folder] = DEFAULT
            else:
                key = str(found)
                if key not in self._by_file:
                    self._by_file[key] = load_config(found)
                self._by_folder[folder] = self._by_file[key]
        return self._by_folder[folder]

    def rule_paths(self, manifests: Iterable[str | Path]) -> list[Path]:
        """Every extra rule pack the manifests' configurations name, each once, in order."""
        out: list[Path] = []
        for m in manifests:
            for p in self.for_manifest(m).rules:
                if p not in out:
                    out.append(p)
        return out

    def fail_level(self, manifests: Iterable[str | Path]) -> str | None:
        """The strictest fail level any of the manifests' configurations sets (None when none does)."""
        levels = {self.for_manifest(m).fail_level for m in manifests} - {None}
        return min(levels, key=SEVERITIES.index) if levels else None


_LEVELS = ("error", "warning", "info")
# compiled on first use (re's cache): only a `severity:` table needs it
_SEVERITY_KEY = r"^([a-z]+(-[a-z]+)*|[Ss][Ll][0-9]{3})$"


def _validate(doc: LDict, name: str) -> None:
    """The rules of schemas/config.schema.json, checked by hand so that start-up never imports jsonschema
    (tests/test_config_schema.py proves both accept and reject the same documents)."""

    def fail(where: str, node: LDict, key: str, problem: str) -> None:
        raise InputError(f"invalid configuration: '{where}' {problem}", name, node.line_of(key))

    def show(value: Any) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else repr(value)

    def path_string(value: Any) -> bool:
        return isinstance(value, str) and value != ""

    if "$schema" in doc and not isinstance(doc["$schema"], str):
        fail("$schema", doc, "$schema", f"must be a string, got {doc['$schema']!r}")
    if "scopelint" in doc and (doc["scopelint"] != 1 or isinstance(doc["scopelint"], bool)):
        fail("scopelint", doc, "scopelint", f"must be 1 (the configuration format version), got {doc['scopelint']!r}")
    severity = doc.get("severity", LDict())
    if not isinstance(severity, dict):
        fail("severity", doc, "severity", f"must be a mapping of finding kind or code to a level, got {severity!r}")
    for key, value in severity.items():
        if not re.match(_SEVERITY_KEY, key):
            fail("severity", severity, key, f"key {key!r} is not a finding kind (excess) or code (SL102)")
        if value is not False and value not in (*_LEVELS, "off"):
            fail(f"severity/{key}", severity, key, f"must be one of error, warning, info, off; got {show(value)}")
    if "fail_level" in doc and doc["fail_level"] not in _LEVELS:
        fail("fail_level", doc, "fail_level", f"must be one of error, warning, info; got {show(doc['fail_level'])}")
    if "rules" in doc:
        rules = doc["rules"]
        if not isinstance(rules, list):
            fail("rules", doc, "rules", f"must be a list of rule pack files or folders, got {rules!r}")
        for i, item in enumerate(rules):
            if not path_string(item):
                raise InputError(f"invalid configuration: 'rules/{i}' must be a non-empty path, got {item!r}",
                                 name, rules.item_lines[i] if isinstance(rules, LList) else doc.line_of("rules"))
    if "exclude" in doc:
        patterns = doc["exclude"]
        if not isinstance(patterns, list):
            fail("exclude", doc, "exclude", f"must be a list of glob patterns, got {patterns!r}")
        for i, item in enumerate(patterns):
            if not path_string(item):
                line = patterns.item_lines[i] if isinstance(patterns, LList) else doc.line_of("exclude")
                raise InputError(f"invalid configuration: 'exclude/{i}' must be a non-empty pattern, got {item!r}",
                                 name, line)
    if "registration" in doc and not path_string(doc["registration"]):
        fail("registration", doc, "registration", f"must be a non-empty path, got {doc['registration']!r}")
    limits = doc.get("limits", LDict())
    if not isinstance(limits, dict):
        fail("limits", doc, "limits", f"must be a mapping of limit names to numbers, got {limits!r}")
    for key, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fail(f"limits/{key}", limits, key, f"must be a whole number of at least 1, got {value!r}")
        if key == "max_depth" and value > MAX_DEPTH_CEILING:
            fail(f"limits/{key}", limits, key, f"must be at most {MAX_DEPTH_CEILING} (deeper documents would "
                                               f"exhaust Python's recursion limit), got {value!r}")


def _severities(node: LDict, name: str) -> dict[str, str]:
    out = {}
    for key, value in node.items():
        code = lookup(key)
        if code is None:
            raise InputError(f"unknown finding code '{key}' under severity (see 'scopelint explain CODE')",
                             name, node.line_of(key))
        out[code.kind] = "off" if value is False else value
    return out


def _check_keys(node: LDict, allowed: set[str], what: str, name: str) -> None:
    import difflib

    for key in node:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputError(f"unknown key '{key}' in {what}{hint}", name, node.line_of(key))


def _display(path: Path) -> Path:
    """A path relative to the working folder when it lies below it, for shorter messages."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


# Every TOML spelling of tool.scopelint starts a line with one of these (quotes allowed around each key): a header
# `[tool.scopelint...]`, a top-level `tool.scopelint... =` or `tool = {...}`, or a bare `[tool]` header. A file
# matching none cannot hold the table, so the TOML parser (~6 ms of start-up) is not needed for it; a match in a
# string only costs that parse.
_MAY_NAME_TOOL_TABLE = re.compile(
    r"""^[ \t]*(?:\[\[?[ \t]*(["']?)tool\1[ \t]*(?:\.[ \t]*(["']?)scopelint\2(?![\w-])|\])"""
    r"""|(["']?)tool\3[ \t]*(?:=|\.[ \t]*(["']?)scopelint\4(?![\w-])))""", re.MULTILINE)


def _has_tool_table(pyproject: Path) -> bool:
    """Does this pyproject.toml configure scopelint? Any TOML spelling counts ([tool.scopelint], `scopelint = {...}`
    under [tool], dotted keys); a file that does not parse counts when it names the table, so its error shows."""
    try:
        text = read_text(pyproject)
    except InputError:  # not readable as text: a config when it names scopelint in any encoding, so its error shows
        try:
            with pyproject.open("rb") as fh:
                head = fh.read(1 << 20)
        except OSError:
            return False
        return any("scopelint".encode(encoding) in head for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
    if _MAY_NAME_TOOL_TABLE.search(text) is None:
        return False
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool")
    except (tomllib.TOMLDecodeError, RecursionError):
        return re.search(r"^\s*(\[+\s*)?tool\s*\.\s*[\"']?scopelint\b", text, re.MULTILINE) is not None
    return isinstance(tool, dict) and "scopelint" in tool


def _pyproject_table(path: str | Path) -> LDict:
    import tomllib

    name = str(path)
    text = read_text(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise InputError(f"TOML syntax error: {exc}", name, int(m.group(1)) if m else None) from None
    except RecursionError:
        raise InputError("TOML nesting is too deep", name) from None
    tool = doc.get("tool")
    table = tool.get("scopelint") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise InputError("[tool.scopelint] must be a table", name)
    check_depth(table, name, DEFAULT_LIMITS.max_depth)
    return _tracked(table, ("tool", "scopelint"), _toml_key_lines(text))


def _toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of each key path, from table headers and `key = value` lines (enough to point at a bad key)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
            continue
        assign = re.match(r"^([A-Za-z0-9_\-.\"' ]+?)\s*=", line)
        if assign:
            key = table + _split_key(assign.group(1))
            for i in range(len(table) + 1, len(key) + 1):
                lines.setdefault(key[:i], number)
    return lines


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


def _tracked(value: Any, path: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> Any:
    """TOML values as LDict / LList with the lines found for their keys (parents' line when unknown)."""
    here = lines.get(path, 0)
    if isinstance(value, dict):
        out = LDict()
        out.line = here
        out.key_lines = {}
        for key, item in value.items():
            out.key_lines[key] = lines.get((*path, key), here)
            out[key] = _tracked(item, (*path, key), lines)
        return out
    if isinstance(value, list):
        items = LList(_tracked(item, path, lines) for item in value)
        items.line = here
        items.item_lines = [here] * len(value)
        return items
    return value
