"Plain tests of matrl_nb.stability (Theorem 2 tools)."
import numpy as np
import pytest

from matrl_nb.stability import classify_fixed_point, game_jacobian, restricted_payoffs, simultaneous_gradient

MP = np.array([[[0., -2.], [-2., 0.]], [[0., 2.], [2., 0.]]])       # matching pennies, M_i[00] = 0
COORD = np.array([[[0., -1.], [-1., 1.]], [[0., -1.], [-1., 1.]]])


def test_jacobian_has_zero_diagonal_and_is_exact():
    rng = np.random.default_rng(0)
    P = rng.normal(size=(3, 2, 2, 2)); P[:, 0, 0, 0] = 0
    r = rng.uniform(size=3)
    J = game_jacobian(P, r)
    assert np.allclose(np.diag(J), 0)
    h = 1e-6
    for j in range(3):
        e = np.eye(3)[j] * h
        fd = (simultaneous_gradient(P, r + e) - simultaneous_gradient(P, r - e)) / (2 * h)
        assert np.allclose(np.where(np.arange(3) == j, 0, fd), J[:, j], atol=1e-6)


def test_restricted_payoffs_at_pure_profiles_are_the_meta_game():
    P = np.random.default_rng(1).normal(size=(2, 2, 2))
    P[:, 0, 0] = 0
    assert np.allclose(restricted_payoffs(P, [0.0, 1.0]), P[:, 1, 0])  # rho=0 -> strategy 1 (predicted)


def test_classes_of_named_games():
    assert classify_fixed_point(MP, [0.5, 0.5])["cls"] == "interior centre"
    assert classify_fixed_point(COORD, [1.0, 1.0])["cls"] == "pure strict"
    assert classify_fixed_point(COORD, [2 / 3, 2 / 3])["cls"] == "interior saddle"
    assert classify_fixed_point(COORD, [1.0, 0.0])["cls"] == "not an equilibrium"


def test_bad_input():
    with pytest.raises(ValueError):
        classify_fixed_point(MP, [0.5, 1.5])
    with pytest.raises(ValueError):
        classify_fixed_point(MP[:, :, :1], [0.5, 0.5])
    with pytest.raises(ValueError):
        game_jacobian(MP, [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError):
        classify_fixed_point(MP, [0.5, 0.5], tol=0)
