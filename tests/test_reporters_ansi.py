"""The terminal reporters colour without click: the same escape sequences click.style writes for every style they
use, so coloured output stays byte for byte what it was."""

import click
import pytest

from scopelint.reporters.ansi import style


@pytest.mark.parametrize("kwargs", [
    {"fg": "red"}, {"fg": "yellow"}, {"fg": "blue"}, {"fg": "green"}, {"fg": "cyan"}, {"dim": True},
    {"fg": "red", "bold": True}, {"fg": "green", "bold": True}, {"fg": "yellow", "bold": True}, {"bold": True},
])
def test_style_writes_what_click_style_writes(kwargs):
    assert style("error  ", **kwargs) == click.style("error  ", **kwargs)
