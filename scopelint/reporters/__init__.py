"""Reporters, in a registry keyed by format name. A reporter turns a RunResult (scopelint.results) into text; it
never computes."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `scan` imports report.scan and must not pay for loading the engine
    from scopelint.results import RunResult

_MODULES = {
    "text": "scopelint.reporters.text",
    "concise": "scopelint.reporters.concise",
    "json": "scopelint.reporters.json_format",
    "sarif": "scopelint.reporters.sarif",
    "junit": "scopelint.reporters.junit",
    "github": "scopelint.reporters.github",
    "markdown": "scopelint.reporters.markdown",
    "html": "scopelint.reporters.html",
    "csv": "scopelint.reporters.csv_format",
}
# Formats that lay out the review (RunResult.review); markdown shows it when present, a summary otherwise.
REVIEW_FORMATS = frozenset({"html", "csv"})


def formats() -> list[str]:
    return sorted(_MODULES)


# Formats people read in terminals and CI logs (True: made of GitHub workflow commands). Their renderers get values
# made safe by scopelint.safetext; the machine formats keep exact values.
_HUMAN = {"text": False, "concise": False, "markdown": False, "github": True}


def reporter(name: str) -> Callable[[RunResult], str]:
    """The render function of a format; modules load only when used."""
    render = import_module(_MODULES[name]).render
    if name not in _HUMAN:
        return render
    from scopelint.safetext import human

    return human(render, commands=_HUMAN[name], colored=lambda report: report.color)
