"""Import the modules that hold the outcomes a config adds (its ``[outcomes]`` table).

A module found in the config's folder is loaded from its file under a name unique to that
folder, so two configs whose folders each hold a ``metrics.py`` get their own functions
(a plain import by name would hand the second config the first one's module, which
Python keeps in `sys.modules`). A module not in the folder is imported by name from the
installed packages. A sweep's worker in another process does the same from the
reference string and the folder, so it gets the same function.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["module_file", "outcome_function"]


def outcome_function(ref: str, folder: str) -> Any:
    """The object `ref` (``"module:function"``) names: its module loaded from `folder`
    if the folder holds it, else imported from the installed packages. Raises
    `ModuleNotFoundError` (no such module), `AttributeError` (no such function) or
    whatever the module raises on import."""
    module_name, function_name = ref.split(":")
    return getattr(_module(module_name, folder), function_name)


def module_file(module_name: str, folder: str) -> Path | None:
    """The file in `folder` that holds the top-level module of `module_name` (``x.py``
    or the package ``x/__init__.py``), or None when the folder holds no such module."""
    top = module_name.split(".")[0]
    for candidate in (Path(folder) / f"{top}.py", Path(folder) / top / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module(module_name: str, folder: str) -> ModuleType:
    """Module `module_name` as found from `folder` (see `outcome_function`)."""
    found = module_file(module_name, folder)
    if found is None:
        return importlib.import_module(module_name)
    top, _, rest = module_name.partition(".")
    unique = _unique_name(top, folder)
    if unique not in sys.modules:
        _load(unique, found, folder)
    return importlib.import_module(f"{unique}.{rest}") if rest else sys.modules[unique]


def _unique_name(top: str, folder: str) -> str:
    """A module name for `top` that no other folder shares (and no installed package)."""
    digest = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    return f"_exsim_outcomes_{digest}_{top}"


def _load(unique: str, file: Path, folder: str) -> None:
    """Execute `file` as the module `unique` (a package keeps its folder as its path, so
    its submodules and relative imports resolve); `folder` is on the import path
    meanwhile, so the module can import its neighbours as before. On failure nothing
    stays in `sys.modules`."""
    package = [str(file.parent)] if file.name == "__init__.py" else None
    spec = importlib.util.spec_from_file_location(unique, file, submodule_search_locations=package)
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[unique]
        raise
    finally:
        sys.path.remove(folder)
