"""`scopelint explain`: what scopelint knows about an activity, a permission, a finding code or a Graph call."""

from typing import TYPE_CHECKING

from scopelint.commands import Console
from scopelint.findings import outcome_code
from scopelint.safetext import for_terminal

if TYPE_CHECKING:
    from scopelint.catalog import PermissionType


def explain(thing: str, auth: "PermissionType | None", console: Console) -> int:
    """Print the explanation of `thing` (for one auth mode, or both)."""
    from scopelint.explain import explain_text

    console.show(for_terminal(explain_text(thing, auth)))
    return outcome_code("clean")
