"""Fast checks of matrl_nb.maddpg on Hopper 3x1 with tiny networks and 50-step episodes: a finite log, the same
seed giving the same log, checkpoints that lose no row on a kill, shorter reruns that touch nothing, other runs'
folders refused with the differing fields named, and bad inputs refused by name."""
import warnings

import numpy as np
import pandas as pd
import pytest

warnings.filterwarnings("ignore", message=".*AdroitHand.*")

from matrl_nb import maddpg
from matrl_nb.checkpoint import ResumeMismatch

ENV = "mujoco/hopper-3x1"
KW = dict(env_kwargs=dict(max_episode_steps=50))
TINY = maddpg.MADDPGConfig(hidden=(16, 16), start_steps=100, update_after=100, update_every=50, batch_size=32,
                           log_every=100)
NON_TIMING = [c for c in maddpg.LOG_COLUMNS if c not in maddpg.TIMING_COLUMNS]


def files(d):
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_maddpg_smoke_and_seed():
    d1 = maddpg.train(ENV, TINY, seed=3, total_steps=300, **KW)
    d2 = maddpg.train(ENV, TINY, seed=3, total_steps=300, **KW)
    assert list(d1.columns) == [*maddpg.LOG_COLUMNS, "algo", "seed"]
    assert d1.env_steps.tolist() == [100, 200, 300] and d1.updates.tolist() == [5, 15, 25]
    assert np.isfinite(d1.loc[1:, NON_TIMING].to_numpy(float)).all() and (d1.episodes.sum() > 0)
    pd.testing.assert_frame_equal(d1[NON_TIMING], d2[NON_TIMING])
    d3 = maddpg.train(ENV, TINY, seed=4, total_steps=300, **KW)
    assert not d3[NON_TIMING].equals(d1[NON_TIMING])


def test_legacy_config_runs_one_copy():
    cfg = maddpg.legacy_config(hidden=(16, 16), start_steps=50, update_after=50, batch_size=16, log_every=50)
    d = maddpg.train(ENV, cfg, seed=0, total_steps=100, **KW)
    assert d.env_steps.tolist() == [50, 100] and d.updates.tolist() == [50, 100]  # one gradient step per env step
    assert np.isfinite(d[NON_TIMING].to_numpy(float)).all()


def test_kill_and_resume_loses_no_row(tmp_path):
    first = maddpg.train(ENV, TINY, seed=0, total_steps=200, log_dir=tmp_path, **KW)  # "killed" after 2 rows
    assert (tmp_path / "checkpoint.pt").exists() and len(pd.read_csv(tmp_path / "progress.csv")) == 2
    resumed = maddpg.train(ENV, TINY, seed=0, total_steps=400, log_dir=tmp_path, **KW)
    csv = pd.read_csv(tmp_path / "progress.csv")
    assert resumed.iteration.tolist() == csv.iteration.tolist() == [0, 1, 2, 3]
    assert resumed.env_steps.tolist() == [100, 200, 300, 400]
    pd.testing.assert_frame_equal(resumed.iloc[:2], first)
    pd.testing.assert_frame_equal(csv, resumed[list(maddpg.LOG_COLUMNS)])
    # the buffer restarted empty: no update until it again holds update_after transitions (at 300, not 250)
    assert resumed.updates.tolist() == [5, 15, 20, 30]
    assert np.isfinite(resumed[["critic_loss", "actor_loss", "q_mean"]].to_numpy(float)).all()


def test_kill_between_checkpoint_and_csv_line_is_mended(tmp_path):
    full = maddpg.train(ENV, TINY, seed=0, total_steps=300, log_dir=tmp_path, **KW)
    csv = tmp_path / "progress.csv"
    good = csv.read_text()
    csv.write_text("".join(good.splitlines(keepends=True)[:-1]))  # the last CSV line never written
    again = maddpg.train(ENV, TINY, seed=0, total_steps=300, log_dir=tmp_path, **KW)
    assert csv.read_text() == good and again.equals(full)
    csv.write_text("".join(good.splitlines(keepends=True)[:-1]))
    longer = maddpg.train(ENV, TINY, seed=0, total_steps=400, log_dir=tmp_path, **KW)
    assert pd.read_csv(csv).iteration.tolist() == [0, 1, 2, 3] and longer.iloc[:3].equals(full)


def test_shorter_rerun_touches_nothing(tmp_path):
    full = maddpg.train(ENV, TINY, seed=0, total_steps=400, log_dir=tmp_path, **KW)
    before = files(tmp_path)
    short = maddpg.train(ENV, TINY, seed=0, total_steps=200, log_dir=tmp_path, **KW)
    same = maddpg.train(ENV, TINY, seed=0, total_steps=400, log_dir=tmp_path, **KW)
    assert short.equals(full.iloc[:2]) and same.equals(full)
    assert files(tmp_path) == before


def test_other_runs_folder_is_refused(tmp_path):
    maddpg.train(ENV, TINY, seed=0, total_steps=100, log_dir=tmp_path, **KW)
    before = files(tmp_path)
    with pytest.raises(ResumeMismatch) as e:
        maddpg.train(ENV, maddpg.MADDPGConfig(**{**TINY.to_dict(), "batch_size": 64}), seed=1, total_steps=200,
                     log_dir=tmp_path, **KW)
    assert e.value.differences == ["seed: 0 -> 1", "config.batch_size: 32 -> 64"]
    with pytest.raises(ResumeMismatch, match="env_kwargs.max_episode_steps"):
        maddpg.train(ENV, TINY, seed=0, total_steps=200, log_dir=tmp_path, env_kwargs=dict(max_episode_steps=60))
    assert files(tmp_path) == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "progress.csv").write_text("env_steps,team_return\n100,1.0\n")
    with pytest.raises(ValueError, match="without checkpoint.pt"):
        maddpg.train(ENV, TINY, seed=0, total_steps=100, log_dir=other, **KW)


def test_maddpg_rejects_bad_input():
    for bad, word in ((dict(tau=0), "tau"), (dict(gamma=2.0), "gamma"), (dict(update_every=55), "update_every"),
                      (dict(updates_per_step=0.001), "updates_per_step"), (dict(max_grad_norm=-1.0), "max_grad_norm"),
                      (dict(buffer_size=100, update_after=1000), "update_after")):
        with pytest.raises(ValueError, match=word):
            maddpg.MADDPGConfig(**bad)
    with pytest.raises(TypeError, match="batch_size"):
        maddpg.MADDPGConfig(batch_size=32.0)
    with pytest.raises(ValueError, match="total_steps"):
        maddpg.train(ENV, TINY, total_steps=0)
    with pytest.raises(ValueError, match="total_steps=105 must be a multiple of config.n_envs=10"):
        maddpg.train(ENV, TINY, total_steps=105)
    with pytest.raises(ValueError, match="seed"):
        maddpg.train(ENV, TINY, seed=-1, total_steps=100)
    with pytest.raises(TypeError, match="config"):
        maddpg.train(ENV, dict(batch_size=32), total_steps=100)
    with pytest.raises(TypeError, match="env_kwargs"):
        maddpg.train(ENV, TINY, total_steps=100, env_kwargs=[("max_episode_steps", 50)])
    with pytest.raises(ValueError, match="Box"):
        maddpg.train("matrix/matching_pennies", TINY, total_steps=10)  # Discrete actions
