"""PPO-family training throughput as a share of the environment's own random-action throughput, MATRL / IL
wall time per iteration, and the speed-up over the one-copy, one-agent-at-a-time path, all measured side
by side in one process with one torch thread (reference hyper-parameters, default `n_envs`).

    .venv/bin/python bench/training_throughput.py            # 3 rounds, about 3 minutes on 2 cores
    .venv/bin/python bench/training_throughput.py --rounds 1 # about a minute

Each round runs, per environment and in this order, random actions, IL, MATRL, and IL and MATRL on the
old path (`n_envs=1, batch_agents=False`), so that a change in the machine's load hits all of them alike;
the medians over rounds of the per-iteration wall time (iterations after the first) are reported.
Goals: share >= 0.5 for IL and MATRL on each environment, MATRL / IL <= 1.15."""
import argparse
import statistics
import time

import torch

from matrl_nb.envs import random_steps_per_s
from matrl_nb.matrl import MATRLConfig, train

ENVS = {"grid/checkers": 2000, "grid/switch4": 2000, "mujoco/hopper-3x1": 4000}  # the release's steps per iteration


def seconds_per_iteration(env, algo, steps, iters, **kw) -> float:
    "Median wall seconds of one iteration (rollout + update + logging), the first (warm-up) iteration left out."
    df = train(env, algo, MATRLConfig(steps_per_iter=steps, **kw), seed=0, iterations=iters, progress=False)
    return statistics.median(df.wall_time.iloc[1:])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=3, help="iterations per training run (the first is not timed)")
    ap.add_argument("envs", nargs="*", default=list(ENVS))
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    old = dict(n_envs=1, batch_agents=False)
    t_start = time.time()
    print(f"{a.rounds} rounds, medians, 1 torch thread, reference hyper-parameters (release)")
    print(f"{'environment':20s} {'random':>8s} {'IL':>8s} {'MATRL':>8s} {'IL old':>8s} {'MATRL old':>9s}   "
          f"{'IL share':>8s} {'MATRL share':>11s} {'MATRL/IL':>8s} {'IL speed-up':>11s} {'MATRL speed-up':>14s}")
    for env in a.envs:
        steps = ENVS.get(env, 2000)
        s = {k: [] for k in ("random", "IL", "MATRL", "IL old", "MATRL old")}
        for _ in range(a.rounds):
            s["random"].append(steps / random_steps_per_s(env, steps))
            s["IL"].append(seconds_per_iteration(env, "IL", steps, a.iters))
            s["MATRL"].append(seconds_per_iteration(env, "MATRL", steps, a.iters))
            s["IL old"].append(seconds_per_iteration(env, "IL", steps, 2, **old))
            s["MATRL old"].append(seconds_per_iteration(env, "MATRL", steps, 2, **old))
        m = {k: statistics.median(v) for k, v in s.items()}
        rate = {k: steps / v for k, v in m.items()}  # env steps per second
        print(f"{env:20s} {rate['random']:8,.0f} {rate['IL']:8,.0f} {rate['MATRL']:8,.0f} {rate['IL old']:8,.0f} "
              f"{rate['MATRL old']:9,.0f}   {rate['IL'] / rate['random']:8.2f} {rate['MATRL'] / rate['random']:11.2f} "
              f"{m['MATRL'] / m['IL']:8.2f} {m['IL old'] / m['IL']:10.1f}x {m['MATRL old'] / m['MATRL']:13.1f}x", flush=True)
    print(f"(env steps per second; share = training / random-action throughput; total {time.time() - t_start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
