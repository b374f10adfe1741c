"""Both modes as functions: grad (reverse), jvp (forward), whole Jacobians, Hessian-vector
products; and no_grad(), which switches the recording off.

`jacfwd` pushes one tangent per input element forward (a column of the Jacobian per pass);
`jacrev` pulls one cotangent per output element back (a row per pass). So a wide Jacobian
(few outputs, many inputs) is cheap in reverse mode and a tall one in forward mode.
"""

from __future__ import annotations

import functools

import numpy as np

from autograd_lab.engine import core, errors
from autograd_lab.engine.core import Tensor, as_tensor


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None
):
    """Return d(outputs)/d(inputs) as a tuple, leaving `.grad` alone (torch.autograd.grad)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not all(isinstance(t, Tensor) and t.requires_grad for t in inputs):
        raise errors.input_without_grad()
    output, seed = errors.one(outputs, Tensor), errors.one(grad_outputs)
    wanted = set(inputs)
    found = {
        node: g if create_graph else Tensor(np.array(g))
        for node, g, _ in core.backpropagate(output, seed, create_graph)
        if node in wanted
    }
    if not allow_unused and any(t not in found for t in inputs):
        raise errors.unused_input()
    return tuple(found.get(t) for t in inputs)


def jvp(f, primals, tangents):
    """Return (f(*primals), J_f(primals) @ tangents) from one forward pass (torch.func.jvp)."""
    if core._forward_mode:
        raise RuntimeError("the engine does not nest jvp inside jvp: use grad for the outer one")
    duals = []
    for primal, tangent in zip(primals, tangents, strict=True):
        dual = as_tensor(primal).detach()  # a fresh leaf carrying its tangent: a dual number
        dual._tangent = np.array(as_tensor(tangent).data, dtype=np.float64)
        if dual._tangent.shape != dual.shape:
            raise ValueError(
                f"a tangent has shape {dual._tangent.shape}, its primal {dual.shape}: "
                "give every primal a tangent of its own shape"
            )
        duals.append(dual)
    core._forward_mode = True  # every op now also applies its jvp rule to the tangents
    try:
        with np.errstate(all="ignore"):
            out = f(*duals)
    finally:
        core._forward_mode = False
    tangent = np.zeros_like(out.data) if out._tangent is None else out._tangent
    return out.detach(), Tensor(np.array(tangent, dtype=np.float64))


class no_grad:  # noqa: N801 - PyTorch's spelling
    """Turn off recording inside `with engine.no_grad():` (values are still computed)."""

    def __enter__(self):
        self._before, core._grad_enabled = core._grad_enabled, False

    def __exit__(self, *exc):
        core._grad_enabled = self._before

    def __call__(self, function):
        """Use as a decorator, `@engine.no_grad()`: run `function` without recording."""

        @functools.wraps(function)
        def without_recording(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return without_recording


def is_grad_enabled() -> bool:
    """Return True unless inside `no_grad()`."""
    return core._grad_enabled


def vjp(f, *primals):
    """Return (f(*primals), vjp_fn), vjp_fn(v) giving v^T J for every primal (torch.func.vjp)."""
    inputs = [as_tensor(p).detach().requires_grad_() for p in primals]
    out = f(*inputs)

    def vjp_fn(cotangent):
        if not out.requires_grad:  # f does not depend on its inputs: every product is 0
            return tuple(x.detach() * 0 for x in inputs)
        grads = grad(out, inputs, grad_outputs=as_tensor(cotangent), allow_unused=True)
        return tuple(x.detach() * 0 if g is None else g for x, g in zip(inputs, grads, strict=True))

    return out.detach(), vjp_fn


def _basis(shape):
    """Yield the unit tensors of a shape, one per element, in row-major order."""
    size = int(np.prod(shape))
    for i in range(size):
        e = np.zeros(size)
        e[i] = 1.0
        yield Tensor(e.reshape(shape))


def _check_argnums(argnums, count: int) -> int:
    if not isinstance(argnums, int) or not -count <= argnums < count:
        raise ValueError(f"argnums must be one integer index into the {count} argument(s)")
    return argnums % count


def jacfwd(f, argnums: int = 0):
    """Return a function computing the Jacobian of f by forward mode, one column per pass."""

    def jacobian(*args):
        i = _check_argnums(argnums, len(args))
        x = as_tensor(args[i])
        columns = []
        for e in _basis(x.shape):
            tangents = [e if j == i else as_tensor(a).detach() * 0 for j, a in enumerate(args)]
            out, column = jvp(f, args, tangents)
            columns.append(column.data)
        return Tensor(np.stack(columns, axis=-1).reshape(out.shape + x.shape))

    return jacobian


def jacrev(f, argnums: int = 0):
    """Return a function computing the Jacobian of f by reverse mode, one row per pass."""

    def jacobian(*args):
        i = _check_argnums(argnums, len(args))
        out, pull_back = vjp(f, *args)
        rows = [pull_back(e)[i].data for e in _basis(out.shape)]
        x = as_tensor(args[i])
        return Tensor(np.stack(rows).reshape(out.shape + x.shape))

    return jacobian


def hvp(f, x, v):
    """Return (f(x), H v): the Hessian of scalar f at x times v, by reverse over reverse."""
    x = as_tensor(x).detach().requires_grad_()
    out = f(x)
    (g,) = grad(out, x, create_graph=True)  # a gradient that remembers how it was computed
    (hv,) = grad((g * as_tensor(v)).sum(), x, allow_unused=True)
    return out.detach(), x.detach() * 0 if hv is None else hv
