"""`scopelint rules list` and `scopelint rules verify`: the activity rule packs in use, and the proof of the rules
and the lattice against the catalog and operation index."""

import json
from pathlib import Path

from scopelint.commands import Console
from scopelint.findings import outcome_code


def rules_list(fmt: str, rule_paths: tuple[str, ...], console: Console) -> int:
    """Every known activity with its requirements and provenance (`fmt`: text or json)."""
    from scopelint.explain import rule_dict
    from scopelint.session import Session

    session = Session(rule_paths=[Path(p) for p in rule_paths])
    console.note(session.announcements)
    rows = [rule_dict(r) for r in session.rules]
    if fmt == "json":
        console.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
        return outcome_code("clean")
    for r in rows:
        delegated = " | ".join(" + ".join(s) or "(none)" for s in r["delegated"])
        console.say(f"{r['class']:<72} {r['display_name']:<32} {r['generation']:<11} {delegated}")
    return outcome_code("clean")


def rules_verify(console: Console) -> int:
    """Print the proofs; 1 on any disagreement."""
    from scopelint.proofs import verify_bundled

    text, disagrees = verify_bundled()
    console.write(text)
    return outcome_code("disagreement" if disagrees else "clean")
