"""The package's layout, as docs/architecture.md draws it and as issue 22 bounds it.

The tree in docs/architecture.md names every module of `mockserver/` (``__init__.py`` and
``__main__.py`` included) and nothing that is not there; every module path and every dotted name
of a module the page mentions leads to the code. The top level holds at most 12 modules, and no
module grows past 400 lines. No module imports another that imports it back, even from inside a
function; only the web edge imports aiohttp.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Final, Iterator, Mapping

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGE: Final = ROOT / "mockserver"
ARCHITECTURE: Final = ROOT / "docs" / "architecture.md"

MAX_TOP_LEVEL_MODULES: Final = 12
MAX_MODULE_LINES: Final = 400

# A path with a folder ("web/app.py", "mockserver/journal/cut.py") or a dotted name whose first
# part is a top-level module or package ("web.handlers.Api.handle").
PATH: Final = re.compile(r"(?<![\w./-])((?:mockserver/)?[a-z_]+(?:/[a-z_]+)*\.py)\b")


def modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}


def top_level_names() -> set[str]:
    return {path.stem for path in PACKAGE.glob("*.py")} | {
        path.name for path in PACKAGE.iterdir() if path.is_dir() and any(path.glob("*.py"))
    }


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def tree_modules(text: str) -> set[str]:
    """The modules the tree names: each line an indented folder (`name/`) or module (`name.py`),
    two spaces a level, under `mockserver/`; other lines continue a description."""
    found: set[str] = set()
    folders: list[str] = []
    inside = False
    for line in code_blocks(text)[0].splitlines():
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        token = stripped.split(" ", 1)[0]
        if depth == 0:
            inside = token == "mockserver/"
            folders = []
            continue
        if not inside or not (token.endswith("/") or token.endswith(".py")):
            continue
        del folders[depth - 1 :]
        if token.endswith("/"):
            folders.append(token)
        else:
            found.add("".join(folders) + token)
    return found


def test_the_tree_names_every_module_and_only_those() -> None:
    named = tree_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    assert sorted(modules() - named) == [], "modules missing from the tree in docs/architecture.md"
    assert sorted(named - modules()) == [], "the tree in docs/architecture.md names modules that are not there"


def test_the_tree_parser_sees_nesting() -> None:
    """Guards the test above against passing because the parser read nothing."""
    text = "```\nmockserver/\n  a.py     x\n  b/       y\n    c.py   z\n           more\n  d.py\ndocs/\n  e.py\n```\n"
    assert tree_modules(text) == {"a.py", "b/c.py", "d.py"}


def test_every_module_path_the_page_names_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths = set(PATH.findall(text))
    assert "web/handlers.py" in paths or "handlers.py" in paths
    missing = [p for p in sorted(paths) if not (ROOT / p).is_file() and not (PACKAGE / p).is_file() and "/" in p]
    assert missing == []


def dotted_names(text: str) -> set[str]:
    tops = "|".join(sorted(top_level_names()))
    pattern = re.compile(rf"(?<![\w.])((?:{tops})(?:\.[A-Za-z_]\w*)+)")
    return {name for name in pattern.findall(text) if name.rsplit(".", 1)[1] not in {"py", "md", "json"}}


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module("mockserver." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_every_dotted_name_the_page_uses_leads_to_the_code() -> None:
    names = dotted_names(ARCHITECTURE.read_text(encoding="utf-8"))
    assert {"web.handlers.Api.handle", "actions.steps.due_reply", "runtime.Runtime.served"} <= names
    assert sorted(name for name in names if not resolves(name)) == []


@pytest.mark.parametrize(("dotted", "expected"), [("web.app.create_app", True), ("web.app.no_such", False), ("nosuch.x", False)])
def test_resolving_a_dotted_name(dotted: str, expected: bool) -> None:
    assert resolves(dotted) is expected


def test_at_most_twelve_modules_at_the_top() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_is_over_four_hundred_lines() -> None:
    long = {
        name
        for name in modules()
        if len((PACKAGE / name).read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES
    }
    assert sorted(long) == []


# -- imports: no cycle, aiohttp only at the edge ------------------------------------------------


def module_name(relative: str) -> str:
    """"cli/__init__.py" -> "mockserver.cli", "web/app.py" -> "mockserver.web.app"."""
    parts = ["mockserver", *relative[: -len(".py")].split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top or inside a function or class, but for those under
    `if TYPE_CHECKING:` (never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        if isinstance(node, ast.If) and _type_checking(node):
            for branch in node.orelse:
                yield from imports(ast.Module(body=[branch], type_ignores=[]))
            continue
        yield from imports(node)


def imported(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules of `known` an import statement in `importer` loads by name."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = importer if is_package else importer.rpartition(".")[0]
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            yield name


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (not counting the packages Python runs on the
    way: `from .a import b` in x.c is an edge x.c -> x.a)."""
    files = {module_name(relative): PACKAGE / relative for relative in modules()}
    known = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        graph[name] = {
            target for node in imports(tree) for target in imported(node, name, is_package, known) if target != name
        }
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert cycles(import_graph()) == []


def test_the_import_graph_counts_imports_inside_functions() -> None:
    """Guards the test above: `main` imports the subcommands only when asked for one."""
    graph = import_graph()
    assert "mockserver.cli.record" in graph["mockserver.cli"]
    assert "mockserver.web.client" in graph["mockserver.cli.record"]
    assert "mockserver.cli.parsing" in graph["mockserver.cli.record"]


def test_imports_under_type_checking_are_left_out() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\nelse:\n    import b\ndef f():\n    import c\n")
    assert [alias.name for node in imports(tree) for alias in node.names] == ["TYPE_CHECKING", "b", "c"]


def test_relative_imports_resolve_to_modules() -> None:
    known = {"mockserver.cli", "mockserver.cli.flags", "mockserver.web.client", "mockserver.settings"}
    tree = ast.parse("from . import flags\nfrom ..web.client import Upstream\nfrom ..settings import Settings\n")
    found = {target for node in imports(tree) for target in imported(node, "mockserver.cli", True, known)}
    assert found == {"mockserver.cli.flags", "mockserver.web.client", "mockserver.settings"}


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def imports_aiohttp(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "aiohttp" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "aiohttp":
            return True
    return False


def test_only_the_web_edge_imports_aiohttp() -> None:
    outside = {relative for relative in modules() if not relative.startswith("web/") and imports_aiohttp(PACKAGE / relative)}
    assert sorted(outside) == []


def test_the_aiohttp_check_sees_the_edge() -> None:
    """Guards the test above against passing because it read nothing."""
    assert imports_aiohttp(PACKAGE / "web" / "client.py")
    assert not imports_aiohttp(PACKAGE / "upstream" / "proxy.py")
