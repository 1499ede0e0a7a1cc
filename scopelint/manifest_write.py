"""`scopelint scan --write`: create or update the scopelint.yaml next to each scanned UiPath project.

An existing manifest is edited as text, not re-dumped: only the `activities:` block changes (entries still used keep
their own lines, options and comments; unused ones go; new ones are appended), and `scopelint`, `name`, `auth` and
`project` are added when absent, and `registration` when exactly one registration export lies next to project.json.
Everything else (registration, accept, operations, comments) stays byte for byte.
The result must load as a manifest before it replaces the file, atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scopelint.errors import InputError
from scopelint.fileio import write_atomic
from scopelint.manifest import parse_manifest
from scopelint.rules import TARGETS, RuleBook
from scopelint.uipath import Project, ScanResult
from scopelint.yamlio import LDict, LList, parse_yaml, read_text

MANIFEST_NAMES = ("scopelint.yaml", "scopelint.yml")
_MARK = "# scan:"
_REGISTRATION_COMMENT = "# The app registration export next to project.json (the only one there)."
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.`/ -]*\Z")
# Line and paragraph separators, bidi controls, the BOM, surrogates and the non-characters YAML refuses (C0, DEL and
# C1, which includes NEL U+0085, are below 0xA0 and escaped anyway).
_ESCAPED = re.compile("[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


@dataclass(frozen=True)
class WriteOutcome:
    """What --write did for one project."""

    path: str
    action: str  # created | updated | unchanged | skipped | error
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()




@dataclass(frozen=True)
class _Entry:
    name: str
    target: str = "own"


def write_manifests(result: ScanResult, rules: RuleBook) -> list[WriteOutcome]:
    """One outcome per project; a manifest that cannot be updated is reported and left as it was."""
    out = []
    for project in result.projects:
        if project.kind == "folder":
            out.append(WriteOutcome(project.path, "skipped", notes=("no project.json: not a UiPath project, "
                                                                    "no manifest written",)))
            continue
        if not project.activities and not project.packages and not project.operations and \
                not project.libraries and not manifest_path(project).exists():  # a Graph-looking library: written
            out.append(WriteOutcome(project.path, "skipped", notes=("no Microsoft 365 activities or package: "
                                                                    "no manifest written",)))
            continue
        try:
            out.append(write_manifest(project, rules))
        except InputError as exc:
            out.append(WriteOutcome(exc.file or project.path, "error", notes=(str(exc),)))
    return out


def manifest_path(project: Project) -> Path:
    folder = Path(project.path)
    return next((folder / n for n in MANIFEST_NAMES if (folder / n).is_file()), folder / MANIFEST_NAMES[0])


def write_manifest(project: Project, rules: RuleBook) -> WriteOutcome:
    path = manifest_path(project)
    entries, disabled_only = planned_activities(project, rules)
    exports = registration_exports(Path(project.path))
    registration = exports[0] if len(exports) == 1 else None
    if path.exists():
        old = read_text(path)
        text, added, removed, notes = update_text(old, str(path), project, entries, disabled_only, rules,
                                                  registration)
        action = "unchanged" if text == old else "updated"
    else:
        text = new_text(project, entries, disabled_only, registration)
        added, removed, action = tuple(e.name for e in entries) + project.operations, (), "created"
        notes = (_registration_note(registration),) if registration else ()
    if "registration" not in parse_yaml(text, str(path)):
        notes = (*notes, _no_registration_note(exports))
    _validate(text, str(path))
    if action != "unchanged":
        write_atomic(path, text)
    return WriteOutcome(str(path), action, added, removed, notes)


def registration_exports(folder: Path) -> list[str]:
    """The JSON files next to project.json that read as an app registration export (sorted names)."""
    from scopelint.catalog import load_catalog
    from scopelint.registration import load_registration

    found = []
    for candidate in sorted(folder.glob("*.json")):
        if candidate.name.lower() == "project.json" or not candidate.is_file():
            continue
        try:
            load_registration(candidate, load_catalog())
        except InputError:
            continue
        found.append(candidate.name)
    return found


def _registration_note(name: str) -> str:
    return f"registration: {name} (the only registration export next to project.json)"


def _no_registration_note(exports: list[str]) -> str:
    if exports:
        return (f"no registration written: several registration exports next to project.json ({', '.join(exports)})"
                "; add 'registration: FILE' for the one the robot signs in with")
    return ("no registration written: export the app registration next to project.json (az ad app show --id APP_ID > "
            "app.json) and add 'registration: app.json', or run scan --write again")


def planned_activities(project: Project, rules: RuleBook) -> tuple[list[_Entry], list[str]]:
    """Activities to declare (active, not scopes) and those used only in disabled code (named in a comment)."""
    active: dict[str, str] = {}
    disabled: set[str] = set()
    for a in project.activities:
        if a.kind == "scope":
            continue
        if a.disabled:
            disabled.add(a.canonical)
            continue
        rule = rules.find(a.canonical)
        target = a.target if rule and a.target != "own" and rule.option(a.target) else "own"
        active[a.canonical] = max(active.get(a.canonical, "own"), target, key=TARGETS.index)
    entries = [_Entry(name, target) for name, target in sorted(active.items())]
    return entries, sorted(disabled - set(active))


def auth_for(project: Project) -> tuple[str, str | None]:
    """The manifest's auth for a project, and a comment when scan had to choose."""
    if project.auth in ("delegated", "application"):
        return project.auth, None
    if project.auth == "connections":
        return "delegated", ("the workflows sign in through Integration Service connections, which act for the "
                             "connection's user: delegated")
    if project.only_disabled_scopes and not project.auth_modes:
        return "delegated", ("the project's only Office 365 scope is inside a CommentOut (disabled), so nothing "
                             "says how the workflows sign in: delegated assumed, check it")
    modes = ", ".join(project.auth_modes) or "no Office 365 scope found"
    return "delegated", f"scan could not tell how the workflows sign in ({modes}): delegated assumed, check it"


def new_text(project: Project, entries: list[_Entry], disabled_only: list[str],
             registration: str | None = None) -> str:
    auth, why = auth_for(project)
    lines = [
        f"# scopelint manifest for the UiPath project {_scalar(_name(project))}, written by `scopelint scan --write`.",
        "# Running it again updates `activities:` and keeps hand-written keys (registration, accept, operations)",
        "# and comments.",
        "scopelint: 1",
        f"name: {_scalar(_name(project))}",
    ]
    if why:
        lines.append(f"# auth: {_comment(why)}")
    lines += [f"auth: {auth}", "project: ."]
    if registration:
        lines += [_REGISTRATION_COMMENT, f"registration: {_scalar(registration)}"]
    lines += _activities_block(entries, disabled_only, "  ")
    if project.operations:
        lines += [_operations_comment(project), "operations:", *(f"  - {_scalar(op)}" for op in project.operations)]
    return "\n".join(lines) + "\n"


# How the comment above `operations:` names where scan found the calls, per GraphCall source, in this order.
_SOURCE_WORDS = {"http-request": "HTTP Request", "invoke-code": "Invoke Code", "graph-sdk": "Graph SDK calls",
                 "coded-workflow": "coded workflows", "vb-file": ".vb files",
                 "library": "library dependencies a rule pack describes"}


def _operations_comment(project: Project) -> str:
    """The comment above a new `operations:`, naming the kinds of source its calls come from."""
    present = {c.source for c in project.calls if c.request and not c.disabled}
    order = list(_SOURCE_WORDS)
    words = [_SOURCE_WORDS.get(s, s) for s in sorted(present, key=lambda s: (order.index(s) if s in order
                                                                              else len(order), s))]
    return f"# Graph calls made outside the activity packages ({', '.join(words)}), found by scan:"


def _name(project: Project) -> str:
    """The project's name for the manifest; a blank one (a manifest needs a name) gives way to the folder's."""
    return project.name if project.name.strip() else (Path(project.path).name or "project")


def _activities_block(entries: list[_Entry], disabled_only: list[str], indent: str) -> list[str]:
    if not entries:
        return ["activities: []", *_marks(disabled_only, "  ")]
    return ["activities:", *_entry_lines(entries, indent), *_marks(disabled_only, indent)]


def _entry_lines(entries: list[_Entry], indent: str) -> list[str]:
    out = []
    for e in entries:
        if e.target in ("shared", "site"):
            out += [f"{indent}- activity: {_scalar(e.name)}", f"{indent}  target: {e.target}"]
        else:
            out.append(f"{indent}- {_scalar(e.name)}")
    return out


def _marks(disabled_only: list[str], indent: str) -> list[str]:
    return [f"{indent}{_MARK} used only in disabled code (CommentOut), not declared: {_comment(n)}"
            for n in disabled_only]


def _scalar(text: str) -> str:
    """A YAML scalar for a name: plain when it cannot be read as anything but that string, else double-quoted with
    every character escaped that YAML would read as a line break or refuse, and every control and bidi character,
    so the scalar stays on its line (also inside a comment) and loads back as exactly `text`."""
    plain = _PLAIN.match(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS
    if plain:
        return text
    return '"' + "".join("\\" + ch if ch in ('"', "\\") else _one_line(ch) for ch in text) + '"'


def _comment(text: str) -> str:
    """Free text for a `#` comment, kept on its line whatever it holds (the escapes of `_scalar`)."""
    return "".join(_one_line(ch) for ch in text)


def _one_line(ch: str) -> str:
    """A character as it may stand in the manifest: itself when printable and no line break, else a YAML escape."""
    code = ord(ch)
    if 0x20 <= code < 0x7F or (code >= 0xA0 and not _ESCAPED.match(ch)):
        return ch
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# ---------------------------------------------------------------------------------------------- textual update
def update_text(text: str, name: str, project: Project, entries: list[_Entry], disabled_only: list[str],
                rules: RuleBook, registration: str | None = None
                ) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The existing manifest with its activities block brought up to date; returns text, added, removed, notes."""
    doc = parse_yaml(text, name)
    if not isinstance(doc, LDict):
        raise InputError("the existing manifest is not a mapping of keys; not touched", name)
    lines = text.splitlines()
    newline = "\r\n" if "\r\n" in text else "\n"
    starts = {k: doc.line_of(k) - 1 for k in doc}
    if len(set(starts.values())) != len(starts) or any(lines[i][:1].isspace() for i in starts.values()):
        raise InputError("the existing manifest is not block-style YAML (one top-level key per line); not touched",
                         name)
    notes: list[str] = []
    used = {a.canonical.lower() for a in project.activities}
    if "activities" in doc:
        start = starts["activities"]
        end = min((i for i in starts.values() if i > start), default=len(lines))
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        block, added, removed = _update_block(lines[start:end], start, doc["activities"], entries, disabled_only,
                                              used, rules, notes)
        lines[start:end] = block
        delta = len(block) - (end - start)
        starts = {k: (i + delta if i > start else i) for k, i in starts.items()}
    else:
        added, removed = tuple(e.name for e in entries), ()
        while lines and not lines[-1].strip():
            lines.pop()
        lines += _activities_block(entries, disabled_only, "  ")
    lines, new_ops = _add_operations(lines, starts, doc, project)
    lines = _add_missing_keys(lines, starts, doc, project, notes, registration)
    return newline.join(lines) + newline, added + new_ops, removed, tuple(notes)


def _add_operations(lines: list[str], starts: dict[str, int], doc: LDict,
                    project: Project) -> tuple[list[str], tuple[str, ...]]:
    """Append the Graph calls scan found that `operations:` does not list yet. Listed operations are never removed:
    a manifest may list calls made from places scan cannot see."""
    from scopelint.operations import parse_request

    value = doc.get("operations")
    items = value if isinstance(value, LList) else LList()
    listed = {parse_request(x) for x in items if isinstance(x, str) and _parses(x)}
    new = tuple(op for op in project.operations if parse_request(op) not in listed)
    if not new:
        return lines, ()
    entries = [f"  - {_scalar(op)}" for op in new]
    if "operations" not in doc:
        while lines and not lines[-1].strip():
            lines.pop()
        return [*lines, "operations:", *entries], new
    start = starts["operations"]
    block_style = bool(items) and all(ln - 1 > start for ln in items.item_lines)
    if not block_style:  # `operations: []` or flow style: rewrite the key line as a block
        kept = [f"  - {_scalar(x)}" for x in items if isinstance(x, str)]
        block = ["operations:", *kept, *entries]
        _shift(starts, start, len(block) - 1)
        return [*lines[:start], *block, *lines[start + 1:]], new
    last = max(items.item_lines) - 1
    first = lines[min(items.item_lines) - 1]
    indent = first[: len(first) - len(first.lstrip())]
    entries = [f"{indent}- {_scalar(op)}" for op in new]
    _shift(starts, last, len(entries))
    return [*lines[:last + 1], *entries, *lines[last + 1:]], new


def _shift(starts: dict[str, int], after: int, delta: int) -> None:
    """Keep the top-level keys' line indices true after `delta` lines were inserted below line `after`."""
    for key, i in starts.items():
        if i > after:
            starts[key] = i + delta


def _parses(request: str) -> bool:
    from scopelint.operations import parse_request

    try:
        parse_request(request)
    except ValueError:
        return False
    return True


def _update_block(block: list[str], start: int, value, entries: list[_Entry], disabled_only: list[str],
                  used: set[str], rules: RuleBook, notes: list[str]) -> tuple[list[str], tuple[str, ...],
                                                                                tuple[str, ...]]:
    """Rewrite the `activities:` block (block[0] is its key line, at 0-based line `start` of the file)."""
    items = value if isinstance(value, LList) else LList()
    block_style = bool(items) and all(isinstance(x, (str, LDict)) for x in items) and \
        all(ln - 1 > start for ln in items.item_lines)
    if not block_style:  # flow style (`activities: [a, b]`), empty or malformed: regenerate the block
        return _activities_block(entries, disabled_only, "  "), tuple(e.name for e in entries), ()
    dashes = []  # where each item opens (its `-`), relative to the block
    for ln in items.item_lines:
        j = ln - 1 - start
        while j > 1 and not block[j].lstrip().startswith("-"):
            j -= 1
        dashes.append(j)
    first = block[dashes[0]]
    indent = first[: len(first) - len(first.lstrip())]
    head = [ln for ln in block[1:dashes[0]] if not ln.strip().startswith(_MARK)]
    segments = [block[d:(dashes[i + 1] if i + 1 < len(dashes) else len(block))] for i, d in enumerate(dashes)]
    for i in range(len(segments) - 1):  # comments right above an item belong to that item
        seg = segments[i]
        k = len(seg)
        while k > 1 and seg[k - 1].strip().startswith("#") and not seg[k - 1].strip().startswith(_MARK):
            k -= 1
        segments[i], segments[i + 1] = seg[:k], seg[k:] + segments[i + 1]
    kept: list[str] = []
    declared: set[str] = set()
    removed: list[str] = []
    for item, seg in zip(items, segments, strict=True):
        ref = item if isinstance(item, str) else str(item.get("activity", ""))
        rule = rules.find(ref)
        if rule is None:
            declared.add(ref.strip().lower())
            if ref.strip().lower() not in used:
                notes.append(f"kept '{ref}': not in the rule book, so scan cannot tell whether it is used")
        elif rule.cls.lower() in used:
            declared.add(rule.cls.lower())
        else:
            removed.append(ref)
            continue
        kept += [ln for ln in seg if not ln.strip().startswith(_MARK)]
    trailing: list[str] = []
    while kept and not kept[-1].strip():
        trailing.insert(0, kept.pop())
    new = [e for e in entries if e.name.lower() not in declared]
    marks = _marks([n for n in disabled_only if n.lower() not in declared], indent or "  ")
    if not kept and not new:
        return ["activities: []", *head, *marks, *trailing], (), tuple(removed)
    return [block[0], *head, *kept, *_entry_lines(new, indent), *marks, *trailing], \
        tuple(e.name for e in new), tuple(removed)


def _add_missing_keys(lines: list[str], starts: dict[str, int], doc: LDict, project: Project,
                      notes: list[str], registration: str | None = None) -> list[str]:
    auth, why = auth_for(project)
    extra: list[str] = []
    if "name" not in doc:
        extra.append(f"name: {_scalar(_name(project))}")
    if "auth" not in doc:
        if why:
            extra.append(f"# auth: {_comment(why)}")
        extra.append(f"auth: {auth}")
    elif doc["auth"] != auth and project.auth in ("delegated", "application"):
        notes.append(f"auth: {doc['auth']} left as written, but the workflows sign in as {project.auth}")
    if "project" not in doc:
        extra.append("project: .")
    elif isinstance(doc["project"], str) and doc["project"].strip() not in (".", "./"):
        notes.append(f"project: {doc['project']} left as written")
    if "registration" not in doc and registration:
        extra += [_REGISTRATION_COMMENT, f"registration: {_scalar(registration)}"]
        notes.append(_registration_note(registration))
    if "scopelint" in doc:
        at = starts["scopelint"] + 1
    else:
        at = 0
        while at < len(lines) and (lines[at].startswith("#") or not lines[at].strip()):
            at += 1
        extra.insert(0, "scopelint: 1")
    return lines[:at] + extra + lines[at:]


def _validate(text: str, name: str) -> None:
    try:
        parse_manifest(parse_yaml(text, name), name)
    except InputError as exc:
        raise InputError(f"the updated manifest would not load ({exc.message}); left unchanged", name,
                         exc.line) from None
