"""Fig. 7's timing run (08_running_time) at smoke size: every (algorithm, env, hyper-parameter set) cell that applies
runs once, and the CSV has one row per cell with the documented columns."""
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore", message=".*AdroitHand.*")

from matrl_nb.running_time import CSV_COLUMNS, N_AGENTS, SMOKE, measure, paired_ratios, summarise, timing_cells


def test_smoke_timing_run_writes_one_row_per_algorithm_env_and_set(tmp_path):
    cells = timing_cells()
    runs = measure(cells, SMOKE, repeats=1, warmup=False)
    assert len(runs) == len(cells) and (runs.steps == SMOKE.steps).all()
    path = tmp_path / "08_running_time.csv"
    summarise(runs).to_csv(path, index=False)
    df = pd.read_csv(path)
    assert list(df.columns[:len(CSV_COLUMNS)]) == CSV_COLUMNS
    keys = list(map(tuple, df[["algorithm", "env", "hparams"]].to_numpy()))
    assert len(df) == len(cells) == 46 and sorted(keys) == sorted(cells)      # one row per cell, each cell once
    assert set(df.hparams) == {"release", "tuned", "paper-50"}
    assert (df.repeats == 1).all() and (df.seconds_median > 0).all()
    assert np.allclose(df.seconds_min, df.seconds_max) and np.allclose(df.seconds_min, df.seconds_median)
    assert (df.n_agents == df.env.map(N_AGENTS)).all()
    assert not ((df.algorithm.isin(["VDN", "QMIX", "MADDPG"])) & (df.hparams == "tuned")).any()
    r = paired_ratios(runs)
    assert len(r) == 9 and (r.pairs == 1).all() and (r.ratio_median > 0).all()   # 3 envs x 3 sets
