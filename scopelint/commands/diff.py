"""`scopelint diff`: the permission impact of a manifest change (newly required, newly admin consent, now
removable), between two manifests or each manifest and its version at a git revision."""

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scopelint.commands import Console, session_for
from scopelint.errors import InputError
from scopelint.findings import exit_code
from scopelint.safetext import human

if TYPE_CHECKING:
    from scopelint.manifest import Manifest



class DiffOptions(NamedTuple):
    """What `diff` was asked: BASE and HEAD in `manifests` without `rev` (cli.py checks there are two), else the
    manifests (default: every one below .) to compare with their version at `rev`."""

    manifests: tuple[str, ...] = ()
    rev: str | None = None
    format: str = "text"
    output: str | None = None
    rule_paths: tuple[str, ...] = ()
    config_file: str | None = None


def diff(opts: DiffOptions, console: Console) -> int:
    """Lay out the impact; exit 1 when a manifest names an activity or Graph call whose needs are unknown (the
    impact would be incomplete: not a pass)."""
    from scopelint.diff import diff_results, manifest_at_revision
    from scopelint.fileio import write_atomic
    from scopelint.manifest import load_manifest
    from scopelint.reporters import diff_formats
    from scopelint.session import find_manifests

    if opts.rev is None:
        heads = [Path(opts.manifests[1])]
        pairs: list[tuple[Manifest | None, Manifest]] = [(load_manifest(opts.manifests[0]),
                                                          load_manifest(opts.manifests[1]))]
    else:
        heads = find_manifests(opts.manifests or ["."])
        if not heads:
            raise InputError("no scopelint.yaml found", ", ".join(opts.manifests) or ".")
        pairs = [(manifest_at_revision(h, opts.rev), load_manifest(h)) for h in heads]
    session = session_for(heads, opts.rule_paths, opts.config_file, console)
    diffs = []
    for path, (base, head) in zip(heads, pairs, strict=True):  # both versions with the head's configuration
        config = session.config_for(path)
        diffs.append(diff_results(session.evaluate(base, config=config) if base else None,
                                  session.evaluate(head, config=config), session.catalog))
    layout = {"text": diff_formats.render_text, "json": diff_formats.render_json,
              "markdown": diff_formats.render_markdown}[opts.format]
    render = layout if opts.format == "json" else human(layout)
    if opts.output:
        write_atomic(opts.output, render(diffs))
    else:
        console.show(render(diffs))
    errors = [f for d in diffs for f in d.findings if f.severity == "error"]
    if opts.output or opts.format != "text":  # the text report shows them already
        for f in errors:
            console.error(f"scopelint: error: {f.file}:{f.line}: {f.message}" if f.line
                          else f"scopelint: error: {f.file}: {f.message}")
    return exit_code(errors, "error")
