"""The hand validation of configuration files and schemas/config.schema.json accept and reject the same
documents (the published schema is the contract; start-up never imports jsonschema for it)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scopelint.config import load_config
from scopelint.errors import InputError
from scopelint.paths import SCHEMAS
from scopelint.rules import _plain
from scopelint.yamlio import load_yaml

CORPUS = sorted((Path(__file__).parent / "badinput" / "config").glob("*.yaml"))
GOOD = {
    "full.yaml": "scopelint: 1\nseverity:\n  excess: error\n  SL305: off\n  broader: false\nfail_level: warning\n"
                 "limits: {max_bytes: 1048576, max_nodes: 1000, max_depth: 10, max_xml_depth: 50}\n",
    "empty-maps.yaml": "severity: {}\nlimits: {}\n",
    "schema-key.yaml": "$schema: ./config.schema.json\nfail_level: info\n",
}
VALIDATOR = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "config.schema.json").read_text()))


def _verdicts(path: Path) -> tuple[bool, bool] | None:
    """(schema accepts, loader accepts) for a file that parses as a YAML mapping; None otherwise."""
    try:
        doc = load_yaml(path)
    except InputError:
        return None
    if not isinstance(doc, dict):
        return None
    try:
        load_config(path)
        loader_ok = True
    except InputError as exc:
        if not exc.message.startswith(("invalid configuration", "unknown key")):
            return None  # a problem the schema cannot see (missing file, unknown finding code)
        loader_ok = False
    return VALIDATOR.is_valid(_plain(doc)), loader_ok


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_configs_get_the_same_verdict(path):
    verdicts = _verdicts(path)
    if verdicts is not None:
        schema_ok, loader_ok = verdicts
        assert schema_ok == loader_ok


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_configs_pass_both(tmp_path, name):
    path = tmp_path / name
    path.write_text(GOOD[name])
    assert _verdicts(path) == (True, True)


def test_loading_a_configuration_does_not_import_jsonschema(tmp_path):
    import subprocess
    import sys

    path = tmp_path / ".scopelint.yaml"
    path.write_text(GOOD["full.yaml"])
    probe = (f"import sys; from scopelint.config import load_config; load_config({str(path)!r}); "
             "print('jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_comparison_is_not_vacuous():
    """Most corpus files reach validation, so the agreement above is a real check."""
    compared = [v for v in map(_verdicts, CORPUS) if v is not None]
    assert len(compared) >= 40
