"""MADDPG throughput on multi-agent MuJoCo Hopper 3x1: training env steps per second of the current settings
(HARL's: 10 copies in lockstep, 50 gradient steps every 500 env steps, batch 1000, one team critic) against the
earlier ones (`legacy_config()`: one copy, one gradient step per env step, batch 256, a critic per agent), next
to the environment's own random-action throughput, all in this one process with one torch thread.
Goal: >= 300 env steps/s with the default settings.

    python bench/maddpg.py [--steps 6000] [--legacy-steps 3000] [--warmup 1000]

Each run takes `--warmup` steps of random actions (no update), then trains; the rates are over the log rows
after the warm-up, so they are the steady training rate (acting + stepping + gradient steps). Two pairs are
measured: the default networks ([128, 128], batch 1000 vs 256) and those `05_hopper` sets ([64, 64], batch 256
for both). Each rate is given per wall-clock second and per CPU second of this process: on a machine shared
with other jobs the wall-clock rate falls with the load (printed), the CPU-second rate is what an unshared
core does, and the goal is judged on it.
"""
import argparse
import os
import time
import warnings

warnings.filterwarnings("ignore", message=".*AdroitHand.*")

import torch

from matrl_nb.envs import random_steps_per_s


def steady_rates(env, cfg, total, warmup):
    "Env steps per wall-clock second and per CPU second over the log rows after the warm-up."
    from matrl_nb import maddpg
    df = maddpg.train(env, cfg, seed=0, total_steps=total)
    blocks = df.assign(dt=df.wall_s.diff(), ds=df.env_steps.diff())
    d = blocks[blocks.env_steps > warmup + cfg.log_every]  # rows whose whole block had gradient steps
    if d.empty: raise SystemExit(f"--steps/--legacy-steps must exceed warm-up + one log block ({warmup + cfg.log_every})")
    return d.ds.sum() / d.dt.sum(), d.ds.sum() / d.cpu_s.sum()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--env", default="mujoco/hopper-3x1")
    ap.add_argument("--steps", type=int, default=6000, help="env steps of each run with the current settings")
    ap.add_argument("--legacy-steps", type=int, default=3000, help="env steps of each run with the legacy settings")
    ap.add_argument("--warmup", type=int, default=1000, help="random-action steps before the first update")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    from matrl_nb.maddpg import MADDPGConfig, legacy_config
    w, log = a.warmup, 1000
    c0 = time.process_time()
    env_wall = random_steps_per_s(a.env, 5000)
    env_cpu = 5000 / (time.process_time() - c0)  # includes building the env: a slight underestimate
    print(f"{a.env}, one process, one torch thread; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'':58s}{'per wall s':>11s}{'per CPU s':>11s}")
    print(f"  {'random actions (environment only)':56s}{env_wall:11.0f}{env_cpu:11.0f}")
    pairs = {"default networks [128, 128]": {},
             "05_hopper's networks [64, 64], batch 256": dict(hidden=(64, 64), batch_size=256)}
    for name, kw in pairs.items():
        new = MADDPGConfig(start_steps=w, update_after=w, log_every=log, **kw)
        old = legacy_config(start_steps=w, update_after=w, log_every=log, **kw)
        rn, rn_cpu = steady_rates(a.env, new, a.steps, w)
        ro, ro_cpu = steady_rates(a.env, old, a.legacy_steps, w)
        print(f"{name}")
        for tag, cfg, r, rc in (("new", new, rn, rn_cpu), ("old", old, ro, ro_cpu)):
            desc = (f"{tag}: {cfg.n_envs} cop{'ies' if cfg.n_envs > 1 else 'y'}, {cfg.updates_per_block} updates / "
                    f"{cfg.update_every} steps, batch {cfg.batch_size}, {'team critic' if cfg.shared_critic else 'critic per agent'}")
            print(f"  {desc:56s}{r:11.0f}{rc:11.0f}   ({rc / env_cpu:.0%} of env-only per CPU s)")
        print(f"  new / old: {rn / ro:.1f}x per wall s, {rn_cpu / ro_cpu:.1f}x per CPU s; gradient steps per env step "
              f"{new.updates_per_step:g} vs {old.updates_per_step:g}, transitions replayed per env step "
              f"{new.updates_per_step * new.batch_size:g} vs {old.updates_per_step * old.batch_size:g}")
        if not kw:
            print(f"  goal >= 300 env steps/s (default settings, per CPU s): {'meets' if rn_cpu >= 300 else 'MISSES'} "
                  f"({rn_cpu:.0f}; {rn:.0f} per wall s at this load)")


if __name__ == "__main__":
    main()
