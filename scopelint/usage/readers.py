"""Read log exports as users make them, streamed: memory stays flat whatever the number of rows.

Formats (told apart by content, not by name):
- `az monitor log-analytics query` JSON: an array of row objects (columns of the MicrosoftGraphActivityLogs table,
  https://learn.microsoft.com/azure/azure-monitor/reference/tables/microsoftgraphactivitylogs);
- CSV exported from the Log Analytics portal or Sentinel (header row; `TimeGenerated [UTC]` style names accepted),
  including exports of scopelint's own summary query (a `count_` column);
- JSON lines from a storage-account export (diagnostic settings): one record a line, columns under `properties`
  in camelCase; a `{"records": [...]}` wrapper is read too;
- HAR files (http://www.softwareishard.com/blog/har-12-spec/), e.g. from Dev Proxy's HarGeneratorPlugin, with
  `$batch` members unpacked from the request and response bodies and token claims read from the Authorization
  header when the recording kept it (the token itself is never stored);
- Dev Proxy mock files (`{"mocks": [{"request": {"url", "method"}, "response": {"statusCode"}}]}`,
  https://learn.microsoft.com/microsoft-cloud/dev/dev-proxy/how-to/mock-responses).

Bad input is an InputError naming file and line.
"""

import base64
import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from scopelint.errors import InputError
from scopelint.usage.normalise import BATCH, claims, normalise
from scopelint.usage.records import Call

Progress = Callable[[int], None]
CHUNK = 1 << 20
MAX_RECORD = 64 * CHUNK  # one JSON record larger than this is refused rather than buffered
# Column spellings (lower-cased, without ' [UTC]') -> field. Table columns, storage-export camelCase and the
# summary query's own names.
_FIELDS = {
    "appid": "app_id", "requestmethod": "method", "requesturi": "uri", "responsestatuscode": "status",
    "scopes": "scopes", "roles": "roles", "timegenerated": "time", "time": "time", "userid": "user",
    "ipaddress": "ip", "calleripaddress": "ip", "path": "path", "count_": "count", "calls": "count",
    "lastseen": "time", "firstseen": "first",
}


def read_calls(path: str, progress: Progress | None = None) -> Iterator[Call]:
    """Every call in one export file, in file order."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 -- closed below, after the generator is exhausted
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    with raw:
        head = raw.read(4)
        raw.seek(0)
        encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield from _dispatch(path, text, raw, progress)
        except UnicodeDecodeError:
            raise InputError(f"not {encoding} text", path) from None


def _dispatch(path: str, text: io.TextIOWrapper, raw: Any, progress: Progress | None) -> Iterator[Call]:
    first = _first_char(text)
    text.seek(0)
    if first == "":
        raise InputError("empty file: expected a log export (JSON, JSON lines, CSV, HAR)", path)
    if first == "[":
        stream = _JsonStream(text, path, raw, progress)
        yield from _rows(path, stream.array(()))
        return
    if first != "{":
        yield from _csv(path, text, raw, progress)
        return
    line = text.readline()
    try:
        one = json.loads(line)
    except ValueError:
        one = None
    text.seek(0)
    if isinstance(one, dict) and not {"log", "mocks", "records"} & set(one):
        yield from _json_lines(path, text, raw, progress)
        return
    stream = _JsonStream(text, path, raw, progress)
    key = stream.top_key(("log", "mocks", "records"))
    if key == "log":
        for entry, at in stream.array(("entries",)):
            yield from _har_entry(path, entry, at)
    elif key == "mocks":
        for mock, at in stream.array(()):
            yield _mock(path, mock, at)
    else:
        yield from _rows(path, stream.array(()))


def _first_char(text: io.TextIOWrapper) -> str:
    while True:
        chunk = text.read(4096)
        if not chunk:
            return ""
        stripped = chunk.lstrip()
        if stripped:
            return stripped[0]


# ------------------------------------------------------------------------------------------------------------------
# rows of the activity log table (JSON objects or CSV)

def _canonical(name: str) -> str | None:
    key = name.split("[", 1)[0].strip().lower().replace(" ", "")
    return _FIELDS.get(key)


def _rows(path: str, items: Iterator[tuple[Any, int]]) -> Iterator[Call]:
    spelling: dict[str, str] = {}
    known: frozenset[str] = frozenset()
    for row, line in items:
        if not isinstance(row, dict):
            raise InputError("expected one JSON object per log row", path, line)
        props = row.get("properties")
        source = props if isinstance(props, dict) else row
        if source.keys() != known:
            spelling = {f: k for k in source if (f := _canonical(k))}
            known = frozenset(source.keys())
        values = {f: source.get(k) for f, k in spelling.items()}
        if source is props and "time" not in values:
            values["time"] = row.get("time")  # storage exports keep the time beside `properties`
        yield _call(path, line, values)


def _json_lines(path: str, text: io.TextIOWrapper, raw: Any, progress: Progress | None) -> Iterator[Call]:
    def items() -> Iterator[tuple[Any, int]]:
        for number, line in enumerate(text, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line), number
            except ValueError as exc:
                raise InputError(f"not a JSON object: {getattr(exc, 'msg', exc)}", path, number) from None
            if progress is not None and number % 65536 == 0:
                progress(raw.tell())

    yield from _rows(path, items())


def _csv(path: str, text: io.TextIOWrapper, raw: Any, progress: Progress | None) -> Iterator[Call]:
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty file", path) from None
    except csv.Error as exc:
        raise InputError(f"not CSV: {exc}", path, 1) from None
    columns = [(i, f) for i, name in enumerate(header) if (f := _canonical(name))]
    fields = {f for _, f in columns}
    if "method" not in fields or not fields & {"uri", "path"}:
        raise InputError("not a Microsoft Graph activity log export: no RequestMethod and RequestUri columns "
                         f"(found: {', '.join(header[:8])})", path, 1)
    width = len(header)
    try:
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                if not row:
                    continue
                raise InputError(f"{len(row)} fields where the header has {width}", path, line)
            yield _call(path, line, {f: row[i] for i, f in columns})
            if progress is not None and line % 65536 == 0:
                progress(raw.tell())
    except csv.Error as exc:
        raise InputError(f"not CSV: {exc}", path, reader.line_num) from None


def _call(path: str, line: int, row: dict[str, Any]) -> Call:
    method = row.get("method")
    uri = row.get("uri")
    norm = row.get("path")
    if not method or not (uri or norm):
        raise InputError("a log row without RequestMethod or RequestUri", path, line)
    status = _integer(row.get("status"), "ResponseStatusCode", path, line)
    count = _integer(row.get("count"), "count", path, line) if row.get("count") not in (None, "") else 1
    return Call(str(method), str(uri or ""), status, str(row.get("app_id") or "").lower(),
                claims(row.get("scopes")), claims(row.get("roles")), str(row.get("time") or ""),
                str(row.get("user") or ""), str(row.get("ip") or ""), path, line, count, str(norm or ""),
                str(row.get("first") or ""))


def _integer(value: Any, what: str, path: str, line: int) -> int:
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if number.is_integer() and number >= 0:
            return int(number)
        raise InputError(f"{what} must be a number, got {str(value)[:40]!r}", path, line) from None


# ------------------------------------------------------------------------------------------------------------------
# HAR and Dev Proxy

def _har_entry(path: str, entry: Any, line: int) -> Iterator[Call]:
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not request.get("url"):
        raise InputError("a HAR entry without request.url", path, line)
    status = _integer((response or {}).get("status"), "response.status", path, line)
    scopes, roles, app_id = _token_claims(request.get("headers"))
    base = Call(str(request.get("method") or "GET"), str(request["url"]), status, app_id, scopes, roles,
                str(entry.get("startedDateTime") or ""), "", "", path, line)
    members = _batch_members(base, request, response)
    if members is None:
        yield base
    else:
        yield from members


def _batch_members(base: Call, request: dict, response: Any) -> list[Call] | None:
    """The requests inside a JSON $batch, each with its own status when the response was recorded."""
    norm = normalise(base.method, base.uri)
    if norm is None or norm[1] != BATCH:
        return None
    body = _json_text((request.get("postData") or {}).get("text"))
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        return None
    answers = _json_text(((response or {}).get("content") or {}).get("text"))
    statuses = {}
    if isinstance(answers, dict) and isinstance(answers.get("responses"), list):
        statuses = {str(r.get("id")): r.get("status") for r in answers["responses"] if isinstance(r, dict)}
    out = []
    for member in body["requests"]:
        if not isinstance(member, dict) or not member.get("url"):
            continue
        status = statuses.get(str(member.get("id")))
        out.append(base._replace(method=str(member.get("method") or "GET"), uri="/" + str(member["url"]).lstrip("/"),
                                 status=status if isinstance(status, int) else base.status))
    return out


def _json_text(text: Any) -> Any:
    if not isinstance(text, str) or not text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _token_claims(headers: Any) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """scp, roles and the app id from the bearer token's payload; the token itself goes no further."""
    if not isinstance(headers, list):
        return (), (), ""
    for h in headers:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == "authorization":
            value = str(h.get("value") or "")
            parts = value.split()[-1].split(".") if value.strip() else []
            if len(parts) != 3:
                return (), (), ""
            try:
                payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
            except (ValueError, TypeError):
                return (), (), ""
            if not isinstance(payload, dict):
                return (), (), ""
            return (claims(payload.get("scp")), claims(payload.get("roles")),
                    str(payload.get("appid") or payload.get("azp") or "").lower())
    return (), (), ""


def _mock(path: str, mock: Any, line: int) -> Call:
    request = mock.get("request") if isinstance(mock, dict) else None
    if not isinstance(request, dict) or not request.get("url"):
        raise InputError("a Dev Proxy mock without request.url", path, line)
    response = mock.get("response") if isinstance(mock.get("response"), dict) else {}
    status = _integer(response.get("statusCode", 200), "response.statusCode", path, line)
    return Call(str(request.get("method") or "GET"), str(request["url"]), status, file=path, line=line)


# ------------------------------------------------------------------------------------------------------------------
# streamed JSON

class _JsonStream:
    """Walks one JSON document in chunks: the top-level keys, then the items of one array one at a time."""

    def __init__(self, text: io.TextIOWrapper, path: str, raw: Any, progress: Progress | None) -> None:
        self.text = text
        self.path = path
        self.raw = raw
        self.progress = progress
        self.buf = ""
        self.pos = 0
        self.counted = 0  # newlines are counted up to this index of buf ...
        self.line = 1  # ... which stands on this line
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.line += self.buf.count("\n", self.counted, self.pos)
        self.buf = self.buf[self.pos:] + chunk
        self.pos = self.counted = 0
        if self.progress is not None:
            self.progress(self.raw.tell())
        return True

    def _skip_ws(self) -> str:
        while True:
            buf, n = self.buf, len(self.buf)
            i = self.pos
            while i < n and buf[i] in " \t\r\n":
                i += 1
            self.pos = i
            if i < n:
                return buf[i]
            if not self._fill():
                return ""

    def _where(self) -> int:
        self.line += self.buf.count("\n", self.counted, self.pos)
        self.counted = self.pos
        return self.line

    def _fail(self, message: str) -> InputError:
        return InputError(message, self.path, self._where())

    def _expect(self, char: str) -> None:
        if self._skip_ws() != char:
            found = self._skip_ws() or "end of file"
            raise self._fail(f"not a log export: expected {char!r}, found {found[:1]!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next value, reading more text while it is incomplete."""
        self._skip_ws()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                incomplete = len(self.buf) - exc.pos < CHUNK and len(self.buf) - self.pos < MAX_RECORD
                if incomplete and self._fill():
                    continue
                if not self.buf[self.pos:].strip():
                    raise self._fail("the file ends early (a truncated export?)") from None
                if len(self.buf) - self.pos >= MAX_RECORD:
                    raise self._fail(f"a JSON record larger than {MAX_RECORD >> 20} MB") from None
                line = self._where() + self.buf.count("\n", self.pos, exc.pos)
                raise InputError(f"not valid JSON: {exc.msg}", self.path, line) from None
            self.pos = end
            return value

    def top_key(self, wanted: tuple[str, ...]) -> str:
        """Step into the top-level object up to the first of `wanted` keys (its value comes next)."""
        self._expect("{")
        while True:
            if self._skip_ws() == "}":
                raise self._fail(f"not a log export: no {' or '.join(repr(w) for w in wanted)} key")
            key = self.value()
            self._expect(":")
            if key in wanted:
                return str(key)
            self.value()
            if self._skip_ws() == ",":
                self.pos += 1

    def array(self, path: tuple[str, ...]) -> Iterator[tuple[Any, int]]:
        """The items of the array at `path` below the current value, each with its first line."""
        for key in path:
            self._expect("{")
            while True:
                if self._skip_ws() == "}":
                    raise self._fail(f"not a log export: no {key!r} key")
                name = self.value()
                self._expect(":")
                if name == key:
                    break
                self.value()
                if self._skip_ws() == ",":
                    self.pos += 1
        self._expect("[")
        if self._skip_ws() == "]":
            self.pos += 1
            return
        while True:
            self._skip_ws()
            line = self._where()
            yield self.value(), line
            sep = self._skip_ws()
            if sep == "]":
                self.pos += 1
                return
            if sep != ",":
                raise self._fail(f"not valid JSON: expected ',' or ']' between items, found {sep[:1]!r}"
                                 if sep else "the file ends early (a truncated export?)")
            self.pos += 1


def total_bytes(paths: list[str]) -> int:
    """The size of all files, for a progress bar (0 when unknown)."""
    return sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
