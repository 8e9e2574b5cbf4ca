"""matrl_nb.checkpoint: damaged checkpoints are detected, the previous good one is used, saving is atomic."""
import io
import os
import signal
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch

from matrl_nb.checkpoint import (CheckpointError, CheckpointWarning, ResumeMismatch, check_resume, config_diff,
                                 load_checkpoint, prev_path, save_checkpoint)


def state(it):
    torch.manual_seed(it)
    return {"meta": {"env": "x", "config": {"lr": 0.002}}, "iteration": it, "net": torch.nn.Linear(3, 2).state_dict()}


def same(a, b):
    return a["iteration"] == b["iteration"] and all(torch.equal(a["net"][k], b["net"][k]) for k in a["net"])


@pytest.fixture
def ck(tmp_path):
    return tmp_path / "run" / "checkpoint.pt"


def test_round_trip_and_previous_copy(ck):
    assert load_checkpoint(ck) is None
    assert save_checkpoint(ck, state(1)) == ck  # creates the folder
    assert same(load_checkpoint(ck), state(1)) and not prev_path(ck).exists()
    save_checkpoint(ck, state(2))
    assert same(load_checkpoint(ck), state(2)) and same(load_checkpoint(prev_path(ck)), state(1))
    save_checkpoint(ck, state(3))
    assert same(load_checkpoint(prev_path(ck)), state(2))
    assert prev_path(ck).name == "checkpoint.prev.pt"
    assert sorted(p.name for p in ck.parent.iterdir()) == ["checkpoint.prev.pt", "checkpoint.pt"]


def damage(kind, data):
    if kind == "empty": return b""
    if kind == "truncated": return data[: len(data) // 2]
    if kind == "truncated_header": return data[:20]
    if kind == "last_byte_missing": return data[:-1]
    if kind == "garbage": return np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes()
    if kind == "text": return b"not a checkpoint\n"
    if kind == "appended": return data + b"\0"
    if kind == "missing_hash":  # the header without its sha256 field: nothing to verify the content against
        nl = data.index(b"\n")
        return b" ".join(f for f in data[:nl].split(b" ") if not f.startswith(b"sha256=")) + data[nl:]
    if kind == "wrong_magic": return b"X" + data[1:]
    i = {"flip_payload": len(data) - 200, "flip_header_hash": 40, "flip_header_size": data.index(b"\n") - 1}[kind]
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


KINDS = ["empty", "truncated", "truncated_header", "last_byte_missing", "garbage", "text", "appended",
         "flip_payload", "flip_header_hash", "flip_header_size", "missing_hash", "wrong_magic"]


@pytest.mark.parametrize("kind", KINDS)
def test_damage_without_previous_raises_naming_file_and_remedy(ck, kind):
    save_checkpoint(ck, state(1))
    ck.write_bytes(damage(kind, ck.read_bytes()))
    with pytest.raises(CheckpointError) as e:
        load_checkpoint(ck)
    msg = str(e.value)
    assert isinstance(e.value, ValueError)
    assert str(ck) in msg and "delete" in msg and "log_dir" in msg, msg


@pytest.mark.parametrize("kind", KINDS)
def test_damage_falls_back_to_previous_with_warning(ck, kind):
    save_checkpoint(ck, state(1))
    save_checkpoint(ck, state(2))
    ck.write_bytes(damage(kind, ck.read_bytes()))
    with pytest.warns(CheckpointWarning) as rec:
        obj = load_checkpoint(ck)
    assert same(obj, state(1))
    msg = str(rec[0].message)
    assert str(ck) in msg and str(prev_path(ck)) in msg


def test_messages_say_what_happened(ck):
    save_checkpoint(ck, state(1))
    good = ck.read_bytes()
    for kind, words in [("empty", "empty"), ("truncated", "truncated"), ("garbage", "not a matrl_nb checkpoint"),
                        ("flip_payload", "sha256"), ("appended", "more than")]:
        ck.write_bytes(damage(kind, good))
        with pytest.raises(CheckpointError, match=words):
            load_checkpoint(ck)


def test_both_damaged_names_both(ck):
    save_checkpoint(ck, state(1))
    save_checkpoint(ck, state(2))
    ck.write_bytes(b"")
    prev_path(ck).write_bytes(prev_path(ck).read_bytes()[:-5])
    with pytest.raises(CheckpointError) as e:
        load_checkpoint(ck)
    msg = str(e.value)
    assert "empty" in msg and "truncated" in msg and str(prev_path(ck)) in msg


def test_damaged_bytes_never_reach_unsafe_unpickling(ck, monkeypatch):
    save_checkpoint(ck, state(1))
    ck.write_bytes(damage("flip_payload", ck.read_bytes()))
    calls = []
    real = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: calls.append(k.get("weights_only")) or real(*a, **k))
    with pytest.raises(CheckpointError):
        load_checkpoint(ck)
    assert False not in calls


def test_a_damaged_current_is_not_rotated_into_the_previous_slot(ck):
    save_checkpoint(ck, state(1))
    save_checkpoint(ck, state(2))
    ck.write_bytes(b"garbage")
    save_checkpoint(ck, state(3))
    assert same(load_checkpoint(prev_path(ck)), state(1)) and same(load_checkpoint(ck), state(3))


def test_a_fresh_run_drops_a_stale_previous_copy(ck):
    save_checkpoint(ck, state(1))
    save_checkpoint(ck, state(2))
    ck.unlink()  # the user deletes the checkpoint to start afresh
    assert load_checkpoint(ck) is None
    save_checkpoint(ck, state(10))
    assert not prev_path(ck).exists()  # a later fallback can never resume the discarded run
    ck.write_bytes(b"")
    with pytest.raises(CheckpointError):
        load_checkpoint(ck)


def test_crash_before_replace_keeps_old(ck, monkeypatch):
    save_checkpoint(ck, state(1))
    real = os.replace

    def crash(src, dst):
        if os.fspath(dst) == os.fspath(ck): raise OSError("disk full")
        return real(src, dst)
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_checkpoint(ck, state(2))
    monkeypatch.setattr(os, "replace", real)
    assert same(load_checkpoint(ck), state(1))


def test_sigkill_between_temp_write_and_replace_keeps_old(ck):
    "A real process killed at the worst moment: after the temporary file is written, before it replaces the old."
    save_checkpoint(ck, state(1))
    save_checkpoint(ck, state(2))
    script = textwrap.dedent(f"""
        import os, signal, torch
        from matrl_nb import checkpoint
        real = os.replace
        def replace(src, dst):
            if os.fspath(dst) == {os.fspath(ck)!r}: os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        os.replace = replace
        checkpoint.save_checkpoint({os.fspath(ck)!r}, {{"iteration": 3}})
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert (ck.parent / "checkpoint.pt.tmp").exists()  # it did die between the two steps
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback needed: the current one is intact
        assert same(load_checkpoint(ck), state(2))
    assert same(load_checkpoint(prev_path(ck)), state(2))  # it had already copied the current one aside
    save_checkpoint(ck, state(4))  # and the next save goes through over the leftover
    assert same(load_checkpoint(ck), state(4)) and not (ck.parent / "checkpoint.pt.tmp").exists()


def test_plain_torch_files_load_unverified_with_weights_only(ck):
    ck.parent.mkdir(parents=True)
    torch.save(state(5), ck)
    with pytest.warns(CheckpointWarning, match="no content hash"):
        assert same(load_checkpoint(ck), state(5))
    buf = io.BytesIO()
    torch.save(state(5), buf)
    ck.write_bytes(buf.getvalue()[:300])
    with pytest.raises(CheckpointError, match="plain torch"):
        load_checkpoint(ck)


def test_reserved_names_rejected(tmp_path):
    for name in ("checkpoint.pt.tmp", "checkpoint.prev.pt"):
        with pytest.raises(ValueError, match="path"):
            save_checkpoint(tmp_path / name, {})


def test_config_diff_messages():
    saved = {"env": "checkers", "config": {"lr": 0.002, "hidden": (128, 128), "checkpoint_every": 10,
                                           "clip": {"ppo": 0.1}, "name": "a"}}
    cur = {"env": "switch4", "config": {"lr": 0.001, "hidden": [128, 128], "checkpoint_every": 5,
                                        "clip": {"ppo": 0.2}, "extra": True}}
    d = config_diff(saved, cur, ignore={"checkpoint_every"})
    assert d == ["env: 'checkers' -> 'switch4'", "config.lr: 0.002 -> 0.001", "config.clip.ppo: 0.1 -> 0.2",
                 "config.name: 'a' -> <absent>", "config.extra: <absent> -> True"]
    assert "config.checkpoint_every: 10 -> 5" in config_diff(saved, cur)
    assert "config.checkpoint_every: 10 -> 5" in config_diff(saved, cur, ignore={"config.lr"})
    assert config_diff(saved, cur, ignore={"config.checkpoint_every", "env", "lr", "clip", "name", "extra"}) == []
    assert config_diff({"a": {"b": 1}}, {"a": 1}) == ["a: {'b': 1} -> 1"]
    assert config_diff({"a": 0}, {"a": False}) == ["a: 0 -> False"]
    assert config_diff({"a": np.float64(0.5)}, {"a": 0.5}) == []
    with pytest.raises(TypeError, match="ignore"):
        config_diff({}, {}, ignore="lr")
    with pytest.raises(TypeError, match="dicts"):
        config_diff([], {})


def test_check_resume_raises_resume_mismatch():
    with pytest.raises(ResumeMismatch) as e:
        check_resume("logs/checkpoint.pt", {"config": {"lr": 0.002}}, {"config": {"lr": 0.001}})
    assert isinstance(e.value, ValueError) and e.value.differences == ["config.lr: 0.002 -> 0.001"]
    assert "logs/checkpoint.pt" in str(e.value) and "config.lr: 0.002 -> 0.001" in str(e.value)
    check_resume("x", {"a": 1, "k": 2}, {"a": 1, "k": 3}, ignore={"k"})
