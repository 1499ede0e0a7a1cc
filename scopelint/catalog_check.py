"""Validation of permission-catalog data that comes from outside the package: the input of `scopelint catalog
refresh` (a service-principal export, or what the tenant's Graph service principal sent) and a refreshed catalog
read back from the user's cache.

A refreshed catalog is trusted by everything after it: its GUIDs go into `az` remedy scripts and Terraform blocks,
its names into reports. So every field is checked before it is written or used: GUIDs are GUIDs, names are
permission names (ASCII letters, digits, `.`, `_`, `-`), flags are booleans, privilege levels are 1-5, texts are
one line, and no name or GUID is listed twice. Each failure is an InputError naming the entry.
"""

import re
from typing import Any

from scopelint.errors import InputError

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,127}\Z")
_LINE = re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]{0,1000}\Z")
_TYPES = ("delegated", "application")
_EXPORT_FLAGS = ("adminConsentRequired", "isEnabled")
_EXPORT_TEXTS = ("adminConsentDisplayName", "displayName")
_ROW_KEYS = {"id", "value", "admin", "privilege", "title", "enabled"}
_TOP_TEXTS = ("source", "source_note", "retrieved", "privilege_source", "resourceAppId")


def check_export_entry(entry: Any, ptype: str, index: int, name: str) -> None:
    """One permission of a refresh input (a scope or app role as exported): id, value, flags and texts."""
    where = f"{ptype} permission {index + 1}"
    if not isinstance(entry, dict):
        raise InputError(f"{where} is not a JSON object", name)
    _guid(entry.get("id"), f"{where}: 'id'", name)
    _name(entry.get("value"), f"{where}: 'value'", name)
    for key in _EXPORT_FLAGS:
        if key in entry and not isinstance(entry[key], bool):
            raise InputError(f"{where} ({entry['value']}): '{key}' must be true or false, got {entry[key]!r}", name)
    for key in _EXPORT_TEXTS:
        if entry.get(key) is not None:
            _text(entry[key], f"{where} ({entry['value']}): '{key}'", name)


def check_catalog(doc: Any, name: str) -> None:
    """A whole catalog document as catalog.py reads it (what refresh writes, what the cache holds)."""
    if not isinstance(doc, dict):
        raise InputError("a permission catalog must be a JSON object", name)
    for key in _TOP_TEXTS:
        if doc.get(key) is not None:
            _text(doc[key], f"'{key}'", name)
    for ptype in _TYPES:
        rows = doc.get(ptype)
        if not isinstance(rows, list):
            raise InputError(f"'{ptype}' must be a list of permissions", name)
        names: set[str] = set()
        ids: set[str] = set()
        for i, row in enumerate(rows):
            where = f"{ptype} permission {i + 1}"
            if not isinstance(row, dict) or set(row) - _ROW_KEYS or not {"id", "value"} <= set(row):
                raise InputError(f"{where} must be an object with 'id' and 'value' (and only "
                                 f"{', '.join(sorted(_ROW_KEYS))})", name)
            _guid(row["id"], f"{where}: 'id'", name)
            _name(row["value"], f"{where}: 'value'", name)
            where = f"{where} ({row['value']})"
            for key in ("admin", "enabled"):
                if key in row and not isinstance(row[key], bool):
                    raise InputError(f"{where}: '{key}' must be true or false, got {row[key]!r}", name)
            level = row.get("privilege")
            if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5):
                raise InputError(f"{where}: 'privilege' must be a level from 1 to 5 or null, got {level!r}", name)
            if row.get("title") is not None:
                _text(row["title"], f"{where}: 'title'", name)
            if row["value"].lower() in names or row["id"].lower() in ids:
                raise InputError(f"{where}: listed twice (name or GUID)", name)
            names.add(row["value"].lower())
            ids.add(row["id"].lower())
    if not doc["delegated"] and not doc["application"]:
        raise InputError("the catalog holds no permissions", name)


def _guid(value: Any, what: str, name: str) -> None:
    if not isinstance(value, str) or not _GUID.match(value):
        raise InputError(f"{what} must be a GUID (8-4-4-4-12 hexadecimal digits), got {value!r}", name)


def _name(value: Any, what: str, name: str) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise InputError(f"{what} must be a permission name (ASCII letters, digits, '.', '_', '-'), got {value!r}",
                         name)


def _text(value: Any, what: str, name: str) -> None:
    if not isinstance(value, str) or not _LINE.match(value):
        raise InputError(f"{what} must be one line of text without control characters, got {value!r}", name)
