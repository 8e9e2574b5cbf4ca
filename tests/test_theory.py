"Plain tests of matrl_nb.theory (Theorem 1 tools): exact evaluation, hand-worked bound, bad input."
import numpy as np
import pytest

from matrl_nb.theory import (aggregate, evaluate, expected_return, markov_game, monte_carlo_return,
                             random_markov_games, theorem1_draws, trust_payoff_bound, check_policies,
                             opponents_tv)


def test_exact_matches_monte_carlo():
    rng = np.random.default_rng(0)
    G = random_markov_games(rng, 1, 3, (2, 2), 0.7)
    pis = [rng.dirichlet(np.ones(2), size=(1, 3)) for _ in range(2)]
    eta = evaluate(G, pis).eta[0]
    mean, se = monte_carlo_return(G, pis, 20_000, 60, np.random.default_rng(1))
    assert np.all(np.abs(mean - eta) < 3 * se)


def test_one_state_hand_value():
    mp = np.array([[1.0, -1.0], [-1.0, 1.0]])
    G = markov_game(np.ones((1, 2, 2, 1)), np.stack([mp, -mp])[:, None], [1.0], 0.5)
    b = trust_payoff_bound(G, [np.full((1, 2), 0.5)] * 2, [np.array([[0.7, 0.3]]), np.array([[0.6, 0.4]])])
    # g_1 = 2 * (0.54 - 0.46); alpha = 0.2 + 0.1 - 0.02; penalty = 4 * 0.5 / 0.25 * 0.28^2
    assert np.allclose(b["rhs"], [[0.16 - 0.6272, -0.16 - 0.6272]])
    assert np.allclose(b["lhs"], b["g"])


def test_visitation_unnormalised_and_returns_agree():
    G = random_markov_games(np.random.default_rng(2), 5, 4, (3, 2, 2), 0.95)
    pis = [np.full((4, a), 1 / a) for a in G.actions]
    ev = evaluate(G, pis)
    assert np.allclose(ev.d.sum(1), 20.0)
    assert np.allclose(ev.eta, expected_return(G, pis))


def test_opponents_tv_three_agents():
    a = np.array([[0.1, 0.2, 0.5]])
    assert np.allclose(opponents_tv(a), [[1 - 0.8 * 0.5, 1 - 0.9 * 0.5, 1 - 0.9 * 0.8]])


def test_small_batch_of_draws_has_no_violations():
    df = theorem1_draws(400, seed=3, batch=20)
    assert df.violated.sum() == 0 and df.bar_violated.sum() == 0
    assert (df.joint_tv <= df.alpha + 1e-12).all()


@pytest.mark.parametrize("gamma", [1.0, -0.1, 1.5])
def test_bad_gamma(gamma):
    with pytest.raises(ValueError, match="gamma"):
        markov_game(np.ones((1, 2, 2, 1)), np.zeros((2, 1, 2, 2)), [1.0], gamma)


def test_bad_policies_and_shapes():
    G = markov_game(np.ones((1, 2, 2, 1)), np.zeros((2, 1, 2, 2)), [1.0], 0.5)
    with pytest.raises(ValueError, match="sum to 1"):
        check_policies(G, [np.array([[0.7, 0.4]]), np.array([[0.5, 0.5]])])
    with pytest.raises(ValueError, match="outside"):
        check_policies(G, [np.array([[1.2, -0.2]]), np.array([[0.5, 0.5]])])
    with pytest.raises(ValueError, match="shape"):
        check_policies(G, [np.array([[0.5, 0.5, 0.0]]), np.array([[0.5, 0.5]])])
    with pytest.raises(ValueError, match="expected 2 policies"):
        check_policies(G, [np.array([[0.5, 0.5]])])
    with pytest.raises(ValueError, match="R must have shape"):
        markov_game(np.ones((1, 2, 2, 1)), np.zeros((2, 1, 3, 2)), [1.0], 0.5)
    with pytest.raises(ValueError, match="NaN"):
        markov_game(np.ones((1, 2, 2, 1)), np.full((2, 1, 2, 2), np.nan), [1.0], 0.5)
    with pytest.raises(ValueError, match="P does not sum"):
        markov_game(np.full((1, 2, 2, 1), 0.5), np.zeros((2, 1, 2, 2)), [1.0], 0.5)
    with pytest.raises(ValueError, match="rho"):
        aggregate([np.full((1, 1, 2), 0.5)] * 2, [np.full((1, 1, 2), 0.5)] * 2, [0.5, 1.5])
    with pytest.raises(ValueError, match="unknown step kind"):
        theorem1_draws(10, 0, steps=(("adam", 0.1),))
