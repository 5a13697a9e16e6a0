"""minigrad's modules import each other in one direction only: ops -> Function/engine -> Tensor -> nn/optim, with
no circles. An import inside a function is allowed only where a real cycle forces it, and says so in a comment."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _targets(node, module, is_package, modules):
    """The minigrad modules an import statement loads (`from . import x` loads the submodule x)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    base = module if is_package else module.rsplit(".", 1)[0]
    for _ in range(node.level - 1):
        base = base.rsplit(".", 1)[0]
    source = (base + "." + node.module if node.module else base) if node.level else node.module
    found = []
    for alias in node.names:
        if f"{source}.{alias.name}" in modules:
            found.append(f"{source}.{alias.name}")
        elif source in modules:
            found.append(source)
    return found


def _imports():
    """(module-level edges, [(module, line, target, comment) for imports inside functions])."""
    modules = _modules()
    edges, inner = {m: set() for m in modules}, []
    for module, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        in_function = set()
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_function.update(id(n) for n in ast.walk(fn) if n is not fn)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, module, path.name == "__init__.py", modules):
                if target == module:
                    continue
                if id(node) in in_function:
                    inner.append((module, node.lineno, target, lines[node.lineno - 1]))
                else:
                    edges[module].add(target)
    return edges, inner


def _cycle(edges):
    """One import cycle among the module-level imports, or None."""
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target, path + [target])
                if found:
                    return found
        state[module] = "done"
        return None

    for module in sorted(edges):
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return None


def test_module_level_imports_have_no_cycle():
    edges, _ = _imports()
    assert _cycle(edges) is None


def test_each_import_inside_a_function_says_which_cycle_it_breaks():
    _, inner = _imports()
    unexplained = [f"{module}:{line}: {text.strip()}" for module, line, _, text in inner if "cycle:" not in text]
    assert unexplained == []
    assert len(inner) <= 2


def test_the_layers_point_one_way():
    """ops and autograd never import Tensor's module, nn or optim at module level; Tensor never imports nn/optim."""
    edges, _ = _imports()
    upper = {"minigrad.tensor", "minigrad.tensor_math", "minigrad._creation", "minigrad.nn", "minigrad.optim"}
    for module, targets in edges.items():
        if module.startswith(("minigrad.ops", "minigrad.autograd")):
            assert not {t for t in targets if t in upper or t.startswith(("minigrad.nn.", "minigrad.optim."))}, module
        if module in ("minigrad.tensor", "minigrad.tensor_math"):
            assert not {t for t in targets if t.startswith(("minigrad.nn", "minigrad.optim"))}, module
