"""Rule packs: which Graph permissions each activity needs, as alternative sets with provenance.

Built-in packs live in scopelint/data/rules/*.yaml; users add their own packs (same schema). A user rule replaces a
built-in rule of the same class only when it says `overrides: true`.
"""

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from scopelint.catalog import Catalog, Permission, PermissionType, load_catalog
from scopelint.errors import InputError
from scopelint.paths import DATA, SCHEMAS
from scopelint.yamlio import LDict, LList, load_yaml

AnyOf = tuple[tuple[Permission, ...], ...]
TARGETS = ("own", "shared", "site")  # whose data an activity works on: the user's, shared with the user, a site's


class Requirement(NamedTuple):
    """Alternative permission sets (any one whole set suffices) and where they come from."""

    any_of: AnyOf
    provenance: str
    source: str | None = None
    override: str | None = None
    operations: tuple[str, ...] = ()
    unsupported: str | None = None

    @property
    def needs_nothing(self) -> bool:
        return any(not alt for alt in self.any_of)


class Rule(NamedTuple):
    """One activity class and what it needs."""

    cls: str
    display_name: str
    group: str
    generation: str
    kind: str
    pack: str
    origin: str
    aliases: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    delegated: Requirement | None = None
    application: Requirement | None = None
    shared: Mapping[str, Requirement] = MappingProxyType({})  # read-only: the default is shared
    site: Mapping[str, Requirement] = MappingProxyType({})
    sources: tuple[str, ...] = ()
    notes: str = ""
    class_confirmed: bool = True

    @property
    def short_name(self) -> str:
        return self.cls.rsplit(".", 1)[-1]

    def option(self, target: str | bool) -> Mapping[str, Requirement]:
        """The requirements the rule states for a target other than the user's own data (empty for `own`)."""
        target = "shared" if target is True else target or "own"
        return self.shared if target == "shared" else self.site if target == "site" else MappingProxyType({})

    def requirement(self, ptype: PermissionType, target: str | bool = "own") -> Requirement:
        """What the activity needs under that auth mode for that target (own, shared, site); the target's option
        replaces the base requirement where the rule has one (`True` is the `shared: true` alias)."""
        option = self.option(target)
        if ptype in option:
            return option[ptype]
        req = self.delegated if ptype == "delegated" else self.application
        return req or Requirement(any_of=((),), provenance="derived")


class LibraryRule(NamedTuple):
    """A rule pack's `libraries:` entry: a library package (a dependency id as project.json names it) and the Graph
    calls it makes, with where that is documented. A project depending on it makes those calls (kind `library`)."""

    package: str
    operations: tuple[str, ...]
    sources: tuple[str, ...]
    pack: str
    origin: str
    description: str = ""


class UserPack(NamedTuple):
    """What one user pack file holds: its rules (each with its `overrides` flag) and its library entries."""

    rules: list[tuple["Rule", bool]]
    libraries: list[LibraryRule]


class _Unbuilt(NamedTuple):
    """A built-in rule before its first lookup: what the index needs, and the raw entry to build it from."""

    cls: str
    display_name: str
    generation: str
    aliases: tuple[str, ...]
    raw: dict
    pack: str
    origin: str

    @property
    def short_name(self) -> str:
        return self.cls.rsplit(".", 1)[-1]


class RuleBook:
    """All loaded rules, found by full class name, short name, display name or alias (any case).

    Built-in rules are turned into Rule objects on first lookup: a run touches a few of the ~180.
    """

    def __init__(self, rules: Iterable[Rule] = (), catalog: Catalog | None = None) -> None:
        self._rules: dict[str, Rule | _Unbuilt] = {}
        self._catalog = catalog
        self.packs: list[tuple[str, str, int]] = []
        self._index: dict[str, str] = {}
        self._overriding: set[str] = set()  # classes of user rules that took names over (`overrides: true`)
        self.libraries: dict[str, LibraryRule] = {}  # by lower-case package id
        for rule in rules:
            self._rules[rule.cls.lower()] = rule
        self._reindex()

    @classmethod
    def from_compiled(cls, compiled: dict, catalog: Catalog) -> "RuleBook":
        """The built-in book from data/rules.json, every rule unbuilt until it is looked up."""
        book = cls(catalog=catalog)
        for doc in compiled["packs"]:
            for raw in doc.get("rules", []):
                book._rules[raw["class"].lower()] = _Unbuilt(
                    raw["class"], raw["display_name"], raw["generation"], tuple(raw.get("aliases") or ()), raw,
                    doc["pack"], f"builtin:{doc['file']}")
        book._reindex()
        return book

    def copy(self) -> "RuleBook":
        """A book to add user packs to, sharing the rules (built or not) of this one."""
        book = RuleBook(catalog=self._catalog)
        book._rules = dict(self._rules)
        book.packs = list(self.packs)
        book._index = dict(self._index)
        book._overriding = set(self._overriding)
        book.libraries = dict(self.libraries)
        return book

    def add(self, rules: list[tuple[Rule, bool]], origin: str, libraries: Iterable[LibraryRule] = ()) -> list[str]:
        """Add a user pack. A rule whose class, short name, display name or alias is already a loaded rule's name
        needs `overrides: true` (else it could take a built-in activity over unseen); returns one announcement per
        override, naming what it takes over. A library two packs describe is an error (which one would hold?)."""
        notes: list[str] = []
        for lib in libraries:
            known = self.libraries.get(lib.package.lower())
            if known is not None:
                raise InputError(f"library {lib.package} is already described by the rule pack {known.origin}", origin)
            self.libraries[lib.package.lower()] = lib
        for rule, overrides in rules:
            taken = self._collisions(rule)
            if taken and not overrides:
                name, other = taken[0]
                raise InputError(f"rule for {rule.cls} uses the name '{name}' of the loaded rule {other}; add "
                                 "'overrides: true' to that rule to take it over", origin)
            for name, other in taken:
                notes.append(f"rule pack {origin}: {rule.cls} overrides {other} (name '{name}')")
            if overrides:
                self._overriding.add(rule.cls.lower())
            self._rules[rule.cls.lower()] = rule
        self.packs.append((rules[0][0].pack if rules else "", origin, len(rules)))
        self._reindex()
        return notes

    def _collisions(self, rule: Rule) -> list[tuple[str, str]]:
        """(name, class) of each loaded rule that one of `rule`'s names already finds."""
        out: dict[str, str] = {}
        for name in _names(rule):
            key = self._index.get(_key(name))
            if key is not None:
                other = self._rules[key]
                out.setdefault(other.cls, name)
        return sorted((name, cls) for cls, name in out.items())

    def _reindex(self) -> None:
        index: dict[str, str] = {}
        # Lower tiers never shadow higher ones: full class > short name / `1 form > display name or alias;
        # within a tier classic activities come first.
        tiers: list[list[tuple[str, Rule | _Unbuilt]]] = [[], [], []]
        for rule in self._rules.values():
            tiers[0].append((rule.cls, rule))
            tiers[1].append((rule.short_name, rule))
            tiers[1].append((rule.short_name + "`1", rule))
            tiers[2].extend((alias, rule) for alias in rule.aliases)
            tiers[2].append((rule.display_name, rule))
        overriding = self._overriding
        for tier in tiers:
            for key, rule in sorted(tier, key=lambda kr: (kr[1].cls.lower() not in overriding,
                                                          kr[1].generation != "classic", kr[1].cls)):
                index.setdefault(_key(key), rule.cls.lower())
        self._index = index

    def _get(self, key: str) -> Rule:
        rule = self._rules[key]
        if isinstance(rule, _Unbuilt):
            rule = self._rules[key] = build_rule(rule.raw, rule.pack, rule.origin, self._catalog or load_catalog())
        return rule

    def find(self, ref: str) -> Rule | None:
        key = self._index.get(_key(ref))
        return self._get(key) if key is not None else None

    def suggest(self, ref: str) -> list[str]:
        """Up to three close activity names (one per rule), for did-you-mean."""
        import difflib

        names: dict[str, Rule | _Unbuilt] = {}
        for rule in self._rules.values():
            names.setdefault(_key(rule.short_name), rule)
            names.setdefault(_key(rule.display_name), rule)
        out: list[str] = []
        for key in difflib.get_close_matches(_key(ref), list(names), n=10, cutoff=0.6):
            name = names[key].short_name if key == _key(names[key].short_name) else names[key].display_name
            if all(self._index.get(_key(o)) != names[key].cls.lower() for o in out):
                out.append(name)
        return out[:3]

    def __iter__(self):
        return iter(sorted((self._get(key) for key in self._rules), key=lambda r: r.cls))

    def __len__(self) -> int:
        return len(self._rules)


def _names(rule: Rule | _Unbuilt) -> list[str]:
    """Every name a rule is found by: full class, short name (and its `1 form), display name, aliases."""
    return [rule.cls, rule.short_name, rule.short_name + "`1", rule.display_name, *rule.aliases]


def _key(name: str) -> str:
    return " ".join(name.strip().lower().split())


def parse_pack(doc: Any, origin: str, catalog: Catalog) -> list[tuple[Rule, bool]]:
    """Rules of one pack document (already schema-valid), each with its `overrides` flag."""
    return [(build_rule(raw, doc["pack"], origin, catalog), bool(raw.get("overrides", False)))
            for raw in doc.get("rules", [])]


def build_rule(raw: Any, pack: str, origin: str, catalog: Catalog) -> Rule:
    """One schema-valid rule entry as a Rule; permission names take catalog casing."""
    options = raw.get("options") or {}
    shared, site = (_option(options.get(name) or {}, catalog) for name in ("shared", "site"))
    ops = tuple(raw.get("operations") or ())
    return Rule(
        cls=raw["class"],
        display_name=raw["display_name"],
        group=raw["group"],
        generation=raw["generation"],
        kind=raw["kind"],
        pack=pack,
        origin=origin,
        aliases=tuple(raw.get("aliases") or ()),
        operations=ops,
        delegated=_requirement(raw["delegated"], ops, "delegated", catalog),
        application=_requirement(raw["application"], ops, "application", catalog),
        shared=shared,
        site=site,
        sources=tuple(raw.get("sources") or ()),
        notes=str(raw.get("notes") or "").strip(),
        class_confirmed=bool(raw.get("class_confirmed", True)),
    )


def _option(raw: dict, catalog: Catalog) -> dict[str, Requirement]:
    """One `options:` entry (a target's requirement per auth type, with its own operations)."""
    return {ptype: _requirement(raw[ptype], raw.get("operations") or (), ptype, catalog)
            for ptype in ("delegated", "application") if ptype in raw}


def _requirement(raw: dict, ops: Iterable[str], ptype: PermissionType, catalog: Catalog) -> Requirement:
    any_of = tuple(
        tuple(sorted({catalog.permission(ptype, n) or Permission(ptype, n) for n in alt})) for alt in raw["any_of"]
    )
    return Requirement(
        any_of=any_of,
        provenance=raw["provenance"],
        source=raw.get("source"),
        override=raw.get("override"),
        operations=tuple(ops),
        unsupported=raw.get("unsupported"),
    )


def builtin_pack_files() -> list[Path]:
    """The YAML sources of the built-in packs (the data contributors edit)."""
    return sorted((DATA / "rules").glob("*.yaml"))


def compile_builtin_packs() -> dict[str, Any]:
    """The built-in packs as one JSON document: what data/rules.json holds, so start-up skips YAML parsing."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {"packs": [{"file": path.name, **yaml.load(path.read_text(encoding="utf-8"), Loader=loader)}
                      for path in builtin_pack_files()]}


@cache
def load_builtin_rules() -> RuleBook:
    """The bundled packs, from the compiled data/rules.json (kept equal to the YAML sources by a data-QA test)."""
    compiled = json.loads((DATA / "rules.json").read_text(encoding="utf-8"))
    return RuleBook.from_compiled(compiled, load_catalog())


def load_user_pack(path: Path, catalog: Catalog | None = None) -> UserPack:
    """A user's pack file: loaded with line tracking, validated against the published schema."""
    doc = load_yaml(path)
    errors = validate_document(doc, "rulepack.schema.json")
    if errors:
        line, message = errors[0]
        raise InputError(f"invalid rule pack: {message}", str(path), line)
    return UserPack(parse_pack(doc, str(path), catalog or load_catalog()), parse_libraries(doc, str(path)))


def parse_libraries(doc: Any, origin: str) -> list[LibraryRule]:
    """The `libraries:` entries of one pack document (already schema-valid)."""
    return [LibraryRule(raw["package"], tuple(dict.fromkeys(" ".join(op.split()) for op in raw["operations"])),
                        tuple(raw["sources"]), doc["pack"], origin, str(raw.get("description") or "").strip())
            for raw in doc.get("libraries", [])]


@cache
def _schema_validator(schema_name: str):
    import jsonschema  # imported here: only user packs and config files pay for it

    schema = json.loads((SCHEMAS / schema_name).read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def validate_document(doc: Any, schema_name: str) -> list[tuple[int | None, str]]:
    """Schema errors as (line, message), best line first: the deepest node that carries a line."""
    validator = _schema_validator(schema_name)
    out = []
    for err in sorted(validator.iter_errors(_plain(doc)), key=lambda e: list(map(str, e.absolute_path))):
        out.append((_line_at(doc, list(err.absolute_path)), _describe(err)))
    return out


def _describe(err: Any) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
    return f"{where}: {err.message}"


def _line_at(doc: Any, path: list) -> int | None:
    line = getattr(doc, "line", None)
    node = doc
    for part in path:
        if isinstance(node, LDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, LList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def _plain(value: Any) -> Any:
    """Tracking containers to plain JSON-like values (dates to ISO strings) for schema validation."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
