"""Fast tests of matrl_nb.nash and matrl_nb.meta_game (the notebooks 02 and 02a hold the full-scale checks)."""
import itertools
import warnings

import numpy as np
import pytest

from matrl_nb.meta_game import effective_sample_size, meta_game_exact, meta_game_from_samples, profile_weights
from matrl_nb.nash import (NashResult, equilibria_2x2, lyapunov, nash_conv, pure_equilibria, solve_nash,
                           solve_nash_2x2_batch)

MP = np.array([[[1., -1.], [-1., 1.]], [[-1., 1.], [1., -1.]]])
PD = np.array([[[3., 0.], [5., 1.]], [[3., 5.], [0., 1.]]])
CO = np.array([[[2., 0.], [0., 1.]], [[2., 0.], [0., 1.]]])


def as_set(eqs):
    return sorted(tuple(np.round(e, 9)) for e in eqs)


def test_named_games():
    assert as_set(equilibria_2x2(MP)) == [(0.5, 0.5)]
    assert as_set(equilibria_2x2(PD)) == [(0.0, 0.0)]
    assert as_set(equilibria_2x2(CO)) == as_set([(0, 0), (1 / 3, 1 / 3), (1, 1)])
    assert as_set(equilibria_2x2(np.zeros((2, 2, 2)))) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_matches_nashpy_on_random_games():
    import nashpy
    rng = np.random.default_rng(7)
    for P in rng.uniform(size=(300, 2, 2, 2)):
        ref = as_set(np.array([sr[0], sc[0]]) for sr, sc in nashpy.Game(P[0], P[1]).support_enumeration())
        ours = as_set(equilibria_2x2(P))
        assert len(ours) == len(ref) and np.allclose(ours, ref, atol=1e-8)
        assert all(nash_conv(P, e) <= 1e-9 for e in equilibria_2x2(P))


@pytest.mark.parametrize("select", ["first", "welfare"])
def test_batch_equals_scalar_with_ties(select):
    rng = np.random.default_rng(3)
    G = np.concatenate([rng.integers(-1, 2, (1000, 2, 2, 2)).astype(float), rng.normal(size=(500, 2, 2, 2))])
    Rb = solve_nash_2x2_batch(G, select=select)
    Rs = np.array([solve_nash(P, method="exact", select=select).rho for P in G])
    assert np.array_equal(Rb, Rs)


def test_batch_random_is_an_equilibrium_and_seeded():
    rng = np.random.default_rng(4)
    G = rng.integers(-1, 2, (500, 2, 2, 2)).astype(float)
    R = solve_nash_2x2_batch(G, select="random", rng=1)
    assert np.array_equal(R, solve_nash_2x2_batch(G, select="random", rng=1))
    assert all(any(np.array_equal(r, e) for e in equilibria_2x2(P)) for r, P in zip(R, G))


def test_pure_enumeration_is_complete():
    rng = np.random.default_rng(5)
    for n in (1, 3, 4):
        for _ in range(50):
            P = rng.integers(-1, 2, size=(n,) + (2,) * n).astype(float)
            brute = {r for r in itertools.product((0.0, 1.0), repeat=n) if nash_conv(P, r) <= 1e-12}
            assert brute == {tuple(e) for e in pure_equilibria(P)}


@pytest.mark.parametrize("n", [3, 4])
def test_cmaes_random_games(n):
    ok = 0
    for k in range(10):
        P = np.random.default_rng(50 + k).uniform(size=(n,) + (2,) * n)
        r = solve_nash(P, method="cmaes", rng=k)
        assert isinstance(r, NashResult) and r.method == "cmaes"
        ok += r.converged and r.nash_conv <= 1e-6
    assert ok >= 9


def test_solve_nash_seeds_reproduce_and_select():
    P = np.random.default_rng(9).uniform(size=(3, 2, 2, 2))
    a, b = solve_nash(P, method="cmaes", rng=3), solve_nash(P, method="cmaes", rng=3)
    assert np.array_equal(a.rho, b.rho)
    assert np.array_equal(solve_nash(CO, select="first").rho, [1.0, 1.0])
    assert len({tuple(solve_nash(CO, rng=k).rho.round(6)) for k in range(40)}) == 3


@pytest.mark.parametrize("call,match", [
    (lambda: nash_conv(np.zeros((2, 2, 3)), [0.5, 0.5]), "shape"),
    (lambda: nash_conv(np.zeros((0,)), []), "n >= 1"),
    (lambda: nash_conv(np.full((2, 2, 2), np.inf), [0.5, 0.5]), "NaN or inf"),
    (lambda: nash_conv(MP, [0.5, -0.1]), "outside [0, 1]"),
    (lambda: lyapunov(MP, [[0.5, 2.0]]), "outside [0, 1]"),
    (lambda: solve_nash(MP, method="nope"), "method"),
    (lambda: solve_nash(MP, select="nope"), "select"),
    (lambda: solve_nash(np.zeros((3, 2, 2, 2)), method="exact"), "2-player"),
    (lambda: solve_nash_2x2_batch(np.zeros((4, 2, 2))), "(G, 2, 2, 2)"),
    (lambda: solve_nash_2x2_batch(np.full((4, 2, 2, 2), np.nan)), "NaN"),
    (lambda: meta_game_from_samples(np.zeros((5, 2)), np.zeros((5, 3)), np.zeros((5, 3))), "shape"),
    (lambda: meta_game_from_samples(np.zeros((5, 0)), np.zeros((5, 0)), np.zeros((5, 0))), "n = 0"),
    (lambda: meta_game_from_samples(np.full((5, 2), np.nan), np.zeros((5, 2)), np.zeros((5, 2))), "NaN"),
    (lambda: effective_sample_size([-1.0, 1.0]), "non-negative"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        call()


def test_meta_game_from_samples_exact_zero_and_formula():
    rng = np.random.default_rng(0)
    T, n = 500, 3
    adv, lc = rng.normal(size=(T, n)), -rng.uniform(0.5, 2, size=(T, n))
    lp = lc + 0.2 * rng.normal(size=(T, n))
    M = meta_game_from_samples(adv, lc, lp)
    assert M.shape == (n, 2, 2, 2) and np.all(M[:, 0, 0, 0] == 0.0)
    r = np.exp(lp - lc)
    for s in itertools.product((0, 1), repeat=n):       # the definition, one profile at a time
        w = np.prod([r[:, j] if s[j] else np.ones(T) for j in range(n)], axis=0)
        assert np.allclose(M[(slice(None),) + s], ((w - 1)[:, None] * adv).mean(0))
    assert np.all(np.abs(profile_weights(lc, lp, clip=0.1) - 1) <= 0.1 + 1e-12)


def test_meta_game_exact_single_state_is_value_difference():
    # one state, two agents: M_i[sigma] = V_i(p^sigma) - V_i(p) for the bilinear values of a matrix game
    rng = np.random.default_rng(1)
    R = rng.normal(size=(2, 2, 2))
    p, ph = np.array([[0.3, 0.7]]), np.array([[0.6, 0.4]])
    q, qh = np.array([[0.8, 0.2]]), np.array([[0.5, 0.5]])
    V = lambda i, a, b: a[0] @ R[i] @ b[0]
    A = np.stack([R[i] - V(i, p, q) for i in range(2)])[:, None]
    M = meta_game_exact(A, [p, q], [ph, qh])
    for s1, s2 in itertools.product((0, 1), repeat=2):
        a, b = (ph if s1 else p), (qh if s2 else q)
        assert np.allclose(M[:, s1, s2], [V(i, a, b) - V(i, p, q) for i in range(2)])
