"""Property-based fuzzing (hypothesis) of matrl_nb.nash: every input outside the documented domain raises
ValueError/TypeError naming the argument; every valid input gives a profile in [0,1]^n with a finite NashConv.
The number of inputs tried is reported at the end of the module (terminal line "fuzz_nash: ...")."""
import collections
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from matrl_nb.nash import (MAX_ABS_PAYOFF, MAX_AGENTS, METHODS, SELECT, equilibria_2x2, lyapunov, nash_conv,
                           pure_equilibria, solve_nash, solve_nash_2x2_batch)

TRIED = collections.Counter()
# derandomize: the same inputs on every run (CI must not flake); database=None: nothing written into the checkout
FUZZ = dict(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    line = (f"fuzz_nash: {sum(TRIED.values())} inputs tried ("
            + ", ".join(f"{k}: {v}" for k, v in sorted(TRIED.items())) + ")")
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    if tr is None or capman is None: return print(line)
    with capman.global_and_fixture_disabled():  # on the terminal, also under -q and without -s
        tr.write_line("\n" + line)


def shape_of(n):
    return (n,) + (2,) * n


def raises_naming(name, f):
    "`f()` raises ValueError or TypeError whose message names `name`."
    try: f()
    except (ValueError, TypeError) as e:
        assert name in str(e), f"message does not name {name!r}: {type(e).__name__}: {e}"
        return
    raise AssertionError(f"no ValueError/TypeError for a bad {name}")


MP = np.array([[[1., -1.], [-1., 1.]], [[-1., 1.], [1., -1.]]])
CYC = np.zeros((3, 2, 2, 2))  # no pure equilibrium: solve_nash reaches CMA-ES and uses every argument
for s in np.ndindex(2, 2, 2):
    CYC[0][s] = 1.0 if s[0] == s[1] else -1.0
    CYC[1][s] = 1.0 if s[1] == s[2] else -1.0
    CYC[2][s] = 1.0 if s[2] != s[0] else -1.0

# ---- invalid inputs ----

non_numbers = st.one_of(st.none(), st.text(max_size=4), st.binary(max_size=4), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
                        st.complex_numbers(allow_nan=False, allow_infinity=False), st.just(object()))
bad_float = st.one_of(st.floats(max_value=-1e-300), st.just(math.nan), st.just(math.inf), st.just(-math.inf),
                      st.booleans(), non_numbers)
BAD = {
    "method": st.one_of(st.text(max_size=8).filter(lambda s: s not in METHODS), st.integers(), st.booleans(), non_numbers),
    "select": st.one_of(st.text(max_size=8).filter(lambda s: s not in SELECT), st.integers(), st.booleans(), non_numbers),
    "tol": bad_float,
    "restarts": st.one_of(st.integers(max_value=-1), st.floats(), st.booleans(), non_numbers),
    "max_evals": st.one_of(st.integers(max_value=0), st.floats(), st.booleans(), non_numbers),
    "rng": st.one_of(st.integers(max_value=-1), st.floats(), st.booleans(), st.text(max_size=4),
                     st.lists(st.integers(0, 9), min_size=1, max_size=3)),
}


@st.composite
def bad_payoffs(draw):
    "Payoffs outside the domain: wrong kind, wrong shape, NaN/inf, too large, too many agents."
    n = draw(st.integers(1, 3))
    ok = draw(hnp.arrays(float, shape_of(n), elements=st.floats(-10, 10)))
    kind = draw(st.sampled_from(["nonfinite", "huge", "complex", "bool", "strings", "object", "shape", "ragged",
                                 "empty", "scalar", "too_many", "non_number"]))
    if kind == "nonfinite":
        idx = tuple(draw(st.integers(0, d - 1)) for d in ok.shape)
        ok[idx] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        return ok
    if kind == "huge":
        ok.flat[draw(st.integers(0, ok.size - 1))] = draw(st.floats(MAX_ABS_PAYOFF * 1.01, 1e308)) * draw(st.sampled_from([1, -1]))
        return ok
    if kind == "complex": return ok + 1j * draw(st.floats(-1, 1))
    if kind == "bool": return ok > 0
    if kind == "strings": return ok.astype(str)
    if kind == "object": return np.array([None] * ok.size, dtype=object).reshape(ok.shape)
    if kind == "shape":
        shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3).filter(lambda s: s != shape_of(s[0])))
        return draw(hnp.arrays(float, shape, elements=st.floats(-10, 10)))
    if kind == "ragged": return [ok.tolist(), [[1.0]]] if n > 1 else [[1.0, 2.0], [3.0]]
    if kind == "empty": return np.zeros((0,) + draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=2)))
    if kind == "scalar": return draw(st.floats(-10, 10))
    if kind == "too_many": return np.zeros((draw(st.integers(MAX_AGENTS + 1, 64)), 2))
    return draw(non_numbers)


@settings(max_examples=250, **FUZZ)
@given(bad=bad_payoffs())
def test_bad_payoffs_are_refused_naming_payoffs(bad):
    TRIED["bad payoffs"] += 1
    raises_naming("payoffs", lambda: solve_nash(bad, rng=0))
    raises_naming("payoffs", lambda: nash_conv(bad, [0.5, 0.5]))
    raises_naming("payoffs", lambda: lyapunov(bad, [0.5, 0.5]))
    raises_naming("payoffs", lambda: pure_equilibria(bad))
    raises_naming("payoffs", lambda: equilibria_2x2(bad))


@pytest.mark.parametrize("arg", sorted(BAD))
@settings(max_examples=60, **FUZZ)
@given(data=st.data())
def test_bad_arguments_are_refused_naming_them(arg, data):
    bad = data.draw(BAD[arg], label=arg)
    TRIED[f"bad {arg}"] += 1
    raises_naming(arg, lambda: solve_nash(CYC, **{arg: bad}))
    if arg in ("select", "rng"):
        raises_naming(arg, lambda: solve_nash_2x2_batch(MP[None], **{arg: bad}))
    if arg == "tol":
        raises_naming(arg, lambda: pure_equilibria(CYC, tol=bad))


bad_rho = st.one_of(
    hnp.arrays(float, 2, elements=st.floats(allow_nan=True, allow_infinity=True)).filter(
        lambda r: not np.all((r >= 0) & (r <= 1))),
    hnp.arrays(float, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), elements=st.floats(0, 1)).filter(
        lambda r: r.shape not in ((2,), (1, 2), (2, 2))),
    hnp.arrays(bool, 2), hnp.arrays(complex, 2, elements=st.complex_numbers(max_magnitude=1)),
    st.lists(st.text(max_size=2), min_size=2, max_size=2),
    non_numbers.filter(lambda x: not (isinstance(x, list) and len(x) == 2 and all(0 <= v <= 1 for v in x))))


@settings(max_examples=150, **FUZZ)
@given(rho=bad_rho)
def test_bad_rho_is_refused_naming_rho(rho):
    TRIED["bad rho"] += 1
    raises_naming("rho", lambda: nash_conv(MP, rho))
    if np.ndim(rho) != 2 or np.shape(rho)[-1] != 2 or np.asarray(rho).dtype.kind in "bcUSO":
        raises_naming("rho", lambda: lyapunov(MP, rho))


# ---- valid inputs ----

@st.composite
def games(draw, n_min=1, n_max=4):
    n = draw(st.integers(n_min, n_max))
    elements = draw(st.sampled_from([st.floats(-1e6, 1e6), st.integers(-5, 5),
                                     st.floats(-MAX_ABS_PAYOFF, MAX_ABS_PAYOFF), st.floats(-1e-200, 1e-200)]))
    return draw(hnp.arrays(float, shape_of(n), elements=elements))


@st.composite
def solver_calls(draw):
    P = draw(games())
    n = P.shape[0]
    methods = ["auto", "pure"] + (["exact"] if n == 2 else []) + (["cmaes"] if n >= 2 else [])
    kw = dict(method=draw(st.sampled_from(methods)), select=draw(st.sampled_from(SELECT)),
              rng=draw(st.one_of(st.integers(0, 2 ** 32), st.integers(0, 9).map(np.random.default_rng))),
              tol=draw(st.sampled_from([1e-6, 1e-3, 0.1])), restarts=draw(st.integers(0, 2)),
              max_evals=draw(st.integers(1, 300)))
    return P, kw


@settings(max_examples=100, **FUZZ)
@given(call=solver_calls())
def test_valid_inputs_give_a_profile_with_finite_nash_conv(call):
    P, kw = call
    TRIED["valid solve_nash"] += 1
    r = solve_nash(P, **kw)
    n = P.shape[0]
    assert r.rho.shape == (n,) and np.all(np.isfinite(r.rho)) and np.all((r.rho >= 0) & (r.rho <= 1)), r
    assert math.isfinite(r.nash_conv) and r.nash_conv >= 0 and r.nash_conv == nash_conv(P, r.rho)
    scale = max(float(np.abs(P).max()), np.finfo(float).tiny)
    if r.converged: assert r.nash_conv <= max(kw["tol"], 1e-9) * scale, r
    if r.method in ("exact", "pure") and r.converged:
        assert all(nash_conv(P, e) <= 1e-9 * scale for e in r.all_equilibria)


@settings(max_examples=100, **FUZZ)
@given(P=games(), data=st.data())
def test_valid_profiles_give_finite_nash_conv_and_lyapunov(P, data):
    n = P.shape[0]
    R = data.draw(hnp.arrays(float, (data.draw(st.integers(1, 5)), n), elements=st.floats(0, 1)))
    TRIED["valid nash_conv/lyapunov"] += 1
    L = lyapunov(P, R)
    assert L.shape == (len(R),) and np.all(np.isfinite(L)) and np.all(L >= 0)
    nc = nash_conv(P, R[0])
    assert math.isfinite(nc) and nc >= 0
    # NashConv <= sqrt(n L) (Cauchy-Schwarz), on the game scaled to max |P| = 1 (squares of tiny payoffs underflow)
    Pn = P / max(float(np.abs(P).max()), np.finfo(float).tiny)
    assert nash_conv(Pn, R[0]) <= math.sqrt(n * lyapunov(Pn, R[0])) * (1 + 1e-9) + 1e-12


@settings(max_examples=60, **FUZZ)
@given(G=hnp.arrays(float, st.tuples(st.integers(0, 20), st.just(2), st.just(2), st.just(2)),
                    elements=st.floats(-1e6, 1e6)),
       select=st.sampled_from(SELECT), seed=st.integers(0, 2 ** 32))
def test_valid_batches_give_equilibria(G, select, seed):
    TRIED["valid solve_nash_2x2_batch"] += 1
    R = solve_nash_2x2_batch(G, select=select, rng=seed)
    assert R.shape == (len(G), 2) and np.all((R >= 0) & (R <= 1))
    for P, r in zip(G, R):
        assert nash_conv(P, r) <= 1e-9 * max(float(np.abs(P).max()), 1e-300)
