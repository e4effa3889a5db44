"""The layers of the tree, read from the source: what may import what.

- No import cycle among the modules of services/ and admin/, not even through an import inside a function.
- The registry's domain packages hold rules and bulk work: they import neither Flask nor Celery.
- Model modules hold data: they import models, the declarative base and libraries, no logic.
- Reports reads the registry through models and read queries; admin does not reach into reports."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("core", "people", "surveys", "programmes", "distribution", "feedback", "outreach", "capacity",
           "indicators")
# Besides models, what a reader of the registry may use: formatting, periods, the database URL, read queries.
REGISTRY_READS = ("services.registry.models", "services.registry.core.money", "services.registry.core.periods",
                  "services.registry.core.codes", "services.registry.config")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("services", "admin"):
        for path in (ROOT / top).rglob("*.py"):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool) -> list[tuple[str, int]]:
    """(module, line) for every import; relative imports resolved against the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from package import module" imports the submodule too.
            found += [(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base, node.lineno)
                      for alias in node.names]
    return found


def _owner(name: str) -> str | None:
    """The project module an imported name lives in (the longest known prefix)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _cycle() -> list[str] | None:
    graph = {name: {owner for imported, _ in _imports(path, top_level_only=False)
                    if (owner := _owner(imported)) and owner != name}
             for name, path in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def _violations(paths, allowed) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line} {name}" for path in paths
            for name, line in _imports(path, top_level_only=False) if not allowed(name)]


def _under(*parts: str) -> list[Path]:
    return sorted(ROOT.joinpath(*parts).rglob("*.py"))


def test_no_import_cycle():
    assert _cycle() is None, " -> ".join(_cycle() or [])


@pytest.mark.parametrize("domain", DOMAINS)
def test_registry_domains_import_neither_flask_nor_celery(domain):
    def allowed(name: str) -> bool:
        return name.split(".")[0] not in {"flask", "flask_appbuilder", "celery", "kombu"}

    assert _violations(_under("services", "registry", domain), allowed) == []


def test_model_modules_import_no_logic():
    models = [p for d in DOMAINS for p in _under("services", "registry", d, "models")]
    assert len(models) > 20

    def allowed(name: str) -> bool:
        if not name.startswith(("services.", "admin.")):
            return name.split(".")[0] not in {"flask", "flask_appbuilder", "celery", "werkzeug"}
        return (".models" in name or name in {"services.registry.core.base", "services.common.contracts",
                                               "services.common.db"})

    assert _violations(models, allowed) == []


def test_reports_reads_the_registry_through_models_and_read_queries_only():
    def allowed(name: str) -> bool:
        return not name.startswith("services.registry") or name.startswith(REGISTRY_READS) or ".models" in name

    assert _violations(_under("services", "reports"), allowed) == []


def test_admin_does_not_reach_into_reports_internals():
    def allowed(name: str) -> bool:
        return not name.startswith("services.reports")

    assert _violations(_under("admin"), allowed) == []


def test_the_checker_sees_a_planted_cycle_and_a_planted_import(tmp_path, monkeypatch):
    # The rules above pass vacuously if the import reader finds nothing; prove it finds real imports.
    imported = dict(_imports(ROOT / "services" / "registry" / "app.py", top_level_only=False))
    assert "services.registry.web.api" in imported and "flask" in imported
    monkeypatch.setitem(MODULES, "services.fake_a", tmp_path / "a.py")
    monkeypatch.setitem(MODULES, "services.fake_b", tmp_path / "b.py")
    (tmp_path / "a.py").write_text("import services.fake_b\n")
    (tmp_path / "b.py").write_text("from services import fake_a\n")
    assert _cycle() == ["services.fake_a", "services.fake_b", "services.fake_a"]
