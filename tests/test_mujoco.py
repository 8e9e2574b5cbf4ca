"""Fast checks of matrl_nb.mujoco (multi-agent MuJoCo wrapper) and the Gaussian pieces of
matrl_nb.ppo / matrl_nb.matrl that the Hopper experiment relies on, against hand computations."""
import math
import warnings

import numpy as np
import pytest
import torch
from scipy.stats import norm

warnings.filterwarnings("ignore", message=".*AdroitHand.*")

from matrl_nb import matrl, ppo
from matrl_nb.envs import make
from matrl_nb.mujoco import MaMuJoCo, mamujoco_env, final_returns, learning_curves


@pytest.fixture
def hopper():
    env = make("mujoco/hopper-3x1")
    env.reset(seed=0)
    return env


def zeros(env):
    return {a: np.zeros(env.action_space(a).shape, np.float32) for a in env.agents}


# ---------------------------------------------------------------- environment
def test_registry_and_spaces(hopper):
    assert isinstance(hopper, MaMuJoCo) and hopper.metadata["team_reward"] == "shared"
    assert hopper.metadata["episode_limit"] == 1000 and hopper.metadata["agent_obsk"] == 1
    assert [hopper.observation_space(a).shape for a in hopper.possible_agents] == [(8,), (9,), (8,)]
    assert all(hopper.observation_space(a).dtype == np.float32 for a in hopper.possible_agents)
    assert all(hopper.action_space(a).shape == (1,) for a in hopper.possible_agents)
    ant = make("mujoco/ant-4x2")
    obs, _ = ant.reset(seed=0)
    assert len(obs) == 4 and all(o.shape == (42,) and o.dtype == np.float32 for o in obs.values())
    assert ant.action_space("agent_3").shape == (2,)
    g = make("mujoco/hopper-3x1", obs_mode="global")
    assert all(o.shape == (11,) for o in g.reset(seed=0)[0].values())


def test_shared_reward(hopper):
    _, r, term, trunc, info = hopper.step(zeros(hopper))
    assert len(set(r.values())) == 1 and info["agent_0"]["team_reward"] == r["agent_0"]
    assert len(set(term.values())) == 1 and len(set(trunc.values())) == 1


@pytest.mark.parametrize("bad,msg", [
    (lambda e: {a: np.zeros(2) for a in e.agents}, "shape"),
    (lambda e: {a: np.zeros(()) for a in e.agents}, "shape"),
    (lambda e: {a: np.array([np.nan]) for a in e.agents}, "not finite"),
    (lambda e: {a: np.array([np.inf]) for a in e.agents}, "not finite"),
    (lambda e: {"agent_0": np.zeros(1)}, "missing"),
    (lambda e: {**{a: np.zeros(1) for a in e.agents}, "agent_7": np.zeros(1)}, "unknown"),
    (lambda e: [np.zeros(1)] * 3, "dict"),
])
def test_bad_actions_raise(hopper, bad, msg):
    with pytest.raises((ValueError, TypeError), match=msg):  # TypeError: not a dict
        hopper.step(bad(hopper))


def test_actions_clipped_to_box():
    e1, e2 = mamujoco_env("Hopper", "3x1"), mamujoco_env("Hopper", "3x1")
    e1.reset(seed=4); e2.reset(seed=4)
    o1 = e1.step({a: np.array([-7.0]) for a in e1.agents})[0]
    o2 = e2.step({a: np.array([-1.0]) for a in e2.agents})[0]
    assert all(np.array_equal(o1[a], o2[a]) for a in o1)


def test_episode_limit_and_reset():
    env = mamujoco_env("Hopper", "3x1", max_episode_steps=7)
    env.reset(seed=0)
    for t in range(7):
        _, _, term, trunc, _ = env.step({a: np.zeros(1) for a in env.agents})
    assert trunc["agent_0"] and not term["agent_0"] and env.agents == []
    with pytest.raises(RuntimeError):
        env.step({a: np.zeros(1) for a in env.possible_agents})
    o1, _ = env.reset(seed=5)
    o2, _ = mamujoco_env("Hopper", "3x1").reset(seed=5)
    assert all(np.array_equal(o1[a], o2[a]) for a in o1)


def test_bad_constructor_arguments():
    for kw in (dict(scenario="Hoper"), dict(agent_conf="2x2"), dict(obs_mode="full"), dict(max_episode_steps=0)):
        with pytest.raises(ValueError):
            mamujoco_env(**{"scenario": "Hopper", "agent_conf": "3x1", **kw})


# ------------------------------------------------- Gaussian policy pieces (ppo, matrl)
def _gaussian_net(env, agent, seed):
    torch.manual_seed(seed)
    net = ppo.ActorCritic(env.observation_space(agent), env.action_space(agent), (16, 16), init_log_std=-0.3)
    with torch.no_grad():  # make the mean depend visibly on the observation
        net.pi[-1].weight.normal_(0, 0.3); net.pi[-1].bias.normal_(0, 0.3); net.log_std.add_(0.1 * seed)
    return net


def test_gaussian_log_prob_matches_hand(hopper):
    net = _gaussian_net(hopper, "agent_0", 1)
    obs = torch.randn(20, 8)
    act = torch.randn(20, 1)
    lp, ent = net.log_prob(obs, act)
    with torch.no_grad():
        mu, sd = net.forward_pi(obs).numpy(), net.log_std.exp().numpy()
    hand = norm.logpdf(act.numpy(), mu, sd).sum(-1)
    np.testing.assert_allclose(lp.detach().numpy(), hand, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ent.detach().numpy(), norm.entropy(0, sd).sum(), rtol=1e-5)
    a, lpa, _ = net.act(obs[0].numpy(), torch.Generator().manual_seed(0))  # the sampled action's log-prob agrees
    np.testing.assert_allclose(float(lpa), norm.logpdf(a.numpy(), mu[0], sd).sum(), rtol=1e-5, atol=1e-5)


def test_mixture_density_ratio_matches_hand(hopper):
    "pibar/pi = rho + (1-rho) pihat/pi: the mixture's density, computed from the two Gaussians, over pi's density."
    pi, pihat = _gaussian_net(hopper, "agent_1", 2), _gaussian_net(hopper, "agent_1", 3)
    obs, act = torch.randn(50, 9), torch.randn(50, 1)
    with torch.no_grad():
        lp, lph = pi.log_prob(obs, act)[0].double().numpy(), pihat.log_prob(obs, act)[0].double().numpy()
        m0, s0 = pi.forward_pi(obs).numpy()[:, 0], pi.log_std.exp().item()
        m1, s1 = pihat.forward_pi(obs).numpy()[:, 0], pihat.log_std.exp().item()
    a = act.numpy()[:, 0]
    for rho in (0.0, 0.3, 1.0):
        hand = (rho * norm.pdf(a, m0, s0) + (1 - rho) * norm.pdf(a, m1, s1)) / norm.pdf(a, m0, s0)
        np.testing.assert_allclose(rho + (1 - rho) * np.exp(lph - lp), hand, rtol=1e-5)


def test_br_weight_matches_hand():
    """The best-response weight c_-i = clip(prod_{j!=i} (rho_j + (1-rho_j) r_j), 1-c, 1+c), with r_j the
    predicted/current Gaussian density ratio recomputed here from the networks with scipy."""
    env = make("mujoco/hopper-3x1")
    cfg = matrl.MATRLConfig(steps_per_iter=64, n_envs=2, hidden=(16, 16), is_clip=0.5, policy_iters=2)
    learners = matrl.build_learners(env, cfg, seed=0)
    groups = ppo.agent_groups([l.net for l in learners])
    assert groups == [[0, 2], [1]]  # the middle joint sees 9 floats, the others 8
    copies = matrl.EnvCopies([make("mujoco/hopper-3x1") for _ in range(2)], groups, seed=0)
    ro = matrl.collect(copies, [ppo.AgentStack([learners[i].net for i in g]) for g in groups], 32,
                       torch.Generator().manual_seed(0))
    batches, _ = matrl.make_batches(ro, cfg)
    pred = [l.clone() for l in learners]
    matrl.trust_payoff_step(pred, ro, batches, cfg, [1, 2, 3], critic=False)
    n, logp = 3, ro.logp.reshape(-1, 3)
    r = np.zeros((64, n))
    for g, b in zip(groups, batches):
        for j, i in enumerate(g):
            with torch.no_grad():
                mu, sd = pred[i].net.forward_pi(b.obs[j]).double().numpy(), pred[i].net.log_std.exp().double().numpy()
            r[:, i] = np.exp(norm.logpdf(b.act[j].double().numpy(), mu, sd).sum(-1) - logp[:, i])
    np.testing.assert_allclose(np.exp(matrl.policy_log_probs(pred, ro, batches) - logp), r, rtol=1e-4)
    rho = np.array([0.3, 0.6, 0.1])
    c = matrl.br_weights(matrl.aggregate(rho, r), cfg.is_clip)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        hand = np.clip(np.prod(rho[others] + (1 - rho[others]) * r[:, others], 1), 0.5, 1.5)
        np.testing.assert_allclose(c[:, i], hand, rtol=1e-6)


# ---------------------------------------------------------------- smoke runs
@pytest.mark.parametrize("algo", matrl.ALGOS)
def test_ppo_algorithms_smoke(algo):
    df = matrl.train("mujoco/hopper-3x1", algo, matrl.MATRLConfig(steps_per_iter=160, hidden=(32, 32)), seed=0,
                     iterations=2, progress=False)
    assert list(df.env_steps) == [160, 320]
    assert np.isfinite(df.team_return).all()
    if algo != "IL":
        assert np.isfinite(df.filter(like="rho_").to_numpy(float)).all()


def test_curve_helpers():
    import pandas as pd
    logs = pd.DataFrame(dict(algo=["A"] * 4, seed=[0, 0, 1, 1], env_steps=[1, 2, 1, 2], team_return=[1.0, 3, 2, 5]))
    c = learning_curves(logs)
    assert np.allclose(c["mean"], [1.5, 4]) and np.allclose(c["std"], [np.std([1, 2], ddof=1), np.std([3, 5], ddof=1)])
    f = final_returns(logs).iloc[0]
    assert f["mean"] == 4 and f.seeds == 2 and f.env_steps == 2
    with pytest.raises(ValueError):
        learning_curves(logs.drop(columns="seed"))


def test_the_release_observation_setting_and_ant_split():
    "As the release ran MuJoCo: every agent sees the full state (obs_mode='global'), and Ant is also split 2x4."
    env = make("mujoco/ant-2x4", obs_mode="global")
    obs, _ = env.reset(seed=0)
    assert len(env.possible_agents) == 2
    full = env.state().shape[0]
    assert all(o.shape == (full,) for o in obs.values()) and env.metadata["obs_mode"] == "global"
    local = make("mujoco/ant-2x4")
    assert all(local.observation_space(a).shape[0] < full for a in local.possible_agents)
