"""Reading one workflow file safely: no blocking on FIFOs, a size limit, UTF-8/UTF-16 detection, a byte prefilter
that skips workflows which never declare an activity assembly, then the parser; a broken file goes to recovery.

Every failure becomes a diagnostic, never an exception. Each process reuses its read buffers from file to file.
"""

import codecs
import errno
import io
import os
import stat
import xml.parsers.expat as expat

from scopelint.errors import InputError
from scopelint.uipath.code import find_calls
from scopelint.uipath.discover import os_message
from scopelint.uipath.graphurl import GRAPH_MARKERS
from scopelint.uipath.model import PACKAGES, Diagnostic
from scopelint.uipath.recovery import TRUNCATED, broken
from scopelint.uipath.xaml import DEFAULT_MAX_XML_DEPTH, FileScan, Parser, RawCall, Refused, cap_uses
from scopelint.yamlio import decode, utf16_without_bom

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
_CHUNK = 256 * 1024  # read size; each process reuses its buffers (_BUFFERS) from file to file
_PREFILTER_OVERLAP = 96
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_BUFFERS: list[bytearray] = []
_ASSEMBLY_NAMES = tuple(p.lower().encode() for p in PACKAGES)
# `;assembly=` and what every activity assembly name starts with: one long needle, which `find` searches fastest
_ASSEMBLY_NEEDLE = b";assembly=uipath.microsoft"
_CARD = b"exchangeapplicationcard"  # the "Use Outlook 365" card (element names are case-sensitive; lower is wider)


def declares_activity_assembly(data: bytes | bytearray, end: int | None = None) -> bool:
    """The prefilter: does any `;assembly=` in data[:end] name an activity package (assembly names in any case)? A
    workflow without one cannot hold one of its activities."""
    end = len(data) if end is None else end
    return _names_assembly((data if end == len(data) else data[:end]).lower(), end)


def _names_assembly(low: bytes | bytearray, end: int) -> bool:
    """declares_activity_assembly on lower-cased bytes: one `find` pass for `;assembly=uipath.microsoft`."""
    i = low.find(_ASSEMBLY_NEEDLE, 0, end)
    while i >= 0:
        if low[i + 10:min(i + 50, end)].startswith(_ASSEMBLY_NAMES):
            return True
        i = low.find(_ASSEMBLY_NEEDLE, i + 10, end)
    return False


def names_graph(low: bytes | bytearray, end: int) -> bool:
    """In lower-cased bytes: a Graph host or Graph SDK client name. One pass for `graph` (in every marker), then the
    markers are looked for only around its (rare) hits."""
    i = low.find(b"graph", 0, end)
    while i >= 0:
        lo, hi = max(0, i - 16), min(end, i + 32)
        if any(low.find(m, lo, hi) >= 0 for m in GRAPH_MARKERS):
            return True
        i = low.find(b"graph", i + 1, end)
    return False


def may_hold_graph_use(data: bytes | bytearray, end: int | None = None) -> bool:
    """The prefilter: an activity assembly is declared, or the bytes name a Graph host or a Graph SDK client (in any
    case: `GRAPH.MICROSOFT.COM` too) or the "Use Outlook 365" card. A workflow with none of these holds nothing the
    scanner reports.

    The bytes are lower-cased once (a copy, ~3 GB/s), then searched three times: `;assembly=uipath.microsoft`,
    `graph`, the card's name. That is faster than the case-sensitive passes it replaces; a second `find` for
    capitals costs half as much again, a case-insensitive regex ~15x (bench/RESULTS.md)."""
    end = len(data) if end is None else end
    low = (data if end == len(data) else data[:end]).lower()  # the read buffer is longer than a small file
    return _names_assembly(low, end) or names_graph(low, end) or low.find(_CARD, 0, end) >= 0


def _sniff(head: bytes) -> str:
    """utf-16-le / utf-16-be (BOM, or ASCII text with zero bytes as .NET detects it), binary (NUL byte), else utf-8
    (expat reads the BOM itself)."""
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    without_bom = utf16_without_bom(head)
    if without_bom:
        return without_bom
    if b"\x00" in head:
        return "binary"
    return "utf-8"


def _open_nonblocking(path: str, flags: int) -> int:
    """Opener for scan_file: a FIFO named *.xaml must not block the scan; it is opened, seen by fstat and skipped."""
    return os.open(path, flags | _OPEN_FLAGS)


def scan_file(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
              max_depth: int = DEFAULT_MAX_XML_DEPTH) -> FileScan:
    """Read one workflow: prefilter, then parse; every failure is a diagnostic, never an exception."""
    try:
        with open(path, "rb", buffering=0, opener=_open_nonblocking) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return _failed(path, "not a regular file; skipped")
            if st.st_size > max_bytes:
                return _failed(path, f"{st.st_size:,} bytes, larger than the {max_bytes:,}-byte limit for a workflow; "
                                     "not scanned (raise it: scan --max-file-size, or limits.max_bytes in the "
                                     "configuration)")
            buffer = _BUFFERS.pop() if _BUFFERS else bytearray(_CHUNK)
            try:
                return _scan_stream(path, fh, buffer, max_depth)
            finally:
                _BUFFERS.append(buffer)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or exc.errno == errno.ENXIO:  # a folder or socket named *.xaml
            return _failed(path, "not a regular file; skipped")
        return _failed(path, f"cannot read: {os_message(exc)}")
    except MemoryError:
        return _failed(path, "out of memory while reading")


def scan_code_file(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> FileScan:
    """Read a coded workflow or code file (.cs, .vb) and list its Graph calls (see code.py); the same limits and
    per-file diagnostics as workflows. Files that name no Graph host and no Graph client are not decoded."""
    try:
        with open(path, "rb", buffering=0, opener=_open_nonblocking) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return _failed(path, "not a regular file; skipped")
            if st.st_size > max_bytes:
                return _failed(path, f"{st.st_size:,} bytes, larger than the {max_bytes:,}-byte limit for a file; "
                                     "not scanned (raise it: scan --max-file-size)")
            data = fh.readall()
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or exc.errno == errno.ENXIO:
            return _failed(path, "not a regular file; skipped")
        return _failed(path, f"cannot read: {os_message(exc)}")
    if not names_graph(data.lower(), len(data)) and b"\x00" not in data:
        return FileScan(path, True)
    try:
        text = decode(data, path)
    except InputError as exc:
        return _failed(path, exc.message, exc.line)
    csharp = path.lower().endswith(".cs")
    source = "coded-workflow" if csharp else "vb-file"
    calls = tuple(RawCall(c.line + 1, "graph-sdk" if c.sdk else source, c.method, c.path, c.text, False, c.reason,
                          c.version) for c in find_calls(text, csharp))
    calls, note = cap_uses(calls, path, "Graph calls", "file")
    return FileScan(path, True, True, calls=calls, diagnostics=note)


def _failed(path: str, message: str, line: int | None = None) -> FileScan:
    return FileScan(path, False, diagnostics=(Diagnostic(path, message, line),))


def _scan_stream(path: str, fh: io.FileIO, buffer: bytearray, max_depth: int) -> FileScan:
    """Prefilter chunk by chunk in `buffer` (the process reuses it for every file), then parse from the same."""
    view = memoryview(buffer)
    n = fh.readinto(view)
    head = bytes(view[:min(n, 4096)])
    encoding = _sniff(head)
    if encoding == "binary":
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        return _failed(path, "binary content (NUL byte), not XAML", line)
    if encoding.startswith("utf-16"):
        fh.seek(0)
        return _scan_utf16(path, fh.readall(), encoding, max_depth)
    if not may_hold_graph_use(buffer, n):
        end = n
        while True:
            keep = min(_PREFILTER_OVERLAP, end)  # a declaration cut by the chunk boundary is seen whole next time
            buffer[:keep] = bytes(view[end - keep:end])
            n = fh.readinto(view[keep:])
            if not n:
                return FileScan(path, True)
            end = keep + n
            if may_hold_graph_use(buffer, end):
                break
        fh.seek(0)
        n = fh.readinto(view)
    parser = Parser(max_depth)
    try:
        while n:
            parser.feed(view[:n])
            n = fh.readinto(view)
        parser.feed(b"", True)
    except Refused as exc:
        return _failed(path, str(exc), parser.p.CurrentLineNumber)
    except expat.ExpatError as exc:
        return broken(path, exc)
    except (ValueError, UnicodeError, LookupError) as exc:  # multi-byte (Shift-JIS) or unknown declared encodings
        return _failed(path, f"unsupported encoding: {exc}", parser.p.CurrentLineNumber)
    return parser.result(path)


def _scan_utf16(path: str, data: bytes, encoding: str, max_depth: int) -> FileScan:
    try:
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else encoding)
    except UnicodeDecodeError:
        return _failed(path, "not valid UTF-16")
    if not may_hold_graph_use(text.encode("utf-8", "replace")):
        return FileScan(path, True)
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # XML wants a BOM on UTF-16; .NET reads it without one
        data = (codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE) + data
    parser = Parser(max_depth)
    try:
        for i in range(0, len(data), _CHUNK):
            parser.feed(data[i:i + _CHUNK])
        parser.feed(b"", True)
    except Refused as exc:
        return _failed(path, str(exc), parser.p.CurrentLineNumber)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        if any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in text.splitlines()):
            reason = f"merge-conflict markers in the file ({reason})"
        elif exc.code in TRUNCATED:
            reason = f"truncated or incomplete ({reason})"
        return _failed(path, f"not well-formed XAML: {reason}", exc.lineno)
    except (ValueError, UnicodeError, LookupError) as exc:
        return _failed(path, f"unsupported encoding: {exc}", parser.p.CurrentLineNumber)
    return parser.result(path)

