"""Benchmark: all of Table 1 (4 classes x 1,000 games x 4 learners x 1,000 steps), vectorised over games,
next to a per-game Python loop over the same work.

    .venv/bin/python bench/matrix_games.py               # loop timed on 25 games per class, extrapolated
    .venv/bin/python bench/matrix_games.py --loop-games 1000   # the whole loop (minutes)

The loop calls the same `simulate` with one game at a time (G = 1), so the ratio measures what batching
over games buys, not a different implementation. Goal: the vectorised Table 1 in < 10 s on 2 cores.
"""
import argparse
import time

import numpy as np

from matrl_nb.matrix_games import GAME_CLASSES, LEARNERS, sample_table1_games, simulate


def timed(f):
    w, c = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - w, time.process_time() - c


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=1000, help="games per class (Table 1: 1000)")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--loop-games", type=int, default=25, help="games per class timed in the per-game loop")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    P, labels = sample_table1_games(a.games, seed=a.seed)
    G = len(P)
    print(f"Table 1 work: {len(GAME_CLASSES)} classes x {a.games} games x {len(LEARNERS)} learners x {a.steps} steps")

    vec, vec_wall, vec_cpu = {}, 0.0, 0.0
    for l in LEARNERS:
        vec[l], w, c = timed(lambda: simulate(P, l, steps=a.steps, seed=a.seed))
        vec_wall += w; vec_cpu += c
        print(f"  vectorised {l:10s} {w:6.2f} s wall  {c:6.2f} s cpu")
    print(f"vectorised, all of Table 1: {vec_wall:.2f} s wall, {vec_cpu:.2f} s cpu "
          f"({'meets' if vec_wall < 10 else 'MISSES'} the < 10 s goal)")

    # the same work game by game, on a subsample of every class, extrapolated to all G games
    n = min(a.loop_games, a.games)
    idx = np.concatenate([np.flatnonzero(labels == c)[:n] for c in GAME_CLASSES])
    loop_wall, loop_cpu, agree = 0.0, 0.0, {}
    for l in LEARNERS:
        runs, w, c = timed(lambda: [simulate(P[g], l, steps=a.steps, seed=a.seed) for g in idx])
        loop_wall += w; loop_cpu += c
        same = [r.first_step[0] == vec[l].first_step[g] and r.stay_step[0] == vec[l].stay_step[g] for r, g in zip(runs, idx)]
        agree[l] = float(np.mean(same))
    scale = G / len(idx)
    print(f"per-game loop: {len(idx)} games timed ({loop_wall:.2f} s wall, {loop_cpu:.2f} s cpu), "
          f"x{scale:.0f} -> {loop_wall * scale:.1f} s wall, {loop_cpu * scale:.1f} s cpu for all {G} games")
    print(f"speed-up of the vectorised run: {loop_wall * scale / vec_wall:.0f}x wall, {loop_cpu * scale / vec_cpu:.0f}x cpu")
    print("per-game results equal to the batch (convergence steps): " +
          ", ".join(f"{l} {100 * v:.0f}%" for l, v in agree.items()) +
          "  (MATRL's random meta-game selection draws from one generator, so a tie can resolve differently)")


if __name__ == "__main__":
    main()
