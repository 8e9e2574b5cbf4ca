"""Benchmark: 10,000 exact Theorem-1 draws (batched linear solves) must take < 60 s on 2 cores.

Prints the wall time, the time per draw, and, side by side in the same run, the same draws
evaluated one game at a time (batch=1) on a subset, so the batching speed-up is a measured ratio."""
import time

from matrl_nb.theory import theorem1_draws

N, N_UNBATCHED = 10_000, 500
t0 = time.perf_counter(); df = theorem1_draws(N, seed=0); t_batched = time.perf_counter() - t0
t0 = time.perf_counter(); theorem1_draws(N_UNBATCHED, seed=0, batch=1); t_single = time.perf_counter() - t0
per_b, per_s = t_batched / N, t_single / N_UNBATCHED
print(f"batched (50 games per solve): {N:,} draws ({len(df):,} agent checks) in {t_batched:.2f} s, "
      f"{1e3 * per_b:.3f} ms per draw")
print(f"one game per solve:           {N_UNBATCHED:,} draws in {t_single:.2f} s, {1e3 * per_s:.3f} ms per draw")
print(f"batching speed-up: {per_s / per_b:.1f}x; goal 10,000 draws < 60 s: {'met' if t_batched < 60 else 'MISSED'}")
print(f"violations: Theorem 1 {int(df.violated.sum())}, Remark 1 {int(df.bar_violated.sum())}, "
      f"single-agent {int(df.single_violated.sum())}")
