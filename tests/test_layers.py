"""Imports flow one way: cli/app -> analysis -> runs -> config -> model (STYLE.md). A
module imports nothing from a layer above its own, at the top or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import exsim

ROOT = Path(exsim.__file__).parent
LAYERS = {"cli": 4, "app": 4, "analysis": 3, "runs": 2, "config": 1, "outcome_modules": 1}
"""Each part of exsim by its rank; the model is 0, `errors` (a leaf) -1."""


def rank(module: str) -> int | None:
    """The layer of a module named from the package root (``runs.single``)."""
    first = module.split(".")[0]
    return {"model": 0, "errors": -1}.get(first, LAYERS.get(first))


def imported(path: Path) -> list[str]:
    """The exsim modules `path` imports, named from the package root."""
    here = path.relative_to(ROOT).with_suffix("").parts
    package = here if path.name == "__init__.py" else here[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
            names += [target] if node.module else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.ImportFrom | ast.Import):
            modules = [node.module] if isinstance(node, ast.ImportFrom) else []
            modules += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [m.removeprefix("exsim.") for m in modules if m.startswith("exsim.")]
    return [n.lstrip(".") for n in names if n]


def test_no_module_imports_from_a_layer_above_its_own():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        own = rank(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own is None:  # the package's front door (__init__, __main__) may import any
            continue
        wrong += [
            f"{path.relative_to(ROOT)} imports {name}"
            for name in imported(path)
            if (rank(name) if rank(name) is not None else -1) > own
        ]
    assert wrong == []


def test_the_folder_layout_is_imported_from_where_it_is_defined():
    """The names of a results folder's layout and scan (`exsim.runs.folder_scan`) are
    imported from folder_scan, never through another module's re-export (as store.py
    and manifest.py once took them through results.py)."""
    layout = _defined(ROOT / "runs" / "folder_scan.py")
    relayed = []
    for path in sorted((ROOT / "runs").glob("*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module not in (None, "folder_scan"):
                names = {a.name for a in node.names} & layout
                relayed += [f"{path.name}: {n} from {node.module}" for n in sorted(names)]
    assert relayed == []
    assert len(layout) > 10  # the scan found folder_scan's names


def _defined(path: Path) -> set[str]:
    """The names a module defines at its top level (not those it imports)."""
    names = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names
