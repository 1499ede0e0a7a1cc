"""`scopelint rules list` and `scopelint rules verify`: the activity rule packs in use, and the proof of the rules
and the lattice against the catalog and operation index."""

import json
from pathlib import Path

from scopelint.commands import Console
from scopelint.findings import outcome_code


def rules_list(fmt: str, rule_paths: tuple[str, ...], console: Console) -> int:
    """Every known activity with its requirements and provenance, and every library a rule pack describes with the
    Graph calls it makes (`fmt`: text, or json: {"activities": [...], "libraries": [...]})."""
    from scopelint.explain import library_dict, rule_dict
    from scopelint.session import Session

    session = Session(rule_paths=[Path(p) for p in rule_paths])
    console.note(session.announcements)
    rows = [rule_dict(r) for r in session.rules]
    libraries = [library_dict(lib) for _, lib in sorted(session.rules.libraries.items())]
    if fmt == "json":
        console.write(json.dumps({"activities": rows, "libraries": libraries}, indent=2, sort_keys=True) + "\n")
        return outcome_code("clean")
    for r in rows:
        delegated = " | ".join(" + ".join(s) or "(none)" for s in r["delegated"])
        console.say(f"{r['class']:<72} {r['display_name']:<32} {r['generation']:<11} {delegated}")
    if libraries:
        console.say("")
        console.say("libraries (a project that depends on one makes its Graph calls, kind library):")
    for lib in libraries:
        about = f": {lib['description']}" if lib["description"] else ""
        console.say(f"{lib['package']:<72} pack {lib['pack']}{about}")
        for operation in lib["operations"]:
            console.say(f"  {operation}")
        for source in lib["sources"]:
            console.say(f"  source: {source}")
    return outcome_code("clean")


def rules_verify(console: Console) -> int:
    """Print the proofs; 1 on any disagreement."""
    from scopelint.proofs import verify_bundled

    text, disagrees = verify_bundled()
    console.write(text)
    return outcome_code("disagreement" if disagrees else "clean")
