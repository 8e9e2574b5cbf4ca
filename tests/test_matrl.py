"""Tests of matrl_nb.envs / ppo / matrl (the MATRL loop with PPO learners). Fast: CPU, small batches."""
import numpy as np
import pandas as pd
import pytest
import torch

from matrl_nb import envs, matrl
from matrl_nb.matrl import ALGOS, TIMING_COLUMNS, EnvCopies, MATRLConfig, build_learners, collect, matrl_update, resume_points, train
from matrl_nb.ppo import PPO_STATS, AgentStack, agent_groups
from matrl_nb.checkpoint import CheckpointWarning, ResumeMismatch, load_checkpoint
from matrl_nb.meta_game import meta_game_exact, meta_game_from_samples

SMALL = dict(steps_per_iter=256, hidden=(16, 16))


def _params(learners):
    return torch.cat([p.detach().flatten() for l in learners for p in l.net.state_dict().values()])


def _rollout(env_name, learners, cfg, seed=123, gen=7):
    groups = agent_groups([l.net for l in learners], cfg.batch_agents)
    copies = EnvCopies([envs.make(env_name) for _ in range(cfg.n_envs)], groups, seed)
    stacks = [AgentStack([learners[i].net for i in g]) for g in groups]
    return collect(copies, stacks, cfg.steps_per_iter // cfg.n_envs, torch.Generator().manual_seed(gen))


def _one_iteration(env_name, algo, cfg, seed=0):
    learners = build_learners(envs.make(env_name), cfg, seed)
    ro = _rollout(env_name, learners, cfg)
    st = matrl_update(learners, ro, algo, cfg, list(range(11, 11 + len(learners))), np.random.default_rng(0))
    return learners, st


@pytest.mark.parametrize("env_name", ["matrix/iterated_prisoners_dilemma", "matrix/coordination-4"])
@pytest.mark.parametrize("shortcut", [True, False])
def test_rho_one_is_il(env_name, shortcut):
    il, _ = _one_iteration(env_name, "IL", MATRLConfig(**SMALL, minibatches=4))
    m, st = _one_iteration(env_name, "MATRL", MATRLConfig(**SMALL, minibatches=4, force_rho=1.0, br_shortcut=shortcut))
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


@pytest.mark.parametrize("algo", ALGOS)
def test_batched_agents_equal_one_at_a_time(algo):
    "Switch4's four agents in one stack give the same run as four stacks of one, to 1e-6 (two iterations)."
    cfg = dict(steps_per_iter=400, hidden=(16, 16), minibatches=4, policy_iters=3, br_iters=3)
    a = train("grid/switch4", algo, MATRLConfig(**cfg), seed=2, iterations=2, progress=False)
    b = train("grid/switch4", algo, MATRLConfig(**cfg, batch_agents=False), seed=2, iterations=2, progress=False)
    num = [c for c in a.columns if c not in TIMING_COLUMNS and a[c].dtype.kind == "f"]
    np.testing.assert_allclose(a[num].to_numpy(), b[num].to_numpy(), atol=1e-6, rtol=1e-5)


def test_sample_meta_game_matches_exact():
    "One-step 2x2 game: the sample meta-game of an iteration equals the exact one within sampling error."
    cfg = MATRLConfig(steps_per_iter=6000, hidden=(16, 16), clip=0.3, target_kl=1.0, lr=1e-2,
                      init_probs=((0.7, 0.3), (0.4, 0.6)))
    R = envs.MATRIX_GAMES["chicken"]
    learners = build_learners(envs.make("matrix/chicken"), cfg, 0)
    ro = _rollout("matrix/chicken", learners, cfg, seed=0, gen=0)
    batches, adv = matrl.make_batches(ro, cfg)
    pred = [l.clone() for l in learners]
    matrl.trust_payoff_step(pred, ro, batches, cfg, [0, 1], critic=False)
    o = torch.ones(1, 1)
    with torch.no_grad():
        cur = [torch.softmax(learners[i].net.forward_pi(o), -1).double().numpy() for i in range(2)]
        prd = [torch.softmax(pred[i].net.forward_pi(o), -1).double().numpy() for i in range(2)]
    logp_pred = matrl.policy_log_probs(pred, ro, batches)
    assert max(abs(cur[i] - prd[i]).max() for i in range(2)) > 0.03  # the TPR step moved
    exact = meta_game_exact(R[:, None], cur, prd)  # advantages R - V: the constant drops out
    sample = meta_game_from_samples(adv, ro.logp.reshape(-1, 2), logp_pred)
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
    m = train("matrix/matching_pennies", "MATRL", cfg, seed=seed, iterations=120, progress=False)
    il = train("matrix/matching_pennies", "IL", cfg, seed=seed, iterations=120, progress=False)
    assert _dist_mp(m).iloc[-20:].mean() < 0.1   # single iterations jump by a few 0.01 (500 samples)
    assert _dist_mp(il).iloc[-20:].min() > 0.3


def test_coordination_efficient_equilibrium():
    cfg = MATRLConfig(steps_per_iter=200, hidden=(16, 16))
    df = train("matrix/coordination", "MATRL", cfg, seed=0, iterations=15, progress=False)
    assert df.pi0_player_0.iloc[-1] > 0.9 and df.pi0_player_1.iloc[-1] > 0.9
    assert df.team_return.iloc[-3:].mean() > 3.5  # efficient equilibrium pays 2 + 2


KILL_SCRIPT = """
import sys
from matrl_nb.matrl import MATRLConfig, train
train("matrix/iterated_matching_pennies", "MATRL", MATRLConfig(steps_per_iter=256, hidden=(16, 16), checkpoint_every=2),
      seed=3, iterations=10_000, log_dir=sys.argv[1], progress=False)
"""



def kill_after_rows(script: str, d, rows: int, timeout: float = 120.0):
    "Run `script` (given the folder `d`) in a subprocess and SIGKILL it once `d/progress.csv` holds `rows` rows."
    import signal, subprocess, sys, time
    p = subprocess.Popen([sys.executable, "-c", script, str(d)])
    try:
        t0 = time.time()
        while time.time() - t0 < timeout:
            csv = d / "progress.csv"
            if csv.exists() and len(csv.read_text().splitlines()) >= rows + 1: break  # + the header
            time.sleep(0.05)
    finally:
        p.send_signal(signal.SIGKILL); p.wait()

def test_resume_after_kill_loses_no_iteration(tmp_path):
    "SIGKILL a run after some checkpoints; the resumed log has every iteration exactly once, the first ones unchanged."
    d = tmp_path / "run"
    kill_after_rows(KILL_SCRIPT, d, 5)  # 5 rows: 2 checkpoints written
    ck = load_checkpoint(d / "checkpoint.pt")
    cfg = MATRLConfig(steps_per_iter=256, hidden=(16, 16), checkpoint_every=2)
    n = ck["iteration"] + 4
    resumed = train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=n, log_dir=d, progress=False)
    assert resumed.iteration.tolist() == list(range(n))  # none lost, none twice
    assert resume_points(d) == [ck["iteration"] + 1]   # where the environments restarted
    assert (resumed.env_steps.diff().dropna() == 256).all()
    full = train("matrix/iterated_matching_pennies", "MATRL", cfg, seed=3, iterations=ck["iteration"] + 1, progress=False)
    keep = [c for c in full.columns if c not in TIMING_COLUMNS]
    # up to the checkpoint the log is the uninterrupted run's (afterwards the environments restart)
    pd.testing.assert_frame_equal(full[keep], resumed[keep].iloc[:len(full)], check_dtype=False)


def test_episode_spanning_batches_counted_once():
    "10-round episodes span 8-step batches (per copy); every finished episode is logged once, with its whole length."
    df = train("matrix/iterated_coordination", "IL", MATRLConfig(steps_per_iter=16, n_envs=2, hidden=(8, 8)),
               seed=0, iterations=10, progress=False)
    # 2 copies x 8 steps x 10 iterations = 80 steps per copy: 8 episodes of 10 rounds per copy
    assert df.episodes.sum() == 16 and (df.episode_length.dropna() == 10).all()


def test_same_seed_same_csv(tmp_path):
    cfg = MATRLConfig(**SMALL)
    a = train("matrix/iterated_coordination", "MATRL", cfg, seed=1, iterations=3, log_dir=tmp_path / "a", progress=False)
    b = train("matrix/iterated_coordination", "MATRL", cfg, seed=1, iterations=3, log_dir=tmp_path / "b", progress=False)
    keep = [c for c in a.columns if c not in TIMING_COLUMNS]
    assert a[keep].equals(b[keep])
    assert {"team_return", "rho_player_0", "nash_conv", "fallback", "kl_player_1", "ess", "M1_10", "t_br",
            "episode_length", "steps_per_s"} <= set(a.columns)
    assert {f"{p}_{s}_player_0" for p in ("tpr", "br") for s in PPO_STATS} <= set(a.columns)
    assert np.isfinite(a[[f"br_{s}_player_1" for s in PPO_STATS]].to_numpy(float)).all()


@pytest.mark.parametrize("bad,name", [(dict(lr=-1e-3), "lr"), (dict(clip=0), "clip"), (dict(gamma=2), "gamma"),
                                      (dict(hidden=()), "hidden"), (dict(optimizer="rmsprop"), "optimizer"),
                                      (dict(br_start="middle"), "br_start"), (dict(policy_iters=0), "policy_iters")])
def test_bad_config(bad, name):
    with pytest.raises(ValueError, match=name):
        MATRLConfig(**bad)


def test_bad_algo_env_and_action_space():
    with pytest.raises(ValueError, match="unknown algo"):
        train("matrix/coordination", "MADDPG", iterations=1, progress=False)
    with pytest.raises(ValueError, match="known environments.*envs.register"):
        train("matrix/nope", "IL", iterations=1, progress=False)
    from gymnasium import spaces

    class Weird(envs.MatrixGameEnv):
        def action_space(self, agent): return spaces.MultiBinary(2)
    envs.register("test/weird", lambda: Weird(envs.MATRIX_GAMES["coordination"]))
    with pytest.raises(ValueError, match="action-space mismatch"):
        train("test/weird", "IL", iterations=1, progress=False)
    with pytest.raises(ValueError, match="envs.register"):
        train(42, "IL", iterations=1, progress=False)
    with pytest.raises(ValueError, match="n_envs"):
        MATRLConfig(steps_per_iter=100, n_envs=3)
    with pytest.raises(ValueError, match="seed"):
        train("matrix/coordination", "IL", seed=1.7, iterations=1, progress=False)
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


def test_runner_parallel_matches_serial(tmp_path):
    "The experiment runner's parallel workers give the same logs as one process (seeds are per job)."
    from matrl_nb.sweep import grid, run_jobs
    jobs = grid("ppo", ["matrix/iterated_coordination"], ["MATRL"], [0, 1], 2, overrides=dict(steps_per_iter=64, hidden=(8, 8)))
    par = run_jobs(jobs, out=tmp_path / "par", processes=2, progress=False)
    ser = run_jobs(jobs, out=tmp_path / "ser", processes=1, progress=False)
    keep = [c for c in par.columns if c not in TIMING_COLUMNS]
    assert sorted(par.seed.unique()) == [0, 1]
    pd.testing.assert_frame_equal(par[keep], ser[keep])


def test_env_factory_instead_of_a_name():
    "An unregistered PettingZoo env, passed as a factory, trains like a registered one."
    game = lambda: envs.MatrixGameEnv(envs.MATRIX_GAMES["coordination"], horizon=5)
    df = train(game, "MATRL", MATRLConfig(steps_per_iter=80, hidden=(8, 8)), seed=0, iterations=2, progress=False)
    assert len(df) == 2 and np.isfinite(df.team_return).all()


def test_checkpoint_damage_mismatch_and_shorter_rerun(tmp_path):
    "A flipped byte falls back to the previous checkpoint; other settings are named; a shorter rerun touches nothing."
    cfg = MATRLConfig(steps_per_iter=64, hidden=(8, 8), checkpoint_every=2)
    full = train("matrix/iterated_coordination", "IL", cfg, seed=0, iterations=6, log_dir=tmp_path, progress=False)
    before = (tmp_path / "progress.csv").read_text()
    short = train("matrix/iterated_coordination", "IL", cfg, seed=0, iterations=4, log_dir=tmp_path, progress=False)
    assert short.iteration.tolist() == [0, 1, 2, 3] and (tmp_path / "progress.csv").read_text() == before
    # checkpoint_every does not change the computation: a resume with another value is accepted
    train("matrix/iterated_coordination", "IL", MATRLConfig(steps_per_iter=64, hidden=(8, 8), checkpoint_every=3),
          seed=0, iterations=6, log_dir=tmp_path, progress=False)
    with pytest.raises(ResumeMismatch, match=r"config.lr: 0.002 -> 0.001"):
        train("matrix/iterated_coordination", "IL", MATRLConfig(steps_per_iter=64, hidden=(8, 8), lr=1e-3),
              seed=0, iterations=8, log_dir=tmp_path, progress=False)
    ck = tmp_path / "checkpoint.pt"
    raw = bytearray(ck.read_bytes()); raw[len(raw) // 2] ^= 0xFF; ck.write_bytes(bytes(raw))
    with pytest.warns(CheckpointWarning, match="previous good checkpoint"):
        resumed = train("matrix/iterated_coordination", "IL", cfg, seed=0, iterations=8, log_dir=tmp_path, progress=False)
    assert resumed.iteration.tolist() == list(range(8))


def test_reward_scale_keeps_raw_logs_and_normalisers_resume(tmp_path):
    "Scaled rewards train the critic, but the log reports the environment's own returns; the statistics resume."
    base = dict(steps_per_iter=160, hidden=(8, 8), checkpoint_every=1)
    a = train("mujoco/hopper-3x1", "IL", MATRLConfig(**base), seed=0, iterations=1, progress=False)
    b = train("mujoco/hopper-3x1", "IL", MATRLConfig(**base, reward_scale=True, obs_norm=True), seed=0, iterations=2,
              log_dir=tmp_path, progress=False)
    # iteration 0 acts with the same initial policy on raw vs normalised inputs: lengths differ, returns are raw
    assert np.isfinite(b.team_return).all() and b.team_return.iloc[0] > 0 and a.team_return.iloc[0] > 0
    ck = load_checkpoint(tmp_path / "checkpoint.pt")
    rms = ck["normalisers"]["obs_rms"][0]
    assert rms.count > 300 and rms.mean.shape == (2, 8)  # agents 0 and 2 (8 floats) share a stack
    resumed = train("mujoco/hopper-3x1", "IL", MATRLConfig(**base, reward_scale=True, obs_norm=True), seed=0,
                    iterations=3, log_dir=tmp_path, progress=False)
    assert resumed.iteration.tolist() == [0, 1, 2]
    plain = matrl.EnvCopies([envs.make("mujoco/hopper-3x1")], [[0, 2], [1]], 0)   # no normalisers
    with pytest.raises(ValueError, match="normalisers"): plain.load_normaliser_state(ck["normalisers"])


ONE_STEP_KILL = """
import sys
from matrl_nb.matrl import MATRLConfig, train
train("matrix/matching_pennies", "MATRL", MATRLConfig(steps_per_iter=128, hidden=(8, 8), checkpoint_every=3),
      seed=5, iterations=10_000, log_dir=sys.argv[1], progress=False)
"""


def test_one_step_game_resumes_bit_identical(tmp_path):
    """A one-step game carries no episode across batches, so a run SIGKILLed and resumed from its checkpoint is
    the uninterrupted run, row for row (every column but the timings), also after the checkpoint."""
    d = tmp_path / "run"
    kill_after_rows(ONE_STEP_KILL, d, 4)  # 4 rows: a checkpoint written
    cfg = MATRLConfig(steps_per_iter=128, hidden=(8, 8), checkpoint_every=3)
    n = load_checkpoint(d / "checkpoint.pt")["iteration"] + 4
    resumed = train("matrix/matching_pennies", "MATRL", cfg, seed=5, iterations=n, log_dir=d, progress=False)
    full = train("matrix/matching_pennies", "MATRL", cfg, seed=5, iterations=n, progress=False)
    keep = [c for c in full.columns if c not in TIMING_COLUMNS]
    assert resumed.iteration.tolist() == list(range(n))
    pd.testing.assert_frame_equal(full[keep], resumed[keep], check_dtype=False)
