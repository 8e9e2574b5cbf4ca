"""The experiment runner: the same logs on both backends, resume after a kill, failures reported, notebook
environments carried to the workers, invalid jobs refused before anything runs."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from matrl_nb import envs
from matrl_nb.reproduce import ROOT
from matrl_nb.sweep import RECORD_FILES, Job, TIMING_COLUMNS, grid, is_finished, job_id, main, run_jobs

ray = pytest.importorskip("ray")

TINY = {"steps_per_iter": 64, "n_envs": 4, "hidden": (8, 8)}  # 4 copies of a 10-round game: episodes end in a batch
GAMES = ["matrix/iterated_coordination", "matrix/iterated_matching_pennies"]


@pytest.fixture(scope="module")
def ray_session():
    "One local Ray instance for the module (run_jobs uses it and leaves it running)."
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try: yield
    finally: ray.shutdown()


def smoke_jobs():
    return grid("ppo", GAMES, ["IL", "MATRL"], [0, 1], 2, overrides=TINY)


def reproducible(df):
    return df[[c for c in df.columns if c not in TIMING_COLUMNS]]


def test_smoke_sweep_gives_identical_logs_on_local_and_ray(tmp_path, ray_session):
    jobs = smoke_jobs()
    local = run_jobs(jobs, "local", tmp_path / "local", processes=2, progress=False)
    remote = run_jobs(jobs, "ray", tmp_path / "ray", progress=False, checkpoint_dir=str(tmp_path / "on_workers"))
    for df in (local, remote):
        assert df.attrs["finished"] and not df.attrs["failed"] and len(df) == 2 * len(jobs)
        assert [r["status"] for r in df.attrs["summary"]] == ["finished"] * len(jobs)
        assert df.team_return.notna().all()
    assert set(TIMING_COLUMNS) & set(local.columns)  # the timing columns exist, and only they are dropped
    pd.testing.assert_frame_equal(reproducible(local), reproducible(remote))
    assert (local.groupby("job_id").algo.first().to_dict()
            == {job_id(j): j.algo for j in jobs})  # the job's fields are columns
    for j in jobs:  # the trainer's files came back through Ray into the driver's folder
        d = tmp_path / "ray" / job_id(j)
        assert {"progress.csv", "checkpoint.pt", "log.csv", "job.json"} <= {p.name for p in d.iterdir()}
        assert json.loads((d / "job.json").read_text())["backend"] == "ray"
        assert (tmp_path / "on_workers" / job_id(j) / "checkpoint.pt").exists()  # the folder named for the workers
    summary = pd.read_csv(tmp_path / "ray" / "summary.csv")
    assert list(summary.status) == ["finished"] * len(jobs) and list(summary.job_id) == [job_id(j) for j in jobs]
    # a job whose result arrived but whose sweep was killed before log.csv: the driver ships its checkpoint to the
    # task (here without the workers' folder), and the trainer, finding it complete, returns its log untouched
    d = tmp_path / "ray" / job_id(jobs[0])
    progress = (d / "progress.csv").read_bytes()
    (d / "log.csv").unlink()
    again = run_jobs(jobs[:1], "ray", tmp_path / "ray", progress=False)
    assert again.attrs["summary"][0]["status"] == "finished" and not again.attrs["summary"][0]["resumed"]  # trained nothing
    assert (d / "progress.csv").read_bytes() == progress  # not retrained: a rerun would log other timings
    pd.testing.assert_frame_equal(again, remote[remote.job_id == job_id(jobs[0])].reset_index(drop=True), check_dtype=False)


KILL_SCRIPT = """
import sys
from matrl_nb.sweep import Job, run_jobs
tiny = {tiny!r}
jobs = [Job("ppo", "matrix/iterated_coordination", "IL", 0, 2, overrides=tiny),
        Job("ppo", "matrix/iterated_coordination", "IL", 1, 200, overrides={{**tiny, "checkpoint_every": 2}})]
run_jobs(jobs, out=sys.argv[1], processes=1, progress=False)
"""


def test_killed_sweep_resumes_without_redoing_finished_jobs(tmp_path):
    from matrl_nb.checkpoint import load_checkpoint
    out = tmp_path / "out"
    short = Job("ppo", "matrix/iterated_coordination", "IL", 0, 2, overrides=TINY)
    long = Job("ppo", "matrix/iterated_coordination", "IL", 1, 200, overrides={**TINY, "checkpoint_every": 2})
    a, b = out / job_id(short), out / job_id(long)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    p = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT.format(tiny=TINY), str(out)], env=env,
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        t0 = time.time()
        while not (is_finished(a, job_id(short)) and (b / "checkpoint.pt").exists()):
            assert p.poll() is None, f"the sweep ended before it was killed: {p.stderr.read().decode()[-2000:]}"
            assert time.time() - t0 < 90, "the first job did not finish in time"
            time.sleep(0.02)
    finally:
        os.killpg(p.pid, signal.SIGKILL)  # the sweep and its worker, mid-job
        p.wait()
    assert not is_finished(b, job_id(long)), "the long job finished before the kill: make it longer"
    assert json.loads((b / "job.json").read_text())["status"] == "running"
    done_files = {f.name: (f.read_bytes(), f.stat().st_mtime_ns) for f in a.iterdir()}
    ck_iter = load_checkpoint(b / "checkpoint.pt")["iteration"]
    before = (b / "progress.csv").read_text().splitlines()[:ck_iter + 2]  # header + rows up to the checkpoint

    df = run_jobs([short, long], out=out, processes=1, progress=False)
    assert df.attrs["finished"]
    assert {f.name: (f.read_bytes(), f.stat().st_mtime_ns) for f in a.iterdir()} == done_files  # not rewritten
    status = {r["job_id"]: r for r in df.attrs["summary"]}
    assert status[job_id(short)]["status"] == "cached" and not status[job_id(short)]["resumed"]
    assert status[job_id(long)]["status"] == "finished" and status[job_id(long)]["resumed"]
    after = (b / "progress.csv").read_text().splitlines()
    assert after[:len(before)] == before  # resumed from the checkpoint: the rows before it were kept as they were
    assert list(df[df.job_id == job_id(long)].iteration) == list(range(200))


# A "notebook" environment: the class is made by exec in a module that exists in this process only, so a worker
# cannot import it by name; it records the process it was built in.
NOTEBOOK_CELL = textwrap.dedent("""
    import os, time
    from pathlib import Path
    from matrl_nb.envs import MatrixGameEnv, MATRIX_GAMES
    class CellGame(MatrixGameEnv):
        def __init__(self, pid_dir, horizon=10):
            Path(pid_dir, str(os.getpid())).touch()
            time.sleep(0.3)  # keep each worker busy long enough for the other to take the second job
            super().__init__(MATRIX_GAMES["coordination"], horizon=horizon, name="cell_game")
    def broken(**kw):
        raise RuntimeError("this factory is broken on purpose")
""")


def notebook_namespace():
    ns = {"__name__": "a_notebook_cell"}
    exec(NOTEBOOK_CELL, ns)
    assert "a_notebook_cell" not in sys.modules
    return ns


@pytest.mark.parametrize("backend", ["local", "ray"])
def test_notebook_environment_trains_in_two_workers_and_a_failure_is_reported(tmp_path, backend, ray_session, capsys):
    ns = notebook_namespace()
    pids = tmp_path / "pids"
    pids.mkdir()
    envs.register("test/cell-game", ns["CellGame"], pid_dir=str(pids))  # known in this process only
    try:
        jobs = [Job("ppo", ns["CellGame"], "IL", 0, 2, overrides=TINY, env_kwargs={"pid_dir": str(pids)}),
                Job("ppo", "test/cell-game", "IL", 1, 2, overrides=TINY),
                Job("ppo", ns["broken"], "IL", 0, 2, overrides=TINY)]
        ids = [job_id(j) for j in jobs]
        df = run_jobs(jobs, backend, tmp_path / "out", processes=2)
    finally: del envs._REGISTRY["test/cell-game"]
    assert not df.attrs["finished"] and df.attrs["failed"] == [ids[2]]
    assert [r["job_id"] for r in df.attrs["summary"]] == ids
    assert [r["status"] for r in df.attrs["summary"]] == ["finished", "finished", "failed"]
    assert set(df.env) == {"a_notebook_cell.CellGame", "test/cell-game"} and len(df) == 4
    built_in = {int(p.name) for p in pids.iterdir()}
    assert len(built_in) == 2 and os.getpid() not in built_in  # two worker processes, neither of them this one
    meta = json.loads((tmp_path / "out" / ids[2] / "job.json").read_text())
    assert meta["status"] == "failed" and "RuntimeError: this factory is broken on purpose" in meta["error"]
    assert "broken" in meta["traceback"] and meta["job"]["env"] == "a_notebook_cell.broken" and meta["config"]["hidden"] == [8, 8]
    err = capsys.readouterr().err
    assert f"FAILED job {ids[2]}" in err and "this factory is broken on purpose" in err and '"trainer": "ppo"' in err


@pytest.mark.parametrize("backend", ["local", "ray"])
def test_unknown_names_fail_before_anything_runs(tmp_path, backend, monkeypatch):
    import matrl_nb.sweep as sw
    def never(*a, **k): raise AssertionError("a backend was started")
    monkeypatch.setattr(sw, "_connect_ray", never)
    monkeypatch.setattr(sw, "_run_local", never)
    good = smoke_jobs()
    bad = [Job("sac", GAMES[0], "IL", 0, 2), Job("ppo", "matrix/no_such_game", "IL", 0, 2),
           Job("ppo", GAMES[0], "MATRLX", 0, 2), Job("vd", GAMES[0], "IL", 0, 2000),
           Job("ppo", GAMES[0], "IL", 0, 2, overrides={"stepz": 1})]
    with pytest.raises(ValueError) as e:
        run_jobs(good + bad, backend, tmp_path / "out", progress=False)
    msg = str(e.value)
    for s in ("5 of 13 jobs are invalid; nothing was run", "unknown trainer 'sac'; valid trainers: ppo, vd, maddpg",
              "unknown environment 'matrix/no_such_game'", "unknown algorithm 'MATRLX' for trainer 'ppo'",
              "unknown algorithm 'IL' for trainer 'vd'; valid: VDN, QMIX", "unknown field(s) ['stepz'] of MATRLConfig"):
        assert s in msg, msg
    assert not (tmp_path / "out").exists()  # not even the folder
    with pytest.raises(ValueError, match="unknown backend 'spark'"):
        run_jobs(good, "spark", tmp_path / "out")


def test_command_writes_one_csv_per_job_and_a_summary_and_exits_by_status(tmp_path, capsys):
    out = tmp_path / "grid"
    args = ["--trainer", "ppo", "--envs", GAMES[0], "--algos", "IL", "--seeds", "0", "1", "--budget", "2",
            "--out", str(out), "--override", "steps_per_iter=64", "n_envs=4", "hidden=(8,8)", "--processes", "2",
            "--no-progress"]
    assert main(args) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.status) == ["finished"] * 2 and summary.overrides.str.contains('"hidden": \\[8, 8\\]').all()
    for jid in summary.job_id: assert len(pd.read_csv(out / jid / "log.csv")) == 2
    assert main(args) == 0 and "cached" in capsys.readouterr().out  # a rerun skips both
    # a job that fails at run time (VD's budget below one log window): exit status 1, the others unaffected
    assert main(["--trainer", "vd", "--envs", "matrix/coordination", "--algos", "VDN", "--seeds", "0", "--budget", "10",
                 "--out", str(tmp_path / "vd"), "--no-progress"]) == 1
    assert "shorter than one log window" in pd.read_csv(tmp_path / "vd" / "summary.csv").error[0]
    r = subprocess.run([sys.executable, "-m", "matrl_nb.sweep", "--trainer", "ppo", "--envs", "matrix/nope", "--algos",
                        "IL", "--seeds", "0", "--budget", "2", "--out", str(tmp_path / "never")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "unknown environment 'matrix/nope'" in r.stderr and not (tmp_path / "never").exists()


def test_ray_address_comes_from_the_option_else_the_environment(monkeypatch):
    import matrl_nb.sweep as sw
    calls = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: calls.append(kw))
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.2:6379")
    assert sw._connect_ray("10.0.0.1:6379") and calls[-1]["address"] == "10.0.0.1:6379"
    assert sw._connect_ray(None) and calls[-1]["address"] == "10.0.0.2:6379"
    monkeypatch.delenv("RAY_ADDRESS")
    assert sw._connect_ray(None) and "address" not in calls[-1]  # a local instance


def test_reproduce_passes_backend_only_to_notebooks_that_declare_it(tmp_path, monkeypatch, capsys):
    import matrl_nb.reproduce as rp
    def nb(name, params):
        cell = {"id": "p", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": params, "outputs": [],
                "execution_count": None}
        (tmp_path / name).write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    nb("97_sweeps.ipynb", "preset = default_preset()\nbackend = 'local'\nray_address = None\n")
    nb("98_backend_only.ipynb", "preset = default_preset()\nbackend = 'local'\n")
    nb("99_plain.ipynb", "preset = default_preset()\nseeds = [0]\n")
    seen = {}
    def fake_run(p, preset, progress=True, parameters=None, inject=True):
        seen[Path(p).name] = (parameters, os.environ.get("RAY_ADDRESS"))
        return rp.RunResult(Path(p).name, preset, 0.0, 0)
    monkeypatch.setattr(rp, "NBS_DIR", tmp_path)
    monkeypatch.setattr(rp, "run_notebook", fake_run)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert rp.main(["--preset", "smoke", "--no-progress", "--backend", "ray", "--ray-address", "10.0.0.1:6379"]) == 0
    assert seen == {"97_sweeps.ipynb": ({"backend": "ray", "ray_address": "10.0.0.1:6379"}, "10.0.0.1:6379"),
                    "98_backend_only.ipynb": ({"backend": "ray"}, "10.0.0.1:6379"),
                    "99_plain.ipynb": (None, "10.0.0.1:6379")}
    out = capsys.readouterr().out
    assert "99_plain.ipynb declares no backend / ray_address parameter" in out and "98_backend_only.ipynb declares no ray_address" in out
    assert "RAY_ADDRESS" not in os.environ
    seen.clear()
    assert rp.main(["--preset", "smoke", "--no-progress"]) == 0 and {v[0] for v in seen.values()} == {None}
    assert rp.main(["--preset", "smoke", "--backend", "spark"]) == 2
    assert rp.main(["--preset", "smoke", "--ray-address", "x:1"]) == 2
    assert "needs --backend ray" in capsys.readouterr().err


def finished_pair(tmp_path, backend, request):
    "Two tiny MATRL jobs run to the end on `backend` in `tmp_path`: the jobs, their logs, their folders."
    if backend == "ray": request.getfixturevalue("ray_session")
    jobs = grid("ppo", GAMES[:1], ["MATRL"], [0, 1], 3, overrides=TINY)
    first = run_jobs(jobs, backend, tmp_path, processes=2, progress=False)
    return jobs, first, [tmp_path / job_id(j) for j in jobs]


def as_old_code(d: Path):
    "Mark the job folder `d` as written by an older library."
    m = json.loads((d / "job.json").read_text())
    (d / "job.json").write_text(json.dumps({**m, "code": "0ld0ld0ld0ld", "codes": ["0ld0ld0ld0ld"]}))


@pytest.mark.parametrize("backend", ["local", "ray"])
def test_a_folder_of_other_code_is_reused_only_if_its_first_rows_reproduce(tmp_path, backend, request, capsys):
    "Under another code version a finished job is checked, not retrained; an edited log is set aside and redone."
    jobs, first, dirs = finished_pair(tmp_path, backend, request)
    metas = [json.loads((d / "job.json").read_text()) for d in dirs]
    for d in dirs: as_old_code(d)  # as if an older library had written both folders
    p = dirs[1] / "progress.csv"
    csv = pd.read_csv(p, dtype=str, keep_default_na=False)
    csv.loc[1, "team_return"] = "99.5"  # what other code computed, in the second row
    csv.to_csv(p, index=False)
    ckpt = (dirs[0] / "checkpoint.pt").read_bytes()
    again = run_jobs(jobs, backend, tmp_path, processes=2, progress=False)
    cap = capsys.readouterr()
    err = cap.err + cap.out
    assert again.attrs["finished"] and "checked by rerunning its first 2 log rows" in err
    assert "STALE" in err and job_id(jobs[1]) in err and "team_return" in err and "99.5" in err
    new = [json.loads((d / "job.json").read_text()) for d in dirs]
    assert new[0]["verified"] is True and new[0]["codes"] == ["0ld0ld0ld0ld", new[0]["code"]] != metas[0]["codes"]
    assert new[0]["seconds"] >= metas[0]["seconds"] and (dirs[0] / "checkpoint.pt").read_bytes() == ckpt
    assert new[0]["resumed"] is False   # reused with its checkpoint, it trained nothing: not a resumed run
    assert new[1]["verified"] is False and new[1]["codes"] == [new[1]["code"]]
    stale = tmp_path / ".stale" / f"{job_id(jobs[1])}-0ld0ld0ld0ld"
    assert "99.5" in (stale / "progress.csv").read_text()  # kept, not deleted
    pd.testing.assert_frame_equal(reproducible(first), reproducible(again))  # the redone job computes what it did
    third = run_jobs(jobs, backend, tmp_path, processes=2, progress=False)
    assert [r["status"] for r in third.attrs["summary"]] == ["cached", "cached"]  # checked once per code version


def test_a_job_another_process_runs_is_left_alone(tmp_path):
    "A second runner (another process holding the job's lock) gets `busy`; the folder is untouched; the CLI exits 1."
    job = smoke_jobs()[0]
    jid = job_id(job)
    (tmp_path / ".locks").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, sys, time
        f = open({str(tmp_path / '.locks' / f'{jid}.lock')!r}, "a+"); fcntl.flock(f, fcntl.LOCK_EX)
        f.write("pid 4242 on elsewhere"); f.flush(); print("held", flush=True); time.sleep(60)""")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        df = run_jobs([job], out=tmp_path, processes=1, progress=False)
        assert df.attrs["busy"] == [jid] and not df.attrs["finished"] and len(df) == 0
        assert not (tmp_path / jid).exists()
        argv = ["--trainer", "ppo", "--envs", GAMES[0], "--algos", "IL", "--seeds", "0", "--budget", "2", "--out", str(tmp_path),
                "--no-progress", "--override", *[f"{k}={v}" for k, v in TINY.items()]]
        assert main(argv) == 1
    finally:
        holder.kill(); holder.wait()
    assert run_jobs([job], out=tmp_path, processes=1, progress=False).attrs["finished"]   # the lock died with its holder


def test_two_runners_over_one_list_run_each_job_once(tmp_path):
    "Two sweeps over the same jobs at the same time: each job is run by exactly one; the other skips it (busy or cached)."
    other = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_sweep import smoke_jobs
        from matrl_nb.sweep import run_jobs
        df = run_jobs(smoke_jobs(), out={str(tmp_path)!r}, processes=1, progress=False)
        print(json.dumps({{r["job_id"]: r["status"] for r in df.attrs["summary"]}}))""")], stdout=subprocess.PIPE, text=True)
    mine = run_jobs(smoke_jobs(), out=tmp_path, processes=1, progress=False)
    theirs = json.loads(other.communicate(timeout=300)[0].strip().splitlines()[-1])
    assert other.returncode == 0
    ours = {r["job_id"]: r["status"] for r in mine.attrs["summary"]}
    assert set(ours) == set(theirs) and len(ours) == 8
    for jid in ours:
        assert [ours[jid], theirs[jid]].count("finished") == 1, (jid, ours[jid], theirs[jid])
        assert {ours[jid], theirs[jid]} <= {"finished", "busy", "cached"}
    again = run_jobs(smoke_jobs(), out=tmp_path, processes=1, progress=False)
    assert {r["status"] for r in again.attrs["summary"]} == {"cached"} and again.attrs["finished"]


def as_record(d: Path):
    "Keep of a job's folder only what the repository keeps of a finished paper job: job.json, log.csv, resumes.txt."
    for p in d.iterdir():
        if p.name not in RECORD_FILES: p.unlink()


@pytest.mark.parametrize("backend", ["local", "ray"])
def test_a_record_without_the_trainers_files_is_read_back_checked_not_retrained(tmp_path, backend, request, capsys):
    "A finished job's record (a fresh clone's runs/): cached under this code; checked (not rerun) under another; redone if edited."
    jobs, first, dirs = finished_pair(tmp_path, backend, request)
    for d in dirs: as_record(d)
    same = run_jobs(jobs, backend, tmp_path, processes=2, progress=False)
    assert [r["status"] for r in same.attrs["summary"]] == ["cached", "cached"]
    pd.testing.assert_frame_equal(first, same)
    for d in dirs: as_old_code(d)  # as if an older library had written both records
    kept = (dirs[0] / "log.csv").read_bytes()
    log = pd.read_csv(dirs[1] / "log.csv", dtype=str, keep_default_na=False)
    log.loc[0, "team_return"] = "99.5"
    log.to_csv(dirs[1] / "log.csv", index=False)
    again = run_jobs(jobs, backend, tmp_path, processes=2, progress=False)
    err = "".join(capsys.readouterr())
    assert again.attrs["finished"] and "STALE" in err and job_id(jobs[1]) in err and "99.5" in err
    meta = [json.loads((d / "job.json").read_text()) for d in dirs]
    assert meta[0]["verified"] is True and meta[0]["codes"][0] == "0ld0ld0ld0ld"
    assert not (dirs[0] / "checkpoint.pt").exists() and not (dirs[0] / "progress.csv").exists()  # checked, not retrained
    assert (dirs[0] / "log.csv").read_bytes() == kept   # a record in git stays byte for byte
    assert meta[1]["verified"] is False and (dirs[1] / "checkpoint.pt").exists()                    # redone from zero
    assert "99.5" in (tmp_path / ".stale" / f"{job_id(jobs[1])}-0ld0ld0ld0ld" / "log.csv").read_text()  # the edited record kept
    pd.testing.assert_frame_equal(reproducible(first), reproducible(again))


def test_needs_reruns_a_finished_job_without_the_files_its_reader_needs(tmp_path):
    "`needs`: a record lacking a checkpoint is trained again; a file no trainer writes fails the job by name."
    jobs = grid("ppo", GAMES[:1], ["IL"], [0], 2, overrides=TINY)
    first = run_jobs(jobs, out=tmp_path, processes=1, progress=False)
    d = tmp_path / job_id(jobs[0])
    as_record(d)
    assert is_finished(d, job_id(jobs[0])) and not is_finished(d, job_id(jobs[0]), needs=("checkpoint.pt",))
    back = run_jobs(jobs, out=tmp_path, processes=1, progress=False, needs=("checkpoint.pt",))
    assert back.attrs["summary"][0]["status"] == "finished" and (d / "checkpoint.pt").exists()
    pd.testing.assert_frame_equal(reproducible(first), reproducible(back))
    bad = run_jobs(jobs, out=tmp_path, processes=1, progress=False, needs=("snapshot_7.pt",))
    assert bad.attrs["failed"] == [job_id(jobs[0])] and "snapshot_7.pt" in bad.attrs["summary"][0]["error"]
    with pytest.raises(TypeError, match="needs must be a list"): run_jobs(jobs, out=tmp_path, needs="checkpoint.pt")
    with pytest.raises(ValueError, match="'../checkpoint.pt' is not a file name"): run_jobs(jobs, out=tmp_path, needs=["../checkpoint.pt"])


def test_git_keeps_exactly_the_records_of_paper_jobs():
    "The .gitignore keeps RECORD_FILES of runs/<notebook>/paper/<job>/ and nothing else of runs/."
    paths = [f"runs/05_hopper/paper/0123456789abcdef/{n}" for n in RECORD_FILES]
    ignored = ["runs/05_hopper/paper/0123456789abcdef/checkpoint.pt", "runs/05_hopper/paper/0123456789abcdef/progress.csv",
               "runs/05_hopper/quick/0123456789abcdef/log.csv", "runs/05_hopper/paper/summary.csv",
               "runs/05_hopper/paper/.locks/0123456789abcdef.lock", "runs/05_hopper/paper/.stale/0123-0ld/job.json"]
    r = subprocess.run(["git", "check-ignore", "--no-index", *paths, *ignored], cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 1): pytest.skip(f"git check-ignore unavailable here: {r.stderr.strip()}")
    assert r.stdout.split() == ignored
