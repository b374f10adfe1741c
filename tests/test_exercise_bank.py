"""The bank of answers: every typical mistake gets its own verdict and hint, every answer left
unwritten is told so, every reference solution and at least one other correct method passes, in
both languages. Each answer appears here once; tests/test_exercises.py tests the checks' machinery.

Run with `-s` to see the table exercise × wrong answer → verdict and hint id; it is also
written to build/exercise-bank/exercises08.md (tests/bank.py is the shared machinery). Every
answer below runs on real PyTorch.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from autograd_lab import exercises as ex
from autograd_lab import language as lang
from autograd_lab.feedback import EXERCISE, PREDICTION
from tests.bank import LANGUAGES, TABLES, Bank
from tests.helpers import SLACK

# Words of an exercise's own answer that none of its hints may contain.
ANSWER_WORDS = {
    "ex3": ("ones", "sum()"),
    "ex5": ("cos",),
    "ex6": ("2 / x", "2/x", "2sin", "-1/x²", "- 1 / x"),
}


def f(a):
    """The notes' control-flow f, as the notebook defines it (never ends at a = 0)."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def f6(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x


# --- exercise 1 ----------------------------------------------------------------------------


def sd_reference(f, x):
    x = x.detach().requires_grad_(True)
    (df_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    (d2f_dx2,) = torch.autograd.grad(df_dx.sum(), x)
    return d2f_dx2


def sd_backward_twice(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    first = x.grad
    x.grad = None
    first.sum().backward()
    return x.grad


def sd_hessian(f, x):
    hessian = torch.autograd.functional.hessian(lambda t: f(t).sum(), x)
    return torch.diagonal(hessian)


def sd_torch_func(f, x):
    return torch.func.vmap(torch.func.grad(torch.func.grad(f)))(x)


def sd_no_create_graph(f, x):
    x = x.detach().requires_grad_(True)
    (df_dx,) = torch.autograd.grad(f(x).sum(), x)
    return torch.autograd.grad(df_dx.sum(), x)[0]


def sd_forgot_requires_grad(f, x):
    (df_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(df_dx.sum(), x)[0]


def sd_first_derivative(f, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def sd_finite_differences(f, x):
    h = 1e-4
    return (f(x + h) - 2 * f(x) + f(x - h)) / h**2


def sd_hard_coded(f, x):
    return -torch.sin(x)


def sd_accumulated(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    x.grad.sum().backward()
    return x.grad


def sd_forgot_return(f, x):
    x = x.detach().requires_grad_(True)
    (df_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    torch.autograd.grad(df_dx.sum(), x)


def sd_summed(f, x):
    x = x.detach().requires_grad_(True)
    (df_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(df_dx.sum(), x)[0].sum()


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("cannot print this")


def sd_unprintable(f, x):
    raise Unprintable()


def sd_exits(f, x):
    raise SystemExit(1)


def not_implemented(f, x):
    raise NotImplementedError


def returns_ellipsis(f, x):
    return ...


def placeholder(*args):
    """What a student-edition answer cell defines: a function whose body is `...`."""
    ...


# --- exercise 2 ----------------------------------------------------------------------------


def tg_reference(body, w):
    h = body(w)
    (h**2).sum().backward(retain_graph=True)
    g1 = w.grad.clone()
    w.grad = None
    h.sum().backward()
    return g1, w.grad


def tg_autograd_grad(body, w):
    h = body(w)
    (g1,) = torch.autograd.grad((h * h).sum(), w, retain_graph=True)
    (g2,) = torch.autograd.grad(h.sum(), w)
    return g1, g2


def tg_subtract(body, w):
    h = body(w)
    (h**2).sum().backward(retain_graph=True)
    g1 = w.grad.clone()
    h.sum().backward()
    return g1, w.grad - g1


def tg_jacrev(body, w):
    def losses(v):
        h = body(v)
        return torch.stack([(h * h).sum(), h.sum()])

    jac = torch.func.jacrev(losses)(w.detach())
    return jac[0], jac[1]


def tg_no_retain(body, w):
    h = body(w)
    (h**2).sum().backward()
    g1 = w.grad.clone()
    w.grad.zero_()
    h.sum().backward()
    return g1, w.grad


def tg_not_zeroed(body, w):
    h = body(w)
    (h**2).sum().backward(retain_graph=True)
    g1 = w.grad.clone()
    h.sum().backward()
    return g1, w.grad


def tg_same_tensor(body, w):
    h = body(w)
    (h**2).sum().backward(retain_graph=True)
    g1 = w.grad  # not a copy: zero_() below changes it too
    w.grad.zero_()
    h.sum().backward()
    return g1, w.grad


def tg_two_forward(body, w):
    (body(w) ** 2).sum().backward()
    g1 = w.grad.clone()
    w.grad = None
    body(w).sum().backward()
    return g1, w.grad


def tg_set_by_hand(body, w):
    h = body(w)
    (h**2).sum().backward()
    g1 = w.grad.clone()
    x = torch.tensor(
        [[1.0, -0.5, 0.25], [0.5, 1.0, -1.0], [-0.25, 0.5, 0.75], [1.5, 0.0, -0.5]],
        dtype=w.dtype,
    )
    w.grad = x.T @ (1 - h.detach() ** 2)  # the shown body's derivative, worked out by hand
    return g1, w.grad


def tg_no_backward(body, w):
    h = body(w).detach()
    return 2 * h.sum() * torch.ones_like(w), torch.ones_like(w)


def tg_finite_differences(body, w):
    eps = 1e-6
    flat = w.detach().reshape(-1)
    g1, g2 = torch.zeros_like(flat), torch.zeros_like(flat)
    for i in range(flat.numel()):
        step = torch.zeros_like(flat)
        step[i] = eps
        up, down = body((flat + step).reshape(w.shape)), body((flat - step).reshape(w.shape))
        g1[i] = ((up**2).sum() - (down**2).sum()) / (2 * eps)
        g2[i] = (up.sum() - down.sum()) / (2 * eps)
    return g1.reshape(w.shape), g2.reshape(w.shape)


def tg_swapped(body, w):
    g1, g2 = tg_reference(body, w)
    return g2, g1


def tg_zero_first(body, w):
    w.grad.zero_()  # nothing is there yet
    return tg_reference(body, w)


def tg_one_gradient(body, w):
    h = body(w)
    (h**2 + h).sum().backward()
    return w.grad


# --- exercise 3 ----------------------------------------------------------------------------


def gf_reference(a):
    d = f(a)
    d.backward(torch.ones_like(d))
    return a.grad


def gf_sum(a):
    f(a).sum().backward()
    return a.grad


def gf_autograd_grad(a):
    return torch.autograd.grad(f(a).sum(), a)[0]


def gf_component_by_component(a):
    d = f(a).reshape(-1)
    for i in range(d.numel()):
        d[i].backward(retain_graph=True)
    return a.grad


def gf_the_conclusion(a):
    return f(a) / a


def gf_scalar_backward(a):
    f(a).backward()
    return a.grad


def gf_fixed_shape(a):
    d = f(a)
    d.backward(torch.ones(3))
    return a.grad


def gf_wrong_weights(a):
    d = f(a)
    d.backward(torch.arange(float(d.numel())).reshape(d.shape))
    return a.grad


def gf_first_component(a):
    d = f(a).reshape(-1)
    d[0].backward()
    return a.grad


def gf_no_grad(a):
    with torch.no_grad():
        d = f(a)
    d.sum().backward()
    return a.grad


def gf_grad_off_for_good(a):
    torch.set_grad_enabled(False)
    return f(a) / a


def gf_forgot_return(a):
    f(a).sum().backward()


def gf_patched(a):
    """After `ex.control_flow_f = lambda a: a * 2`: uses the patched function."""
    ex.control_flow_f(a).sum().backward()
    return a.grad


# --- exercise 4 ----------------------------------------------------------------------------


def g_reference(a):
    b = a
    while b.abs() < 1:
        b = 3 * b
    if b > 0:
        return b * b
    return -b


def dg_reference(a):
    b, k = a, 1
    while abs(b) < 1:
        b, k = 3 * b, 3 * k
    if b > 0:
        return 2 * b * k
    return -k


def dg_from_value(a):
    """Legitimate: on the b² branch, d(b²)/da = 2 g(a) / a; on the other, -g(a) / a."""
    return 2 * g_reference(a) / a if a > 0 else g_reference(a) / a


def g_identity_or_constant(a):
    """A legitimate branch may return a itself, another a constant."""
    if a > 1:
        return a
    if a < -1:
        return 5.0
    return a * a


def dg_identity_or_constant(a):
    if a > 1:
        return 1.0
    if a < -1:
        return 0.0
    return 2 * a


def g_for_loop(a):
    out = a
    for _ in range(int(abs(float(a))) + 1):
        out = out * a
    return out


def dg_for_loop(a):
    n = int(abs(float(a))) + 2
    return n * a ** (n - 1)


def g_scaled(a):
    if a > 0:
        return 2 * a
    return 3 * a


def dg_scaled(a):
    return 2.0 if a > 0 else 3.0


def g_hangs(a):
    b = a
    while b < 10:
        b = b * 2
    return b


def dg_hangs(a):
    return 1.0


def g_ignores_a(a):
    return torch.tensor(1.0)


def g_backward_inside(a):
    out = a * a if a > 0 else -a
    out.backward()
    return out


def g_complex(a):
    return (a * 1j) if a > 0 else a * 2j


def g_one_path(a):
    return a * a


def dg_one_path(a):
    return 2 * a


def dg_autograd(a):
    a = a.clone().requires_grad_(True)
    g_reference(a).backward()
    return a.grad


def dg_torch_func(a):
    return torch.func.grad(g_reference)(a)


def dg_finite_differences(a):
    h = 1e-5
    return (g_reference(a + h) - g_reference(a - h)) / (2 * h)


def dg_wrong(a):
    return 2 * a


def g_string(a):
    return "a squared"


def dg_forgot_return(a):
    b, k = a, 1
    while abs(b) < 1:
        b, k = 3 * b, 3 * k


def dg_infinite(a):
    while True:
        pass


# --- exercise 5 ----------------------------------------------------------------------------


def dbb_reference(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()
    return x.grad


def dbb_vector_backward(f, x):
    x = x.clone().requires_grad_(True)
    y = f(x)
    y.backward(torch.ones_like(y))
    return x.grad.clone()


def dbb_autograd_grad(f, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def dbb_vmap_grad(f, x):
    return torch.func.vmap(torch.func.grad(f))(x)


def dbb_set_by_hand(f, x):
    x = x.detach().requires_grad_(True)
    x.grad = torch.cos(x.detach())  # no backward pass at all
    return x.grad


def dbb_copied_cos(f, x):
    return torch.cos(x)


def dbb_finite_differences(f, x):
    h = 1e-6
    return (f(x + h) - f(x - h)) / (2 * h)


def dbb_unused_backward(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()  # runs, and is then ignored
    return torch.cos(x.detach())


def dbb_difference_beside_backward(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()
    h = 1e-6
    with torch.no_grad():
        return (f(x + h) - f(x - h)) / (2 * h)


def dbb_scaled_step(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()  # runs, and is then ignored
    h = 1e-7 * (1 + x.detach().abs())  # a step per point: no single small number to spot
    with torch.no_grad():
        return (f(x + h) - f(x - h)) / (2 * h)


def dbb_jvp(f, x):
    return torch.func.jvp(f, (x,), (torch.ones_like(x),))[1]


def dbb_doubled(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()
    f(x).sum().backward()
    return x.grad


def dbb_values(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    y.sum().backward()
    return y.detach()


def dbb_non_leaf(f, x):
    import warnings

    x = x.float().requires_grad_(True).double()  # not a leaf
    f(x).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x.grad  # None: backward left nothing in a non-leaf's .grad


def dbb_forgot_requires_grad(f, x):
    f(x).sum().backward()
    return x.grad


def dbb_not_scalar(f, x):
    x = x.detach().requires_grad_(True)
    f(x).backward()
    return x.grad


def dbb_summed(f, x):
    return dbb_reference(f, x).sum()


def dbb_other_function(f, x):
    x = x.detach().requires_grad_(True)
    (f(x) * x).sum().backward()
    return x.grad


# --- exercise 6 ----------------------------------------------------------------------------


def df_reference(x):
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - 1 / x**2


def df_factored(x):
    return (2 * torch.sin(x) + x * torch.log(x * x) * torch.cos(x) - 1 / x) / x


def df_numpy(x):
    v = x.numpy()
    return 2 / v * np.sin(v) + np.log(v**2) * np.cos(v) - 1 / v**2


def df_list(x):
    return df_reference(x).tolist()


def df_autograd(x):
    x = x.clone().requires_grad_(True)
    f6(x).sum().backward()
    return x.grad


def df_torch_func(x):
    return torch.func.vmap(torch.func.grad(f6))(x)


def df_finite_differences(x):
    h = 1e-4
    return (f6(x + h) - f6(x - h)) / (2 * h)


def df_float32(x):
    return df_reference(x.float())


def df_lookup(x):
    grid = torch.cat([torch.linspace(-4.0, -0.5, 8), torch.linspace(0.5, 4.0, 8)])
    return df_reference(grid.double())


def df_raises(x):
    return x.nonexistent()


# --- the bank: exercise, name, check, expected verdict and hint id ---------------------------


def predict(number, prediction):
    runs = {1: ex.predictions._two_passes, 2: ex.predictions._broadcast}
    runs |= {3: ex.predictions._detached, 4: ex.predictions._control_flow}
    return ex.check_prediction(number, prediction, runs[number]())


# --- honest, lazy and clever: method shortcuts and right routes (issue "checks a learner can
# trust"); each must get the verdict below, and leave the session healthy ---------------------


def sd_five_point_with_unused_backward(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()  # a backward pass that is never used
    h, x = 1e-2, x.detach()
    return (-f(x + 2 * h) + 16 * f(x + h) - 30 * f(x) + 16 * f(x - h) - f(x - 2 * h)) / (12 * h**2)


def sd_difference_of_autograd(f, x):
    def first(z):
        z = z.detach().requires_grad_(True)
        (df_dz,) = torch.autograd.grad(f(z).sum(), z)
        return df_dz

    h = 1e-4
    return (first(x + h) - first(x - h)) / (2 * h)


def sd_vmap_grad_grad(f, x):
    from torch.func import grad, vmap

    return vmap(grad(grad(f)))(x)


def sd_mode_left_pushed(f, x):
    from torch.overrides import TorchFunctionMode

    TorchFunctionMode().__enter__()  # entered, never left
    raise ValueError("oops")


def gf_vjp(a):
    from torch.func import vjp

    d, pull = vjp(f, a)
    (grad,) = pull(torch.ones_like(d))
    return grad


def gf_set_by_hand(a):
    d = f(a)
    d.sum().backward()
    a.grad = (d / a).detach()  # overwrites what backward left with a formula
    return a.grad


def dg_jvp(a):
    from torch.func import jvp

    return jvp(g_reference, (a,), (torch.ones_like(a),))[1]


def dg_in_a_thread(a):
    import threading

    box = {}

    def work():
        z = a.detach().clone().requires_grad_(True)
        g_reference(z).backward()
        box["grad"] = z.grad

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return box["grad"]


_g_alias = g_reference  # g under another name, which `calls_of` cannot see


def dg_alias_difference(a):
    h = 1e-6
    return (_g_alias(a + h) - _g_alias(a - h)) / (2 * h)


def g_where(a):
    return torch.where(a > 0, a * a, -a)


def dg_where(a):
    return torch.where(a > 0, 2 * a, -torch.ones_like(a))


def df_jvp(x):
    from torch.func import jvp

    return jvp(f6, (x,), (torch.ones_like(x),))[1]


def df_in_a_thread(x):
    import threading

    box = {}

    def work():
        z = x.detach().clone().requires_grad_(True)
        f6(z).sum().backward()
        box["grad"] = z.grad

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return box["grad"]


_f6_alias = f6


def df_alias_difference(x):
    h = 1e-6
    return (_f6_alias(x + h) - _f6_alias(x - h)) / (2 * h)


BANK = [
    # exercise 1
    ("ex1", "no create_graph", lambda: ex.check_ex1(sd_no_create_graph), "exercises.ex1_no_graph"),
    (
        "ex1",
        "forgot requires_grad_",
        lambda: ex.check_ex1(sd_forgot_requires_grad),
        "exercises.ex1_input_no_grad",
    ),
    (
        "ex1",
        "first derivative",
        lambda: ex.check_ex1(sd_first_derivative),
        "exercises.ex1_first_derivative",
    ),
    (
        "ex1",
        "second-order finite differences",
        lambda: ex.check_ex1(sd_finite_differences),
        "exercises.ex1_not_autograd",
    ),
    (
        "ex1",
        "hard-coded -sin(x)",
        lambda: ex.check_ex1(sd_hard_coded),
        "exercises.ex1_not_autograd",
    ),
    (
        "ex1",
        "both derivatives in one .grad",
        lambda: ex.check_ex1(sd_accumulated),
        "exercises.ex1_accumulated",
    ),
    ("ex1", "forgot return", lambda: ex.check_ex1(sd_forgot_return), "exercises.returned_none"),
    ("ex1", "summed to one number", lambda: ex.check_ex1(sd_summed), "exercises.ex1_shape"),
    (
        "ex1",
        "exception whose __str__ fails",
        lambda: ex.check_ex1(sd_unprintable),
        "exercises.raised",
    ),
    ("ex1", "sys.exit() inside", lambda: ex.check_ex1(sd_exits), "exercises.raised"),
    (
        "ex1",
        "a value, not a function",
        lambda: ex.check_ex1(torch.zeros(9)),
        "exercises.ex1_not_callable",
    ),
    ("ex1", "placeholder left", lambda: ex.check_ex1(placeholder), "exercises.not_attempted"),
    (
        "ex1",
        "raise NotImplementedError left",
        lambda: ex.check_ex1(not_implemented),
        "exercises.not_attempted",
    ),
    ("ex1", "return ... left", lambda: ex.check_ex1(returns_ellipsis), "exercises.not_attempted"),
    (
        "ex1",
        "... left in place of the function",
        lambda: ex.check_ex1(...),
        "exercises.not_attempted",
    ),
    ("ex1", "None in place of the function", lambda: ex.check_ex1(None), "exercises.not_attempted"),
    # exercise 2
    ("ex2", "no retain_graph", lambda: ex.check_ex2(tg_no_retain), "exercises.ex2_freed"),
    (
        "ex2",
        "not zeroed between the passes",
        lambda: ex.check_ex2(tg_not_zeroed),
        "exercises.ex2_not_zeroed",
    ),
    (
        "ex2",
        "g1 = w.grad without a copy, then zero_()",
        lambda: ex.check_ex2(tg_same_tensor),
        "exercises.ex2_same_tensor",
    ),
    (
        "ex2",
        "two forward passes",
        lambda: ex.check_ex2(tg_two_forward),
        "exercises.ex2_two_forward",
    ),
    (
        "ex2",
        "second gradient set by hand (w.grad = formula)",
        lambda: ex.check_ex2(tg_set_by_hand),
        "exercises.ex2_not_backward_result",
    ),
    (
        "ex2",
        "no backward at all",
        lambda: ex.check_ex2(tg_no_backward),
        "exercises.ex2_no_backward",
    ),
    (
        "ex2",
        "central differences",
        lambda: ex.check_ex2(tg_finite_differences),
        "exercises.ex2_difference",
    ),
    ("ex2", "the pair swapped", lambda: ex.check_ex2(tg_swapped), "exercises.ex2_swapped"),
    (
        "ex2",
        "one backward of the summed losses",
        lambda: ex.check_ex2(tg_one_gradient),
        "exercises.ex2_shape",
    ),
    (
        "ex2",
        "body never called",
        lambda: ex.check_ex2(lambda body, w: (w, w)),
        "exercises.ex2_no_body",
    ),
    (
        "ex2",
        "w.grad.zero_() before any backward",
        lambda: ex.check_ex2(tg_zero_first),
        "exercises.err_none",
    ),
    ("ex2", "division by zero", lambda: ex.check_ex2(lambda body, w: 1 / 0), "exercises.raised"),
    ("ex2", "placeholder left", lambda: ex.check_ex2(placeholder), "exercises.not_attempted"),
    # exercise 3
    (
        "ex3",
        "return f(a) / a",
        lambda: ex.check_ex3(gf_the_conclusion),
        "exercises.ex3_no_backward",
    ),
    (
        "ex3",
        "backward on a vector",
        lambda: ex.check_ex3(gf_scalar_backward),
        "exercises.ex3_not_scalar",
    ),
    (
        "ex3",
        "weights of a fixed shape",
        lambda: ex.check_ex3(gf_fixed_shape),
        "exercises.ex3_any_shape",
    ),
    ("ex3", "wrong weights", lambda: ex.check_ex3(gf_wrong_weights), "exercises.ex3_wrong"),
    (
        "ex3",
        "first component only",
        lambda: ex.check_ex3(gf_first_component),
        "exercises.ex3_one_component",
    ),
    ("ex3", "f under no_grad", lambda: ex.check_ex3(gf_no_grad), "exercises.err_no_graph"),
    (
        "ex3",
        "switches grad off for good",
        lambda: ex.check_ex3(gf_grad_off_for_good),
        "exercises.ex3_no_backward",
    ),
    ("ex3", "forgot return", lambda: ex.check_ex3(gf_forgot_return), "exercises.returned_none"),
    (
        "ex3",
        "after monkeypatching ex.control_flow_f",
        lambda: _patched_check(),
        "exercises.ex3_wrong",
    ),
    ("ex3", "forgot return", lambda: ex.check_ex3(gf_forgot_return), "exercises.returned_none"),
    (
        "ex3",
        "after monkeypatching ex.control_flow_f",
        lambda: _patched_check(),
        "exercises.ex3_wrong",
    ),
    ("ex3", "placeholder left", lambda: ex.check_ex3(placeholder), "exercises.not_attempted"),
    # exercise 4
    (
        "ex4",
        "while b < 10 never ends for a <= 0",
        lambda: ex.check_ex4(g_hangs, dg_hangs),
        "exercises.timeout",
    ),
    ("ex4", "dg never ends", lambda: ex.check_ex4(g_reference, dg_infinite), "exercises.timeout"),
    (
        "ex4",
        "g does not use a",
        lambda: ex.check_ex4(g_ignores_a, lambda a: 0.0),
        "exercises.ex4_no_dependence",
    ),
    (
        "ex4",
        "g calls backward",
        lambda: ex.check_ex4(g_backward_inside, dg_reference),
        "exercises.ex4_g_backward",
    ),
    ("ex4", "complex g", lambda: ex.check_ex4(g_complex, lambda a: 1j), "exercises.ex4_complex"),
    (
        "ex4",
        "dg by autograd (backward)",
        lambda: ex.check_ex4(g_reference, dg_autograd),
        "exercises.by_hand_autograd",
    ),
    (
        "ex4",
        "dg by torch.func.grad",
        lambda: ex.check_ex4(g_reference, dg_torch_func),
        "exercises.by_hand_autograd",
    ),
    (
        "ex4",
        "dg by central differences",
        lambda: ex.check_ex4(g_reference, dg_finite_differences),
        "exercises.ex4_dg_difference",
    ),
    ("ex4", "wrong formula", lambda: ex.check_ex4(g_reference, dg_wrong), "exercises.ex4_mismatch"),
    (
        "ex4",
        "one path only",
        lambda: ex.check_ex4(g_one_path, dg_one_path),
        "exercises.ex4_one_path",
    ),
    (
        "ex4",
        "g returns a string",
        lambda: ex.check_ex4(g_string, dg_wrong),
        "exercises.ex4_not_scalar",
    ),
    (
        "ex4",
        "dg forgot return",
        lambda: ex.check_ex4(g_reference, dg_forgot_return),
        "exercises.returned_none",
    ),
    (
        "ex4",
        "placeholders left",
        lambda: ex.check_ex4(placeholder, placeholder),
        "exercises.not_attempted",
    ),
    (
        "ex4",
        "plain numbers, no tensor",
        lambda: ex.check_ex4(lambda a: 1.0, lambda a: 0.0),
        "exercises.ex4_no_dependence",
    ),
    (
        "ex4",
        "placeholders left",
        lambda: ex.check_ex4(placeholder, placeholder),
        "exercises.not_attempted",
    ),
    ("ex4", "... left for both", lambda: ex.check_ex4(..., ...), "exercises.not_attempted"),
    (
        "ex4",
        "g written, dg left",
        lambda: ex.check_ex4(g_reference, ...),
        "exercises.not_attempted",
    ),
    # exercise 5
    (
        "ex5",
        "x.grad = torch.cos(x) set by hand, no backward",
        lambda: ex.check_ex5(dbb_set_by_hand),
        "exercises.ex5_no_backward",
    ),
    (
        "ex5",
        "return torch.cos(x)",
        lambda: ex.check_ex5(dbb_copied_cos),
        "exercises.ex5_no_backward",
    ),
    (
        "ex5",
        "central differences",
        lambda: ex.check_ex5(dbb_finite_differences),
        "exercises.ex5_difference",
    ),
    (
        "ex5",
        "cos formula beside an unused backward()",
        lambda: ex.check_ex5(dbb_unused_backward),
        "exercises.ex5_formula",
    ),
    (
        "ex5",
        "central differences beside an unused backward()",
        lambda: ex.check_ex5(dbb_difference_beside_backward),
        "exercises.ex5_difference",
    ),
    (
        "ex5",
        "central differences with a step per point, beside an unused backward()",
        lambda: ex.check_ex5(dbb_scaled_step),
        "exercises.ex5_approximate",
    ),
    (
        "ex5",
        "forward mode (torch.func.jvp)",
        lambda: ex.check_ex5(dbb_jvp),
        "exercises.ex5_not_reverse",
    ),
    ("ex5", "accumulated twice", lambda: ex.check_ex5(dbb_doubled), "exercises.ex5_doubled"),
    ("ex5", "values of f", lambda: ex.check_ex5(dbb_values), "exercises.ex5_values"),
    (
        "ex5",
        "x not a leaf, x.grad (None) returned",
        lambda: ex.check_ex5(dbb_non_leaf),
        "exercises.ex5_not_leaf",
    ),
    (
        "ex5",
        "forgot requires_grad_",
        lambda: ex.check_ex5(dbb_forgot_requires_grad),
        "exercises.ex5_input_no_grad",
    ),
    (
        "ex5",
        "backward on a vector",
        lambda: ex.check_ex5(dbb_not_scalar),
        "exercises.err_not_scalar",
    ),
    ("ex5", "summed to one number", lambda: ex.check_ex5(dbb_summed), "exercises.ex5_shape"),
    (
        "ex5",
        "backward of f(x)·x",
        lambda: ex.check_ex5(dbb_other_function),
        "exercises.ex5_mismatch",
    ),
    (
        "ex5",
        "a tensor, not a function",
        lambda: ex.check_ex5(torch.zeros(9)),
        "exercises.ex5_not_callable",
    ),
    ("ex5", "placeholder left", lambda: ex.check_ex5(placeholder), "exercises.not_attempted"),
    # exercise 6
    ("ex6", "df by autograd", lambda: ex.check_ex6(df_autograd), "exercises.by_hand_autograd"),
    ("ex6", "df by torch.func", lambda: ex.check_ex6(df_torch_func), "exercises.by_hand_autograd"),
    (
        "ex6",
        "forgot the inner 2x",
        lambda: ex.check_ex6(
            lambda x: torch.sin(x) / x**2 + torch.log(x**2) * torch.cos(x) - 1 / x**2
        ),
        "exercises.ex6_inner",
    ),
    (
        "ex6",
        "log(x²) treated as log x",
        lambda: ex.check_ex6(
            lambda x: torch.sin(x) / x + torch.log(x**2) * torch.cos(x) - 1 / x**2
        ),
        "exercises.ex6_log_rule",
    ),
    (
        "ex6",
        "sign of the 1/x term",
        lambda: ex.check_ex6(lambda x: df_reference(x) + 2 / x**2),
        "exercises.ex6_sign",
    ),
    (
        "ex6",
        "product rule: one term only",
        lambda: ex.check_ex6(lambda x: torch.log(x**2) * torch.cos(x) - 1 / x**2),
        "exercises.ex6_product",
    ),
    (
        "ex6",
        "product rule: product of derivatives",
        lambda: ex.check_ex6(lambda x: 2 / x * torch.cos(x) - 1 / x**2),
        "exercises.ex6_product",
    ),
    (
        "ex6",
        "1/x term forgotten",
        lambda: ex.check_ex6(lambda x: df_reference(x) + 1 / x**2),
        "exercises.ex6_missing_term",
    ),
    ("ex6", "returns f itself", lambda: ex.check_ex6(f6), "exercises.ex6_value"),
    (
        "ex6",
        "central differences",
        lambda: ex.check_ex6(df_finite_differences),
        "exercises.by_hand_difference",
    ),
    ("ex6", "computed in float32", lambda: ex.check_ex6(df_float32), "exercises.approximate"),
    (
        "ex6",
        "lookup table of the shown grid",
        lambda: ex.check_ex6(df_lookup),
        "exercises.ex6_shape",
    ),
    ("ex6", "something else", lambda: ex.check_ex6(torch.cos), "exercises.ex6_other"),
    ("ex6", "raises AttributeError", lambda: ex.check_ex6(df_raises), "exercises.raised"),
    ("ex6", "placeholder left", lambda: ex.check_ex6(placeholder), "exercises.not_attempted"),
    # predict, then run
    (
        "predict 1",
        "one pass's gradient",
        lambda: predict(1, [0.0, 4.0, 8.0, 12.0]),
        "exercises.p1_once",
    ),
    ("predict 1", "an error", lambda: predict(1, "error"), "exercises.predict_no_error"),
    (
        "predict 1",
        "multiplied",
        lambda: predict(1, [0.0, 16.0, 32.0, 48.0]),
        "exercises.p1_multiplied",
    ),
    ("predict 1", "something else", lambda: predict(1, [1.0, 1.0, 1.0, 1.0]), "exercises.p1_gap"),
    (
        "predict 1",
        "cell changed",
        lambda: ex.check_predict1([0.0], torch.zeros(4)),
        "exercises.predict_changed",
    ),
    (
        "predict 2",
        "the output's shape",
        lambda: predict(2, [[0.0, 1, 2], [3, 4, 5]]),
        "exercises.predict_shape",
    ),
    ("predict 2", "one row", lambda: predict(2, [0.0, 1.0, 2.0]), "exercises.p2_one_row"),
    ("predict 2", "ones", lambda: predict(2, [1.0, 1.0, 1.0]), "exercises.p2_ones"),
    (
        "predict 3",
        "through the detached u",
        lambda: predict(3, [0.0, 3.0, 12.0, 27.0]),
        "exercises.p3_through",
    ),
    ("predict 3", "the value of x", lambda: predict(3, [0.0, 1.0, 2.0, 3.0]), "exercises.p3_x"),
    ("predict 4", "the if branch", lambda: predict(4, 4096), "exercises.p4_branch"),
    ("predict 4", "one doubling short", lambda: predict(4, 204800), "exercises.p4_count"),
    ("predict 4", "negative", lambda: predict(4, -409600.0), "exercises.p4_sign"),
    ("predict 4", "a word, not a value", lambda: predict(4, "big"), "exercises.predict_not_value"),
    ("predict 4", "placeholder left", lambda: predict(4, ...), "exercises.predict_not_attempted"),
    (
        "predict 2",
        "right prediction, observed value not passed",
        lambda: ex.check_predict2([3.0, 5.0, 7.0]),
        "exercises.predict_no_observed",
    ),
    # shortcuts for the method, and answers that harm the session
    (
        "ex1",
        "five-point difference beside an unused backward()",
        lambda: ex.check_ex1(sd_five_point_with_unused_backward),
        "exercises.ex1_difference",
    ),
    (
        "ex1",
        "difference quotient of autograd's first derivative",
        lambda: ex.check_ex1(sd_difference_of_autograd),
        "exercises.ex1_difference",
    ),
    (
        "ex1",
        "a TorchFunctionMode left pushed",
        lambda: ex.check_ex1(sd_mode_left_pushed),
        "exercises.raised",
    ),
    (
        "ex3",
        "a.grad set by hand after backward",
        lambda: ex.check_ex3(gf_set_by_hand),
        "exercises.ex3_not_backward_result",
    ),
    (
        "ex4",
        "dg by torch.func.jvp",
        lambda: ex.check_ex4(g_reference, dg_jvp),
        "exercises.by_hand_autograd",
    ),
    (
        "ex4",
        "dg by autograd in a worker thread",
        lambda: ex.check_ex4(g_reference, dg_in_a_thread),
        "exercises.by_hand_thread",
    ),
    (
        "ex4",
        "dg: central difference through an alias of g",
        lambda: ex.check_ex4(g_reference, dg_alias_difference),
        "exercises.ex4_dg_difference",
    ),
    (
        "ex4",
        "torch.where, no Python branch",
        lambda: ex.check_ex4(g_where, dg_where),
        "exercises.ex4_python_branch",
    ),
    ("ex6", "df by torch.func.jvp", lambda: ex.check_ex6(df_jvp), "exercises.by_hand_autograd"),
    (
        "ex6",
        "df by autograd in a worker thread",
        lambda: ex.check_ex6(df_in_a_thread),
        "exercises.by_hand_thread",
    ),
    (
        "ex6",
        "df: central difference through an alias of f6",
        lambda: ex.check_ex6(df_alias_difference),
        "exercises.by_hand_difference",
    ),
]


def _patched_check():
    saved = ex.control_flow_f
    ex.control_flow_f = lambda a: a * 2
    try:
        return ex.check_ex3(gf_patched)
    finally:
        ex.control_flow_f = saved


RIGHT = [
    ("ex1", "reference: autograd.grad twice", lambda: ex.check_ex1(sd_reference)),
    ("ex1", "backward twice, gradient reset", lambda: ex.check_ex1(sd_backward_twice)),
    ("ex1", "diagonal of the Hessian", lambda: ex.check_ex1(sd_hessian)),
    ("ex1", "torch.func, grad of grad", lambda: ex.check_ex1(sd_torch_func)),
    ("ex1", "vmap(grad(grad(f)))", lambda: ex.check_ex1(sd_vmap_grad_grad)),
    ("ex2", "reference: backward twice, w.grad reset", lambda: ex.check_ex2(tg_reference)),
    ("ex2", "torch.autograd.grad twice", lambda: ex.check_ex2(tg_autograd_grad)),
    ("ex2", "not zeroed, the first subtracted", lambda: ex.check_ex2(tg_subtract)),
    ("ex2", "torch.func.jacrev of both losses", lambda: ex.check_ex2(tg_jacrev)),
    ("ex3", "reference: weights of ones", lambda: ex.check_ex3(gf_reference)),
    ("ex3", "sum, then backward", lambda: ex.check_ex3(gf_sum)),
    ("ex3", "torch.autograd.grad", lambda: ex.check_ex3(gf_autograd_grad)),
    ("ex3", "torch.func.vjp", lambda: ex.check_ex3(gf_vjp)),
    ("ex3", "component by component", lambda: ex.check_ex3(gf_component_by_component)),
    ("ex4", "reference", lambda: ex.check_ex4(g_reference, dg_reference)),
    ("ex4", "dg using the value of g at a", lambda: ex.check_ex4(g_reference, dg_from_value)),
    (
        "ex4",
        "branches returning a and a constant",
        lambda: ex.check_ex4(g_identity_or_constant, dg_identity_or_constant),
    ),
    ("ex4", "a for loop", lambda: ex.check_ex4(g_for_loop, dg_for_loop)),
    ("ex4", "same ops, other constants", lambda: ex.check_ex4(g_scaled, dg_scaled)),
    ("ex5", "reference", lambda: ex.check_ex5(dbb_reference)),
    ("ex5", "backward(ones), a copy of x.grad", lambda: ex.check_ex5(dbb_vector_backward)),
    ("ex5", "torch.autograd.grad", lambda: ex.check_ex5(dbb_autograd_grad)),
    ("ex5", "vmap(grad(f))", lambda: ex.check_ex5(dbb_vmap_grad)),
    ("ex6", "reference", lambda: ex.check_ex6(df_reference)),
    ("ex6", "factored", lambda: ex.check_ex6(df_factored)),
    ("ex6", "NumPy", lambda: ex.check_ex6(df_numpy)),
    ("ex6", "a list", lambda: ex.check_ex6(df_list)),
    ("predict 1", "right", lambda: predict(1, torch.tensor([0.0, 8.0, 16.0, 24.0]))),
    ("predict 2", "right", lambda: predict(2, (3, 5, 7))),
    ("predict 3", "right", lambda: predict(3, np.array([0.0, 1.0, 4.0, 9.0]))),
    ("predict 4", "right", lambda: predict(4, 409600)),
]

BANK_OF = Bank("exercises08", known_right=lambda: ex.check_ex2(tg_reference))


def _item(exercise):
    """The number and kind of a row's item: "ex3" -> 3, an exercise; "predict 2" -> 2."""
    number = int(exercise.split()[-1].removeprefix("ex"))
    return number, EXERCISE if exercise.startswith("ex") else PREDICTION


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    number, kind = _item(exercise)
    BANK_OF.expect_wrong(
        number, name, check, hint, language, kind, answer_words=ANSWER_WORDS.get(exercise, ())
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    number, kind = _item(exercise)
    BANK_OF.expect_right(number, name, check, language, kind)


def test_checks_leave_global_torch_state_alone():
    rng = torch.get_rng_state()
    for _, _, check in RIGHT:
        check()
    assert torch.equal(rng, torch.get_rng_state())
    assert torch.is_grad_enabled()


def test_the_bank_is_large_and_covers_every_exercise():
    wrong = [row for row in BANK if not row[3].endswith("not_attempted")]
    assert len(wrong) >= 40
    exercises = {e for e, *_ in BANK}
    assert {f"ex{n}" for n in range(1, 7)} <= exercises
    assert {f"predict {n}" for n in range(1, 5)} <= exercises
    for n in range(1, 7):
        assert len([r for r in RIGHT if r[0] == f"ex{n}"]) >= 2, f"ex{n}: one right way only"


@pytest.mark.slow
def test_the_hang_is_answered_within_the_time_limit():
    start = time.perf_counter()
    feedback = ex.check_ex4(g_hangs, dg_hangs)
    seconds = time.perf_counter() - start
    assert feedback.hint == "exercises.timeout", feedback
    assert ex.LIMIT <= seconds < ex.LIMIT + SLACK, f"{seconds:.2f} s"
    assert "g(-2.75)" in feedback.message
    TABLES.mkdir(parents=True, exist_ok=True)
    (TABLES / "hang.txt").write_text(
        f"check_ex4 with `while b < 10: b = b * 2`: verdict after {seconds:.3f} s "
        f"(limit {ex.LIMIT:g} s)\n{feedback}\n",
        encoding="utf-8",
    )
    print(f"\nhang answered in {seconds:.3f} s: {feedback}")


def test_a_crash_quotes_the_learners_own_line():
    with lang.use("en"):
        feedback = ex.check_ex2(tg_zero_first)
    assert "In tg_zero_first" in feedback.message or "in tg_zero_first" in feedback.message
    assert "w.grad.zero_()" in feedback.message, feedback
    assert "AttributeError" in feedback.message


@pytest.fixture(scope="module", autouse=True)
def _torch_func_loaded():
    """Load torch.func before any answer runs against the time limit: its first call loads
    and sets up functorch, seconds on a busy machine, which is not the learner's time."""
    torch.func.grad(torch.sin)(torch.tensor(1.0))


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
