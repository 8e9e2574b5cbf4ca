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
    if r.kept: __import__("shutil").rmtree(r.kept)  # the failed run's staging folder, kept for a look


# ---- staging: a failed or killed run changes nothing; a cheaper preset never overwrites a costlier one ----

def _code(cid, src, tags=()):
    return {"id": cid, "cell_type": "code", "metadata": {"tags": list(tags)}, "source": src, "outputs": [],
            "execution_count": None}


def demo_notebook(after_figure: str = "", figure: bool = True) -> dict:
    "An experiment notebook that saves a figure and a results file, then runs `after_figure` (e.g. raises)."
    save = ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "from matrl_nb.reproduce import save_figure, save_results, run_note\n"
            "fig, ax = plt.subplots(); ax.plot([0, 1])\n"
            "save_figure(fig, '98_demo', preset, run_note(preset, [0]))\n"
            "save_results([dict(experiment='e', metric='m', method='new', ours='1', paper='', budget=10, unit='iterations',"
            " n_seeds=1, seeds=[0])], '98_demo', preset)\n") if figure else "x = 1\n"
    cells = [_code("params", "preset = 'quick'", ["parameters"]), _code("save", save)]
    if after_figure: cells.append(_code("after", after_figure))
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def layout(tmp_path, monkeypatch):
    "A temporary copy of the repository's layout (nbs/, figures/, README.md) with a previous run's outputs."
    import matrl_nb.reproduce as rp
    root = tmp_path / "repo"
    (root / "nbs").mkdir(parents=True)
    (root / "figures" / "quick").mkdir(parents=True)
    (root / "figures" / "quick" / "98_demo.png").write_bytes(b"the previous run's figure")
    (root / "figures" / "quick" / "98_demo_results.csv").write_text(
        "experiment,metric,method,ours,paper,preset,budget,unit,n_seeds,seeds\ne,m,old,0,,quick,10,iterations,1,[0]\n")
    (root / "README.md").write_text(f"# r\n{rp.VERDICTS_START}\n{rp.VERDICTS_END}\n{rp.README_START}\nold table\n{rp.README_END}\n{rp.FIGS_START}\nold list\n{rp.FIGS_END}\n")
    index = demo_notebook(figure=False)
    index["cells"] = index["cells"][1:]
    (root / "nbs" / "index.ipynb").write_text(json.dumps(index))
    monkeypatch.setattr(rp, "ROOT", root)
    monkeypatch.setattr(rp, "NBS_DIR", root / "nbs")
    monkeypatch.setattr(rp, "FIGURES_DIR", root / "figures")
    return root


def snapshot(root):
    "Every file under `root`, with its bytes; also checks that the kernel wrote nothing into the real checkout."
    assert not list((ROOT / "figures").rglob("98_demo*")), "a kernel wrote into the repository's figures/"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_failure_after_a_figure_changes_nothing(layout, capsys):
    import matrl_nb.reproduce as rp
    nb = demo_notebook("raise RuntimeError('after the figure')")
    nb["metadata"]["matrl_nb"] = {"preset": "quick"}  # the previous run's executed notebook
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(nb))
    before = snapshot(layout)
    assert rp.main(["--preset", "quick", "--no-progress", "98"]) == 1
    out = capsys.readouterr().out
    assert snapshot(layout) == before  # figures, results, executed notebook, README, index: all untouched
    assert "cell 2" in out and "RuntimeError" in out and "nothing was moved into place" in out
    kept = Path(out.split("partial outputs are in ")[1].split()[0])
    assert (kept / "outputs" / "quick" / "98_demo.png").exists()  # the figure was written, but only staged
    __import__("shutil").rmtree(kept)
    assert rp.STAGING_ENV not in __import__("os").environ


def test_success_moves_outputs_into_place(layout):
    import matrl_nb.reproduce as rp
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(demo_notebook()))
    r = rp.run_notebook(layout / "nbs" / "98_demo.ipynb", "quick", progress=False)
    assert not r.error and r.figures == 1 and not r.kept
    assert (layout / "figures" / "quick" / "98_demo.png").read_bytes()[:4] == b"\x89PNG"
    assert ",new," in (layout / "figures" / "quick" / "98_demo_results.csv").read_text()
    nb = json.loads((layout / "nbs" / "98_demo.ipynb").read_text())
    assert nb["metadata"]["matrl_nb"] == {"preset": "quick"}
    assert not any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])


def test_cheaper_run_sets_its_notebook_aside(layout):
    import matrl_nb.reproduce as rp
    nb = demo_notebook()
    nb["metadata"]["matrl_nb"] = {"preset": "paper"}
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(nb))
    before = (layout / "nbs" / "98_demo.ipynb").read_bytes()
    r = rp.run_notebook(layout / "nbs" / "98_demo.ipynb", "quick", progress=False)
    assert not r.error and (layout / "nbs" / "98_demo.ipynb").read_bytes() == before
    assert rp.executed_preset(layout / "figures" / "quick" / "98_demo.ipynb") == "quick"
    assert not (layout / "figures" / "98_demo.png").exists()  # the quick figure never lands among the paper ones


def test_sigkill_midway_changes_nothing(layout):
    "The reproduce process itself is killed (SIGKILL) after the notebook saved its figure: nothing tracked changes."
    nb = demo_notebook("import os, signal\nos.kill(int(os.environ['TEST_PARENT_PID']), signal.SIGKILL)\nos._exit(0)")
    nb["metadata"]["matrl_nb"] = {"preset": "quick"}
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(nb))
    before = snapshot(layout)
    script = (f"import os, pathlib, matrl_nb.reproduce as rp\nroot = pathlib.Path({str(layout)!r})\n"
              "rp.ROOT, rp.NBS_DIR, rp.FIGURES_DIR = root, root / 'nbs', root / 'figures'\n"
              "os.environ['TEST_PARENT_PID'] = str(os.getpid())\n"
              "rp.main(['--preset', 'quick', '--no-progress', '98'])\n")
    import shutil, tempfile, time
    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert r.returncode == -9, r.stderr[-2000:]
    assert snapshot(layout) == before
    for d in Path(tempfile.gettempdir()).glob("matrl_nb_stage_98_demo_*"):  # the killed run's staging folder
        if d.stat().st_mtime >= t0 - 1: shutil.rmtree(d, ignore_errors=True)


def test_smoke_summary_counts_and_names_its_folder(layout, capsys, monkeypatch):
    import matrl_nb.reproduce as rp
    monkeypatch.delenv(rp.SMOKE_ENV, raising=False)
    monkeypatch.setattr(rp, "_SMOKE_DIR", None)
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(demo_notebook()))
    assert rp.main(["--preset", "smoke", "--no-progress", "98"]) == 0
    out = capsys.readouterr().out
    row = next(l for l in out.splitlines() if l.startswith("98_demo.ipynb"))
    assert row.split()[:2] == ["98_demo.ipynb", "smoke"] and row.split()[3] == "1", out
    folder = Path(out.split("smoke outputs in ")[1].split()[0])
    assert (folder / "98_demo.png").exists() and not str(folder).startswith(str(layout))
    assert rp.SMOKE_ENV not in __import__("os").environ
    # a run that writes nothing leaves no empty folder behind
    monkeypatch.setattr(rp, "_SMOKE_DIR", None)
    (layout / "nbs" / "98_demo.ipynb").write_text(json.dumps(demo_notebook(figure=False)))
    assert rp.main(["--preset", "smoke", "--no-progress", "98"]) == 0
    assert "smoke outputs: none written" in capsys.readouterr().out
    assert not rp._SMOKE_DIR.exists()
