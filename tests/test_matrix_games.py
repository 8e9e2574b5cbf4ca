"Fast checks of matrl_nb.matrix_games (the notebook 00_matrix_games holds the derivations and more asserts)."
import numpy as np
import pytest

from matrl_nb import nash
from matrl_nb.matrix_games import (GAME_CLASSES, LEARNERS, bimatrix, classify_games, convergence_steps,
                                   iga_pp_step, iga_step, matrl_iga_step, meta_game, named_game, nash_equilibria,
                                   sample_games, sample_table1_games, simulate, summarise, table1)


def test_matching_pennies_iga_cycles_matrl_converges():
    mp = named_game("matching_pennies")
    iga = simulate(mp, "IGA", steps=1000)
    assert iga.first_step[0] == -1 and iga.stay_step[0] == -1
    matrl = simulate(mp, "MATRL-IGA", steps=1000)
    assert 0 <= matrl.stay_step[0] <= 1000 and np.allclose(matrl.final, 0.5, atol=0.05)


@pytest.mark.parametrize("learner", LEARNERS)
def test_dominance_solvable_reach_pure_nash(learner):
    games = np.stack([named_game("prisoners_dilemma"), bimatrix([[3, 2], [1, 0]], [[2, 0], [0, 1]]),
                      bimatrix([[1, 0], [2, 3]], [[1, 0], [0, 2]])])
    r = simulate(games, learner, steps=1000)
    assert (r.stay_step >= 0).all()
    assert np.allclose(r.final, [[0, 0], [1, 1], [0, 0]], atol=0.05)


def test_rates_by_hand_on_five_games():
    P = np.concatenate([named_game("matching_pennies")[None], named_game("chicken")[None],
                        sample_games("cyclic", 2, seed=4), sample_games("anti_coordination", 1, seed=4)])
    labels = np.array(["a", "a", "b", "b", "b"], dtype=object)
    for learner in LEARNERS:
        r = simulate(P, learner, steps=400, record=True)
        pts, ok = nash_equilibria(P)
        stay = []
        for g in range(5):
            d = [min(np.hypot(x - a, y - b) for (a, b), v in zip(pts[g], ok[g]) if v) for x, y in r.trajectory[:, g]]
            stay.append(next((t for t in range(len(d)) if max(d[t:]) <= 0.05), -1))
        assert r.stay_step.tolist() == stay
        # per-class rate over all games of the class, by hand
        for c in ("a", "b"):
            m = labels == c
            assert np.mean(r.stay_step[m] >= 0) == np.mean([s >= 0 for s, l in zip(stay, labels) if l == c])


def test_convergence_steps_hand_made():
    d = np.array([[.9, .04, .9], [.04, .06, .9], [.03, .04, .04]])
    first, stay = convergence_steps(d)
    assert first.tolist() == [1, 0, 2] and stay.tolist() == [1, 2, 2]


def test_summarise_divides_by_all_games():
    P, labels = sample_table1_games(10, seed=1, classes=("cyclic", "coordination"))
    r = simulate(P, "IGA", steps=200)
    rows = {row["game_class"]: row for row in summarise(r, labels)}
    assert rows["cyclic"]["games"] == 10
    assert rows["cyclic"]["rate_stay"] == 100 * np.mean(r.stay_step[:10] >= 0)


def test_batch_equals_per_game():
    P = sample_games("coordination", 6, seed=9)
    for learner in ("IGA", "IGA-PP", "WoLF-IGA"):
        batch = simulate(P, learner, steps=300)
        for g in range(6):
            assert np.allclose(simulate(P[g], learner, steps=300).final[0], batch.final[g])


def test_degenerate_rho_cases():
    P = sample_games("cyclic", 16, seed=2)
    p, q = np.random.default_rng(3).random((2, 16))
    assert np.allclose(iga_step(P, p, q, lr=0.03), iga_pp_step(P, p, q, lr=0.03, gamma=0.0))
    mp = np.repeat(named_game("matching_pennies")[None], 2, 0)
    p1, q1, info = matrl_iga_step(mp, np.full(2, 0.9), np.full(2, 0.2))
    assert np.allclose(info["rho"], 0)
    assert np.allclose([p1, q1], iga_pp_step(mp, np.full(2, 0.9), np.full(2, 0.2), lr=0.03, gamma=0.02))
    M = meta_game(P, p, q, np.clip(p + 0.1, 0, 1), np.clip(q - 0.1, 0, 1))
    assert np.all(M[:, :, 0, 0] == 0)


def test_equilibria_match_nash_module():
    P, _ = sample_table1_games(5, seed=12)
    pts, ok = nash_equilibria(P)
    for g in range(len(P)):
        mine = sorted(tuple(np.round(x, 9)) for x in pts[g][ok[g]])
        theirs = sorted(tuple(np.round(x, 9)) for x in nash.equilibria_2x2(P[g]))
        assert mine == theirs


def test_classes_and_sampler():
    assert classify_games(np.stack([named_game(n) for n in ("matching_pennies", "chicken", "prisoners_dilemma",
                                                            "stag_hunt")])).tolist() == \
        ["cyclic", "anti_coordination", "dominance_solvable", "coordination"]
    for c in GAME_CLASSES:
        g = sample_games(c, 20, seed=5)
        assert (classify_games(g) == c).all() and np.array_equal(g, sample_games(c, 20, seed=5))


def test_no_nan_and_in_range():
    P = np.random.default_rng(0).normal(size=(200, 2, 2, 2)) * 100
    for learner in LEARNERS:
        r = simulate(P, learner, steps=50, record=True)
        assert np.isfinite(r.trajectory).all() and (r.trajectory >= 0).all() and (r.trajectory <= 1).all()


@pytest.mark.parametrize("call, words", [
    (lambda: simulate(np.zeros((3, 2, 2)), "IGA"), ["shape"]),
    (lambda: simulate(np.full((2, 2, 2, 2), np.nan), "IGA"), ["NaN"]),
    (lambda: simulate(named_game("chicken"), "IGA", p0=-0.1), ["p0"]),
    (lambda: simulate(named_game("chicken"), "IGA", q0=[0.1, 0.2]), ["q0", "shape"]),
    (lambda: simulate(named_game("chicken"), "Q-learning"), ["unknown learner"]),
    (lambda: simulate(named_game("chicken"), "MATRL-IGA", select="best"), ["select"]),
    (lambda: sample_games("zero_sum", 3), ["unknown game class"]),
    (lambda: named_game("rps"), ["unknown game"]),
    (lambda: table1(2, 10, variants=["SGD"]), ["unknown variant"]),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError) as e:
        call()
    assert all(w in str(e.value) for w in words)
