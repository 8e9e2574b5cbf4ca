"""Benchmark of the meta-game solvers and estimator, measured side by side in one run.

    .venv/bin/python bench/nash.py [--quick]

Goals (issue 4): equilibria_2x2 >= 20x faster than nashpy's support_enumeration and < 50 us per call;
solve_nash with CMA-ES < 100 ms per call at n = 4; the meta-game from 2,000 samples with n = 4 < 1 ms.
Prints per-call times and the ratios; it asserts nothing (timings depend on the machine and its load).
"""
import argparse
import time
import warnings

import numpy as np

from matrl_nb.meta_game import meta_game_from_samples
from matrl_nb.nash import equilibria_2x2, solve_nash, solve_nash_2x2_batch


def per_call(f, args_list, repeat=3):
    "Best-of-`repeat` mean seconds per call of f over args_list."
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        for a in args_list: f(*a)
        best = min(best, (time.perf_counter() - t) / len(args_list))
    return best


def main(quick=False):
    import nashpy
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    G = rng.uniform(size=(300 if quick else 2000, 2, 2, 2))
    t_ours = per_call(equilibria_2x2, [(P,) for P in G])
    t_np = per_call(lambda P: list(nashpy.Game(P[0], P[1]).support_enumeration()), [(P,) for P in G[:300]], repeat=1)
    t_batch = min(per_call(solve_nash_2x2_batch, [(G, "random", 0)]) for _ in range(3)) / len(G)
    print(f"2x2 games, per game: equilibria_2x2 {t_ours * 1e6:.1f} us | nashpy support_enumeration {t_np * 1e6:.0f} us "
          f"| ratio {t_np / t_ours:.0f}x (goal >= 20x, < 50 us) | solve_nash_2x2_batch {t_batch * 1e6:.2f} us "
          f"({t_ours / t_batch:.0f}x faster than the scalar call)")
    n_games = 20 if quick else 100
    for n in (2, 3, 4):
        Ps = [np.random.default_rng(100 * n + k).uniform(size=(n,) + (2,) * n) for k in range(n_games)]
        ts, ok = [], 0
        for k, P in enumerate(Ps):
            t = time.perf_counter(); r = solve_nash(P, method="cmaes", rng=k); ts.append(time.perf_counter() - t)
            ok += r.converged
        ts = np.array(ts)
        print(f"solve_nash cmaes n={n}: median {np.median(ts) * 1e3:.1f} ms, mean {ts.mean() * 1e3:.1f} ms, "
              f"p90 {np.quantile(ts, 0.9) * 1e3:.1f} ms over {n_games} random games ({ok} converged; goal at n=4: < 100 ms)")
    for n in (2, 3, 4):
        Ps = [np.random.default_rng(100 * n + k).uniform(size=(n,) + (2,) * n) for k in range(n_games)]
        t = per_call(lambda P: solve_nash(P, method="auto", rng=0), [(P,) for P in Ps], repeat=1)
        print(f"solve_nash auto  n={n}: mean {t * 1e3:.2f} ms")
    T, n = 2000, 4
    adv, lc = rng.normal(size=(T, n)), rng.normal(size=(T, n)) - 1.0
    lp = lc + 0.1 * rng.normal(size=(T, n))
    t_mg = per_call(meta_game_from_samples, [(adv, lc, lp)] * 200)
    print(f"meta_game_from_samples T={T}, n={n}: {t_mg * 1e3:.3f} ms (goal < 1 ms)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer games (a few seconds)")
    main(ap.parse_args().quick)
