"""Counts per distinct call: memory grows with the number of distinct (app, method, path, status, claims), never
with the number of rows.

Filters (--app-id, --since) apply here; `$batch` envelopes are counted apart (their members are logged, or read
from a recording, one by one); personal data (user ids, IP addresses) is kept only when asked, and then bounded.
"""

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from scopelint.usage.normalise import BATCH, normalise
from scopelint.usage.records import Call

MAX_PEOPLE = 10_000  # distinct user ids / IP addresses remembered with --show-users
_CACHE = 4096  # raw request URIs remembered with their normal form (polling repeats them); small: flat memory


class Observed(NamedTuple):
    """Identical calls, counted: scheme is 'delegated' (Scopes), 'application' (Roles) or '' (no claims logged)."""

    app_id: str
    scheme: str
    method: str
    path: str
    status: int
    claims: tuple[str, ...]
    calls: int


class Window(NamedTuple):
    """The time span the counted calls cover (ISO 8601 as logged; empty when the source has no times)."""

    first: str
    last: str

    @property
    def days(self) -> int | None:
        try:
            start = dt.date.fromisoformat(self.first[:10])
            end = dt.date.fromisoformat(self.last[:10])
        except ValueError:
            return None
        return (end - start).days + 1


class Tally:
    """Accumulates calls from any number of sources."""

    def __init__(self, app_id: str | None = None, since: str | None = None, keep_people: bool = False,
                 vocabulary: frozenset[str] = frozenset()) -> None:
        self.vocabulary = vocabulary
        self.app_id = app_id.lower() if app_id else None
        self.since = since
        self.keep_people = keep_people
        self.counts: dict[tuple, int] = {}
        self.rows = 0
        self.calls = 0
        self.filtered = 0
        self.batches = 0
        self.ignored = 0  # requests that are no Graph operation (OPTIONS, HEAD, empty path)
        self.apps: dict[str, int] = {}
        self.spans: dict[str, list[str]] = {}  # app -> [first, last] time seen
        self.users: set[str] = set()
        self.ips: set[str] = set()
        self.denied_users: dict[tuple, set[str]] = {}
        self._paths: dict[tuple[str, str], tuple[str, str] | None] = {}

    def add(self, calls: Iterable[Call]) -> None:
        """Count every call of a stream (the hot loop: one dict update per row)."""
        counts = self.counts
        paths = self._paths
        app_filter, since = self.app_id, self.since
        for call in calls:
            self.rows += 1
            app = call.app_id
            if app_filter is not None and app != app_filter:
                self.filtered += 1
                continue
            when = _iso(call.time) if call.time else ""
            if since is not None and (not when or when < since):
                self.filtered += 1
                continue
            raw = (call.method, call.uri or call.path)  # a summarised export's path is normalised again: idempotent
            if raw in paths:
                norm = paths[raw]
            else:
                norm = normalise(raw[0], raw[1], self.vocabulary)
                if len(paths) >= _CACHE:
                    paths.clear()
                paths[raw] = norm
            n = call.times
            if norm is None:
                self.ignored += n
                continue
            if norm[1] == BATCH:
                self.batches += n
                continue
            if call.roles:
                scheme, held = "application", call.roles
            elif call.scopes:
                scheme, held = "delegated", call.scopes
            else:
                scheme, held = "", ()
            key = (app, scheme, norm[0], norm[1], call.status, held)
            counts[key] = counts.get(key, 0) + n
            self.calls += n
            self.apps[app] = self.apps.get(app, 0) + n
            if when:
                start = _iso(call.first) if call.first else when
                span = self.spans.get(app)
                if span is None:
                    self.spans[app] = [start, when]
                else:
                    if start < span[0]:
                        span[0] = start
                    if when > span[1]:
                        span[1] = when
            if self.keep_people:
                self._people(call, key)

    def _people(self, call: Call, key: tuple) -> None:
        if call.user and len(self.users) < MAX_PEOPLE:
            self.users.add(call.user)
        if call.ip and len(self.ips) < MAX_PEOPLE:
            self.ips.add(call.ip)
        if call.status in (401, 403) and call.user:
            seen = self.denied_users.setdefault(key[:5], set())
            if len(seen) < MAX_PEOPLE:
                seen.add(call.user)

    def observed(self) -> list[Observed]:
        return sorted(Observed(a, s, m, p, st, c, n) for (a, s, m, p, st, c), n in self.counts.items())

    def window(self, apps: Iterable[str] | None = None) -> Window:
        """The span of the calls of these apps (all by default)."""
        spans = [s for a, s in self.spans.items() if apps is None or a in apps]
        if not spans:
            return Window("", "")
        return Window(min(s[0] for s in spans), max(s[1] for s in spans))


def _iso(when: str) -> str:
    """An ISO 8601 time as logged, or the portal's 'M/D/YYYY, h:mm:ss.fff AM' turned into one."""
    if len(when) > 10 and when[4] == "-":
        return when if when[10] == "T" else when[:10] + "T" + when[11:]
    if len(when) == 10 and when[4] == "-":
        return when
    for fmt in ("%m/%d/%Y, %I:%M:%S.%f %p", "%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S",
                "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(when.strip(), fmt).isoformat()
        except ValueError:
            continue
    return when


def since_bound(value: str) -> str:
    """--since as an ISO lower bound: a date (YYYY-MM-DD), a date and time, or a span back from now (30d, 12h)."""
    text = value.strip()
    unit = text[-1:].lower()
    if unit in ("d", "h") and text[:-1].isdigit():
        span = dt.timedelta(days=int(text[:-1])) if unit == "d" else dt.timedelta(hours=int(text[:-1]))
        return (dt.datetime.now(dt.UTC) - span).replace(tzinfo=None).isoformat(timespec="seconds")
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since must be a date (2026-11-01), a date and time, or a span such as 30d, "
                         f"got {value!r}") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds") if len(text) > 10 else when.date().isoformat()
