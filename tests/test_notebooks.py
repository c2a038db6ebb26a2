"""The notebooks of ``examples/`` run top to bottom in a real Jupyter kernel (nbclient + ipykernel).

A kernel spec for this interpreter (the venv's python) is installed into a
temporary Jupyter path, so the kernel imports this reglab.  The notebooks
read ``REGLAB_QUICK=1`` and run at small sizes.  Each must display its
result as HTML with the figures inline.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient") if not os.environ.get("CI") else __import__("nbclient")
import nbformat  # noqa: E402
from ipykernel.kernelspec import install  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
KERNEL = "reglab-test"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL, prefix=str(prefix))  # argv: this sys.executable
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    os.environ["REGLAB_QUICK"] = "1"
    return KERNEL


def test_the_examples_hold_the_three_notebooks() -> None:
    assert {p.stem for p in NOTEBOOKS} >= {"seed_003", "sweep", "lesson"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_displays_its_result(path: Path, kernel: str, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit notebooks without outputs"
    client = nbclient.NotebookClient(notebook, kernel_name=kernel, timeout=600, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o.get("data", {})]
    assert html, "the result did not display itself as HTML"
    assert 'class="reglab"' in html[0] and "data:image/png;base64," in html[0]
