"""Safe YAML (and JSON) loading that keeps line numbers and refuses what PyYAML lets slip.

Duplicate keys are errors, aliases cannot multiply the document (node budget), size and depth are capped,
and every failure is an InputError naming the file and line.
"""

import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from scopelint.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}  # any other tag on a list or mapping is refused


class Limits(NamedTuple):
    """Caps on what one input file may cost; each can be raised by configuration.

    max_bytes: size of a manifest, registration or snapshot (workflows: at least their own 20 MB default).
    max_nodes: YAML nodes after aliases are expanded. max_depth: nesting of a YAML or JSON document.
    max_xml_depth: element nesting of a XAML workflow.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64
    max_xml_depth: int = 1000


DEFAULT_LIMITS = Limits()


class LDict(dict):
    """A mapping that remembers its own line and column and those of each key (1-based)."""

    line: int = 0
    column: int | None = None
    key_lines: dict[str, int]
    key_columns: Mapping[str, int] = MappingProxyType({})  # YAML fills it; TOML tables have none
    scalar_texts: Mapping[str, str] = MappingProxyType({})  # YAML fills it: non-string scalars as written

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def column_of(self, key: str) -> int | None:
        return self.key_columns.get(key, self.column if key not in self.key_lines else None)

    def text_of(self, key: str) -> str | None:
        """A value as written when YAML typed it as other than a string (`012` read as 10, `yes` as True)."""
        return self.scalar_texts.get(key)


class LList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]
    item_columns: list[int]


def read_text(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a user file as text: size-capped, binary refused, UTF-8 (BOM allowed) or UTF-16 with a BOM."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError("is a directory, expected a file", name)
        with open(p, "rb", opener=_open_nonblocking) as fh:
            if stat.S_ISFIFO(os.fstat(fh.fileno()).st_mode):
                if _named_pipe(p):
                    raise InputError("is a named pipe (FIFO), not a file; not read (it could wait forever)", name)
                os.set_blocking(fh.fileno(), True)  # /dev/stdin, <(command): a pipe whose writer is running
            data = _read_capped(fh, limits.max_bytes)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except PermissionError:
        raise InputError("permission denied", name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", name) from None
    if len(data) > limits.max_bytes:
        raise InputError(f"file is larger than the {limits.max_bytes:,}-byte limit", name)
    return decode(data, name)


def _open_nonblocking(path: str, flags: int) -> int:
    """Opening a FIFO for reading waits for a writer; without blocking it returns at once, so fstat can decide."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def _named_pipe(path: Path) -> bool:
    """A FIFO that lives in the file system (mkfifo), reached directly or through symlinks; not an anonymous pipe
    such as /dev/stdin or a shell's <(command), which resolve to no file-system node."""
    real = os.path.realpath(path)
    try:
        return stat.S_ISFIFO(os.lstat(real).st_mode)
    except OSError:
        return False


def _read_capped(fh, limit: int) -> bytes:
    """At most limit + 1 bytes, read in chunks: a huge configured limit must neither overflow nor pre-allocate."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = fh.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, name: str) -> str:
    """Decode file bytes; one clear error for binary or non-UTF-8 content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-16 despite its byte-order mark", name) from None
    if utf16_without_bom(data):
        raise InputError("UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)", name, 1)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("binary content (NUL byte); expected a text file", name, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x})", name, line) from None


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when bytes start like UTF-16 text without a byte-order mark (two ASCII characters,
    each with its zero byte), else None: such files are text in the wrong encoding, not binary."""
    if len(head) < 4:
        return None
    if head[1] == head[3] == 0 and 0 < head[0] < 0x80 and 0 < head[2] < 0x80:
        return "utf-16-le"
    if head[0] == head[2] == 0 and 0 < head[1] < 0x80 and 0 < head[3] < 0x80:
        return "utf-16-be"
    return None


def load_yaml(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Any:
    """Load one YAML document from a file into LDict / LList / scalars."""
    return parse_yaml(read_text(path, limits), str(path), limits)


def parse_yaml(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse YAML text (one document) with line tracking; empty documents are None."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        tab = _indenting_tab(text, mark.line) if mark else None
        if tab is not None:
            raise InputError(f"YAML syntax error: a tab at column {tab} indents this line; YAML indents with spaces "
                             "only", name, mark.line + 1, tab) from None
        raise InputError(f"YAML syntax error: {problem}", name, mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(f"YAML error: character {exc.character!r} is not allowed ({exc.reason})", name, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {str(exc).splitlines()[0]}", name) from None
    except RecursionError:
        raise InputError("YAML nesting is too deep", name) from None
    if node is None:
        return None
    try:
        return _Builder(name, limits).build(node, 0)
    except RecursionError:
        raise InputError("YAML nesting is too deep", name) from None
    finally:
        # SafeConstructor memoises every node it has built: cleared, or each scalar node of every document read in
        # the run (and the value built from it) stays alive -- 7.5 KB per manifest in a 10,000-manifest check.
        _SCALARS.constructed_objects.clear()
        _SCALARS.recursive_objects.clear()


def _indenting_tab(text: str, line: int) -> int | None:
    """The column (1-based) of the first tab in the indentation of `line` (0-based), or of the line before it
    (PyYAML's mark can sit on the next token); None when neither is indented with a tab."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if 0 <= number < len(lines):
            raw = lines[number]
            indent = raw[: len(raw) - len(raw.lstrip(" \t"))]
            if "\t" in indent:
                return indent.index("\t") + 1
    return None


def load_json(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Any:
    """Load a JSON file; syntax errors name the line."""
    return parse_json(read_text(path, limits), str(path), limits)


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def parse_json(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse JSON text; every failure is one InputError (syntax with its line, nesting, absurd numbers, duplicate
    keys — readers disagree on which one counts — and escapes that are not valid Unicode)."""
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON syntax error: {exc.msg}", name, exc.lineno) from None
    except _DuplicateKey as exc:
        key = exc.args[0]
        hits = [m.start() for m in re.finditer(r'(?<!\\)' + re.escape(json.dumps(key)) + r"\s*:", text)]
        line = text.count("\n", 0, hits[1]) + 1 if len(hits) == 2 else None
        raise InputError(f"duplicate key {key!r} in a JSON object", name, line) from None
    except RecursionError:
        raise InputError("JSON nesting is too deep", name) from None
    except ValueError as exc:
        raise InputError(f"JSON value error: {exc}", name) from None
    if text.count("[") + text.count("{") > limits.max_depth:
        check_depth(doc, name, limits.max_depth)
    if "\\u" in text and re.search(_SURROGATE_ESCAPE, text):
        try:
            json.dumps(doc, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise InputError("a \\u escape of half a surrogate pair: not valid Unicode", name) from None
    return doc


# compiled on first use (re's cache): only text with \u escapes needs it
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"


def check_depth(doc: Any, name: str, max_depth: int) -> None:
    """The YAML nesting cap for parsed JSON or TOML values (the top level is depth 0), without recursion."""
    stack = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise InputError(f"nesting deeper than {max_depth} levels", name)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


class _Builder:
    """Turns a composed node graph into Python values, counting every visit so aliases cannot explode."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.visited = 0

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.visited += 1
        line = node.start_mark.line + 1
        if self.visited > self.limits.max_nodes:
            raise InputError(
                f"document expands to more than {self.limits.max_nodes:,} nodes (alias bomb?)", self.name, line
            )
        if depth > self.limits.max_depth:
            raise InputError(f"nesting deeper than {self.limits.max_depth} levels", self.name, line)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
            raise InputError(f"unsupported YAML tag {node.tag!r}", self.name, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            out = LList(self.build(item, depth + 1) for item in node.value)
            out.line = line
            out.item_lines = [item.start_mark.line + 1 for item in node.value]
            out.item_columns = [item.start_mark.column + 1 for item in node.value]
            return out
        try:
            return _SCALARS.construct_object(node)
        except yaml.constructor.ConstructorError:
            raise InputError(f"unsupported YAML tag {node.tag!r}", self.name, line) from None
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise InputError(f"bad value {node.value!r}: {exc}", self.name, line) from None

    def _mapping(self, node: yaml.MappingNode, depth: int) -> LDict:
        out = LDict()
        out.line = node.start_mark.line + 1
        out.column = node.start_mark.column + 1
        out.key_lines = {}
        out.key_columns = {}
        out.scalar_texts = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("YAML merge keys ('<<') are not supported", self.name, key_line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("mapping keys must be plain strings", self.name, key_line)
            key = str(self.build(key_node, depth + 1))
            if key in out:
                raise InputError(
                    f"duplicate key '{key}' (first at line {out.key_lines[key]})", self.name, key_line
                )
            out.key_lines[key] = key_line
            out.key_columns[key] = key_node.start_mark.column + 1
            value = out[key] = self.build(value_node, depth + 1)
            if isinstance(value_node, yaml.ScalarNode) and value is not None and not isinstance(value, str):
                out.scalar_texts[key] = value_node.value
        return out
