"""The shape of app/: no import cycles between its modules, no file too long to read at once."""

import ast
import pathlib


APP = pathlib.Path(__file__).resolve().parent.parent / "app"
MAX_LINES = 300


def module_name(path):
    """The dotted module name of a file of app/ (a package is its __init__)."""
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(tree):
    """Every import statement of a module, in functions too, but not under TYPE_CHECKING."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped
    ]


def import_graph():
    """{module: the modules of app/ it imports}, for every module of app/."""
    files = {module_name(path): path for path in APP.rglob("*.py")}

    def known(name):
        """The module of app/ that importing ``name`` names (a package for its attributes)."""
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(known(alias.name) for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from app.api import errors` imports the submodule; `from app.models import Pet`
            # imports the package.
            targets.update(known(f"{base}.{alias.name}") if f"{base}.{alias.name}" in files
                           else known(base) for alias in node.names)
        graph[name] = targets - {None, name}
    return graph


def cycles(graph):
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_imports_inside_functions_count_and_type_hints_do_not():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.models import Pet\n"
        "def f():\n    from app.api import errors\n"
    )
    assert [ast.unparse(node) for node in runtime_imports(tree)] == [
        "from typing import TYPE_CHECKING",
        "from app.api import errors",
    ]


def test_the_import_graph_names_submodules_and_packages():
    graph = import_graph()
    assert "app.api.errors" in graph["app.api"]  # `from app.api import errors`: the submodule
    assert "app.models" in graph["app.api.pets"]  # `from app.models import Pet`: the package


def test_no_module_of_app_imports_a_module_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_no_file_of_app_is_over_300_lines():
    long = {
        str(path.relative_to(APP.parent)): lines
        for path in sorted(APP.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
