"""The hot path stays light: `scopelint check` on a manifest without `operations:` never loads msgraph, azure,
jsonschema or the 3 MB operation index (speed is measured in bench/, not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLES

PROBE = """
import json, sys
from scopelint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
import scopelint.operations as ops
roots = ('msgraph', 'azure', 'kiota_abstractions', 'jsonschema', 'httpx')
heavy = sorted(m for m in sys.modules if m.split('.')[0] in roots)
print(json.dumps({'heavy': heavy, 'index_loaded': ops.load_operations.cache_info().currsize}), file=sys.stderr)
"""


def _probe(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_check_without_operations_loads_nothing_heavy():
    result = _probe("check", str(EXAMPLES / "invoice-bot" / "scopelint.yaml"))
    assert result == {"heavy": [], "index_loaded": 0}


def test_check_with_operations_loads_the_index_but_not_msgraph(tmp_path):
    manifest = tmp_path / "scopelint.yaml"
    manifest.write_text("scopelint: 1\nname: x\nactivities: []\noperations:\n  - GET /me/messages\n")
    result = _probe("check", str(manifest))
    assert result == {"heavy": [], "index_loaded": 1}


def test_modules_with_namedtuple_records_keep_their_annotations_evaluated():
    """typing.NamedTuple compiles every string annotation of its fields (~15 µs each, ~2 ms of each run over the
    records on the start-up path), so the modules that define such records do without `from __future__ import
    annotations` (docs/architecture.md)."""
    import ast
    from pathlib import Path

    offenders = []
    for path in sorted((Path(__file__).resolve().parent.parent / "scopelint").rglob("*.py")):
        tree = ast.parse(path.read_text())
        future = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
                     any(a.name == "annotations" for a in n.names) for n in tree.body)
        records = any(isinstance(n, ast.ClassDef) and any(getattr(b, "id", None) == "NamedTuple" for b in n.bases)
                      for n in tree.body)
        if future and records:
            offenders.append(path.name)
    assert offenders == []
