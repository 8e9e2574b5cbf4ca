"""Property-based fuzzing (hypothesis) of the whole public API: for every input outside its documented domain the
call raises ValueError or TypeError whose message names the argument. Each case below names one argument of one
function or class; hypothesis draws bad values for it (wrong types, NaN/inf, out-of-range numbers, unknown names,
bad shapes) and every draw counts as one input tried. The totals are printed in the terminal summary
("fuzz_api: N inputs tried, N clear errors"), also under -q and without -s (tests/conftest.py).

`audit(max_examples)` runs the same catalogue without asserting and returns the counts: 90_reproduce's reliability
table calls it, so the numbers there are this file's."""
from __future__ import annotations

import collections
import math
import re
import warnings
from dataclasses import dataclass, fields
from typing import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from matrl_nb import (checkpoint, envs, hparams, maddpg, matrix_games as mgs, matrl, meta_game as mg, nash, ppo,
                      reproduce, stability, sweep, theory, value_decomposition as vd)

TRIED, CLEAR = collections.Counter(), collections.Counter()
FUZZ = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
EXAMPLES = 12  # per case under pytest; ~200 cases, each call microseconds to milliseconds


def FUZZ_REPORT() -> str:
    "The line tests/conftest.py prints in the terminal summary."
    gt, gc = (sum(v for k, v in X.items() if k in GAPS) for X in (TRIED, CLEAR))
    return (f"fuzz_api: {sum(TRIED.values())} bad inputs tried, {sum(CLEAR.values())} clear errors "
            f"(ValueError/TypeError naming the argument) over {len(TRIED)} cases; outside the {len(GAPS)} known gaps "
            f"(xfail, strict) {sum(TRIED.values()) - gt} tried, {sum(CLEAR.values()) - gc} clear")


# ---------------------------------------------------------------- bad values
non_numbers = st.one_of(st.none(), st.text(max_size=4), st.binary(max_size=3), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
                        st.complex_numbers(allow_nan=False, allow_infinity=False, min_magnitude=1e-3), st.just(object()))
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
booleans = st.sampled_from([True, False, np.bool_(True)])


def bad_real(lo=None, hi=None, lo_open=False, hi_open=False, none_ok=False):
    "Not a real number in [lo, hi] (open ends as given): out-of-range floats, NaN/inf, bools, non-numbers."
    parts = [non_finite, booleans, non_numbers if not none_ok else non_numbers.filter(lambda x: x is not None)]
    if lo is not None: parts.append(st.floats(-1e6, lo, exclude_max=not lo_open))
    if hi is not None: parts.append(st.floats(hi, 1e6, exclude_min=not hi_open))
    return st.one_of(*parts)


def bad_int(lo, none_ok=False):
    "Not an integer >= lo: smaller integers, non-integral floats (and integral ones: a float is not a count), bools, ..."
    return st.one_of(st.integers(-10 ** 6, lo - 1), st.floats(allow_nan=True), booleans,
                     non_numbers if not none_ok else non_numbers.filter(lambda x: x is not None))


def bad_name(valid, none_ok=False, lists=True):
    "Not one of the names `valid`: other strings, numbers, bools, None, containers (a list is unhashable)."
    return st.one_of(st.text(max_size=8).filter(lambda s: s not in valid), st.integers(), booleans,
                     st.none() if not none_ok else st.nothing(),
                     st.lists(st.sampled_from(list(valid)), max_size=1) if lists else st.nothing())


def bad_flag(none_ok=False):
    "Not True/False: numbers, strings, None."
    return st.one_of(st.integers(), st.floats(), st.text(max_size=3), st.none() if not none_ok else st.nothing())


bad_prob = bad_real(0, 1)
bad_seed = st.one_of(st.integers(-10 ** 6, -1), st.floats(allow_nan=True), booleans, st.text(max_size=3))


ARRAY_KINDS = ("shape", "nonfinite", "strings", "bool", "complex", "ragged", "non_number", "range")


def bad_array(shape, finite=True, lo=None, hi=None, shapes=True, valid_shapes=(), kinds=ARRAY_KINDS):
    """Not a real array of `shape` (with entries in [lo, hi]): wrong shapes, NaN/inf, out-of-range entries,
    strings, booleans, complex numbers, ragged lists, non-arrays."""
    good = st.floats(-1 if lo is None else lo, 1 if hi is None else hi)

    @st.composite
    def draw(d):
        kind = d(st.sampled_from([k for k in kinds if (k != "shape" or shapes) and
                                  (k != "range" or lo is not None or hi is not None)]))
        ok = d(hnp.arrays(float, shape, elements=good))
        if kind == "shape":
            s = d(hnp.array_shapes(min_dims=0, max_dims=len(shape) + 1, min_side=0, max_side=4).filter(
                lambda s: s != shape and s not in valid_shapes))
            return d(hnp.arrays(float, s, elements=good))
        if kind == "nonfinite":
            if not finite or ok.size == 0: return d(non_numbers)
            ok.flat[d(st.integers(0, ok.size - 1))] = d(non_finite)
            return ok
        if kind == "range":
            if ok.size == 0: return d(non_numbers)
            v = (lo - d(st.floats(1e-3, 10))) if lo is not None and (hi is None or d(st.booleans())) else hi + d(st.floats(1e-3, 10))
            ok.flat[d(st.integers(0, ok.size - 1))] = v
            return ok
        if kind == "strings": return ok.astype(str) if ok.size else np.array(["x"])
        if kind == "bool": return ok > 0 if ok.size else np.array([True])
        if kind == "complex": return ok + 1j
        if kind == "ragged": return [[1.0, 2.0], [3.0]]
        return d(non_numbers.filter(lambda x: not isinstance(x, list)))
    return draw()


# ---------------------------------------------------------------- the check
def names(arg: str, msg: str) -> bool:
    "The message names `arg`: as a word (so that 'n' is not found inside 'an')."
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", msg) is not None


def outcome(call: Callable, arg: str) -> str | None:
    "None if `call()` raises ValueError/TypeError naming `arg`; else what happened instead."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = call()
    except (ValueError, TypeError) as e:
        return None if names(arg, str(e)) else f"{type(e).__name__} without naming {arg!r}: {str(e)[:200]}"
    except Exception as e:
        return f"{type(e).__name__} (not ValueError/TypeError): {str(e)[:200]}"
    return f"accepted (returned {type(out).__name__})"


@dataclass
class Case:
    label: str                 # what is called, with which bad argument
    arg: str                   # the name the message must contain
    strategy: st.SearchStrategy
    call: Callable             # call(bad) makes the call with the bad value in place
    gap: str | None = None     # a known gap in a notebook this suite's author does not own: where to fix it


CASES: list[Case] = []


def case(label, arg, strategy, call, gap=None):
    CASES.append(Case(label, arg, strategy, call, gap))


# ---------------------------------------------------------------- matrix games (00)
MP = mgs.named_game("matching_pennies")
G4 = np.stack([MP] * 4)
for f, extra in [("iga_step", {}), ("iga_pp_step", {}), ("matrl_iga_step", {})]:
    fn = getattr(mgs, f)
    case(f"{f} payoffs", "payoffs", bad_array((4, 2, 2, 2)), lambda b, fn=fn: fn(b, 0.5, 0.5))
    case(f"{f} p", "p", bad_prob, lambda b, fn=fn: fn(G4, b, 0.5))
    case(f"{f} q", "q", bad_array((4,), lo=0, hi=1, valid_shapes=[()]), lambda b, fn=fn: fn(G4, 0.5, b))
case("iga_step lr", "lr", bad_real(0), lambda b: mgs.iga_step(G4, 0.5, 0.5, lr=b))
case("iga_pp_step gamma", "gamma", bad_real(0), lambda b: mgs.iga_pp_step(G4, 0.5, 0.5, gamma=b))
case("wolf_iga_step p_eq", "p_eq", bad_prob, lambda b: mgs.wolf_iga_step(G4, 0.5, 0.5, b, 0.5))
case("wolf_iga_step l_max", "l_max", bad_real(0), lambda b: mgs.wolf_iga_step(G4, 0.5, 0.5, 0.5, 0.5, l_max=b))
case("meta_game (2x2) q_hat", "q_hat", bad_prob, lambda b: mgs.meta_game(G4, 0.5, 0.5, 0.5, b))
case("matrl_iga_step lr_br", "lr_br", bad_real(0), lambda b: mgs.matrl_iga_step(G4, 0.5, 0.5, lr_br=b))
case("matrl_iga_step select", "select", bad_name(nash.SELECT), lambda b: mgs.matrl_iga_step(G4, 0.5, 0.5, select=b))
case("matrl_iga_step rng", "rng", bad_seed, lambda b: mgs.matrl_iga_step(G4, 0.5, 0.5, rng=b))
case("values p", "p", bad_prob, lambda b: mgs.values(G4, b, 0.5))
case("policy_gradients q", "q", bad_prob, lambda b: mgs.policy_gradients(G4, 0.5, b))
case("check_games payoffs", "payoffs", bad_array((3, 2, 2, 2)), lambda b: mgs.check_games(b))
case("named_game name", "game", bad_name(mgs.NAMED_GAMES), lambda b: mgs.named_game(b))
case("sample_games game_class", "game class", bad_name(mgs.GAME_CLASSES), lambda b: mgs.sample_games(b, 3))
case("sample_games n", "n", bad_int(1), lambda b: mgs.sample_games("cyclic", b))
case("sample_games seed", "seed", bad_seed, lambda b: mgs.sample_games("cyclic", 3, seed=b))
case("convergence_steps tol", "tol", bad_real(0, lo_open=True), lambda b: mgs.convergence_steps(np.zeros((3, 2)), tol=b))
case("convergence_steps dist", "dist", st.one_of(st.text(max_size=3), hnp.arrays(float, st.sampled_from([(3,), (2, 2, 2), (0, 2)])),
                                                 st.just(np.full((2, 2), np.nan))), lambda b: mgs.convergence_steps(b))
case("simulate learner", "learner", bad_name(mgs.LEARNERS), lambda b: mgs.simulate(MP, b, steps=2))
case("simulate steps", "steps", bad_int(1), lambda b: mgs.simulate(MP, "IGA", steps=b))
case("simulate tol", "tol", bad_real(0, lo_open=True), lambda b: mgs.simulate(MP, "IGA", steps=2, tol=b))
case("simulate p0", "p0", bad_prob, lambda b: mgs.simulate(MP, "IGA", steps=2, p0=b))
case("simulate lr", "lr", bad_real(0), lambda b: mgs.simulate(MP, "IGA", steps=2, lr=b))
case("simulate seed", "seed", bad_seed, lambda b: mgs.simulate(MP, "MATRL-IGA", steps=2, seed=b))
case("simulate record", "record", bad_flag(), lambda b: mgs.simulate(MP, "IGA", steps=2, record=b))
case("simulate_release learner", "learner", bad_name(mgs.LEARNERS), lambda b: mgs.simulate_release(MP, b, steps=2))
case("simulate_release select", "select", bad_name(("last", "random", "first", "welfare")),
     lambda b: mgs.simulate_release(MP, "MATRL-IGA", steps=2, select=b))
case("simulate_release steps", "steps", bad_int(1), lambda b: mgs.simulate_release(MP, "IGA", steps=b))

# ---------------------------------------------------------------- Nash solvers (02a; deeper: test_fuzz_nash.py)
G2 = MP
case("solve_nash payoffs", "payoffs", bad_array((2, 2, 2)), lambda b: nash.solve_nash(b, rng=0))
case("solve_nash method", "method", bad_name(nash.METHODS), lambda b: nash.solve_nash(G2, method=b, rng=0))
case("solve_nash restarts", "restarts", bad_int(0), lambda b: nash.solve_nash(G2, restarts=b, rng=0))
case("solve_nash max_evals", "max_evals", bad_int(1), lambda b: nash.solve_nash(G2, max_evals=b, rng=0))
case("solve_nash rng", "rng", bad_seed, lambda b: nash.solve_nash(G2, rng=b))
case("solve_nash tol", "tol", bad_real(0), lambda b: nash.solve_nash(G2, tol=b, rng=0))
case("nash_conv rho", "rho", bad_array((2,), lo=0, hi=1), lambda b: nash.nash_conv(G2, b))

# ---------------------------------------------------------------- meta-game (02)
T, N = 6, 2
Z = np.zeros((T, N))
case("meta_game_from_samples adv", "adv", bad_array((T, N)), lambda b: mg.meta_game_from_samples(b, Z, Z))
case("meta_game_from_samples logp_cur", "logp_cur", bad_array((T, N)), lambda b: mg.meta_game_from_samples(Z, b, Z))
case("meta_game_from_samples logp_pred (discrete) > 0", "logp_pred",
     hnp.arrays(float, (T, N), elements=st.floats(-5, 5)).filter(lambda a: (a > 1e-3).any()),
     lambda b: mg.meta_game_from_samples(Z, Z - 1.0, b, discrete=True))
case("meta_game_from_samples clip", "clip", bad_real(0, lo_open=True, none_ok=True),
     lambda b: mg.meta_game_from_samples(Z, Z, Z, clip=b))
case("meta_game_from_samples centred", "centred", bad_flag(), lambda b: mg.meta_game_from_samples(Z, Z, Z, centred=b))
case("meta_game_from_samples n > MAX_AGENTS", "MAX_AGENTS", st.integers(nash.MAX_AGENTS + 1, 64),
     lambda b: mg.meta_game_from_samples(*[np.zeros((T, b))] * 3))
case("profiles n", "n", st.one_of(bad_int(1), st.integers(nash.MAX_AGENTS + 1, 10 ** 6)), lambda b: mg.profiles(b))
case("effective_sample_size weights", "weights", bad_array((5,), lo=0, shapes=False), lambda b: mg.effective_sample_size(b))
case("interaction_terms M", "meta-game", bad_array((2, 2, 2)).filter(lambda x: not isinstance(x, (str, bytes))),
     lambda b: mg.interaction_terms(b))
case("prediction_dominant strict", "strict", bad_flag(), lambda b: mg.prediction_dominant(np.zeros((2, 2, 2)), strict=b))
case("meta_game_release release_typos", "release_typos", bad_flag(),
     lambda b: mg.meta_game_release(Z, Z, Z, release_typos=b))
_pi = [np.full((1, 2), 0.5)] * 2
case("meta_game_exact pi_cur[0]", "pi_cur[0]", bad_array((1, 2), lo=0, hi=1),
     lambda b: mg.meta_game_exact(np.zeros((2, 1, 2, 2)), [b, _pi[1]], _pi))

# ---------------------------------------------------------------- stability (03)
case("restricted_payoffs rho", "rho", bad_array((2,), lo=0, hi=1), lambda b: stability.restricted_payoffs(G2, b))
case("game_jacobian rho", "rho", bad_array((2,), lo=0, hi=1), lambda b: stability.game_jacobian(G2, b))
case("classify_fixed_point tol", "tol", bad_real(0, lo_open=True),
     lambda b: stability.classify_fixed_point(G2, [0.5, 0.5], tol=b))
case("perturbation_growth delta", "delta", bad_real(0, lo_open=True),
     lambda b: stability.perturbation_growth(G2, [0.5, 0.5], 0, delta=b, steps=2))
case("perturbation_growth lr", "lr", bad_real(0, lo_open=True),
     lambda b: stability.perturbation_growth(G2, [0.5, 0.5], 0, lr=b, steps=2))
case("perturbation_growth steps", "steps", bad_int(1), lambda b: stability.perturbation_growth(G2, [0.5, 0.5], 0, steps=b))
case("perturbation_growth seed", "seed", bad_seed, lambda b: stability.perturbation_growth(G2, [0.5, 0.5], b, steps=2))
case("restricted_game_symbolic n", "n", st.one_of(bad_int(1), st.integers(stability.MAX_SYMBOLIC_AGENTS + 1, 100)),
     lambda b: stability.restricted_game_symbolic(b))

# ---------------------------------------------------------------- Markov games and the bound (01)
_P1 = np.full((2, 2, 2, 2), 0.5)
_R1 = np.zeros((2, 2, 2, 2))
# P of the right shape but not stochastic (rows not summing to 1), NaN, strings...; a P of another shape is
# reported against R's shape (which then mismatches), so shapes are drawn for R's own case
case("markov_game P", "P", bad_array((2, 2, 2, 2), lo=0, hi=1, shapes=False),
     lambda b: theory.markov_game(b, _R1, [0.5, 0.5], 0.9))
case("markov_game R", "R", bad_array((2, 2, 2, 2)), lambda b: theory.markov_game(_P1, b, [0.5, 0.5], 0.9))
case("markov_game mu", "mu", bad_array((2,), lo=0, hi=1), lambda b: theory.markov_game(_P1, _R1, b, 0.9))
case("markov_game gamma", "gamma", bad_real(0, 1, hi_open=True), lambda b: theory.markov_game(_P1, _R1, [0.5, 0.5], b))
_game = theory.markov_game(_P1, _R1, [0.5, 0.5], 0.9)
case("evaluate pis[0]", "agent 0", bad_array((2, 2), lo=0, hi=1), lambda b: theory.evaluate(_game, [b, np.full((2, 2), 0.5)]))
case("aggregate rho", "rho", bad_array((2,), lo=0, hi=1, valid_shapes=[(), (1,), (1, 1), (1, 2)]),
     lambda b: theory.aggregate([np.full((1, 2, 2), 0.5)] * 2, [np.full((1, 2, 2), 0.5)] * 2, b))
case("tv_perturbation radius", "radius", bad_real(0, 1),
     lambda b: theory.tv_perturbation(np.random.default_rng(0), [np.full((1, 2, 2), 0.5)], b))
case("theorem1_draws n_draws", "n_draws", bad_int(1), lambda b: theory.theorem1_draws(b, 0))

# ---------------------------------------------------------------- environments (04a) and their actions
case("make name", "environment", bad_name(envs.list_envs()), lambda b: envs.make(b))
case("register name", "name", st.one_of(st.just(""), st.integers(), st.none(), booleans), lambda b: envs.register(b, envs.matrix_game_env))
case("register factory", "factory", st.one_of(st.integers(), st.none(), st.text(max_size=5).filter(lambda s: s.count(":") != 1)),
     lambda b: envs.register("fuzz/x", b))
case("matrix_game_env game", "matrix game", bad_name(envs.MATRIX_GAMES), lambda b: envs.matrix_game_env(b))
case("MatrixGameEnv payoffs", "payoffs", bad_array((2, 2, 2)), lambda b: envs.MatrixGameEnv(b))
case("MatrixGameEnv horizon", "horizon", bad_int(1), lambda b: envs.MatrixGameEnv(MP, horizon=b))
_mge = envs.matrix_game_env("matching_pennies")
bad_discrete = st.one_of(st.integers(-10 ** 6, -1), st.integers(2, 10 ** 6), st.floats(), booleans, non_numbers,
                         st.just(np.array([0])), st.just(np.float32(1.0)))


def _mg_step(acts):
    _mge.reset()
    return _mge.step(acts)


case("matrix-game step action", "action of player_0", bad_discrete, lambda b: _mg_step({"player_0": b, "player_1": 0}))
case("matrix-game step actions (agents)", "actions",
     st.one_of(st.just({"player_0": 0}), st.just({"player_1": 0}), st.just({}), st.just([0, 0]), st.just(None),
               st.just({"player_0": 0, "player_1": 0, "player_2": 0})), _mg_step)
case("random_steps_per_s steps", "steps", bad_int(1), lambda b: envs.random_steps_per_s("matrix/matching_pennies", steps=b))


def _grid():
    from matrl_nb import grid_worlds
    return grid_worlds


gw = _grid()
case("checkers_env rules", "rules", bad_name(gw.RULES), lambda b: gw.checkers_env(rules=b))
case("checkers_env obs", "obs", bad_name(gw.CHECKERS_OBS, none_ok=True), lambda b: gw.checkers_env(obs=b))
case("checkers_env clock", "clock", bad_flag(), lambda b: gw.checkers_env(clock=b))
case("checkers_env reward", "reward", bad_name(gw.REWARDS), lambda b: gw.checkers_env(reward=b))
case("switch4_env obs", "obs", bad_name(gw.SWITCH4_OBS), lambda b: gw.switch4_env(obs=b))
_ck = gw.checkers_env()


def _ck_step(acts):
    _ck.reset(seed=0)
    return _ck.step(acts)


bad_grid_action = st.one_of(st.integers(-10 ** 6, -1), st.integers(5, 10 ** 6), st.floats(), non_numbers)
case("Checkers step action", "action of agent_0", bad_grid_action, lambda b: _ck_step({"agent_0": b, "agent_1": 0}))
case("Checkers step action (bool)", "action of agent_0", booleans, lambda b: _ck_step({"agent_0": b, "agent_1": 0}))
case("Checkers step actions (agents)", "actions", st.sampled_from([{"agent_0": 0}, {"agent_1": 0, "agent_2": 0}, {}]), _ck_step)


def _mujoco():
    from matrl_nb import mujoco
    return mujoco


mj = _mujoco()
case("mamujoco_env scenario", "scenario", bad_name(mj.SCENARIOS, lists=False), lambda b: mj.mamujoco_env(b, "3x1"))
case("mamujoco_env scenario (list)", "scenario", st.lists(st.sampled_from(list(mj.SCENARIOS)), max_size=1),
     lambda b: mj.mamujoco_env(b, "3x1"))
case("mamujoco_env agent_conf", "agent_conf", bad_name(mj.SCENARIOS["Hopper"]), lambda b: mj.mamujoco_env("Hopper", b))
case("mamujoco_env obs_mode", "obs_mode", bad_name(("local", "global")), lambda b: mj.mamujoco_env(obs_mode=b))
case("mamujoco_env max_episode_steps", "max_episode_steps", bad_int(1).filter(lambda x: not isinstance(x, (bool, np.bool_))),
     lambda b: mj.mamujoco_env(max_episode_steps=b))
case("mamujoco_env max_episode_steps (bool)", "max_episode_steps", st.just(True), lambda b: mj.mamujoco_env(max_episode_steps=b))
case("mamujoco_env agent_obsk", "agent_obsk", st.one_of(st.integers(-10, -1), st.floats(), booleans, non_numbers),
     lambda b: mj.mamujoco_env(agent_obsk=b))
case("mamujoco_env render_mode", "render_mode", bad_name(("rgb_array",), none_ok=True), lambda b: mj.mamujoco_env(render_mode=b))
_hop = mj.mamujoco_env("Hopper", "3x1")
_hop.reset(seed=0)
def _hop_act(b): return _hop.check_actions({"agent_0": b, "agent_1": np.zeros(1), "agent_2": np.zeros(1)})


case("Hopper check_actions action", "action of agent_0", bad_array((1,), kinds=("shape", "nonfinite")), _hop_act)
case("Hopper check_actions action (strings, bools, complex, ragged)", "action of agent_0",
     bad_array((1,), kinds=("strings", "bool", "complex", "ragged")), _hop_act)
case("Hopper check_actions actions", "actions",
     st.sampled_from([{"agent_0": np.zeros(1)}, [np.zeros(1)] * 3, None, {}]), lambda b: _hop.check_actions(b))


def _atari():
    from matrl_nb import atari
    return atari


at = _atari()
case("pong_env pipeline", "pipeline", bad_name(at.PIPELINES), lambda b: at.pong_env(pipeline=b))
case("pong_env max_steps", "max_steps", bad_int(1, none_ok=True), lambda b: at.pong_env(max_steps=b))
case("pong_env swap_seats", "swap_seats", bad_flag(none_ok=True), lambda b: at.pong_env(swap_seats=b))
case("train_pong seed", "seed", bad_seed, lambda b: at.train_pong("atari/pong", "MATRL", seed=b, log_dir="/nonexistent/x"))
case("train_pong iterations", "iterations", bad_int(1),
     lambda b: at.train_pong("atari/pong", "MATRL", iterations=b, log_dir="/nonexistent/x"))
case("train_pong snapshots", "snapshots", bad_int(1),
     lambda b: at.train_pong("atari/pong", "MATRL", snapshots=b, log_dir="/nonexistent/x"))
case("train_pong algo", "algo", bad_name(matrl.ALGORITHMS), lambda b: at.train_pong("atari/pong", b, log_dir="/nonexistent/x"))
case("FrozenOpponentEnv player", "player", st.one_of(st.integers(2, 9), st.integers(-9, -1), st.text(max_size=2), st.none()),
     lambda b: at.FrozenOpponentEnv(None, player=b))

# ---------------------------------------------------------------- PPO and MATRL configurations (04, 04b, 04d)
MATRL_BAD = {
    "steps_per_iter": bad_int(1), "n_envs": st.one_of(bad_int(1, none_ok=True), st.just(3)), "gamma": bad_real(0, 1),
    "lam": bad_real(0, 1), "lr": bad_real(0, lo_open=True), "clip": bad_real(0, 1, lo_open=True, hi_open=True),
    "vf_clip": bad_real(0, lo_open=True, none_ok=True), "is_clip": bad_real(0, 1, lo_open=True, hi_open=True),
    "kl_coef": bad_real(0), "ent_coef": bad_real(0), "target_kl": bad_real(0, lo_open=True), "policy_iters": bad_int(1),
    "br_iters": bad_int(1), "hidden": st.one_of(st.just(()), st.integers(), st.tuples(st.integers(-5, 0)),
                                                 st.tuples(st.floats()), st.text(min_size=1, max_size=3)),
    "minibatches": st.one_of(bad_int(1), st.just(10 ** 6)), "vf_coef": bad_real(0), "max_grad_norm": bad_real(0),
    "normalize_adv": bad_flag(), "obs_norm": bad_flag(), "reward_scale": bad_flag(),
    "meta_clip": bad_real(0, 1, lo_open=True, hi_open=True, none_ok=True), "meta_centred": bad_flag(),
    "nash_method": bad_name(nash.METHODS), "nash_select": bad_name(nash.SELECT), "br_start": bad_name(matrl.BR_STARTS),
    "br_shortcut": bad_flag(), "batch_agents": bad_flag(), "checkpoint_every": bad_int(1),
    "optimizer": bad_name(matrl.OPTIMIZERS), "init_log_std": bad_real(),
    "init_probs": st.one_of(st.integers(), st.just(()), st.just(((0.5, 0.6),)), st.just(((1.0, 0.0),)),
                            st.just((("a", "b"),)), st.just(((math.nan, 1.0),)), st.just(((True, False),))),
    "force_rho": bad_real(0, 1, none_ok=True), "torso": st.one_of(st.integers(), st.text(max_size=3), booleans),
}
assert set(MATRL_BAD) == {f.name for f in fields(matrl.MATRLConfig)}, "every MATRLConfig field is fuzzed"
for k, s in MATRL_BAD.items():
    case(f"MATRLConfig {k}", k, s, lambda b, k=k: matrl.MATRLConfig(**{k: b}))
PPO_BAD = {"clip": bad_real(0, 1, lo_open=True, hi_open=True), "vf_clip": bad_real(0, lo_open=True, none_ok=True),
           "vf_coef": bad_real(0), "ent_coef": bad_real(0), "kl_coef": bad_real(0), "target_kl": bad_real(0, lo_open=True),
           "max_grad_norm": bad_real(0), "minibatches": bad_int(1)}
assert set(PPO_BAD) == {f.name for f in fields(ppo.PPOConfig)}, "every PPOConfig field is fuzzed"
for k, s in PPO_BAD.items():
    case(f"PPOConfig {k}", k, s, lambda b, k=k: ppo.PPOConfig(**{k: b}))
case("get_algorithm algo", "algo", bad_name(matrl.ALGORITHMS), lambda b: matrl.get_algorithm(b))
_TINY = matrl.MATRLConfig(steps_per_iter=8, hidden=(4,))
case("train seed", "seed", bad_seed, lambda b: matrl.train("matrix/matching_pennies", config=_TINY, seed=b, iterations=0, progress=False))
case("train iterations", "iterations", bad_int(0),
     lambda b: matrl.train("matrix/matching_pennies", config=_TINY, iterations=b, progress=False))
case("train algo", "algo", bad_name(matrl.ALGORITHMS), lambda b: matrl.train("matrix/matching_pennies", b, _TINY, iterations=0))
case("train env", "env", st.one_of(st.integers(), st.none(), booleans), lambda b: matrl.train(b, config=_TINY, iterations=0))
case("train config", "config", st.one_of(st.integers(), st.text(max_size=3), st.just(vd.VDConfig())),
     lambda b: matrl.train("matrix/matching_pennies", config=b, iterations=0))
case("train env_kwargs", "env_kwargs", st.one_of(st.integers(), st.text(min_size=1, max_size=3), st.lists(st.integers(), min_size=1)),
     lambda b: matrl.train("matrix/matching_pennies", config=_TINY, iterations=0, env_kwargs=b, progress=False))
case("train progress", "progress", bad_flag(), lambda b: matrl.train("matrix/matching_pennies", config=_TINY, iterations=0, progress=b))
case("hparams set_name", "hyper-parameter set", bad_name(hparams.HPARAM_SETS, lists=False), lambda b: hparams.hparams(b, "grid/switch4"))
case("hparams set_name (list)", "hyper-parameter set", st.lists(st.sampled_from(list(hparams.HPARAM_SETS)), max_size=1),
     lambda b: hparams.hparams(b, "grid/switch4"))
case("hparams family env_name", "env_name", st.one_of(st.just(""), st.integers(), st.none(), booleans), lambda b: hparams.family(b))
case("make_config overrides", "fields", st.text(min_size=1, max_size=6).filter(
    lambda s: s.isidentifier() and s not in {f.name for f in fields(matrl.MATRLConfig)}),
     lambda b: hparams.make_config("release", "grid/switch4", **{b: 1}))

# ---------------------------------------------------------------- checkpoints (04c)
case("save_checkpoint path", "path", st.sampled_from(["/tmp/x/ck.tmp", "/tmp/x/ck.prev.pt"]),
     lambda b: checkpoint.save_checkpoint(b, {}))
case("config_diff saved", "saved", st.one_of(st.integers(), st.text(max_size=3), st.lists(st.integers()), st.none()),
     lambda b: checkpoint.config_diff(b, {}))
case("config_diff ignore", "ignore", st.text(min_size=1, max_size=5), lambda b: checkpoint.config_diff({}, {}, ignore=b))

# ---------------------------------------------------------------- VDN/QMIX and MADDPG (06a, 05a)
VD_BAD = {"hidden": bad_int(1), "lr": bad_real(0, lo_open=True), "optimizer": bad_name(vd.OPTIMIZERS),
          "optim_alpha": bad_real(0, 1), "optim_eps": bad_real(0, lo_open=True), "gamma": bad_real(0, 1),
          "buffer_size": bad_int(1), "batch_size": st.one_of(bad_int(1), st.just(10 ** 6)), "n_envs": bad_int(1),
          "target_update": bad_int(1), "double_q": bad_flag(), "eps_start": bad_real(0, 1), "eps_end": bad_real(0, 1),
          "eps_anneal_steps": bad_int(1), "mixer_embed": bad_int(1), "hypernet_layers": st.one_of(bad_int(1), st.integers(3, 9)),
          "hypernet_embed": bad_int(1), "mixer_state": bad_name(vd.MIXER_STATES), "grad_clip": bad_real(0, lo_open=True),
          "log_every": bad_int(1)}
assert set(VD_BAD) == {f.name for f in fields(vd.VDConfig)}, "every VDConfig field is fuzzed"
for k, s in VD_BAD.items():
    case(f"VDConfig {k}", k, s, lambda b, k=k: vd.VDConfig(**{k: b}))
case("vd.train seed", "seed", bad_seed, lambda b: vd.train("grid/switch4", "VDN", seed=b))
case("vd.train total_steps", "total_steps", bad_int(1), lambda b: vd.train("grid/switch4", "VDN", total_steps=b))
case("vd.train algo", "algorithm", bad_name(vd.VD_ALGOS), lambda b: vd.train("grid/switch4", b))
case("vd.train config", "config", st.one_of(st.integers(), st.just(matrl.MATRLConfig())), lambda b: vd.train("grid/switch4", "VDN", b))
case("vd.train env_kwargs", "env_kwargs", st.one_of(st.integers(), st.text(min_size=1, max_size=3)),
     lambda b: vd.train("grid/switch4", "VDN", env_kwargs=b))
MADDPG_BAD = {"hidden": st.one_of(st.just(()), st.integers(), st.tuples(st.integers(-5, 0)), st.tuples(st.floats())),
              "actor_lr": bad_real(0, lo_open=True), "critic_lr": bad_real(0, lo_open=True), "gamma": bad_real(0, 1),
              "tau": bad_real(0, 1, lo_open=True), "batch_size": bad_int(1), "buffer_size": bad_int(10_000),
              "noise_std": bad_real(0), "start_steps": bad_int(0), "update_after": st.one_of(bad_int(0), st.just(10 ** 7)),
              "n_envs": st.one_of(bad_int(1), st.just(3)), "update_every": st.one_of(bad_int(1), st.just(7)),
              "updates_per_step": st.one_of(bad_real(0, lo_open=True), st.just(0.0011)),
              "max_grad_norm": bad_real(0, lo_open=True, none_ok=True), "shared_critic": bad_flag(),
              "log_every": st.one_of(bad_int(1), st.just(7))}
assert set(MADDPG_BAD) == {f.name for f in fields(maddpg.MADDPGConfig)}, "every MADDPGConfig field is fuzzed"
for k, s in MADDPG_BAD.items():
    case(f"MADDPGConfig {k}", k, s, lambda b, k=k: maddpg.MADDPGConfig(**{k: b}))
case("maddpg.train seed", "seed", bad_seed, lambda b: maddpg.train("mujoco/hopper-3x1", seed=b))
case("maddpg.train total_steps", "total_steps", st.one_of(bad_int(1), st.just(15)), lambda b: maddpg.train("mujoco/hopper-3x1", total_steps=b))
case("maddpg.train config", "config", st.one_of(st.integers(), st.just(matrl.MATRLConfig())),
     lambda b: maddpg.train("mujoco/hopper-3x1", b))
case("maddpg.train env_kwargs", "env_kwargs", st.one_of(st.integers(), st.text(min_size=1, max_size=3)),
     lambda b: maddpg.train("mujoco/hopper-3x1", env_kwargs=b))
case("ReplayBuffer size", "size", bad_int(1), lambda b: maddpg.ReplayBuffer(3, 1, b))

# ---------------------------------------------------------------- presets and the experiment runner (90, 92)
case("check_preset preset", "preset", bad_name(reproduce.PRESETS), lambda b: reproduce.check_preset(b))
_TABLE = {p: dict(x=1) for p in reproduce.PRESETS}
case("preset_sizes preset", "preset", bad_name(reproduce.PRESETS), lambda b: reproduce.preset_sizes(_TABLE, b))
case("preset_sizes table", "table", st.one_of(st.integers(), st.just({"smoke": {}}), st.just({**_TABLE, "huge": {"x": 1}}),
                                              st.just({**_TABLE, "smoke": {"y": 1}}), st.lists(st.integers())),
     lambda b: reproduce.preset_sizes(b, "smoke"))
case("final_dir preset", "preset", bad_name(reproduce.PRESETS), lambda b: reproduce.final_dir(b))
case("output_dir preset", "preset", bad_name(reproduce.PRESETS), lambda b: reproduce.output_dir(b))
for k, s in [("trainer", st.one_of(st.integers(), st.none(), booleans)), ("algo", st.one_of(st.integers(), st.none())),
             ("seed", bad_seed), ("budget", bad_int(1)), ("hparams", st.one_of(st.integers(), st.none())),
             ("overrides", st.one_of(st.integers(), st.text(min_size=1, max_size=3), st.just(((1, 2),)))),
             ("env_kwargs", st.one_of(st.integers(), st.text(min_size=1, max_size=3))), ("num_cpus", bad_int(1))]:
    kw = dict(trainer="ppo", env="matrix/matching_pennies", algo="MATRL", seed=0, budget=1)
    case(f"Job {k}", k, s, lambda b, k=k, kw=kw: sweep.Job(**{**kw, k: b}))
case("Job env (lambda)", "lambda", st.just(lambda: None), lambda b: sweep.job_id(sweep.Job("ppo", b, "MATRL", 0, 1)))
case("plan trainer", "trainer", bad_name(sweep.TRAINERS).filter(lambda x: isinstance(x, str)),
     lambda b: sweep.plan([sweep.Job(b, "matrix/matching_pennies", "MATRL", 0, 1)]))
case("plan algo", "algorithm", st.text(max_size=6).filter(lambda s: s not in matrl.ALGORITHMS),
     lambda b: sweep.plan([sweep.Job("ppo", "matrix/matching_pennies", b, 0, 1)]))
case("make_config (sweep) hparams", "hyper-parameter set", st.text(max_size=6).filter(lambda s: s not in ("release", "tuned")),
     lambda b: sweep.make_config("ppo", b, env="grid/switch4"))


# ---------------------------------------------------------------- the tests
GAPS = {c.label for c in CASES if c.gap}


def run_case(c: Case, max_examples: int, strict: bool, failures: list | None = None):
    """Feed `max_examples` derandomised bad values of case `c` to its call; count each in TRIED and, if the error
    is clear, in CLEAR. `strict`: an unclear one fails (hypothesis then shrinks it to a minimal example); else it
    is appended to `failures` as (label, input, what happened)."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if strict and not c.gap else [])

    @settings(max_examples=max_examples, phases=phases, **FUZZ)
    @given(bad=c.strategy)
    def run(bad):
        TRIED[c.label] += 1
        why = outcome(lambda: c.call(bad), c.arg)
        if why is None: CLEAR[c.label] += 1
        elif strict: raise AssertionError(f"{c.label} with {bad!r:.80}: {why}")
        else: failures.append((c.label, repr(bad)[:60], why))
    run()


@pytest.mark.parametrize("c", [pytest.param(c, id=c.label, marks=[pytest.mark.xfail(strict=True, reason=c.gap)] if c.gap else [])
                               for c in CASES])
def test_bad_input_raises_a_clear_error(c):
    run_case(c, EXAMPLES, strict=True)


def test_every_public_module_is_fuzzed():
    "A module of the package whose public API takes user input and has no case here is a gap."
    labels = " ".join(c.label for c in CASES)
    for word in ("iga_step", "solve_nash", "meta_game_from_samples", "classify_fixed_point", "markov_game", "make ",
                 "checkers_env", "mamujoco_env", "pong_env", "MATRLConfig", "PPOConfig", "hparams", "checkpoint",
                 "VDConfig", "MADDPGConfig", "check_preset", "preset_sizes", "Job"):
        assert word in labels, word


def test_the_check_itself_can_fail():
    "outcome() reports an accepted value, another exception class, and a message that does not name the argument."
    assert outcome(lambda: 1, "x") and outcome(lambda: {}["k"], "k").startswith("KeyError")
    assert outcome(lambda: int("x"), "seed") and outcome(lambda: mgs.check_rate("a", "lr"), "lr") is None
    assert not names("n", "an integer") and names("n", "n must be") and names("p", "p must be a probability")


# ---------------------------------------------------------------- the same catalogue, counted (90_reproduce)
def audit(max_examples: int = EXAMPLES) -> dict:
    """Every case with `max_examples` bad inputs (the same derandomised draws as the tests at that number), without
    asserting: dict(tried, clear, cases, gaps={label: where to fix}, gap_tried, gap_clear,
    failures=[(label, input, what happened)])."""
    failures, before_t, before_c = [], sum(TRIED.values()), sum(CLEAR.values())
    gt = gc = 0
    for c in CASES:
        t0, c0 = TRIED[c.label], CLEAR[c.label]
        run_case(c, max_examples, strict=False, failures=failures)
        if c.gap: gt, gc = gt + TRIED[c.label] - t0, gc + CLEAR[c.label] - c0
    return dict(tried=sum(TRIED.values()) - before_t, clear=sum(CLEAR.values()) - before_c, cases=len(CASES),
                gaps={c.label: c.gap for c in CASES if c.gap}, gap_tried=gt, gap_clear=gc, failures=failures)
