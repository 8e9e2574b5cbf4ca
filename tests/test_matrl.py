"""Tests of matrl_nb.envs / ppo / matrl (the MATRL loop with PPO learners). Fast: CPU, small batches."""
import numpy as np
import pandas as pd
import pytest
import torch

from matrl_nb import envs, matrl
from matrl_nb.matrl import ALGOS, TIMING_COLUMNS, MATRLConfig, build_learners, collect, matrl_update, train
from matrl_nb.meta_game import meta_game_exact, meta_game_from_samples

SMALL = dict(steps_per_iter=256, hidden=(16, 16))


def _params(nets):
    return torch.cat([p.detach().flatten() for nt in nets for p in nt.state_dict().values()])


def _one_iteration(env_name, algo, cfg, seed=0):
    env = envs.make(env_name)
    nets, opts = build_learners(env, cfg, seed)
    ro = collect(env, nets, cfg.steps_per_iter, 123, torch.Generator().manual_seed(7))
    st = matrl_update(nets, opts, ro, algo, cfg, list(range(11, 11 + len(nets))), np.random.default_rng(0))
    return nets, st


@pytest.mark.parametrize("env_name", ["matrix/iterated_prisoners_dilemma", "matrix/coordination-4"])
@pytest.mark.parametrize("shortcut", [True, False])
def test_rho_one_is_il(env_name, shortcut, monkeypatch):
    monkeypatch.setattr(matrl, "BR_SHORTCUT", shortcut)
    cfg = MATRLConfig(**SMALL, minibatches=4)
    il, _ = _one_iteration(env_name, "IL", cfg)
    m, st = _one_iteration(env_name, "MATRL", MATRLConfig(**SMALL, minibatches=4, force_rho=1.0))
    assert np.all(st["rho"] == 1)
    assert (_params(il) - _params(m)).abs().max() <= 1e-7


def test_rho_zero_is_il_pp():
    cfg = MATRLConfig(**SMALL)
    pp, st_pp = _one_iteration("matrix/iterated_matching_pennies", "IL-PP", cfg)
    m, st = _one_iteration("matrix/iterated_matching_pennies", "MATRL", MATRLConfig(**SMALL, force_rho=0.0))
    il, _ = _one_iteration("matrix/iterated_matching_pennies", "IL", cfg)
    assert np.all(st["rho"] == 0) and np.all(st_pp["rho"] == 0)
    assert (_params(pp) - _params(m)).abs().max() <= 1e-7
    assert (_params(pp) - _params(il)).abs().max() > 1e-6  # and it is not IL


def test_sample_meta_game_matches_exact():
    "One-step 2x2 game: the sample meta-game of an iteration equals the exact one within sampling error."
    cfg = MATRLConfig(steps_per_iter=6000, hidden=(16, 16), clip=0.3, target_kl=1.0, lr=1e-2,
                      init_probs=((0.7, 0.3), (0.4, 0.6)))
    env = envs.make("matrix/chicken")
    R = envs.MATRIX_GAMES["chicken"]
    nets, opts = build_learners(env, cfg, 0)
    ro = collect(env, nets, cfg.steps_per_iter, 0, torch.Generator().manual_seed(0))
    batches, adv = matrl.make_batches(ro, cfg)
    pred = [matrl._clone(nets[i], opts[i], cfg) for i in range(2)]
    for i in range(2):
        matrl.ppo_update(pred[i][0], pred[i][1], batches[i], iters=cfg.policy_iters, clip=cfg.clip,
                         vf_clip=cfg.vf_clip, vf_coef=cfg.vf_coef, ent_coef=cfg.ent_coef, kl_coef=cfg.kl_coef,
                         target_kl=cfg.target_kl, max_grad_norm=cfg.max_grad_norm, minibatches=1,
                         generator=torch.Generator().manual_seed(i))
    o = torch.ones(1, 1)
    with torch.no_grad():
        cur = [torch.softmax(nets[i].forward_pi(o), -1).double().numpy() for i in range(2)]
        prd = [torch.softmax(pred[i][0].forward_pi(o), -1).double().numpy() for i in range(2)]
        logp_pred = np.stack([pred[i][0].log_prob(batches[i].obs, batches[i].act)[0].double().numpy()
                              for i in range(2)], 1)
    assert max(abs(cur[i] - prd[i]).max() for i in range(2)) > 0.03  # the TPR step moved
    exact = meta_game_exact(R[:, None], cur, prd)  # advantages R - V: the constant drops out
    sample = meta_game_from_samples(adv, ro.logp, logp_pred)
    assert np.abs(sample - exact).max() < 0.05, (sample, exact)
    assert np.abs(exact).max() > 0.1


def _dist_mp(df):
    return np.maximum(abs(df.pi0_player_0 - 0.5), abs(df.pi0_player_1 - 0.5))


# the notebook's matching-pennies setting: SGD (Adam's normalised steps never settle), IS clip 0.5
MP_CFG = dict(steps_per_iter=500, hidden=(32, 32), optimizer="sgd", lr=0.5, is_clip=0.5,
              init_probs=((0.9, 0.1), (0.2, 0.8)))


@pytest.mark.parametrize("seed", [0])
def test_matching_pennies_matrl_converges_il_cycles(seed):
    cfg = MATRLConfig(**MP_CFG)
    m = train("matrix/matching_pennies", "MATRL", cfg, seed=seed, iterations=80, progress=False)
    il = train("matrix/matching_pennies", "IL", cfg, seed=seed, iterations=80, progress=False)
    assert _dist_mp(m).iloc[-5:].max() < 0.1
    assert _dist_mp(il).iloc[-20:].min() > 0.3


def test_coordination_efficient_equilibrium():
    cfg = MATRLConfig(steps_per_iter=200, hidden=(16, 16))
    df = train("matrix/coordination", "MATRL", cfg, seed=0, iterations=15, progress=False)
    assert df.pi0_player_0.iloc[-1] > 0.9 and df.pi0_player_1.iloc[-1] > 0.9
    assert df.team_return.iloc[-3:].mean() > 3.5  # efficient equilibrium pays 2 + 2


def test_resume_reproduces_csv(tmp_path):
    cfg = MATRLConfig(**SMALL, checkpoint_every=2)
    full = train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=5,
                 log_dir=tmp_path / "a", progress=False)
    # simulated kill: run 3 iterations (checkpoint after 2), then a stray 3rd row is in the CSV
    train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=3, log_dir=tmp_path / "b", progress=False)
    ck = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=False)
    assert ck["iteration"] == 2  # the last iteration is always checkpointed
    # make the kill realistic: throw away the final checkpoint, keep the one after iteration 2
    ck2 = dict(ck, iteration=1)
    train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=2, log_dir=tmp_path / "c", progress=False)
    (tmp_path / "c" / "progress.csv").write_text((tmp_path / "b" / "progress.csv").read_text())  # rows 0..2
    resumed = train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=5,
                    log_dir=tmp_path / "c", progress=False)
    keep = [c for c in full.columns if c not in TIMING_COLUMNS]
    pd.testing.assert_frame_equal(full[keep], resumed[keep])
    a = pd.read_csv(tmp_path / "a" / "progress.csv")[keep]
    assert a.equals(pd.read_csv(tmp_path / "c" / "progress.csv")[keep])


def test_same_seed_same_csv(tmp_path):
    cfg = MATRLConfig(**SMALL)
    a = train("matrix/iterated_coordination", "MATRL", cfg, seed=1, iterations=3, log_dir=tmp_path / "a", progress=False)
    b = train("matrix/iterated_coordination", "MATRL", cfg, seed=1, iterations=3, log_dir=tmp_path / "b", progress=False)
    keep = [c for c in a.columns if c not in TIMING_COLUMNS]
    assert a[keep].equals(b[keep])
    assert {"team_return", "rho_player_0", "nash_conv", "fallback", "kl_player_1", "ess", "M1_10", "t_br"} <= set(a.columns)


@pytest.mark.parametrize("bad,name", [(dict(lr=-1e-3), "lr"), (dict(clip=0), "clip"), (dict(gamma=2), "gamma"),
                                      (dict(hidden=()), "hidden"), (dict(optimizer="rmsprop"), "optimizer"),
                                      (dict(br_start="middle"), "br_start"), (dict(policy_iters=0), "policy_iters")])
def test_bad_config(bad, name):
    with pytest.raises(ValueError, match=name):
        MATRLConfig(**bad)


def test_bad_algo_env_and_action_space():
    with pytest.raises(ValueError, match="unknown algo"):
        train("matrix/coordination", "MADDPG", iterations=1, progress=False)
    with pytest.raises(ValueError, match="known environments"):
        train("matrix/nope", "IL", iterations=1, progress=False)
    from gymnasium import spaces

    class Weird(envs.MatrixGameEnv):
        def action_space(self, agent): return spaces.MultiBinary(2)
    envs.register("test/weird", lambda: Weird(envs.MATRIX_GAMES["coordination"]))
    with pytest.raises(ValueError, match="action-space mismatch"):
        train("test/weird", "IL", iterations=1, progress=False)
    with pytest.raises(ValueError, match="init_probs"):
        train("matrix/coordination", "IL", MATRLConfig(init_probs=((0.5, 0.5),)), iterations=1, progress=False)


def test_registry_lazy_entries():
    names = envs.list_envs()
    for k in ["grid/checkers", "grid/switch4", "mujoco/hopper-3x1", "mujoco/ant-4x2", "matrix/matching_pennies",
              "matrix/iterated_matching_pennies"]:
        assert k in names
    with pytest.raises(ValueError, match="module:function"):
        envs.register("x", "no_colon")


def test_gaussian_head_runs():
    "A Box action space: Gaussian head with state-independent log-std; actions clipped in the env step."
    from gymnasium import spaces
    from matrl_nb.ppo import ActorCritic
    net = ActorCritic(spaces.Box(-1, 1, (3,), np.float32), spaces.Box(-1, 1, (2,), np.float32), hidden=(8, 8))
    a, lp, v = net.act(np.zeros(3, np.float32), torch.Generator().manual_seed(0))
    lp2, ent = net.log_prob(torch.zeros(1, 3), a[None])
    assert a.shape == (2,) and torch.allclose(lp, lp2[0]) and ent.shape == (1,)
    d = torch.distributions.Normal(net.forward_pi(torch.zeros(3)), net.log_std.exp())
    assert torch.allclose(lp2, d.log_prob(a).sum()[None], atol=1e-5)


def test_run_seeds_parallel_matches_serial(tmp_path):
    cfg = MATRLConfig(steps_per_iter=64, hidden=(8, 8))
    par = matrl.run_seeds("matrix/iterated_coordination", "MATRL", cfg, [0, 1], 2, log_dir=tmp_path, processes=2)
    ser = matrl.run_seeds("matrix/iterated_coordination", "MATRL", cfg, [0, 1], 2, processes=1)
    keep = [c for c in par.columns if c not in TIMING_COLUMNS]
    assert sorted(par.seed.unique()) == [0, 1] and (tmp_path / "seed_1" / "progress.csv").exists()
    pd.testing.assert_frame_equal(par[keep], ser[keep])
