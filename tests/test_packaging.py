"""Packaging: the licence, metadata and schemas a user installs, and the published schema copies under schemas/."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest

from scopelint.databuild import activity_names
from scopelint.rules import compile_builtin_packs, load_builtin_rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "scopelint" / "schemas"
PUBLISHED = ROOT / "schemas"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY = PYPROJECT["project"]["urls"]["Repository"]


def test_published_schemas_are_real_files_equal_to_the_packaged_ones():
    assert not PUBLISHED.is_symlink() and PUBLISHED.is_dir()
    packaged = sorted(p.name for p in PACKAGED.glob("*.json"))
    assert packaged == sorted(p.name for p in PUBLISHED.glob("*.json")) and len(packaged) == 4
    for name in packaged:
        assert (PUBLISHED / name).read_bytes() == (PACKAGED / name).read_bytes(), \
            f"schemas/{name} differs from scopelint/schemas/{name}: run python -m scopelint.databuild"


@pytest.mark.parametrize("name", ["config.schema.json", "manifest.schema.json", "rulepack.schema.json",
                                  "snapshot.schema.json"])
def test_each_schema_has_the_id_of_its_published_copy(name):
    schema = json.loads((PACKAGED / name).read_text(encoding="utf-8"))
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    assert schema["$id"] == f"https://raw.githubusercontent.com/{owner_repo}/main/schemas/{name}"
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_manifest_schema_offers_every_known_activity_name():
    """The completion list is generated from the rule packs (python -m scopelint.databuild) and equals the rule
    book: each rule's short class name and display name."""
    schema = json.loads((PACKAGED / "manifest.schema.json").read_text(encoding="utf-8"))
    listed = schema["$defs"]["activityName"]["anyOf"][0]["enum"]
    book = {name for rule in load_builtin_rules() for name in (rule.short_name, rule.display_name)}
    assert set(listed) == book and len(listed) == len(book)
    assert listed == activity_names(compile_builtin_packs())
    assert {"SendMail", "Send Mail", "GetMail", "SendMailConnections"} <= set(listed)


def test_the_manifest_schema_still_accepts_any_spelling_the_loader_accepts():
    validator = jsonschema.Draft202012Validator(json.loads((PACKAGED / "manifest.schema.json").read_text("utf-8")))
    ok = {"scopelint": 1, "name": "x", "activities": ["sendmail", {"activity": "UiPath.Custom.MyActivity"}]}
    assert not list(validator.iter_errors(ok))
    assert list(validator.iter_errors({**ok, "activities": [""]}))


def test_project_metadata():
    from scopelint import HOMEPAGE, __version__

    project = PYPROJECT["project"]
    assert HOMEPAGE == REPOSITORY == project["urls"]["Homepage"]  # SARIF's informationUri is the project's URL
    assert __version__ == project["version"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["requires-python"] == ">=3.11"
    classifiers = project["classifiers"]
    assert "Programming Language :: Python :: 3.11" in classifiers and "Typing :: Typed" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # superseded by the SPDX expression
    assert set(project["urls"]) >= {"Homepage", "Repository", "Issues", "Changelog"}
    assert f"## [{project['version']}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_no_placeholders_in_user_documentation():
    for doc in [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert "<you>" not in doc.read_text(encoding="utf-8"), doc


def test_the_wheel_ships_schemas_data_types_and_licence(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("scopelint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"scopelint/schemas/{p.name}" for p in PACKAGED.glob("*.json")} <= names
    assert {"scopelint/py.typed", "scopelint/data/rules.json", "scopelint/data/catalog.json"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and f"Project-URL: Repository, {REPOSITORY}" in metadata
