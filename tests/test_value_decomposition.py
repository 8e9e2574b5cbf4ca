"""VDN and QMIX in PyMARL's form: shared GRU agents, episode buffer with a mask, monotonic mixer on the true state,
resumable logs. Every check is small (seconds)."""
import numpy as np
import pandas as pd
import pytest
import torch

torch.set_num_threads(1)

from matrl_nb.envs import make
from matrl_nb.value_decomposition import (LOG_COLUMNS, VD_ALGOS, EpisodeBuffer, QMixer, RNNAgent, VDConfig,
                                          ValueDecompositionLearner, _Episodes, agent_inputs, epsilon, train)


def _episode(rng, T, n=2, d=3, S=5):
    return (rng.random((T + 1, n, d)).astype(np.float32), rng.random((T + 1, S)).astype(np.float32),
            rng.integers(0, 5, (T, n)), rng.random(T).astype(np.float32), np.eye(1, T, T - 1)[0].astype(np.float32))


def test_qmix_mixing_weights_are_non_negative_and_monotonic():
    torch.manual_seed(0)
    for layers in (1, 2):
        mix = QMixer(4, 9, 32, layers, 64)
        s = torch.randn(512, 9) * 10
        w1, w2 = mix.weights(s)
        assert (w1 >= 0).all() and (w2 >= 0).all() and w1.shape == (512, 4, 32)
        qs = torch.randn(512, 4, requires_grad=True)
        mix(qs, s).sum().backward()
        assert (qs.grad >= 0).all()


def test_agent_inputs_and_shared_recurrent_agent():
    x = agent_inputs(torch.zeros(2, 3, 4), torch.tensor([[-1, 2, 0], [1, 1, 1]]), 5)
    assert x.shape == (2, 3, 12)
    assert (x[0, 0, 4:9] == 0).all() and x[0, 1, 6] == 1 and x[1, 2, 5] == 1
    assert (x[..., 9:] == torch.eye(3)).all()
    agent = RNNAgent(12, 5, 64)
    q, h = agent(x.reshape(1, 6, 12), agent.init_hidden(6))
    assert q.shape == (1, 6, 5) and h.shape == (1, 6, 64)
    lrn = ValueDecompositionLearner("VDN", 3, 4, 5, 12, VDConfig())
    assert lrn.agent.fc1.in_features == 4 + 5 + 3 and lrn.agent.hidden == 64  # one network for all agents


def test_qmix_state_is_the_true_global_state():
    envs = [make("grid/checkers") for _ in range(2)]
    run = _Episodes(envs, "env", seed=0)
    run.step(0, np.array([1, 1]))  # both go left and eat a lemon
    s0, s1 = (envs[0].split_state(s) for s in run.rec[0]["state"])
    assert s0["lemons"].sum() - s1["lemons"].sum() == 2 and s1["apples"].sum() == 9 and s1["clock"] == np.float32(0.01)
    assert run.rec[0]["state"][0].shape == envs[0].state_space().shape == (41,)
    assert ValueDecompositionLearner("QMIX", 2, 11, 5, 41, VDConfig()).mixer.hyper_b1.in_features == 41


def test_episode_buffer_stores_whole_episodes_and_masks_padding():
    rng = np.random.default_rng(0)
    buf = EpisodeBuffer(3, 6, 2, 3, 5, np.random.default_rng(1))
    e3, e5 = _episode(rng, 3), _episode(rng, 5)
    buf.add(*e3)
    buf.add(*e5)
    assert (buf.filled[0] == [1, 1, 1, 0, 0, 0]).all() and (buf.obs[0, 4:] == 0).all()
    np.testing.assert_array_equal(buf.obs[0, :4], e3[0])
    np.testing.assert_array_equal(buf.reward[1, :5], e5[3])
    b = buf.sample(2)
    assert b["filled"].shape == (2, 5) and sorted(b["filled"].sum(1).tolist()) == [3, 5]
    with pytest.raises(ValueError, match="outside"):
        buf.add(*_episode(rng, 7))
    with pytest.raises(ValueError, match="sample"):
        buf.sample(3)


@pytest.mark.parametrize("algo", VD_ALGOS)
def test_loss_on_padded_steps_is_zero(algo):
    rng = np.random.default_rng(0)
    buf = EpisodeBuffer(4, 6, 2, 3, 5, np.random.default_rng(1))
    for T in (2, 6, 4):
        buf.add(*_episode(rng, T))
    lrn = ValueDecompositionLearner(algo, 2, 3, 5, 5, VDConfig(), seed=0)
    b = buf.sample(3)
    loss, _ = lrn.td_loss(b)
    junk = {k: v.clone() for k, v in b.items()}
    pad = junk["filled"] == 0
    assert pad.any()
    junk["reward"][pad], junk["actions"][pad], junk["terminated"][pad] = 1e3, 4, 1
    after = torch.cat([torch.zeros_like(pad[:, :1]), pad], 1)
    junk["obs"][after], junk["state"][after] = 50.0, -50.0
    loss2, _ = lrn.td_loss(junk)
    assert torch.isclose(loss, loss2)
    l0, _ = lrn.td_loss({**b, "filled": torch.zeros_like(b["filled"])})
    l0.backward()
    assert l0 == 0 and all(p.grad is None or (p.grad == 0).all() for p in lrn.params)


def test_config_and_epsilon():
    cfg = VDConfig()
    assert (cfg.hidden, cfg.batch_size, cfg.buffer_size, cfg.target_update, cfg.lr, cfg.optimizer) == \
        (64, 32, 5000, 200, 5e-4, "rmsprop")
    assert epsilon(0, cfg) == 1.0 and epsilon(25_000, cfg) == pytest.approx(0.525) and epsilon(60_000, cfg) == 0.05
    for bad in (dict(optimizer="sgd"), dict(mixer_state="x"), dict(gamma=2.0), dict(n_envs=0), dict(batch_size=6000)):
        with pytest.raises(ValueError):
            VDConfig(**bad)
    with pytest.raises(ValueError, match="IQL"):
        ValueDecompositionLearner("IQL", 2, 3, 5, 5, cfg)


@pytest.mark.parametrize("env_name", ["grid/checkers", "grid/switch4"])
@pytest.mark.parametrize("algo", VD_ALGOS)
def test_smoke_runs_give_finite_logs(env_name, algo):
    df = train(env_name, algo, VDConfig(log_every=300, batch_size=4, n_envs=2), seed=0, total_steps=900)
    assert list(df.env_steps) == [300, 600, 900] and set(LOG_COLUMNS) <= set(df.columns)
    last = df.iloc[-1]
    assert last.train_steps > 0
    for c in ("team_return", "greedy_return", "loss", "q_mean", "td_error", "grad_norm", "steps_per_s"):
        assert np.isfinite(last[c]), c


@pytest.mark.parametrize("algo", VD_ALGOS)
def test_learns_a_one_step_cooperative_game(algo):
    cfg = VDConfig(mixer_state="observations", log_every=500, eps_anneal_steps=1_000, target_update=40)
    df = train("matrix/coordination", algo, cfg, seed=2, total_steps=2_000)
    assert df.greedy_return.iloc[-1] == 4.0 and df.team_return.iloc[-1] > 3.5 and df.team_return.iloc[0] < 3.0


def test_qmix_without_env_state_must_be_asked_for():
    with pytest.raises(ValueError, match="mixer_state"):
        train("matrix/coordination", "QMIX", VDConfig(log_every=100), total_steps=100)
    with pytest.raises(ValueError, match="shorter"):
        train("grid/checkers", "VDN", VDConfig(log_every=200), total_steps=100)


def test_resume_and_never_shorten(tmp_path):
    cfg = VDConfig(log_every=200, batch_size=4, n_envs=2)
    a = train("grid/switch4", "VDN", cfg, seed=1, total_steps=400, log_dir=tmp_path)
    assert (tmp_path / "checkpoint.pt").exists() and len(pd.read_csv(tmp_path / "progress.csv")) == 2
    b = train("grid/switch4", "VDN", cfg, seed=1, total_steps=600, log_dir=tmp_path)
    assert list(b.env_steps) == [200, 400, 600] and b.iloc[:2].equals(a)
    assert b.epsilon.iloc[-1] == epsilon(600, cfg)
    s = train("grid/switch4", "VDN", cfg, seed=1, total_steps=200, log_dir=tmp_path)
    assert s.equals(a.iloc[:1]) and len(pd.read_csv(tmp_path / "progress.csv")) == 3
    with pytest.raises(ValueError, match="other settings") as e:   # every differing field named, with both values
        train("grid/switch4", "VDN", cfg, seed=2, total_steps=400, log_dir=tmp_path)
    assert "seed" in str(e.value) and "1" in str(e.value) and "2" in str(e.value)
    from matrl_nb.checkpoint import MAGIC
    assert (tmp_path / "checkpoint.pt").read_bytes().startswith(MAGIC)   # hash-checked (matrl_nb.checkpoint)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "progress.csv").write_text("env_steps,team_return\n2000,1.0\n")
    with pytest.raises(ValueError, match="without checkpoint"):
        train("grid/switch4", "VDN", cfg, seed=1, total_steps=400, log_dir=tmp_path / "other")


def test_seeds_reproduce():
    cfg = VDConfig(log_every=200, batch_size=4, n_envs=2)
    d1 = train("grid/switch4", "QMIX", cfg, seed=3, total_steps=400)
    d2 = train("grid/switch4", "QMIX", cfg, seed=3, total_steps=400)
    cols = [c for c in d1.columns if c not in ("steps_per_s", "wall_s")]
    assert d1[cols].equals(d2[cols])
