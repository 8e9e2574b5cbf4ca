"""Grid worlds (ma-gym Checkers / Switch4 with the paper's rules) and the VDN / QMIX baselines.

Expected rewards are worked out by hand from SPEC's "Environment rules", not read off the env."""
import numpy as np
import pytest
import torch

torch.set_num_threads(1)

from matrl_nb.grid_worlds import (DOWN, LEFT, NOOP, RIGHT, UP, RULES, checkers_env, play, switch4_env)
from matrl_nb.value_decomposition import (AgentQNets, QMixer, ReplayBuffer, VDConfig, ValueDecompositionLearner,
                                          epsilon)

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
    assert O[0]["agent_0"].shape == (47,)


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
    with pytest.raises(ValueError, match="exactly the agents"):
        env.step({"agent_0": 0})
    with pytest.raises(ValueError, match="0..4"):
        env.step({"agent_0": 5, "agent_1": 0})
    with pytest.raises(ValueError):
        VDConfig(gamma=1.5)
    with pytest.raises(ValueError):
        ValueDecompositionLearner("IQL", 2, 3, 5, VDConfig())
    assert RULES == ("paper", "ma-gym-0.0.14")


def test_pettingzoo_parallel_api():
    from pettingzoo.test import parallel_api_test
    for make in (checkers_env, switch4_env):
        parallel_api_test(make(), num_cycles=120)


def test_epsilon_schedule():
    cfg = VDConfig(eps_start=1.0, eps_end=0.05, eps_fraction=0.4)
    assert epsilon(0, 1000, cfg) == 1.0
    assert epsilon(200, 1000, cfg) == pytest.approx(0.525)
    assert epsilon(400, 1000, cfg) == pytest.approx(0.05) and epsilon(900, 1000, cfg) == pytest.approx(0.05)


def test_agent_nets_are_independent_and_qmix_is_monotonic():
    torch.manual_seed(0)
    q = AgentQNets(3, 4, 5, (16, 16))
    x = torch.randn(7, 3, 4)
    y = q(x)
    assert y.shape == (7, 3, 5)
    x2 = x.clone()
    x2[:, 1] += 1.0  # changing agent 1's input changes only agent 1's values
    y2 = q(x2)
    assert torch.allclose(y[:, [0, 2]], y2[:, [0, 2]]) and not torch.allclose(y[:, 1], y2[:, 1])
    mix = QMixer(3, 12, 8)
    qs = torch.randn(64, 3, requires_grad=True)
    mix(qs, torch.randn(64, 12)).sum().backward()
    assert (qs.grad >= 0).all()


def test_vdn_learns_a_one_step_team_game():
    """Two agents, one step, team reward 1 iff both pick action 2: VDN's greedy joint action must become (2, 2)."""
    cfg = VDConfig(hidden=(32, 32), lr=1e-2, batch_size=64)
    for algo in ("VDN", "QMIX"):
        lrn = ValueDecompositionLearner(algo, 2, 1, 3, cfg, seed=1)
        buf = ReplayBuffer(1000, 2, 1, np.random.default_rng(0))
        rng = np.random.default_rng(0)
        o = np.zeros((2, 1), np.float32)
        for _ in range(1000):
            a = rng.integers(0, 3, 2)
            buf.add(o, a, float((a == 2).all()), o, 1.0)
        for _ in range(300):
            lrn.update(buf.sample(64))
        assert list(lrn.act(o, 0.0)) == [2, 2], algo


def test_vd_train_logs_align_with_matrl(tmp_path):
    from matrl_nb.value_decomposition import train
    cfg = VDConfig(hidden=(16, 16), log_every=200, learning_starts=100, batch_size=16)
    df = train("grid/switch4", "QMIX", cfg, seed=3, total_steps=400, log_dir=tmp_path)
    assert list(df.env_steps) == [200, 400] and list(df.iteration) == [1, 2]
    assert {"team_return", "greedy_return", "epsilon", "seed"} <= set(df.columns)
    assert df.team_return.between(-20, 14.4).all() and df.greedy_return.between(-20, 14.4).all()
    df2 = train("grid/switch4", "QMIX", cfg, seed=3, total_steps=400)
    assert df.drop(columns="wall_s").equals(df2.drop(columns="wall_s"))  # seeds reproduce
    with pytest.raises(ValueError, match="shorter"):
        train("grid/checkers", "VDN", cfg, total_steps=100)
