"""The exit code is decided in one place (`findings.exit_code` / `findings.outcome_code`): the commands and cli.py
name an outcome, never a number. Their behaviour is held by the CLI tests (scan 2, scopes on a drifted manifest 1,
rules verify 1 on disagreement, bad input 2, external failures 3); this keeps new numbers from creeping back."""

import ast
from pathlib import Path

import scopelint

PACKAGE = Path(scopelint.__file__).parent
EXITING = [*sorted((PACKAGE / "commands").glob("*.py")), PACKAGE / "cli.py"]


def _int_literal(node: ast.AST | None) -> bool:
    """An int written as a number, directly or as a branch of `a if c else b`."""
    if isinstance(node, ast.IfExp):
        return _int_literal(node.body) or _int_literal(node.orelse)
    return isinstance(node, ast.Constant) and type(node.value) is int


def _exit_number(node: ast.AST) -> bool:
    """`return <number>`, `sys.exit(<number>)` or `code = <number>`."""
    if isinstance(node, ast.Return):
        return _int_literal(node.value)
    if isinstance(node, ast.Call):
        return ast.unparse(node.func) == "sys.exit" and bool(node.args) and _int_literal(node.args[0])
    if isinstance(node, ast.Assign):
        return any(ast.unparse(t) == "code" for t in node.targets) and _int_literal(node.value)
    return False


def _literal_exits(path: Path) -> list[str]:
    """Every exit number written in one module, as file:line."""
    found = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if _exit_number(n)]
    return [f"{path.name}:{n.lineno}" for n in sorted(found, key=lambda n: n.lineno)]


def test_no_command_and_not_cli_picks_an_exit_number_itself():
    literal = [where for path in EXITING for where in _literal_exits(path)]
    assert literal == []


def test_the_guard_catches_each_way_of_writing_a_number(tmp_path):
    """The guard can fail: each form it looks for is caught, the named outcome is not."""
    module = tmp_path / "cmd.py"
    module.write_text("import sys\n"
                      "def a():\n    return 1\n"
                      "def b(x):\n    return 2 if x else outcome_code('clean')\n"
                      "def c():\n    sys.exit(3)\n"
                      "def d():\n    code = 130\n"
                      "def e():\n    return outcome_code('drifted')\n", encoding="utf-8")
    assert _literal_exits(module) == ["cmd.py:3", "cmd.py:5", "cmd.py:7", "cmd.py:9"]
