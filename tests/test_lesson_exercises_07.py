"""The bank of answers to the exercises at the end of lesson 07 (7.1 choose jacfwd or jacrev and
measure both, 7.2 checkpoint part of a model): each wrong or lazy answer gets its own hint, each
right one passes, in zh and en. The table lands in build/exercise-bank/lesson07.md."""

from __future__ import annotations

import functools
import time
import timeit

import pytest
import torch
from torch.func import jacfwd, jacrev, jvp
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

from autograd_lab.exercises import lesson07
from tests.bank import LANGUAGES, Bank

# --- 7.1: the Jacobian of a tall map, and a measurement of both modes -----------------------------


def best_time(compute, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        compute()
        best = min(best, time.perf_counter() - start)
    return best


def jacobian_reference(f, p):
    return jacfwd(f)(p)


def jacobian_by_shape(f, p):
    # Forward mode when there are more outputs than inputs, reverse mode otherwise.
    mode = jacfwd if f(p).numel() > p.numel() else jacrev
    return mode(f)(p)


def jacobian_jvp_columns(f, p):
    return torch.stack([jvp(f, (p,), (e,))[1] for e in torch.eye(p.numel(), dtype=p.dtype)], 1)


def jacobian_functional_forward(f, p):
    return torch.autograd.functional.jacobian(f, p, vectorize=True, strategy="forward-mode")


def jacobian_jacrev(f, p):
    return jacrev(f)(p)


def jacobian_functional_vectorized(f, p):
    return torch.autograd.functional.jacobian(f, p, vectorize=True)


def jacobian_transposed(f, p):
    return jacfwd(f)(p).T


def jacobian_difference(f, p):
    h = 1e-6
    columns = [(f(p + h * e) - f(p - h * e)) / (2 * h) for e in torch.eye(3, dtype=p.dtype)]
    return torch.stack(columns, 1)


def jacobian_by_formula(f, p):
    t = lesson07.T
    e, c = torch.exp(-p[1] * t), torch.cos(p[2] * t)
    s = torch.sin(p[2] * t)
    return torch.stack([e * c, -p[0] * t * e * c, -p[0] * e * t * s], 1)


def jacobian_both(f, p):
    forward, reverse = jacfwd(f)(p), jacrev(f)(p)
    assert torch.allclose(forward, reverse)
    return forward


def measure_reference(f, p):
    return {"jacfwd": best_time(lambda: jacfwd(f)(p)), "jacrev": best_time(lambda: jacrev(f)(p))}


def measure_timeit(f, p):
    return {
        name: min(timeit.repeat(lambda mode=mode: mode(f)(p), number=1, repeat=3))
        for name, mode in (("jacfwd", jacfwd), ("jacrev", jacrev))
    }


def measure_one_mode(f, p):
    t = best_time(lambda: jacfwd(f)(p))
    return {"jacfwd": t, "jacrev": t}


def measure_made_up(f, p):
    return {"jacfwd": 0.0004, "jacrev": 0.005}


def measure_milliseconds(f, p):
    return {
        "jacfwd": best_time(lambda: jacfwd(f)(p), 2) * 1e3,
        "jacrev": best_time(lambda: jacrev(f)(p), 2) * 1e3,
    }


def measure_wrapper_only(f, p):
    jacfwd(f)(p), jacrev(f)(p)  # run once, then time only making the transforms
    return {"jacfwd": best_time(lambda: jacfwd(f)), "jacrev": best_time(lambda: jacrev(f))}


def measure_tuple(f, p):
    return best_time(lambda: jacfwd(f)(p)), best_time(lambda: jacrev(f)(p))


def placeholder(f, p): ...


def check_71(jacobian, measure=measure_reference):
    return lesson07.check_choose_mode(jacobian, measure)


# --- 7.2: checkpoint part of a model --------------------------------------------------------------


def ckpt_reference(model, x):
    h = model[:2](x)
    h = checkpoint(model[2:6], h, use_reentrant=False)
    return model[6:](h)


def ckpt_sequential(model, x):
    return checkpoint_sequential(model, 2, x, use_reentrant=False)


def ckpt_whole(model, x):
    return checkpoint(model, x, use_reentrant=False)


def ckpt_each_block(model, x):
    for start in range(0, 8, 2):
        x = checkpoint(model[start : start + 2], x, use_reentrant=False)
    return model[8](x)


def ckpt_none(model, x):
    return model(x)


def ckpt_detached(model, x):
    return model[4:](model[:4](x).detach())


def ckpt_no_grad(model, x):
    with torch.no_grad():
        h = model[:4](x)
    return model[4:](h)


def ckpt_reentrant_first(model, x):
    return model[2:](checkpoint(model[:2], x, use_reentrant=True))


def ckpt_forgot_head(model, x):
    return checkpoint(model[:8], x, use_reentrant=False)


def ckpt_forgot_return(model, x):
    checkpoint(model, x, use_reentrant=False)


def ckpt_no_input(model, x):
    return checkpoint(model, use_reentrant=False)


def ckpt_twice(model, x):
    checkpoint(model[:4], x, use_reentrant=False)
    return model(x)


def ckpt_placeholder(model, x): ...


BANK = [
    ("7.1", "placeholders", lambda: check_71(placeholder, placeholder), "exercises.not_attempted"),
    (
        "7.1",
        "measure still a placeholder",
        lambda: check_71(jacobian_reference, placeholder),
        "exercises.not_attempted",
    ),
    (
        "7.1",
        "not functions",
        lambda: check_71(jacfwd(lesson07.curve), {"jacfwd": 1.0}),
        "lesson07.jac_not_callable",
    ),
    ("7.1", "jacrev", lambda: check_71(jacobian_jacrev), "lesson07.jac_reverse"),
    (
        "7.1",
        "autograd.functional.jacobian, vectorized",
        lambda: check_71(jacobian_functional_vectorized),
        "lesson07.jac_reverse",
    ),
    ("7.1", "transposed", lambda: check_71(jacobian_transposed), "lesson07.jac_transposed"),
    (
        "7.1",
        "central differences",
        lambda: check_71(jacobian_difference),
        "lesson07.jac_difference",
    ),
    ("7.1", "formula by hand", lambda: check_71(jacobian_by_formula), "lesson07.jac_no_mode"),
    ("7.1", "both modes in jacobian", lambda: check_71(jacobian_both), "lesson07.jac_both_modes"),
    (
        "7.1",
        "measure: one mode timed twice",
        lambda: check_71(jacobian_reference, measure_one_mode),
        "lesson07.times_one_mode",
    ),
    (
        "7.1",
        "measure: numbers made up",
        lambda: check_71(jacobian_reference, measure_made_up),
        "lesson07.times_not_measured",
    ),
    (
        "7.1",
        "measure: milliseconds",
        lambda: check_71(jacobian_reference, measure_milliseconds),
        "lesson07.times_units",
    ),
    (
        "7.1",
        "measure: only the wrapper timed",
        lambda: check_71(jacobian_reference, measure_wrapper_only),
        "lesson07.times_implausible",
    ),
    (
        "7.1",
        "measure: a tuple",
        lambda: check_71(jacobian_reference, measure_tuple),
        "lesson07.times_format",
    ),
    (
        "7.2",
        "placeholder",
        lambda: lesson07.check_checkpoint(ckpt_placeholder),
        "exercises.not_attempted",
    ),
    (
        "7.2",
        "not a function",
        lambda: lesson07.check_checkpoint(
            ckpt_none(lesson07.make_model(), torch.zeros(1, 16, dtype=torch.float64))
        ),
        "lesson07.ckpt_not_callable",
    ),
    (
        "7.2",
        "no checkpoint",
        lambda: lesson07.check_checkpoint(ckpt_none),
        "lesson07.ckpt_not_fewer",
    ),
    (
        "7.2",
        "checkpoint beside a plain pass",
        lambda: lesson07.check_checkpoint(ckpt_twice),
        "lesson07.ckpt_not_fewer",
    ),
    (
        "7.2",
        "detach in the middle",
        lambda: lesson07.check_checkpoint(ckpt_detached),
        "lesson07.ckpt_cut",
    ),
    (
        "7.2",
        "first half under no_grad",
        lambda: lesson07.check_checkpoint(ckpt_no_grad),
        "lesson07.ckpt_cut",
    ),
    (
        "7.2",
        "reentrant checkpoint on the input",
        lambda: lesson07.check_checkpoint(ckpt_reentrant_first),
        "lesson07.ckpt_cut",
    ),
    (
        "7.2",
        "head forgotten",
        lambda: lesson07.check_checkpoint(ckpt_forgot_head),
        "lesson07.ckpt_output",
    ),
    (
        "7.2",
        "no return",
        lambda: lesson07.check_checkpoint(ckpt_forgot_return),
        "exercises.returned_none",
    ),
    (
        "7.2",
        "checkpoint without its input",
        lambda: lesson07.check_checkpoint(ckpt_no_input),
        "exercises.raised",
    ),
]

RIGHT = [
    ("7.1", "reference: jacfwd, best of three", lambda: check_71(jacobian_reference)),
    (
        "7.1",
        "mode chosen from the shapes, timeit",
        lambda: check_71(jacobian_by_shape, measure_timeit),
    ),
    ("7.1", "columns by jvp", lambda: check_71(jacobian_jvp_columns)),
    ("7.1", "autograd.functional, forward-mode", lambda: check_71(jacobian_functional_forward)),
    ("7.2", "reference: the middle blocks", lambda: lesson07.check_checkpoint(ckpt_reference)),
    ("7.2", "checkpoint_sequential", lambda: lesson07.check_checkpoint(ckpt_sequential)),
    ("7.2", "the whole model", lambda: lesson07.check_checkpoint(ckpt_whole)),
    ("7.2", "each block", lambda: lesson07.check_checkpoint(ckpt_each_block)),
]

BANK_OF = Bank("lesson07", known_right=lambda: lesson07.check_checkpoint(ckpt_reference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(exercise, name, check, hint, language, answer_words=("jacfwd(f)",))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_the_bank_covers_each_exercise():
    for label in ("7.1", "7.2"):
        wrong = [r for r in BANK if r[0] == label and not r[3].endswith("not_attempted")]
        assert len({r[3] for r in wrong}) >= 5, f"{label}: five different hints at least"
        assert len([r for r in RIGHT if r[0] == label]) >= 2, label


def test_the_checks_leave_the_random_state_alone():
    state = torch.random.get_rng_state()
    lesson07.check_checkpoint(ckpt_reference)
    check_71(jacobian_reference)
    assert torch.equal(state, torch.random.get_rng_state())


def test_a_verdict_never_depends_on_which_mode_was_faster():
    """A measurement where jacrev came out faster (a busy machine) still passes: the check asks
    for a real measurement, not for a ranking."""
    slower_forward = functools.partial(measure_reference)

    def measure(f, p):
        times = slower_forward(f, p)
        return {"jacfwd": max(times.values()), "jacrev": min(times.values())}

    assert check_71(jacobian_reference, measure).passed


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
