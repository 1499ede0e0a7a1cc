"""The package's import graph has no cycle: data flows one way (inputs -> knowledge -> engine -> findings ->
reporters), so no module may import, at import time or lazily inside a function, a module that imports it back.

Edges are read from the source (ast), so the test sees every import, including the lazy ones a run may never reach.
Left out: imports under `if TYPE_CHECKING:` (never executed) and a package loading its own submodules from a
function (a registry loading its plug-ins, e.g. `scopelint.report` picking a reporter by name).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scopelint"

# Cycles that exist today, each with what removes it (none since issue #13). The test fails when a new cycle appears
# AND when one of these is gone (then delete its line here), so the list can only shrink.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _modules(package: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported name lives in (`scopelint.checks.lookup` -> `scopelint.checks`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports (at import time or inside functions)."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        here = module.split(".") if is_package else module.split(".")[:-1]

        def visit(node: ast.AST, in_function: bool, module: str = module, is_package: bool = is_package,
                  here: list[str] = here) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    for stmt in child.orelse:
                        visit(ast.Module(body=[stmt], type_ignores=[]), in_function)
                    continue
                names: list[str] = []
                if isinstance(child, ast.Import):
                    names = [alias.name for alias in child.names]
                elif isinstance(child, ast.ImportFrom):
                    parent = here[: len(here) - child.level + 1] if child.level else []
                    base = ".".join([*parent, child.module or ""]).strip(".")
                    names = [base, *(f"{base}.{alias.name}" for alias in child.names)]
                for name in names:
                    target = _owner(name, modules) if name.split(".")[0] == package.name else None
                    plugin = in_function and is_package and target is not None and target.startswith(module + ".")
                    if target and target != module and not plugin:
                        graph[module].add(target)
                visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def test_the_graph_reads_lazy_relative_and_plugin_imports(tmp_path):
    """The reader itself, on a package made here: a lazy import is an edge, a TYPE_CHECKING one is not, nor a
    package loading its own plug-in lazily; a relative import resolves."""
    pkg = tmp_path / "demo"
    (pkg / "plugins").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo import c\n"
                              "def f():\n    from demo.b import g\n")
    (pkg / "b.py").write_text("from . import c\n")
    (pkg / "c.py").write_text("import os\n")
    (pkg / "plugins" / "__init__.py").write_text("def load():\n    from demo.plugins import one\n")
    (pkg / "plugins" / "one.py").write_text("from demo.plugins import load\nfrom ..a import f\n")
    graph = import_graph(pkg)
    assert graph == {"demo": set(), "demo.a": {"demo.b"}, "demo.b": {"demo", "demo.c"}, "demo.c": set(),
                     "demo.plugins": set(), "demo.plugins.one": {"demo.plugins", "demo.a"}}
    (pkg / "c.py").write_text("def h():\n    import demo.a\n")
    assert cycles(import_graph(pkg)) == [frozenset({"demo.a", "demo.b", "demo.c"})]


def test_the_cycle_finder():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_import_graph_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 40 and "scopelint.cli" in graph["scopelint.program"]  # the real package, lazy edge seen
    found = {c: sorted(c) for c in cycles(graph)}
    new = [names for c, names in found.items() if c not in KNOWN_CYCLES]
    assert not new, f"import cycle(s): {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"cycle(s) removed, delete them from KNOWN_CYCLES: {gone}"


def test_the_snapshot_reader_does_not_import_the_registration_reader():
    """Issue #13's cycle: the records both readers build live in registration_model; registration.py hands a
    snapshot document to snapshot.py, which never imports registration.py back."""
    graph = import_graph()
    assert "scopelint.snapshot" in graph["scopelint.registration"]
    assert "scopelint.registration" not in graph["scopelint.snapshot"]
    assert "scopelint.registration_model" in graph["scopelint.snapshot"] & graph["scopelint.registration"]


def test_the_check_registry_imports_nothing_of_the_engine():
    """Issue #13's last cycle: the registry table (read by findings, the manifest reader, the reporters) imports no
    module of the package; the runner that needs the engine's records is scopelint.evaluation. The drift facts own
    their ScopeRequest record, so drift never imports the analysis that calls it."""
    graph = import_graph()
    assert graph["scopelint.checks"] == set()
    assert {"scopelint.checks", "scopelint.results", "scopelint.analysis"} <= graph["scopelint.evaluation"]
    assert "scopelint.analysis" not in graph["scopelint.drift"]
    assert "scopelint.drift" in graph["scopelint.analysis"]


def test_only_the_cli_imports_click():
    """The command line is the only layer that knows click: commands, engine and reporters are plain functions, so
    they run (and are tested) without it."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "click" for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert sorted(set(offenders)) == ["scopelint/cli.py"]
