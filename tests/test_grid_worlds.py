"""Grid worlds (ma-gym Checkers / Switch4 with the paper's rules), their variants and true global state.

Expected rewards are worked out by hand from the paper's rules (stated in nbs/06_grid_worlds.ipynb), not read off the env."""
import numpy as np
import pytest
import torch

torch.set_num_threads(1)

from matrl_nb.grid_worlds import (CHECKERS_OBS, DOWN, FOOD_CELLS, LEFT, NOOP, REWARDS, RIGHT, RULES, SWITCH4_OBS, UP,
                                  _magym, checkers_env, play, switch4_env)

N = NOOP
SWITCH4_OPTIMAL = ([(DOWN, N, N, N)] + [(RIGHT, N, UP, N)] + [(RIGHT, N, RIGHT, N)] * 4
                   + [(UP, N, RIGHT, UP), (N, N, DOWN, LEFT), (N, DOWN, N, LEFT)] + [(N, LEFT, N, LEFT)] * 3
                   + [(N, LEFT, N, DOWN), (N, UP, N, N), (N, LEFT, N, N)])


def test_switch4_optimal_schedule_gives_14_4():
    R, obs, ends = play(switch4_env(), SWITCH4_OPTIMAL)
    assert R.shape == (15, 4)
    for i, t in {0: 7, 1: 15, 2: 8, 3: 13}.items():
        exp = np.full(15, -0.1)
        exp[t - 1] = 5.0
        np.testing.assert_allclose(R[:, i], exp)
    assert R.sum() == pytest.approx(14.4)
    assert ends[-1] == (True, False) and not any(e[0] or e[1] for e in ends[:-1])


def test_switch4_library_rules_stop_charging_arrived_agents():
    R, _, _ = play(switch4_env("ma-gym-0.0.14"), SWITCH4_OPTIMAL)
    np.testing.assert_allclose(R.sum(0), [4.4, 3.6, 4.3, 3.8])


def test_switch4_truncates_at_50():
    env = switch4_env()
    R, obs, ends = play(env, [(N, N, N, N)] * 70)
    assert len(R) == 50 and ends[-1] == (False, True) and R.sum() == pytest.approx(-20.0)
    assert env.agents == [] and env.observation_space("agent_3").shape == (2,)


def test_checkers_paper_rewards_and_observation():
    env = checkers_env()
    R, O, E = play(env, [(LEFT, LEFT), (LEFT, UP), (DOWN, NOOP), (RIGHT, RIGHT), (UP, NOOP)])
    np.testing.assert_allclose(R, [[-5.01, -1.01], [4.99, 0.99], [-5.01, -0.01], [-0.01, -0.01], [-0.01, -0.01]])
    np.testing.assert_allclose(O[0]["agent_0"], [0, 6 / 7, -1, -1, -1, 1, 3, 0, 2, 0, 0])
    np.testing.assert_allclose(O[0]["agent_1"], [2 / 3, 6 / 7, 2, 0, 0, 1, 3, 0, -1, -1, -1])
    assert env.metadata["team_reward"] == "sum"


def test_checkers_library_rules():
    env = checkers_env("ma-gym-0.0.14")
    R, O, _ = play(env, [(LEFT, LEFT), (LEFT, UP)])
    np.testing.assert_allclose(R, [[-10.01, -1.01], [9.99, 0.99]])
    assert O[0]["agent_0"].shape == (11,)  # the observation is its own option now
    R2, O2, _ = play(checkers_env("ma-gym-0.0.14", obs="onehot"), [(LEFT, LEFT), (LEFT, UP)])
    np.testing.assert_allclose(R2, R)
    assert O2[0]["agent_0"].shape == (47,)


def test_checkers_terminates_when_apples_are_gone():
    snake = [LEFT] * 6 + [DOWN] + [RIGHT] * 5 + [DOWN] + [LEFT] * 5
    env = checkers_env()
    R, _, E = play(env, [(a, NOOP) for a in snake] + [(NOOP, NOOP)] * 3)
    assert len(R) == 18 and E[-1] == (True, False)
    assert R[:, 0].sum() == pytest.approx(-0.18) and R[:, 1].sum() == pytest.approx(-0.18)


def test_bad_input():
    with pytest.raises(ValueError, match="paper"):
        checkers_env(rules="v2")
    with pytest.raises(ValueError):
        switch4_env(full_observable=True)
    env = checkers_env()
    env.reset()
    with pytest.raises(ValueError, match="exactly the live agents"):
        env.step({"agent_0": 0})
    with pytest.raises(ValueError, match="0..4"):
        env.step({"agent_0": 5, "agent_1": 0})
    assert RULES == ("paper", "ma-gym-0.0.14") and REWARDS == ("individual", "team")
    assert CHECKERS_OBS == ("paper", "onehot") and SWITCH4_OBS == ("position", "clock")
    with pytest.raises(ValueError, match="onehot"):
        checkers_env(obs="full")
    with pytest.raises(ValueError, match="clock"):
        switch4_env(obs="time")
    with pytest.raises(ValueError, match="individual"):
        switch4_env(reward="shared")
    with pytest.raises(TypeError, match="clock"):
        checkers_env(clock="yes")
    with pytest.raises(ValueError, match="valid options"):
        switch4_env(clock=True)
    with pytest.raises(ValueError, match="reset"):
        checkers_env().state()


def test_pettingzoo_parallel_api():
    from pettingzoo.test import parallel_api_test
    for make in (checkers_env, switch4_env):
        parallel_api_test(make(), num_cycles=120)
    parallel_api_test(checkers_env(obs="onehot", clock=True, reward="team"), num_cycles=120)
    parallel_api_test(switch4_env(obs="clock", reward="team"), num_cycles=60)


@pytest.mark.parametrize("make,kw,dim", [
    (checkers_env, {}, 11), (checkers_env, dict(clock=True), 12), (checkers_env, dict(obs="onehot"), 47),
    (checkers_env, dict(obs="onehot", clock=True), 48), (checkers_env, dict(reward="team"), 11),
    (switch4_env, {}, 2), (switch4_env, dict(obs="clock"), 3), (switch4_env, dict(reward="team"), 2)])
def test_variants_build_with_documented_shapes_and_metadata(make, kw, dim):
    env = make(**kw)
    obs, _ = env.reset(seed=0)
    for a in env.possible_agents:
        assert env.observation_space(a).shape == (dim,) and obs[a].shape == (dim,) and obs[a].dtype == np.float32
    assert env.metadata["obs"] == kw.get("obs", env.OBS[0])
    assert env.metadata["reward"] == kw.get("reward", "individual") and env.metadata["rules"] == "paper"
    assert env.metadata["clock"] == bool(kw.get("clock") or kw.get("obs") == "clock")
    assert env.metadata["team_reward"] == ("shared" if kw.get("reward") == "team" else "sum")
    assert env.metadata["episode_limit"] == (100 if make is checkers_env else 50)
    assert env.metadata["obs"] in env.metadata["variant"]
    n_state = 41 if make is checkers_env else 9
    assert env.state_space().shape == (n_state,) and env.state().shape == (n_state,)
    assert sum(f[1] for f in env.state_fields()) == n_state


def test_switch4_clock_is_ma_gym_v2_and_step_over_50():
    v2 = _magym("Switch4-v2")
    raw = [v2.reset()] + [v2.step(list(j))[0] for j in SWITCH4_OPTIMAL]
    R, O, _ = play(switch4_env(obs="clock"), SWITCH4_OPTIMAL)
    Rp, Op, _ = play(switch4_env(), SWITCH4_OPTIMAL)
    np.testing.assert_allclose(R, Rp)
    assert len(O) == 16
    for t, (o, op) in enumerate(zip(O, Op)):
        for i in range(4):
            a = f"agent_{i}"
            assert o[a][2] == np.float32(t / 50)
            np.testing.assert_allclose(o[a], raw[t][i], atol=1e-7)
            np.testing.assert_allclose(o[a][:2], op[a])


def test_checkers_clock_over_a_truncated_episode():
    _, O, E = play(checkers_env(obs="onehot", clock=True), [(NOOP, NOOP)] * 100)
    assert E[-1] == (False, True)
    assert [o["agent_0"][-1] for o in O] == [np.float32(t / 100) for t in range(101)]
    _, Oo, _ = play(checkers_env(obs="onehot"), [(NOOP, NOOP)] * 3)
    np.testing.assert_allclose(O[3]["agent_0"][:47], Oo[3]["agent_0"])


def test_checkers_state_follows_a_scripted_episode():
    env = checkers_env()
    assert [f[0] for f in env.state_fields()] == ["pos_agent_0", "pos_agent_1", "apples", "lemons", "clock"]
    env.reset()
    s0 = env.split_state(env.state())
    np.testing.assert_allclose(s0["pos_agent_0"], [0, 6 / 7])
    np.testing.assert_allclose(s0["pos_agent_1"], [1, 6 / 7])
    # the checkerboard: rows 0 and 2 apples on even columns, row 1 on odd ones
    apples = [(r, c) for r, c in FOOD_CELLS if (c % 2 == 0) == (r % 2 == 0)]
    assert [FOOD_CELLS[k] for k in np.flatnonzero(s0["apples"])] == apples
    np.testing.assert_array_equal(s0["lemons"], 1 - s0["apples"])
    assert s0["clock"] == 0
    env.step({"agent_0": LEFT, "agent_1": LEFT})   # both eat a lemon: (0,5), (2,5)
    s1 = env.split_state(env.state())
    assert sorted(FOOD_CELLS[k] for k in np.flatnonzero(s0["lemons"] - s1["lemons"])) == [(0, 5), (2, 5)]
    np.testing.assert_array_equal(s1["apples"], s0["apples"])
    env.step({"agent_0": LEFT, "agent_1": UP})     # both eat an apple: (0,4), (1,5)
    s2 = env.split_state(env.state())
    assert sorted(FOOD_CELLS[k] for k in np.flatnonzero(s1["apples"] - s2["apples"])) == [(0, 4), (1, 5)]
    np.testing.assert_array_equal(s2["lemons"], s1["lemons"])
    np.testing.assert_allclose(s2["pos_agent_1"], [0.5, 5 / 7])
    assert s2["clock"] == np.float32(0.02)
    with pytest.raises(ValueError, match="shape"):
        env.split_state(np.zeros(40))


def test_switch4_state_after_the_optimal_schedule():
    env = switch4_env(obs="clock")
    env.reset()
    assert np.allclose(env.state(), [0, 1 / 6, 0, 5 / 6, 1, 1 / 6, 1, 5 / 6, 0])  # starts, clock 0
    play(env, SWITCH4_OPTIMAL)
    s = env.split_state(env.state())
    for i, (r, c) in {0: (0, 6), 1: (0, 0), 2: (2, 6), 3: (2, 0)}.items():
        np.testing.assert_allclose(s[f"pos_agent_{i}"], [r / 2, c / 6])
    assert s["clock"] == np.float32(15 / 50)


def test_team_reward_is_the_sum_for_every_agent():
    snake = [LEFT] * 6 + [DOWN] + [RIGHT] * 5 + [DOWN] + [LEFT] * 5
    for make, script in ((checkers_env, [(a, RIGHT if k == 3 else NOOP) for k, a in enumerate(snake)]),
                         (switch4_env, SWITCH4_OPTIMAL)):
        Ri, _, Ei = play(make(), script)
        Rt, _, Et = play(make(reward="team"), script)
        assert Ei == Et
        np.testing.assert_allclose(Rt, np.repeat(Ri.sum(1, keepdims=True), Ri.shape[1], 1))


def test_checkers_team_optimum_41_26():
    move = dict(D=DOWN, L=LEFT, U=UP, R=RIGHT, N=NOOP)
    script = list(zip(*[[move[m] for m in s] for s in (
        "DLRUNDDNNULLLRDNNUUNDLLLRDNNUUNDLLDUU", "NNNULLRRUNDDULLLLRRDNNNULLLLRRDNNNNNN")]))
    R, _, E = play(checkers_env(), script)
    assert len(R) == 37 and E[-1] == (True, False)
    np.testing.assert_allclose(R.sum(0), [44.63, -3.37])  # agent 1 eats the lemons (1,4), (1,2), (1,0)
    assert R.sum() == pytest.approx(41.26)
    Rt, _, _ = play(checkers_env(reward="team"), script)
    np.testing.assert_allclose(Rt.sum(0), [41.26, 41.26])
