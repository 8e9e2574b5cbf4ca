"""The reproduce command and the notebook conventions it relies on."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from matrl_nb.reproduce import NBS_DIR, PRESETS, experiment_notebooks, parameters_cell, ROOT

def writes_figures(nb_path) -> bool:
    "Whether a notebook's code saves figures or results (then it is an experiment and needs presets)."
    cells = json.loads(Path(nb_path).read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return "save_figure(" in code or "save_results(" in code


# 00-89 are the paper's notebooks (9x are tooling); those that write figures are experiments
NOTEBOOKS = [p for p in sorted(NBS_DIR.glob("[0-8]*.ipynb")) if writes_figures(p)]


def test_there_are_experiment_notebooks():
    assert NOTEBOOKS, "no notebook in nbs/ writes a figure"


def run(*args):
    return subprocess.run([sys.executable, "-m", "matrl_nb.reproduce", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_every_experiment_notebook_has_a_parameters_cell(nb):
    cell = parameters_cell(nb)
    assert cell is not None, f"{nb.name} has no cell tagged `parameters`"
    src = "".join(cell["source"])
    assert "preset" in src and "default_preset" in src, f"{nb.name}: parameters cell must set preset via default_preset()"
    assert nb in experiment_notebooks()


def test_unknown_preset_exits_2_listing_valid_ones():
    r = run("--preset", "fast")
    assert r.returncode == 2 and all(p in r.stderr for p in PRESETS), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_notebook_exits_2_listing_valid_ones():
    r = run("--preset", "smoke", "99_no_such")
    assert r.returncode == 2 and "valid notebooks" in r.stderr, r.stderr
    for p in experiment_notebooks():
        assert p.stem in r.stderr


def test_no_committed_notebook_holds_injected_parameters():
    for nb in NBS_DIR.glob("*.ipynb"):
        for c in json.loads(nb.read_text())["cells"]:
            assert "injected-parameters" not in c.get("metadata", {}).get("tags", []), nb.name


def test_failing_notebook_is_reported_and_others_run(tmp_path, monkeypatch):
    import matrl_nb.reproduce as rp
    src = {"cells": [{"id": "params", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "preset = 'quick'",
                      "outputs": [], "execution_count": None},
                     {"id": "boom", "cell_type": "code", "metadata": {}, "source": "raise ValueError('boom')",
                      "outputs": [], "execution_count": None}],
           "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
           "nbformat": 4, "nbformat_minor": 5}
    bad = tmp_path / "98_bad.ipynb"
    bad.write_text(json.dumps(src))
    r = rp.run_notebook(bad, "smoke", progress=False)
    assert "cell 1" in r.error and "ValueError" in r.error and "boom" in r.error
    assert json.loads(bad.read_text()) == src  # a failed run never overwrites the notebook
