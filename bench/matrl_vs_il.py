"""Wall time per iteration, MATRL vs IL, on the same environment and the same batch, measured side by side.

    .venv/bin/python bench/matrl_vs_il.py [--steps 2000] [--reps 5] [env ...]

For each environment: one rollout of `--steps` steps with the initial joint policy (timed), then,
alternately `--reps` times, one IL update and one MATRL update of fresh learners (same seed) on that
batch. Per-iteration time = rollout + update (the rollout is the same for both algorithms).
Prints the medians and the split TPR / meta-game + Nash / BR. Goal: MATRL <= 1.2 x IL per iteration.
"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch

from matrl_nb import envs
from matrl_nb.matrl import MATRLConfig, build_learners, collect, matrl_update

DEFAULT_ENVS = ["matrix/iterated_matching_pennies", "matrix/iterated_coordination-4", "grid/checkers", "grid/switch4"]


def bench(env_name, steps, reps):
    cfg = MATRLConfig(steps_per_iter=steps)
    env = envs.make(env_name)
    n = len(env.possible_agents)
    nets, _ = build_learners(env, cfg, 0)
    t = time.perf_counter()
    ro = collect(env, nets, steps, 0, torch.Generator().manual_seed(0))
    t_roll = time.perf_counter() - t
    res = {"IL": [], "MATRL": []}
    split = []
    for _ in range(reps):
        for algo in ("IL", "MATRL"):
            nets, opts = build_learners(env, cfg, 0)
            t = time.perf_counter()
            st = matrl_update(nets, opts, ro, algo, cfg, list(range(n)), np.random.default_rng(0))
            res[algo].append(time.perf_counter() - t)
            if algo == "MATRL": split.append((st["t_tpr"], st["t_meta"], st["t_br"]))
    il, m = statistics.median(res["IL"]), statistics.median(res["MATRL"])
    tpr, meta, br = (statistics.median(x) for x in zip(*split))
    ratio = (t_roll + m) / (t_roll + il)
    print(f"{env_name:34s} n={n}  rollout {t_roll:6.3f}s | IL update {il:6.3f}s | MATRL update {m:6.3f}s "
          f"(TPR {tpr:.3f} / meta+Nash {meta:.3f} / BR {br:.3f}) | per iteration MATRL/IL = {ratio:.2f}"
          f"{'  OK' if ratio <= 1.2 else '  above 1.2'}  (updates alone {m / il:.2f})", flush=True)
    return ratio


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("envs", nargs="*", default=DEFAULT_ENVS)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    print(f"steps per iteration {a.steps}, {a.reps} repetitions, medians, 1 thread, reference hyper-parameters")
    for e in a.envs:
        try: bench(e, a.steps, a.reps)
        except ImportError as ex: print(f"{e:34s} skipped: {ex}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
