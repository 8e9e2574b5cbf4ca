"""Throughput on multi-agent MuJoCo Hopper 3x1: environment steps per second of IL, MATRL and MADDPG (one process,
one torch thread), measured side by side in one run, and the MATRL / IL wall-time ratio.

    .venv/bin/python bench/mamujoco.py [--iterations 3] [--steps-per-iter 4000] [--maddpg-steps 8000]

Training steps per second include everything an algorithm does per environment step (rollout, updates, meta-game).
MADDPG follows HARL's settings (nbs/05a_maddpg.ipynb): 0.1 gradient steps per environment step after
`update_after`; its number depends on that ratio (`bench/maddpg.py` compares it with the older one).
"""
import argparse
import time
import warnings

warnings.filterwarnings("ignore", message=".*AdroitHand.*")

import torch

from matrl_nb.envs import random_steps_per_s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--env", default="mujoco/hopper-3x1")
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--steps-per-iter", type=int, default=4000)
    ap.add_argument("--maddpg-steps", type=int, default=8000)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    from matrl_nb import maddpg, matrl
    rows = {"random actions (env only)": (random_steps_per_s(a.env, 5000), None)}
    cfg = matrl.MATRLConfig(steps_per_iter=a.steps_per_iter)
    cpu = {}  # CPU seconds of this process: robust to other jobs sharing the cores, unlike wall time
    for algo in ("IL", "MATRL"):
        t0, c0 = time.perf_counter(), time.process_time()
        df = matrl.train(a.env, algo, cfg, seed=0, iterations=a.iterations, progress=False)
        wall, cpu[algo] = time.perf_counter() - t0, time.process_time() - c0
        rows[algo] = (a.iterations * a.steps_per_iter / wall, wall)
        parts = df[["t_rollout", "t_tpr", "t_meta", "t_br"]].sum()
        print(f"{algo:6s} {a.iterations} x {a.steps_per_iter} steps in {wall:.1f} s  "
              f"(rollout {parts.t_rollout:.1f} s, TPR {parts.t_tpr:.1f} s, meta {parts.t_meta:.2f} s, BR {parts.t_br:.1f} s)")
    mcfg = maddpg.MADDPGConfig(hidden=(64, 64), start_steps=1000, update_after=1000, log_every=a.maddpg_steps)
    t0, c0 = time.perf_counter(), time.process_time()
    maddpg.train(a.env, mcfg, seed=0, total_steps=a.maddpg_steps)
    wall, cpu["MADDPG"] = time.perf_counter() - t0, time.process_time() - c0
    rows["MADDPG"] = (a.maddpg_steps / wall, wall)
    print(f"MADDPG {a.maddpg_steps} steps in {wall:.1f} s (one gradient step per env step after 1000)")
    print(f"\n{a.env}: training throughput, one process")
    steps = {"IL": a.iterations * a.steps_per_iter, "MATRL": a.iterations * a.steps_per_iter, "MADDPG": a.maddpg_steps}
    for k, (sps, _) in rows.items():
        extra = f"   ({steps[k] / cpu[k]:6.0f} per CPU second)" if k in cpu else ""
        print(f"  {k:28s} {sps:8.0f} env steps/s{extra}")
    print(f"  MATRL / IL wall-time ratio at equal steps: {rows['MATRL'][1] / rows['IL'][1]:.2f} "
          f"(CPU-time ratio {cpu['MATRL'] / cpu['IL']:.2f})")


if __name__ == "__main__":
    main()
