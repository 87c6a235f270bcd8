"""The part of the import contract that import-linter cannot check: SymPy is never imported at
module level by reading/ or cli/ (it takes about half a second, and the first screen and
``--help`` must not wait for it). Imports inside a function, or under ``TYPE_CHECKING``, are
allowed. The layers, the forbidden packages and the absence of cycles are in pyproject.toml
(``[tool.importlinter]``), checked by ``lint-imports`` in .ci/run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "chainrule_cli"
#: The packages whose modules may not import SymPy when they are imported.
LIGHT = ("reading", "cli")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import that runs when the module is imported.

    Statements at the top, in a module-level ``if``, ``try``, ``with`` or loop, and in a
    class body run at import; a function's body and a ``TYPE_CHECKING`` block do not.
    """
    found: list[tuple[int, str]] = []

    def visit(statements: list[ast.stmt] | list[ast.ExceptHandler]) -> None:
        for node in statements:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(node, ast.Import):
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((node.lineno, node.module))
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.orelse)
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    visit(inner)

    visit(ast.parse(source).body)
    return found


def _sympy(module: str) -> bool:
    return module == "sympy" or module.startswith("sympy.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import sympy\n", ["sympy"], id="top"),
        pytest.param("import sympy as sp\n", ["sympy"], id="top-aliased"),
        pytest.param("from sympy.core import Expr\n", ["sympy.core"], id="from-submodule"),
        pytest.param("def f():\n    import sympy\n", [], id="in-a-function"),
        pytest.param("class A:\n    def f(self):\n        import sympy\n", [], id="in-a-method"),
        pytest.param("class A:\n    import sympy\n", ["sympy"], id="in-a-class-body"),
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sympy\n",
            ["typing"],
            id="type-checking",
        ),
        pytest.param(
            "import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    import sympy\n",
            ["typing", "sympy"],
            id="type-checking-else-runs",
        ),
        pytest.param(
            "try:\n    import sympy\nexcept ImportError:\n    pass\n", ["sympy"], id="try"
        ),
        pytest.param(
            "try:\n    pass\nexcept ImportError:\n    import sympy\n", ["sympy"], id="except"
        ),
        pytest.param("if True:\n    import sympy\n", ["sympy"], id="module-level-if"),
        pytest.param("from . import syntax\n", [], id="relative"),
    ],
)
def test_module_level_imports_are_those_that_run_at_import(
    source: str, expected: list[str]
) -> None:
    """The scan finds exactly the imports a module runs when it is imported."""
    assert [module for _, module in module_level_imports(source)] == expected


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, id=path.relative_to(PACKAGE).as_posix())
        for layer in LIGHT
        for path in sorted((PACKAGE / layer).rglob("*.py"))
    ],
)
def test_reading_and_cli_never_import_sympy_at_module_level(path: Path) -> None:
    """No module of reading/ or cli/ imports SymPy when it is itself imported."""
    found = [
        f"{path.name}:{line} imports {module}"
        for line, module in module_level_imports(path.read_text("utf-8"))
        if _sympy(module)
    ]
    assert found == []


def test_both_light_packages_have_modules() -> None:
    """The scan above looks at real modules (a moved package would silently check nothing)."""
    assert all(len(list((PACKAGE / layer).glob("*.py"))) >= 5 for layer in LIGHT)
