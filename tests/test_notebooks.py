"""Every notebook in experiments/notebooks/ runs top to bottom, and is stored clean.

Notebooks are found by name, so a new one is tested as soon as it is added. Each runs in
a fresh kernel of this interpreter (a kernel spec written to a temporary folder), from
its own folder, with a time limit per cell. A notebook that needs an optional package
declares it in its metadata, ``{"exsim": {"requires": ["dask"]}}``; it is skipped,
saying so, only where such a package is missing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

pytestmark = pytest.mark.slow  # CI's stages on other versions skip it

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "experiments" / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell
KERNEL = "exsim-test-python"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory, monkeypatch_module):
    """A kernel spec that runs this interpreter, found first on JUPYTER_PATH."""
    assert importlib.util.find_spec("ipykernel"), "the notebook tests need ipykernel"
    spec = tmp_path_factory.mktemp("jupyter") / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "exsim tests",
                "language": "python",
            }
        )
    )
    monkeypatch_module.setenv("JUPYTER_PATH", str(spec.parents[1]))
    monkeypatch_module.setenv("MPLBACKEND", "Agg")
    return KERNEL


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_there_is_a_notebook():
    assert NOTEBOOKS, "no notebooks in experiments/notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, kernel_name):
    nb = nbformat.read(path, as_version=4)
    needs = nb.metadata.get("exsim", {}).get("requires", [])
    missing = [name for name in needs if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{path.name} needs {', '.join(missing)}, which is not installed")
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.monotonic()
    client.execute()  # raises CellExecutionError, naming the cell, if one fails
    print(f"{path.name}: {time.monotonic() - started:.1f} s")
