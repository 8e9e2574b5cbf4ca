"""Throughput on two-player Atari Pong: environment steps per second of each observation pipeline alone (random
actions) and of IL and MATRL training on it (one process, one torch thread, the release's CNN and hyper-parameters),
measured side by side in one run, and the MATRL / IL wall time per iteration.

    .venv/bin/python bench/pong.py [--pipelines standard release] [--iterations 3] [--steps-per-iter 1000]

IL and MATRL alternate (IL, MATRL, then MATRL, IL) so that both see the same machine load; each is timed on its own
iterations after the first (which includes building the networks and the environments). CPU seconds of this process
are given too: they do not grow when other jobs share the cores, wall time does.
"""
import argparse
import time

import numpy as np
import torch

from matrl_nb.envs import random_steps_per_s


def _run(algo, pipeline, iterations, steps_per_iter, seed):
    from matrl_nb import atari, matrl
    cfg = atari.pong_config(steps_per_iter=steps_per_iter)
    c0 = time.process_time()
    df = matrl.train("atari/pong", algo, cfg, seed=seed, iterations=iterations, progress=False,
                     env_kwargs=dict(pipeline=pipeline))
    return df, time.process_time() - c0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipelines", nargs="+", default=["standard", "release"])
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--steps-per-iter", type=int, default=1000)
    ap.add_argument("--env-steps", type=int, default=3000)
    a = ap.parse_args(argv)
    if a.iterations < 2: ap.error("--iterations must be >= 2 (the first iteration is not timed)")
    torch.set_num_threads(1)
    for pipe in a.pipelines:
        env_sps = random_steps_per_s("atari/pong", a.env_steps, pipeline=pipe)
        wall, cpu, parts = {"IL": [], "MATRL": []}, {"IL": 0.0, "MATRL": 0.0}, {}
        for k, algo in enumerate(("IL", "MATRL", "MATRL", "IL")):
            df, c = _run(algo, pipe, a.iterations, a.steps_per_iter, seed=k)
            wall[algo] += df.wall_time.iloc[1:].tolist()
            cpu[algo] += c
            parts.setdefault(algo, []).append(df[["t_rollout", "t_tpr", "t_meta", "t_br"]].iloc[1:].mean())
        print(f"\natari/pong pipeline={pipe}: one process, one torch thread, {a.steps_per_iter} steps per iteration")
        print(f"  {'random actions (env only)':28s} {env_sps:8.0f} env steps/s")
        for algo in ("IL", "MATRL"):
            w = np.mean(wall[algo])
            p = sum(parts[algo]) / len(parts[algo])
            n_steps = 2 * a.iterations * a.steps_per_iter
            print(f"  {algo:28s} {a.steps_per_iter / w:8.0f} env steps/s   {w:5.2f} s per iteration "
                  f"(rollout {p.t_rollout:.2f}, TPR {p.t_tpr:.2f}, meta {p.t_meta:.3f}, BR {p.t_br:.2f}; "
                  f"{n_steps / cpu[algo]:.0f} steps per CPU second)")
        print(f"  MATRL / IL wall time per iteration: {np.mean(wall['MATRL']) / np.mean(wall['IL']):.2f}")


if __name__ == "__main__":
    main()
