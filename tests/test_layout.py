"""The dashboard's layout rules: analysis/ never imports streamlit, app.py stays thin, each tab is a views/ module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import ROOT


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_the_package_never_imports_streamlit_or_the_views() -> None:
    offenders = {path.name: _imported_modules(path) & {"streamlit", "views", "app"} for path in (ROOT / "analysis").glob("*.py")}
    assert {name: modules for name, modules in offenders.items() if modules} == {}


def test_app_defines_no_view_and_every_tab_is_a_views_module() -> None:
    app = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    defined = {node.name for node in app.body if isinstance(node, ast.FunctionDef)}
    assert not {name for name in defined if name.endswith("_view")}, "views belong in views/, not app.py"
    imported_views = {node.module for node in app.body if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("views.")}
    modules = {f"views.{path.stem}" for path in (ROOT / "views").glob("*.py") if path.stem not in ("__init__", "common")}
    assert imported_views - {"views.common"} == modules


def test_design_and_readme_list_every_views_module() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    readme_layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Development", 1)[1]
    for path in (ROOT / "views").glob("*.py"):
        if path.stem == "__init__":
            continue
        assert re.search(rf"^views/{path.stem}\.py\b", design, re.M), f"DESIGN.md does not list views/{path.name}"
        assert path.name in readme_layout, f"README's layout does not list views/{path.name}"
