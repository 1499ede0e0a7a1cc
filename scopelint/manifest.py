"""The scopelint.yaml manifest: what a project uses, how it authenticates, where its registration is.

Validated by hand against the published schema (schemas/manifest.schema.json) so that every error names its line
and start-up does not pay for jsonschema; a test keeps the two in agreement.
"""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from scopelint.catalog import PermissionType
from scopelint.checks import lookup
from scopelint.errors import InputError, InputErrors
from scopelint.operations import parse_request
from scopelint.rules import TARGETS
from scopelint.yamlio import DEFAULT_LIMITS, LDict, Limits, LList, load_yaml

FORMAT_VERSION = 1
AUTH_MODES = ("delegated", "application")
_TOP_KEYS = {"scopelint", "name", "auth", "activities", "operations", "registration", "accept", "project", "$schema"}
_ACTIVITY_KEYS = {"activity", "target", "shared", "note"}
_ACCEPT_KEYS = {"permission", "type", "kind", "activity", "reason", "expires", "owner", "ticket"}
_LIVE_KEYS = {"client_id", "tenant"}


class ActivityRef(NamedTuple):
    """An activity the project uses, as the manifest names it."""

    ref: str
    line: int
    target: str = "own"
    column: int | None = None

    @property
    def shared(self) -> bool:
        return self.target == "shared"


class OperationRef(NamedTuple):
    """A raw Graph call made by custom code."""

    request: str
    line: int
    column: int | None = None


class Accept(NamedTuple):
    """A reviewed exception: a finding about this permission is expected, for this reason, until `expires`."""

    permission: str
    reason: str
    line: int
    type: str | None = None
    kind: str | None = None
    activity: str | None = None
    expires: dt.date | None = None
    owner: str | None = None
    ticket: str | None = None
    column: int | None = None


class LiveRegistration(NamedTuple):
    """`registration: {client_id, tenant}`: read the registration from the tenant."""

    client_id: str
    tenant: str | None


class Manifest(NamedTuple):
    path: str
    name: str
    auth: PermissionType
    activities: tuple[ActivityRef, ...]
    operations: tuple[OperationRef, ...]
    accept: tuple[Accept, ...]
    registration: Path | LiveRegistration | None
    registration_line: int | None
    project: Path | None
    project_line: int | None
    line: int = 1


def load_manifest(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """Load and validate one manifest; any problem is an InputError naming file and line."""
    name = str(path)
    doc = load_yaml(path, limits)
    return parse_manifest(doc, name)


def parse_manifest(doc: Any, name: str) -> Manifest:
    """Validate a loaded manifest; every problem found is reported (InputErrors), each with line and column."""
    v = _Checker(name)
    if doc is None:
        raise InputError("empty manifest; expected at least 'scopelint: 1', 'name' and 'activities'", name)
    if not isinstance(doc, LDict):
        raise InputError("the manifest must be a mapping of keys", name, getattr(doc, "line", None))
    misspelt = v.keys(doc, _TOP_KEYS, "manifest")
    for key in ("scopelint", "name", "activities"):
        if key not in doc and key not in misspelt:  # a typo of it is reported already, with the right name
            v.report(f"missing required key '{key}'", doc)
    with v.section():
        version = doc.get("scopelint", FORMAT_VERSION)
        if version != FORMAT_VERSION or isinstance(version, bool):
            v.fail(f"'scopelint' must be {FORMAT_VERSION} (the manifest format version), got {version!r}", doc,
                   "scopelint")
    base = Path(name).parent
    auth = doc.get("auth", "delegated")
    with v.section():
        if auth not in AUTH_MODES:
            v.fail(f"'auth' must be one of {', '.join(AUTH_MODES)}, got {auth!r}", doc, "auth")
    registration, reg_line = None, None
    with v.section():
        registration, reg_line = _registration(v, doc, base)
    project = None
    with v.section():
        if "project" in doc:
            project = base / _portable(v.string(doc, "project"))
    manifest_name = ""
    with v.section():
        if "name" in doc:
            manifest_name = v.string(doc, "name")
    activities, operations, accepts = _activities(v, doc), _operations(v, doc), _accepts(v, doc)
    v.done()
    return Manifest(
        path=name,
        name=manifest_name,
        auth=auth,
        activities=tuple(activities),
        operations=tuple(operations),
        accept=tuple(accepts),
        registration=registration,
        registration_line=reg_line,
        project=project,
        project_line=doc.line_of("project") if "project" in doc else None,
        line=doc.line,
    )


class _Invalid(Exception):
    """Ends the check of one part of the manifest (its error is recorded); the next part is checked."""


class _Checker:
    """Small helpers that record InputErrors with the right line and column; `done` raises them all."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[InputError] = []

    def report(self, message: str, node: Any, key: str | int | None = None) -> None:
        line, column = getattr(node, "line", None), getattr(node, "column", None)
        if isinstance(node, LDict) and isinstance(key, str):
            line, column = node.line_of(key), node.column_of(key)
        elif isinstance(node, LList) and isinstance(key, int):
            line, column = node.item_lines[key], node.item_columns[key]
        self.errors.append(InputError(message, self.name, line, column))

    def fail(self, message: str, node: Any, key: str | int | None = None) -> NoReturn:
        self.report(message, node, key)
        raise _Invalid

    @contextmanager
    def section(self) -> Iterator[None]:
        with suppress(_Invalid):
            yield

    def done(self) -> None:
        if self.errors:
            raise InputErrors(sorted(self.errors, key=lambda e: (e.line or 0, e.column or 0)))

    def keys(self, node: LDict, allowed: set[str], what: str) -> set[str]:
        """Report each unknown key; return the keys suggested for them (did you mean)."""
        hints: set[str] = set()
        for key in node:
            if key not in allowed:
                hint = _closest(key, allowed)
                self.report(f"unknown key '{key}' in {what}" + (f" (did you mean '{hint}'?)" if hint else ""),
                            node, key)
                hints.update([hint] if hint else [])
        return hints

    def string(self, node: LDict, key: str) -> str:
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be a non-empty string", node, key)
        return value.strip()

    def seq(self, node: LDict, key: str) -> LList:
        value = node.get(key)
        if value is None:
            return LList()
        if not isinstance(value, LList):
            self.fail(f"'{key}' must be a list", node, key)
        return value


def _activities(v: _Checker, doc: LDict) -> list[ActivityRef]:
    out: list[ActivityRef] = []
    items = LList()
    with v.section():
        if "activities" in doc and doc["activities"] is None:
            v.fail("'activities' must be a list (write [] for none)", doc, "activities")
        items = v.seq(doc, "activities")
    for i, item in enumerate(items):
        with v.section():
            line, column = items.item_lines[i], items.item_columns[i]
            if isinstance(item, str) and item.strip():
                out.append(ActivityRef(item.strip(), line, column=column))
            elif isinstance(item, LDict):
                v.keys(item, _ACTIVITY_KEYS, "activity entry")
                if "activity" not in item:
                    v.fail("activity entry needs an 'activity' key", item)
                out.append(ActivityRef(v.string(item, "activity"), line, _target(v, item), column))
            else:
                v.fail("each activity is a name or a mapping with 'activity'", items, i)
    return out


def _target(v: _Checker, item: LDict) -> str:
    """Whose data the activity works on: `target: own|shared|site`; `shared: true` is the older spelling of
    `target: shared`."""
    shared = item.get("shared", False)
    if not isinstance(shared, bool):
        v.fail("'shared' must be true or false", item, "shared")
    target = item.get("target", "shared" if shared else "own")
    if target not in TARGETS:
        v.fail(f"'target' must be one of {', '.join(TARGETS)}", item, "target")
    if shared and target != "shared":
        v.fail(f"'shared: true' says target shared, but 'target' says {target}", item, "target")
    return str(target)


def _operations(v: _Checker, doc: LDict) -> list[OperationRef]:
    out: list[OperationRef] = []
    items = LList()
    with v.section():
        items = v.seq(doc, "operations")
    for i, item in enumerate(items):
        with v.section():
            if not isinstance(item, str):
                v.fail("each operation is a string 'METHOD /path'", items, i)
            try:
                parse_request(item)
            except ValueError as exc:
                v.fail(f"bad operation {item!r}: {exc}", items, i)
            out.append(OperationRef(item.strip(), items.item_lines[i], items.item_columns[i]))
    return out


def _accepts(v: _Checker, doc: LDict) -> list[Accept]:
    out: list[Accept] = []
    items = LList()
    with v.section():
        items = v.seq(doc, "accept")
    for i, item in enumerate(items):
        with v.section():
            out.append(_accept(v, items, i, item))
    return out


def _accept(v: _Checker, items: LList, i: int, item: Any) -> Accept:
    if not isinstance(item, LDict):
        v.fail("each accept entry is a mapping with 'permission' and 'reason'", items, i)
    v.keys(item, _ACCEPT_KEYS, "accept entry")
    for key in ("permission", "reason"):
        if key not in item:
            why = " (say why the exception is fine)" if key == "reason" else ""
            v.fail(f"accept entry needs '{key}'{why}", item)
    expires = _date(v, item, "expires")
    ptype = item.get("type")
    if ptype is not None and ptype not in AUTH_MODES:
        v.fail(f"'type' must be one of {', '.join(AUTH_MODES)}", item, "type")
    optional = {k: v.string(item, k) for k in ("kind", "activity", "owner") if k in item}
    if "kind" in optional and lookup(optional["kind"]) is None:
        v.fail(f"'kind' must be a finding kind or code (e.g. excess, SL102), got {optional['kind']!r}",
               item, "kind")
    ticket = item.get("ticket")
    if ticket is not None and not isinstance(ticket, str):  # as written: YAML reads `ticket: 012` as 10
        ticket = item.text_of("ticket")
        if ticket is None:
            v.fail("'ticket' must be text (a ticket id such as SEC-142)", item, "ticket")
    return Accept(
        permission=v.string(item, "permission"),
        reason=v.string(item, "reason"),
        line=items.item_lines[i],
        column=items.item_columns[i],
        type=ptype,
        expires=expires,
        ticket=ticket,
        **optional,
    )


def _date(v: _Checker, node: LDict, key: str) -> dt.date | None:
    """A YAML date (unquoted 2027-06-30) or an ISO date string; anything else is an error."""
    value = node.get(key)
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    v.fail(f"'{key}' must be a date YYYY-MM-DD, got {value!r}", node, key)


def _registration(v: _Checker, doc: LDict, base: Path) -> tuple[Path | LiveRegistration | None, int | None]:
    if "registration" not in doc:
        return None, None
    value = doc["registration"]
    line = doc.line_of("registration")
    if isinstance(value, str) and value.strip():
        return base / _portable(value.strip()), line
    if isinstance(value, LDict):
        v.keys(value, _LIVE_KEYS, "registration")
        if "client_id" not in value:
            v.fail("registration mapping needs 'client_id' (the application id)", value)
        tenant = v.string(value, "tenant") if "tenant" in value else None
        return LiveRegistration(v.string(value, "client_id"), tenant), line
    v.fail("'registration' is a file path or a mapping with 'client_id' and 'tenant'", doc, "registration")


def _portable(relative: str) -> str:
    """A relative path written with Windows separators (`.\\app.json`) as a portable one: manifests are shared
    between Windows and Linux checkouts, and no file name of a project contains a backslash."""
    return relative.replace("\\", "/")


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return found[0] if found else None
