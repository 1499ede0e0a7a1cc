"""NuGet version ranges as project.json writes dependency versions: `[x]`, `x`, `[x, )`, `(x, y]`, ..."""

import re
from typing import NamedTuple


class NuGetRange(NamedTuple):
    """A NuGet version range: `[x]` exactly x, bare `x` at least x, `[x, )` at least x, `(x, y]` ..."""

    raw: str
    minimum: str | None
    min_inclusive: bool
    maximum: str | None
    max_inclusive: bool

    @property
    def exact(self) -> bool:
        return self.minimum is not None and self.minimum == self.maximum and self.min_inclusive and self.max_inclusive


_VERSION = re.compile(r"^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$|^\d+(?:\.\d+){0,2}\.\*$|^\*$")


def parse_nuget_range(raw: str) -> NuGetRange | None:
    """Parse NuGet range syntax; None when it is not one."""
    text = raw.strip()
    if not text:
        return None
    if text[0] not in "[(":
        return NuGetRange(raw, text, True, None, False) if _VERSION.match(text) else None
    if text[-1] not in "])" or len(text) < 3:
        return None
    lo_inc, hi_inc, body = text[0] == "[", text[-1] == "]", text[1:-1]
    if "," not in body:
        version = body.strip()
        if not (lo_inc and hi_inc and _VERSION.match(version)):
            return None
        return NuGetRange(raw, version, True, version, True)
    lo, _, hi = (part.strip() for part in body.partition(","))
    if "," in hi or (not lo and not hi) or any(v and not _VERSION.match(v) for v in (lo, hi)):
        return None
    low, high = _release(lo), _release(hi)
    if low and high and (low > high or (low == high and not (lo_inc and hi_inc))):
        return None  # an empty range: no version satisfies it
    return NuGetRange(raw, lo or None, lo_inc and bool(lo), hi or None, hi_inc and bool(hi))


def _release(version: str) -> tuple[int, ...] | None:
    """1.2 -> (1, 2, 0, 0) for comparing range ends; None for floating or pre-release versions (not compared)."""
    core = version.split("+", 1)[0]
    if not core or "*" in core or "-" in core:
        return None
    parts = tuple(int(x) for x in core.split("."))
    return parts + (0,) * (4 - len(parts))

