"""Benchmark: environment steps per second of each algorithm on ma-gym Checkers and Switch4, and MATRL's wall
time per iteration relative to IL's, measured side by side in one run (one process, one torch thread).

    .venv/bin/python bench/grid_worlds.py            # 2 iterations of 2,000 steps per algorithm and game
    .venv/bin/python bench/grid_worlds.py --smoke    # <= 60 s: 1 iteration of 500 steps

The machine is shared, so the absolute numbers move with its load; the ratios measured in the same run are
the meaningful part. Algorithms are interleaved (round-robin over repeats) so that load changes hit all alike.
VDN/QMIX are timed in their steady state: after untimed windows that fill the replay buffer with its first batch
of 32 episodes, so that every timed window includes training (one step per 8 finished episodes)."""
import argparse
import math
import time

import numpy as np
import torch

from matrl_nb.envs import make, random_steps_per_s
from matrl_nb.matrl import MATRLConfig, train as matrl_train
from matrl_nb.value_decomposition import VDConfig, train as vd_train

ALGOS = ("MATRL", "IL", "IL-PP", "MATRL-noBR", "VDN", "QMIX")


def one(env_name: str, algo: str, steps: int, iters: int) -> float:
    "Wall seconds per iteration of `steps` env steps (rollout + update) for `algo`."
    if algo in ("VDN", "QMIX"):
        # steady state: untimed windows first, until the buffer holds a batch (32 episodes) and training runs in
        # every timed window; each window's own wall time (collection, training, one greedy episode) is in its row
        cfg = VDConfig(log_every=steps)
        warm = math.ceil(cfg.batch_size * make(env_name).metadata["episode_limit"] / steps)
        df = vd_train(env_name, algo, cfg, seed=0, total_steps=steps * (warm + iters))
        assert df.train_steps.iloc[warm - 1] > 0, "timed windows without training"
        return float(np.median(steps / df.steps_per_s.iloc[warm:]))
    t = time.perf_counter()
    matrl_train(env_name, algo, MATRLConfig(steps_per_iter=steps), seed=0, iterations=iters, progress=False)
    return (time.perf_counter() - t) / iters


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    steps, iters, repeats = (500, 1, 1) if a.smoke else (2000, 2, a.repeats or 2)
    t0 = time.time()
    for env_name in ("grid/checkers", "grid/switch4"):
        for al in ("MATRL",): one(env_name, al, 200, 1)  # warm-up (imports, first-call costs), not timed
        print(f"== {env_name}: random-action env alone {random_steps_per_s(env_name, 2000 if not a.smoke else 500):,.0f} steps/s")
        secs = {al: [] for al in ALGOS}
        for _ in range(repeats):
            for al in ALGOS: secs[al].append(one(env_name, al, steps, iters))
        for al in ALGOS:
            s = float(np.median(secs[al]))
            print(f"  {al:11s} {s:6.2f} s/iteration of {steps:,} steps   {steps / s:7,.0f} env steps/s")
        r = np.median(secs["MATRL"]) / np.median(secs["IL"])
        print(f"  MATRL / IL wall time per iteration: {r:.2f}x   (VDN / IL {np.median(secs['VDN']) / np.median(secs['IL']):.2f}x, "
              f"QMIX / IL {np.median(secs['QMIX']) / np.median(secs['IL']):.2f}x)")
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
