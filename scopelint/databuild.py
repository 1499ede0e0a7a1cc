"""Build the bundled knowledge files from Microsoft's published data.

Two inputs: a Microsoft Graph service-principal export (oauth2PermissionScopes + appRoles, or the
delegated/application lists of shared/graph/graph_permissions.json) and Microsoft's permission <-> API-path
document (microsoft-graph-devx-content permissions/new/permissions.json, kibali format). Outputs are the
compact catalog.json and operations.json that catalog.py and operations.py load.
"""

from __future__ import annotations

from typing import Any

from scopelint.catalog_check import check_export_entry
from scopelint.errors import InputError
from scopelint.operations import normalize_path

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_SCHEMES = {"delegated": "DelegatedWork", "application": "Application"}


def catalog_from_export(export: Any, paths_doc: Any | None, name: str) -> dict[str, Any]:
    """Catalog document from a service-principal export, with privilege levels from the path document."""
    if not isinstance(export, dict):
        raise InputError("expected a JSON object (a Graph service principal or a catalog export)", name)
    if isinstance(export.get("value"), list) and export["value"]:
        export = export["value"][0]
    if "oauth2PermissionScopes" in export or "appRoles" in export:
        delegated = [
            {
                "id": s.get("id"),
                "value": s.get("value"),
                "adminConsentRequired": s.get("type") == "Admin",
                "adminConsentDisplayName": s.get("adminConsentDisplayName", ""),
                "isEnabled": s.get("isEnabled", True),
            }
            for s in export.get("oauth2PermissionScopes") or []
        ]
        application = [
            {
                "id": r.get("id"),
                "value": r.get("value"),
                "adminConsentRequired": True,
                "displayName": r.get("displayName", ""),
                "isEnabled": r.get("isEnabled", True),
            }
            for r in export.get("appRoles") or []
        ]
        source = f"Graph service principal {export.get('appId', GRAPH_APP_ID)}"
    elif "delegated" in export and "application" in export:
        delegated, application = export["delegated"], export["application"]
        source = export.get("source", "catalog export")
    else:
        raise InputError("no oauth2PermissionScopes/appRoles or delegated/application lists found", name)
    levels = _privilege_levels(paths_doc) if paths_doc else {}
    out: dict[str, Any] = {
        "source": source,
        "source_note": export.get("sourceNote"),
        "retrieved": export.get("retrieved"),
        "privilege_source": (paths_doc or {}).get("source"),
        "resourceAppId": GRAPH_APP_ID,
    }
    for ptype, entries in (("delegated", delegated), ("application", application)):
        rows = []
        if not isinstance(entries, list):
            raise InputError(f"'{ptype}' must be a list of permissions", name)
        for i, e in enumerate(entries):
            check_export_entry(e, ptype, i, name)
            rows.append(
                {
                    "id": str(e["id"]).lower(),
                    "value": e["value"],
                    "admin": bool(e.get("adminConsentRequired", ptype == "application")),
                    "privilege": levels.get((ptype, e["value"].lower())),
                    "title": e.get("adminConsentDisplayName") or e.get("displayName") or "",
                    "enabled": bool(e.get("isEnabled", True)),
                }
            )
        out[ptype] = sorted(rows, key=lambda r: r["value"].lower())
    if not out["delegated"] and not out["application"]:
        raise InputError("the export holds no permissions", name)
    return out


def _privilege_levels(paths_doc: dict[str, Any]) -> dict[tuple[str, str], int]:
    levels: dict[tuple[str, str], int] = {}
    for perm, body in (paths_doc.get("permissions") or {}).items():
        for ptype, scheme in _SCHEMES.items():
            level = (body.get("schemes") or {}).get(scheme, {}).get("privilegeLevel")
            if isinstance(level, int):
                levels[(ptype, perm.lower())] = level
    return levels


def operations_from_paths(paths_doc: Any, name: str, catalog_doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """Operation index: per permission type, 'METHOD /path' -> [least-privileged names, accepted names].

    With the catalog, each name takes its catalog spelling for that type: the path data names some application
    roles without the `.All` the service principal gives them (`Calendars.ReadBasic` is the role
    `Calendars.ReadBasic.All`). Names with no catalog permission of that type (resource-specific consent such
    as `ChannelMessage.Read.Group`, retired names) are left out of the entries and listed under `unresolved`.
    """
    if not isinstance(paths_doc, dict) or not isinstance(paths_doc.get("permissions"), dict):
        raise InputError("expected Microsoft's permissions document (a 'permissions' object)", name)
    index: dict[str, dict[str, list[set[str]]]] = {"delegated": {}, "application": {}}
    names = {ptype: _catalog_names(catalog_doc, ptype) for ptype in _SCHEMES} if catalog_doc else None
    renamed: dict[str, dict[str, str]] = {"delegated": {}, "application": {}}
    unresolved: dict[str, set[str]] = {"delegated": set(), "application": set()}
    for perm, body in paths_doc["permissions"].items():
        for path_set in body.get("pathSets") or []:
            for ptype, scheme in _SCHEMES.items():
                if scheme not in path_set.get("schemeKeys", []):
                    continue
                spelled = _catalog_name(names[ptype], perm) if names else perm
                if spelled is None:
                    unresolved[ptype].add(perm)
                    continue
                if spelled != perm:
                    renamed[ptype][perm] = spelled
                for method in path_set.get("methods", []):
                    for path, meta in (path_set.get("paths") or {}).items():
                        key = f"{method.upper()} {normalize_path(path)}"
                        least, accepted = index[ptype].setdefault(key, [set(), set()])
                        accepted.add(spelled)
                        for part in str(meta).split(";"):
                            if part.startswith("least=") and scheme in part[6:].split(","):
                                least.add(spelled)
    out: dict[str, Any] = {
        "source": paths_doc.get("source"),
        "retrieved": paths_doc.get("retrieved"),
        **{
            ptype: {k: [sorted(v[0]), sorted(v[1])] for k, v in sorted(entries.items())}
            for ptype, entries in index.items()
        },
    }
    if names:
        out["renamed"] = {t: dict(sorted(r.items())) for t, r in renamed.items()}
        out["unresolved"] = {t: sorted(u) for t, u in unresolved.items()}
    return out


def _catalog_names(catalog_doc: dict[str, Any], ptype: str) -> dict[str, str]:
    return {str(row["value"]).lower(): str(row["value"]) for row in catalog_doc.get(ptype) or [] if row.get("value")}


def _catalog_name(names: dict[str, str], perm: str) -> str | None:
    """The catalog's spelling of a path-data name for one type: the same name, else the name with `.All`."""
    return names.get(perm.lower()) or names.get(perm.lower() + ".all")


def build_lattice(report: bool = True) -> dict[str, Any]:
    """data/lattice.json from data/lattice.yaml, the bundled catalog, operation index and rules; with `report`,
    every rejected claim and refuted naming-scheme pair is printed with the reason."""
    import json

    import yaml

    from scopelint.catalog import Catalog
    from scopelint.lattice import Lattice
    from scopelint.operations import OperationIndex
    from scopelint.paths import DATA
    from scopelint.proofs import compile_lattice, rejected_naming_edges
    from scopelint.rules import RuleBook, compile_builtin_packs

    catalog = Catalog(json.loads((DATA / "catalog.json").read_text(encoding="utf-8")), origin="bundled")
    index = OperationIndex(json.loads((DATA / "operations.json").read_text(encoding="utf-8")))
    claims = yaml.safe_load((DATA / "lattice.yaml").read_text(encoding="utf-8"))
    rules = RuleBook.from_compiled(compile_builtin_packs(), catalog)
    compiled = compile_lattice(claims, catalog, index, rules)
    if report:
        for edge in compiled["rejected"]:
            print(f"rejected {edge['kind']} edge {edge['covers']} > {edge['implies']} ({edge['type']}): {edge['why']}")
        for edge in rejected_naming_edges(Lattice(catalog, compiled)):
            print(f"rejected naming-scheme edge {edge['covers']} > {edge['implies']} ({edge['type']}): {edge['why']}")
        print(f"{len(compiled['edges'])} curated edges proven, {len(compiled['rejected'])} rejected")
    return compiled


def activity_names(compiled: dict[str, Any]) -> list[str]:
    """Every built-in activity's short class name and display name, for editor completion in the manifest schema."""
    names = set()
    for pack in compiled["packs"]:
        for rule in pack.get("rules", []):
            names.add(rule["class"].rsplit(".", 1)[-1])
            names.add(rule["display_name"])
    return sorted(names, key=lambda n: (n.lower(), n))


def manifest_schema(schema: dict[str, Any], compiled: dict[str, Any]) -> dict[str, Any]:
    """The manifest schema with the known activity names filled in (the first `anyOf` branch of activityName)."""
    schema["$defs"]["activityName"]["anyOf"][0]["enum"] = activity_names(compiled)
    return schema


def main() -> None:
    """Maintainers: regenerate data/rules.json, data/lattice.json and the manifest schema's activity names after
    editing the YAML rule packs or data/lattice.yaml (`python -m scopelint.databuild`); in a source checkout the
    published copies in schemas/ follow. Prints every edge claim the lattice build rejected and why."""
    import json
    import shutil

    from scopelint.paths import DATA, PACKAGE, SCHEMAS
    from scopelint.rules import compile_builtin_packs

    compiled = compile_builtin_packs()
    written = [_write(DATA / "rules.json", json.dumps(compiled, indent=1, sort_keys=True, ensure_ascii=False))]
    written.append(_write(DATA / "lattice.json",
                          json.dumps(build_lattice(), indent=1, sort_keys=True, ensure_ascii=False)))
    schema_path = SCHEMAS / "manifest.schema.json"
    schema = manifest_schema(json.loads(schema_path.read_text(encoding="utf-8")), compiled)
    written.append(_write(schema_path, json.dumps(schema, indent=2, ensure_ascii=False)))
    published = PACKAGE.parent / "schemas"  # the repository's schemas/ folder: the URLs editors and $id point at
    if (PACKAGE.parent / "pyproject.toml").is_file() and published.is_dir():
        for source in sorted(SCHEMAS.glob("*.json")):
            shutil.copyfile(source, published / source.name)
            written.append(published / source.name)
    for path in written:
        print(f"wrote {path}")


def _write(target: Any, text: str) -> Any:
    with open(str(target), "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    return target


if __name__ == "__main__":
    main()
