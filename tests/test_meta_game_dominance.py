"Fast checks of the 'prediction is dominant' proposition and the meta-game options (derivation: nbs/02_meta_game)."
import numpy as np
import pytest

from matrl_nb.meta_game import (RELEASE_CMA_SETTINGS, interaction_terms, meta_game_from_samples, meta_game_release,
                                prediction_dominant, profiles)


def _batch(seed, T=4000, n=3):
    "Advantages, behaviour log-probs, and a direction u correlated with each agent's own advantage (a policy step)."
    g = np.random.default_rng(seed)
    common = g.exponential(size=(T, 1)) - 1.0       # a skewed common factor: E[u_i u_j A_i] is of order 1
    adv = common + 0.5 * g.normal(size=(T, n))
    lc = np.log(g.uniform(0.1, 0.9, size=(T, n)))
    u = adv + 0.5 * g.normal(size=(T, n))
    return adv, lc, u


def _own_gains(M):
    n = M.shape[0]
    return np.array([M[i][tuple(int(k == i) for k in range(n))] for i in range(n)])


@pytest.mark.parametrize("seed", range(5))
def test_interactions_scale_quadratically_gains_linearly(seed):
    adv, lc, u = _batch(seed)
    eps = 1e-2
    M1 = meta_game_from_samples(adv, lc, lc + eps * u)
    M2 = meta_game_from_samples(adv, lc, lc + eps / 10 * u)
    g1, g2 = _own_gains(M1), _own_gains(M2)
    I1, I2 = interaction_terms(M1), interaction_terms(M2)
    off = ~np.eye(3, dtype=bool)
    assert np.all(g1 > 0) and np.all(g2 > 0)
    assert np.allclose(g1 / g2, 10, rtol=0.05)
    assert np.allclose(I1[off] / I2[off], 100, rtol=0.1)
    # and the interactions are exactly the batch means of d_i d_j A_i
    d = np.exp(eps * u) - 1
    assert np.allclose(I1[off], (np.einsum("ti,tj,ti->ij", d, d, adv) / len(adv))[off], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_small_steps_with_positive_gain_are_strictly_dominant(seed):
    adv, lc, u = _batch(seed, n=4)
    M = meta_game_from_samples(adv, lc, lc + 1e-3 * u)
    assert np.all(_own_gains(M) > 0)
    assert prediction_dominant(M).tolist() == [True] * 4
    # reversing one agent's step makes its own gain negative: then staying is dominant for it
    u2 = u.copy(); u2[:, 1] *= -1
    M2 = meta_game_from_samples(adv, lc, lc + 1e-3 * u2)
    assert prediction_dominant(M2).tolist() == [True, False, True, True]


def test_hand_made_meta_game_not_dominant():
    # agent 0 gains 0.1 by switching if agent 1 stays, loses 1.5 if agent 1 switches
    M = np.array([[[0.0, 0.5], [0.1, -1.0]], [[0.0, 0.3], [0.0, 0.4]]])
    assert prediction_dominant(M).tolist() == [False, True]
    assert np.allclose(interaction_terms(M), [[0.0, -1.6], [0.1, 0.0]])
    assert prediction_dominant(np.zeros((2, 2, 2)), strict=False).tolist() == [True, True]
    assert prediction_dominant(np.zeros((2, 2, 2))).tolist() == [False, False]


def test_bad_meta_games_are_refused():
    with pytest.raises(ValueError, match="shape"): interaction_terms(np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="shape"): prediction_dominant(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="NaN"): interaction_terms(np.full((2, 2, 2), np.nan))
    with pytest.raises(TypeError, match="strict"): prediction_dominant(np.zeros((2, 2, 2)), strict=1)


def test_centred_removes_a_common_offset():
    adv, lc, u = _batch(0)
    lp = lc + 0.1 * u
    base = meta_game_from_samples(adv, lc, lp, centred=True)
    assert np.allclose(meta_game_from_samples(adv + np.array([5.0, -3.0, 0.2]), lc, lp, centred=True), base)
    assert np.allclose(meta_game_from_samples(adv - adv.mean(0), lc, lp), base, atol=1e-14)
    assert np.all(base[:, 0, 0, 0] == 0)
    with pytest.raises(TypeError, match="centred"): meta_game_from_samples(adv, lc, lp, centred="yes")


def test_release_meta_game_formula_and_scale():
    adv, lc, u = _batch(1, n=2)
    lp = lc + 0.1 * u
    M = meta_game_release(adv, lc, lp)
    assert np.all(M[:, 0, 0] == 0)
    An = (adv - adv.mean(0)) / adv.std(0)
    r = np.exp(lp - lc)
    assert np.isclose(M[0, 1, 1], An[:, 0].mean() * (r[:, 0] * r[:, 1]).mean(), atol=1e-6)
    assert np.abs(M).max() < 1e-5  # normalised advantages: every entry is float32 noise
    # the 3-player typo: profile (1,0,0) gets the value of (1,0,1)
    adv3, lc3, u3 = _batch(2, n=3)
    R, Rt = meta_game_release(adv3, lc3, lc3 + 0.1 * u3), meta_game_release(adv3, lc3, lc3 + 0.1 * u3, release_typos=True)
    assert np.array_equal(Rt[:, 1, 0, 0], R[:, 1, 0, 1]) and not np.array_equal(R[:, 1, 0, 0], R[:, 1, 0, 1])
    assert sum(not np.array_equal(Rt[(slice(None),) + tuple(s)], R[(slice(None),) + tuple(s)]) for s in profiles(3)) == 1


def test_release_cma_settings():
    assert RELEASE_CMA_SETTINGS["sigma0"] == 0.3 and RELEASE_CMA_SETTINGS["bounds"] is None
    assert RELEASE_CMA_SETTINGS["popsize_by_n"] == {n: int(4 + 3 * np.log(2 * n)) for n in (2, 3, 4)}
