"""Two-player Atari Pong (matrl_nb.atari): both observation pipelines, zero-sum rewards, seat swapping undone,
short MATRL and IL runs, checkpoints round-trip, and a clear error for a missing ROM."""
import numpy as np
import pytest
import torch
from gymnasium import spaces

from matrl_nb import atari, envs, matrl

torch.set_num_threads(1)


@pytest.mark.parametrize("pipeline,shape,n_actions", [("standard", (6, 84, 84), 6), ("release", (3, 84, 84), 18)])
def test_pipeline_shapes_and_dtypes(pipeline, shape, n_actions):
    env = envs.make("atari/pong", pipeline=pipeline, max_steps=25)
    assert env.metadata["team_reward"] == "sum" and env.metadata["pipeline"] == pipeline
    assert env.possible_agents == ["player_0", "player_1"]
    obs, info = env.reset(seed=0)
    for a in env.possible_agents:
        assert env.observation_space(a) == spaces.Box(0.0, 1.0, shape, np.float32)
        assert env.action_space(a) == spaces.Discrete(n_actions)
        assert obs[a].shape == shape and obs[a].dtype == np.float32 and 0 <= obs[a].min() <= obs[a].max() <= 1
        assert env.observation_space(a).contains(obs[a])
    rng, t = np.random.default_rng(1), 0
    while env.agents:
        obs, r, te, tr, _ = env.step({a: int(rng.integers(n_actions)) for a in env.agents})
        t += 1
        assert all(o.dtype == np.float32 and o.shape == shape for o in obs.values())
    assert t == 25 and all(tr.values()) and not any(te.values())   # the step limit truncates
    if pipeline == "release":   # no indicator: both players see the same frame
        assert np.array_equal(obs["player_0"], obs["player_1"])
    else:                       # the indicator channels tell each network its seat
        assert obs["player_0"][4].min() == 1 and obs["player_0"][5].max() == 0 and obs["player_1"][5].min() == 1


@pytest.mark.parametrize("pipeline", atari.PIPELINES)
def test_rewards_sum_to_zero_at_every_step(pipeline):
    "Random play and idle play (Pong's serve timer penalises one side only): the wrapper is zero-sum at every step."
    env = atari.pong_env(pipeline, max_steps=700 if pipeline == "release" else 200)
    rng, raw_not_zero_sum = np.random.default_rng(0), 0
    for policy in ("random", "idle"):
        env.reset(seed=3)
        while env.agents:
            act = {a: (int(rng.integers(env.action_space(a).n)) if policy == "random" else 0) for a in env.agents}
            _, r, _, _, info = env.step(act)
            assert r["player_0"] + r["player_1"] == 0.0
            raw_not_zero_sum += info["player_0"]["raw_reward"] + info["player_1"]["raw_reward"] != 0
    assert raw_not_zero_sum > 0, "the idle episodes should have hit Pong's (not zero-sum) serve penalty"


def test_seat_swap_is_undone_in_what_each_player_receives():
    env = atari.pong_env("release", max_steps=600)
    assert env.swap_seats and not atari.pong_env("standard", max_steps=5).swap_seats
    seats, margins = [], []
    for ep in range(3):
        _, info = env.reset(seed=0) if ep == 0 else env.reset()
        ret = 0.0
        while env.agents:
            _, r, *_ = env.step({"player_0": 0, "player_1": 1})   # player_0 idles, player_1 serves
            ret += r["player_0"]
        seats.append(info["player_0"]["seat"]); margins.append(ret)
    assert seats == ["first_0", "second_0", "first_0"]
    assert all(m < 0 for m in margins) and margins[0] == margins[2] != margins[1]


def test_seat_swap_is_undone_in_the_training_log():
    "Near-deterministic idle (player_0) and serving (player_1) policies: player_0's logged return is negative in both seats."
    idle = np.full(18, 1e-6); idle[0] = 1 - idle[1:].sum()
    serve = np.full(18, 1e-6); serve[1] = 1 - 17e-6
    cfg = atari.pong_config(steps_per_iter=600, n_envs=1, init_probs=(tuple(idle), tuple(serve)), lr=1e-7)
    df = matrl.train("atari/pong", "IL", cfg, seed=0, iterations=2, env_kwargs=dict(pipeline="release", max_steps=600),
                     progress=False)
    assert df.episodes.tolist() == [1, 1]                       # one episode per iteration: the seats alternate
    assert (df.return_player_0 < 0).all() and (df.return_player_0 == -df.return_player_1).all()
    assert df.return_player_0.iloc[0] != df.return_player_0.iloc[1]


@pytest.mark.parametrize("algo", ["MATRL", "IL"])
def test_short_training_runs_have_finite_logs(algo, tmp_path):
    cfg = atari.pong_config(steps_per_iter=200, n_envs=2)
    df = atari.train_with_snapshots(algo, 0, 2, 1, tmp_path, cfg, dict(pipeline="standard", max_steps=100))
    assert len(df) == 2 and df.env_steps.max() == 400 and (df.episodes == 2).all()
    cols = ["return_player_0", "return_player_1", "episode_length", "kl_player_0", "kl_player_1", "wall_time"]
    assert np.isfinite(df[cols].to_numpy(float)).all()
    assert (df.return_player_0 == -df.return_player_1).all() and (df.team_return == 0).all()
    if algo == "MATRL":
        assert np.isfinite(df[["rho_player_0", "rho_player_1", "nash_conv"]].to_numpy(float)).all()
    assert sorted(atari.snapshots(tmp_path)) == [0, 1, 2]
    nets = atari.load_nets(atari.snapshots(tmp_path)[2])
    init = [l.net for l in matrl.build_learners(envs.make("atari/pong", max_steps=100), cfg, 0)]
    assert all(torch.equal(a, b) for a, b in zip(atari.load_nets(atari.snapshots(tmp_path)[0])[0].state_dict().values(),
                                                 init[0].state_dict().values()))
    assert not all(torch.equal(a, b) for a, b in zip(nets[0].state_dict().values(), init[0].state_dict().values()))
    pair = [atari.NetPolicy(n) for n in nets]
    m = atari.cross_play(pair, [atari.RandomPolicy(6), atari.RandomPolicy(6)], 1, seed=0, max_steps=20)
    assert m.shape == (2,) and np.array_equal(m, atari.cross_play(pair, [atari.RandomPolicy(6)] * 2, 1, seed=0, max_steps=20))


def test_missing_rom_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="pong.bin") as e:
        atari.find_rom_dir(tmp_path)
    assert str(tmp_path) in str(e.value) and str(tmp_path / "roms") in str(e.value)
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        envs.make("atari/pong", rom_dir=tmp_path)
    assert (atari.find_rom_dir() / "pong.bin").is_file()


def test_bad_arguments_raise_value_errors():
    for bad in (dict(pipeline="pong_classic_v0"), dict(max_steps=0), dict(max_steps=2.5), dict(swap_seats="yes")):
        with pytest.raises(ValueError):
            envs.make("atari/pong", **bad)
    env = atari.pong_env("standard", max_steps=3)
    env.reset(seed=0)
    for act, msg in (({"player_0": 0}, "missing"), ({"player_0": 0, "player_1": 6}, "integer in"),
                     ({"player_0": 0, "player_1": 1.0}, "integer in"), ({"player_0": 0, "player_1": 0, "x": 0}, "unknown")):
        with pytest.raises(ValueError, match=msg):
            env.step(act)
    while env.agents: env.step({"player_0": 0, "player_1": 0})
    with pytest.raises(ValueError, match="finished episode"):
        env.step({"player_0": 0, "player_1": 0})
    with pytest.raises(ValueError, match="swap"):
        atari.play(atari.RandomPolicy(18), atari.RandomPolicy(18), 1, env=atari.pong_env("release", max_steps=5))


def test_frozen_opponent_env_is_a_one_agent_parallel_env():
    from pettingzoo.test import parallel_api_test
    env = atari.frozen_opponent_env(None, player=0, max_steps=20)
    assert env.possible_agents == ["responder"] and env.metadata["team_reward"] == "sum"
    obs, info = env.reset(seed=0)
    assert obs["responder"].shape == (6, 84, 84) and info["responder"]["seat"] == "second_0"
    parallel_api_test(atari.frozen_opponent_env(None, player=1, max_steps=20), num_cycles=40)
