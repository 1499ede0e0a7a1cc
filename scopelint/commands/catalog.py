"""`scopelint catalog info` and `scopelint catalog refresh`: where the Graph permission catalog comes from, and
refreshing it (with the operation index) from Microsoft's data, an export or the tenant."""

import json
from pathlib import Path
from typing import NamedTuple

from scopelint.commands import Console, LiveArgs
from scopelint.findings import outcome_code


class RefreshOptions(NamedTuple):
    """What `catalog refresh` was asked: `source` (an export) or `live` (cli.py checks it is one of them)."""

    source: str | None = None
    live: bool = False
    paths: str | None = None
    output: str | None = None
    live_args: LiveArgs = LiveArgs()


def catalog_info(console: Console) -> int:
    """Where the catalog comes from and how many permissions it holds."""
    from scopelint.catalog import load_catalog

    cat = load_catalog()
    if cat.fallback:
        console.note([cat.fallback])
    console.say(f"origin:    {cat.origin}")
    console.say(f"source:    {cat.source}")
    console.say(f"retrieved: {cat.retrieved}")
    if cat.source_note:
        console.say(f"note:      {cat.source_note}")
    if cat.privilege_source:
        console.say(f"privilege levels: {cat.privilege_source}")
    console.write(f"delegated: {len(cat.names('delegated'))}\napplication: {len(cat.names('application'))}\n")
    return outcome_code("clean")


def catalog_refresh(opts: RefreshOptions, console: Console) -> int:
    """Write catalog.json (and, with `paths`, operations.json) to `output` or the user cache, checked first."""
    from scopelint.catalog import user_cache_dir
    from scopelint.catalog_check import check_catalog
    from scopelint.databuild import catalog_from_export, operations_from_paths
    from scopelint.fileio import write_atomic
    from scopelint.yamlio import Limits, load_json

    big = Limits(max_bytes=64 * 1024 * 1024)
    paths_doc = load_json(opts.paths, big) if opts.paths else None
    if opts.live:
        from scopelint.graph import catalog_from_tenant

        settings = opts.live_args.settings()
        console.note([f"reading the permission catalog live from the tenant's Microsoft Graph service principal "
                      f"({settings.base_url})"])
        doc = catalog_from_tenant(settings, paths_doc, opts.paths)
        origin = settings.base_url
    else:
        assert opts.source is not None  # cli.py: --from or --live
        doc = catalog_from_export(load_json(opts.source, big), paths_doc, opts.source)
        origin = opts.source
    check_catalog(doc, origin)
    folder = Path(opts.output) if opts.output else user_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "catalog.json", json.dumps(doc, indent=0, sort_keys=True) + "\n")
    written = [str(folder / "catalog.json")]
    if opts.paths and paths_doc is not None:
        ops = operations_from_paths(paths_doc, opts.paths, doc)
        write_atomic(folder / "operations.json", json.dumps(ops, separators=(",", ":"), sort_keys=True) + "\n")
        written.append(str(folder / "operations.json"))
    console.say(f"wrote {', '.join(written)}: {len(doc['delegated'])} delegated, "
                f"{len(doc['application'])} application permissions")
    return outcome_code("clean")
