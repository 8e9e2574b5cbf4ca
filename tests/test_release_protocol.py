"Fast checks of the release script's Table-1 protocol as re-implemented in matrl_nb.matrix_games (derivation: nbs/00)."
import warnings

import nashpy
import numpy as np
import pytest

from matrl_nb.matrix_games import (GAME_CLASSES, OUR_PROTOCOL, RELEASE_PROTOCOL, _release_payoffs, bimatrix,
                                   classify_games, nash_equilibria, release_converge_step, release_filter, release_game,
                                   release_games, release_kl, release_last_equilibrium, release_rates,
                                   release_reference_equilibrium, simulate, simulate_release, table1_release)


@pytest.mark.parametrize("game_class", ["coordination", "anti_coordination", "cyclic"])
def test_release_generators_give_their_class_for_every_seed(game_class):
    G = release_games(game_class, 200)
    assert G.shape == (200, 2, 2, 2) and (classify_games(G) == game_class).all()
    assert release_filter(G).all()  # continuous payoffs: 1 or 3 equilibria, nothing skipped


def test_release_dominance_recipe_is_not_always_dominance_solvable():
    G = release_games("dominance_solvable", 200)
    A = G[:, 0]
    assert ((A[:, 0, 1] > A[:, 0, 0]) | (A[:, 1, 1] > A[:, 1, 0])).all()  # what the release asserts
    counts = {c: int((classify_games(G) == c).sum()) for c in GAME_CLASSES}
    assert counts == {"coordination": 8, "anti_coordination": 9, "cyclic": 28, "dominance_solvable": 155}


@pytest.mark.parametrize("game_class", GAME_CLASSES)
def test_randomstate_equals_legacy_global_seeding(game_class):
    state = np.random.get_state()
    try:
        for seed in (0, 3, 199):
            np.random.seed(seed)
            legacy = _release_payoffs(game_class, np.random.random_sample)
            assert np.array_equal(legacy, release_game(game_class, seed))
    finally:
        np.random.set_state(state)
    before = np.random.get_state()[1].copy()
    release_game(game_class, 5)
    assert np.array_equal(before, np.random.get_state()[1])  # the global state is untouched


def test_release_filter_hand_made():
    mp = bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])            # 1 equilibrium: kept
    two = bimatrix([[1, 0], [0, 0]], [[1, 0], [0, 0]])                # two pure equilibria, a weak one: 2
    four = np.zeros((2, 2, 2))                                         # every pure profile: 4
    stag = bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])               # 3 equilibria: kept
    P = np.stack([mp, two, four, stag])
    assert release_filter(P).tolist() == [True, False, False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = [len(list(nashpy.Game(g[0], g[1]).support_enumeration())) for g in P]
    assert counts == [1, 2, 4, 3]
    pts, ok = nash_equilibria(stag[None])
    assert release_reference_equilibrium(pts, ok).tolist() == [[1.0, 1.0]]  # the first one: pure (stag, stag)


def test_release_normalisation_hand_made():
    steps = {"IGA": [0, 5, 3, 0], "WoLF-IGA": [2, 0, 4, 0], "MATRL-IGA": [1, 2, 3, 0]}
    r = release_rates(steps)
    assert r["WoLF-IGA"] == (1.0, 3.0) and r["IGA"] == (1.0, 4.0) and r["MATRL-IGA"] == (1.5, 2.0)
    r = release_rates(steps, normalise="all")
    assert r["IGA"][0] == 0.5 and r["MATRL-IGA"][0] == 0.75 and r["WoLF-IGA"][0] == 0.5
    assert np.isnan(release_rates({"IGA": [1], "WoLF-IGA": [0]})["IGA"][0])
    with pytest.raises(ValueError, match="normalise"): release_rates(steps, normalise="games")
    with pytest.raises(ValueError, match="WoLF"): release_rates({"IGA": [1]})


def test_release_convergence_test_hand_made():
    pts = np.array([[[0, 0], [0, 0], [0, 0], [0, 0], [0.5, 0.5]]] * 3, dtype=float)
    ok = np.array([[False] * 4 + [True]] * 3)
    traj = np.array([  # (T+1, G, 2); row 0 is the start, never checked
        [[0.5, 0.5], [0.9, 0.2], [0.9, 0.2]],
        [[0.52, 0.48], [0.9, 0.2], [0.54, 0.54]],   # after update i=0: game 0 in the box; game 2's point is in the
        [[0.60, 0.50], [0.7, 0.4], [0.9, 0.2]],     # box but 0.057 from the NE (a ball would miss it)
        [[0.54, 0.46], [0.55, 0.5], [0.9, 0.2]],    # game 1: exactly 0.05 away is not inside (strict)
        [[0.9, 0.2], [0.53, 0.47], [0.9, 0.2]],     # game 1: first hit at i=3
    ])
    assert release_converge_step(traj, pts, ok).tolist() == [0, 3, 0]              # i = 0 counts as not converged
    assert release_converge_step(traj, pts, ok, runs_on=True).tolist() == [2, 3, 0]  # WoLF-IGA records its next hit
    with pytest.raises(ValueError, match="traj"): release_converge_step(traj[:, :, 0], pts, ok)


def test_release_kl_and_nan_to_one():
    assert release_kl(0.0, 0.3) == 0 and release_kl(0.4, 1.0) == 0
    assert np.isclose(release_kl(0.3, 0.4), 0.3 * np.log(0.3 / 0.4) + 0.7 * np.log(0.7 / 0.6))
    assert np.isnan(release_kl(0.01, -0.02))
    # a game where the row player's prediction leaves [0, 1] from below: the release sets it to 1
    P = bimatrix([[0, 0], [1, 1]], [[0, 0], [0, 0]])[None]  # row prefers action 1: dV/dp = -1
    out = simulate_release(P, "MATRL-IGA", steps=1, p0=0.01, q0=0.5)
    assert out["kl_nan"].tolist() == [1]


def test_release_last_equilibrium_matches_nashpy():
    rng = np.random.default_rng(0)
    Ms = np.concatenate([rng.normal(size=(60, 2, 2, 2)), rng.integers(-1, 2, size=(60, 2, 2, 2)).astype(float)])
    Ms[:, :, 0, 0] = 0.0
    Ms[60:75, 0, 1] = Ms[60:75, 0, 0]  # the row player indifferent everywhere (a policy on the boundary)
    rho, none = release_last_equilibrium(Ms)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for M, r, n in zip(Ms, rho, none):
            last = None
            for eq in nashpy.Game(M[0], M[1]).support_enumeration(): last = eq
            assert (last is None) == n
            if last is not None: assert np.allclose([last[0][0], last[1][0]], r, atol=1e-9)


def test_our_protocol_switches_reproduce_our_learners():
    P = np.concatenate([release_games("cyclic", 3), release_games("coordination", 2)])
    for learner in ("IGA", "IGA-PP", "WoLF-IGA"):
        a = simulate_release(P, learner, steps=200, baselines="ours")["traj"]
        b = simulate(P, learner, steps=200, record=True).trajectory
        assert np.allclose(a, b, atol=1e-9), learner
    a = simulate_release(P, "MATRL-IGA", steps=200, meta_entries="exact", kl_push=False, select="first")["traj"]
    b = simulate(P, "MATRL-IGA", steps=200, record=True, select="first").trajectory
    assert np.allclose(a, b, atol=1e-9)


def test_table1_release_small_and_switch_errors():
    d = table1_release(5, 200, classes=("cyclic",))
    assert d.columns[:5].tolist() == ["class", "algorithm", "rate", "mean_steps", "games"]
    assert (d.games == 5).all() and float(d[d.algorithm == "WoLF-IGA"].rate.iloc[0]) == 1.0
    o = table1_release(5, 200, classes=("cyclic",), **OUR_PROTOCOL)
    assert (o.rate == o.rate_all).all()
    with pytest.raises(ValueError, match="unknown protocol switch"): table1_release(5, 10, colour="red")
    with pytest.raises(ValueError, match="normalise"): table1_release(5, 10, normalise="games")
    assert set(RELEASE_PROTOCOL) == set(OUR_PROTOCOL)
