"""Safe YAML loading: line numbers, duplicate keys, limits, encodings."""

from __future__ import annotations

import contextlib

import pytest

from scopelint.errors import InputError
from scopelint.yamlio import Limits, load_yaml, parse_yaml, read_text


def test_lines_of_keys_and_items_are_remembered():
    doc = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n", "f.yaml")
    assert doc.line_of("a") == 1 and doc.line_of("b") == 2
    assert doc["b"].item_lines == [3, 4]


def test_duplicate_keys_are_rejected_with_both_lines():
    with pytest.raises(InputError) as err:
        parse_yaml("name: a\nactivities: []\nname: b\n", "m.yaml")
    assert str(err.value) == "m.yaml:3: duplicate key 'name' (first at line 1)"


def test_alias_bomb_is_stopped_by_the_node_budget():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        parse_yaml("\n".join(lines), "bomb.yaml")


def test_deep_nesting_is_refused():
    with pytest.raises(InputError, match="nesting deeper"):
        parse_yaml("a: " + "[" * 100 + "]" * 100, "deep.yaml", Limits(max_depth=50))


def test_syntax_error_names_the_line():
    with pytest.raises(InputError) as err:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml")
    assert err.value.line in (2, 3) and "YAML syntax error" in err.value.message


def test_merge_keys_are_not_supported():
    with pytest.raises(InputError, match="merge keys"):
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "m.yaml")


def test_empty_document_is_none():
    assert parse_yaml("", "e.yaml") is None
    assert parse_yaml("# only a comment\n", "e.yaml") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name: a\x00b\n", "binary content"),
        (b"name: caf\xe9\n", "not UTF-8"),
    ],
)
def test_bad_bytes_are_one_clear_error(tmp_path, data, message):
    f = tmp_path / "m.yaml"
    f.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        read_text(f)
    assert err.value.file == str(f) and err.value.line == 1


def test_utf8_bom_and_utf16_with_bom_are_read(tmp_path):
    f = tmp_path / "bom.yaml"
    f.write_bytes("\ufeffa: 1\n".encode())
    assert load_yaml(f) == {"a": 1}
    g = tmp_path / "u16.yaml"
    g.write_bytes("a: 2\n".encode("utf-16"))
    assert load_yaml(g) == {"a": 2}


def test_size_limit_and_directories_and_missing_files(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(InputError, match="larger than the 1,000-byte limit"):
        read_text(big, Limits(max_bytes=1000))
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.yaml")


def test_a_parsed_document_leaves_nothing_behind_in_the_shared_constructor(tmp_path):
    """PyYAML's constructor remembers every node it built; a long run over many manifests must not keep them."""
    from scopelint import yamlio

    for text in ("a: 1\nb: [x, 2.5, true]\n", "k: [1, 2"):
        path = tmp_path / "doc.yaml"
        path.write_text(text)
        with contextlib.suppress(InputError):
            load_yaml(path)
        assert yamlio._SCALARS.constructed_objects == {} and yamlio._SCALARS.recursive_objects == {}
