"""The package's layers (DESIGN.md, "Layout"): model ← stages ← bench/service/score ← commands ← cli.

Every import of every module under ``scripts/portal`` (module level and inside
functions alike, read from the ``ast``) must point to the same layer or a lower one,
and the import graph must have no cycle. The rules are checked on a synthetic graph
first, so that a planted upward import or a circle is shown to fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "scripts" / "portal"

#: the rank of each sub-package; a module may import only modules of its rank or lower
RANKS = {"model": 0, "stages": 1, "bench": 2, "service": 2, "score": 2, "commands": 3}
TOP_RANK = 4  # portal.cli, portal.hooks, portal/__init__: the entry points
#: siblings of one rank that may not import each other (the pipeline's peers stay apart)
APART = {"bench", "service", "score"}


def layer_of(module: str) -> tuple[str, int]:
    """``portal.stages.render.site`` → ('stages', 1); entry points → ('cli', TOP_RANK)."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in RANKS:
        return parts[1], RANKS[parts[1]]
    return "cli", TOP_RANK


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package: dotted name → file."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that *module* imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def add(name: str) -> None:
        while name and name not in known:  # portal.model.sites.load_network → portal.model.sites
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "portal":
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "portal":
                continue
            for alias in node.names:  # `from portal.stages.search import network` names a module
                full = f"{target}.{alias.name}"
                add(full if full in known else target)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    names = module_names(root)
    known = set(names)
    return {m: imports_of(m, p, known) for m, p in names.items()}


def upward_imports(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Each import from a lower layer to a higher one, or between sibling layers kept apart."""
    bad = []
    for src, targets in graph.items():
        src_layer, src_rank = layer_of(src)
        for dst in targets:
            dst_layer, dst_rank = layer_of(dst)
            if dst_rank > src_rank:
                bad.append(f"{src} ({src_layer}) imports {dst} ({dst_layer}), a higher layer")
            elif dst_rank == src_rank and src_layer != dst_layer and {src_layer, dst_layer} <= APART:
                bad.append(f"{src} ({src_layer}) imports {dst} ({dst_layer}), a sibling layer kept apart")
    return sorted(bad)


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# --- the rules, on synthetic graphs -------------------------------------------------------

def test_a_planted_upward_import_fails():
    graph = {
        "portal.model.sites": set(),
        "portal.stages.build": {"portal.model.sites"},
        "portal.commands.build": {"portal.stages.build"},
        "portal.cli": {"portal.commands.build"},
    }
    assert upward_imports(graph) == []
    graph["portal.model.sites"] = {"portal.stages.build"}  # the model reaching up into the pipeline
    graph["portal.stages.build"] = {"portal.model.sites", "portal.bench.harness"}  # the pipeline using a benchmark
    graph["portal.bench.harness"] = {"portal.service.app"}
    graph["portal.service.app"] = set()
    assert upward_imports(graph) == [
        "portal.bench.harness (bench) imports portal.service.app (service), a sibling layer kept apart",
        "portal.model.sites (model) imports portal.stages.build (stages), a higher layer",
        "portal.stages.build (stages) imports portal.bench.harness (bench), a higher layer",
    ]


def test_a_planted_cycle_fails():
    graph = {"portal.stages.build": {"portal.stages.render.site"},
             "portal.stages.render.site": {"portal.stages.search.network"},
             "portal.stages.search.network": set(),
             "portal.model.text": set()}
    assert cycles(graph) == []
    graph["portal.stages.search.network"] = {"portal.stages.build"}  # the old build → render → search → build circle
    assert cycles(graph) == [["portal.stages.build", "portal.stages.render.site", "portal.stages.search.network"]]


def test_imports_are_read_from_the_ast_at_any_depth(tmp_path):
    pkg = tmp_path / "portal"
    (pkg / "model").mkdir(parents=True)
    (pkg / "stages").mkdir()
    for f in ("__init__.py", "model/__init__.py", "stages/__init__.py", "stages/build.py"):
        (pkg / f).write_text("")
    (pkg / "model" / "sites.py").write_text(
        "from . import text\n"
        "def later():\n"
        "    from ..stages import build  # a lazy import counts as much as any other\n"
        "    from portal.stages.build import nothing\n")
    (pkg / "model" / "text.py").write_text("import portal.model.sites\n")
    graph = import_graph(pkg)
    assert graph["portal.model.sites"] == {"portal.model.text", "portal.stages.build"}
    assert upward_imports(graph) == ["portal.model.sites (model) imports portal.stages.build (stages), a higher layer"]
    assert cycles(graph) == [["portal.model.sites", "portal.model.text"]]


# --- the package itself --------------------------------------------------------------------

@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_every_module_is_in_a_layer(graph):
    top = {m for m in graph if layer_of(m)[0] == "cli"}
    assert top == {"portal", "portal.cli", "portal.hooks"}, "a module outside the layers: put it in model/, stages/, …"
    for package in ("model", "stages", "commands", "bench"):
        doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
        assert doc and "Imports" in doc, f"portal/{package}/__init__.py must say what lives there and what it may import"


def test_no_import_goes_up_a_layer(graph):
    assert upward_imports(graph) == []


def test_no_import_cycle(graph):
    assert cycles(graph) == []


def test_the_pipeline_never_imports_the_benchmarks(graph):
    for module, targets in graph.items():
        if layer_of(module)[0] in ("model", "stages"):
            assert not [t for t in targets if layer_of(t)[0] == "bench"], module


def test_every_module_imports(graph):
    """A module that moved leaves no import behind that points to its old place."""
    import importlib

    for module in sorted(graph):
        importlib.import_module(module)
