"""The README's "Use it on your own game" snippets run as written (and the index shows the same ones)."""
import contextlib
import io
import json
import re

import pytest

from matrl_nb.reproduce import ROOT, NBS_DIR

HEADING = "## Use it on your own game"


def section(markdown: str) -> str:
    "The text under `HEADING`, up to the next second-level heading."
    assert HEADING in markdown, f"no {HEADING!r} section"
    body = markdown.split(HEADING, 1)[1]
    return re.split(r"\n## ", body, maxsplit=1)[0]


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section(markdown), flags=re.S)


README_BLOCKS = python_blocks((ROOT / "README.md").read_text())


def index_markdown() -> str:
    cells = json.loads((NBS_DIR / "index.ipynb").read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_two_snippets_and_the_index_shows_the_same():
    assert len(README_BLOCKS) == 2
    assert python_blocks(index_markdown()) == README_BLOCKS, "index.ipynb's section differs from the README's"


def run_block(code: str, tmp_path, monkeypatch) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    monkeypatch.chdir(tmp_path)   # a snippet that writes a file writes it here
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README snippet", "exec"), {"__name__": "readme_snippet"})
    plt.close("all")
    return out.getvalue()


def test_own_2x2_game(tmp_path, monkeypatch):
    out = run_block(README_BLOCKS[0], tmp_path, monkeypatch)
    assert out.splitlines()[0] == "cyclic" and "MATRL-IGA" in out, out


def test_own_parallel_env_matrl_vs_il(tmp_path, monkeypatch):
    out = run_block(README_BLOCKS[1], tmp_path, monkeypatch)
    lines = dict(l.split(":", 1) for l in out.splitlines())
    assert set(lines) == {"MATRL", "IL"}, out
    assert "mean rho" in lines["MATRL"] and "rho" not in lines["IL"], out   # IL solves no meta-game
    for algo, text in lines.items():   # P(left) of both agents: probabilities
        assert all(0 <= float(x) <= 1 for x in re.findall(r"(?:kicker|keeper) ([\d.]+)", text)), out
