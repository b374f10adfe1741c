"""A small automatic differentiation engine on NumPy, to read and to rebuild.

Start reading at `autograd_lab/engine/core.py`: the tensor, how each operation records its
parents and local rules, the topological order, and backward, top to bottom in the order of
notebook 06. The other files make the engine look like PyTorch, so that small programs run
with only the import changed:

    import autograd_lab.engine as torch

    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    x.grad  # tensor([ 0.,  4.,  8., 12.])

Both modes are there: `backward` / `grad` (reverse), `jvp` (forward), `jacrev` / `jacfwd`, and
`grad(..., create_graph=True)` for derivatives of derivatives. Differences from PyTorch, on
purpose: one number type (float64, printed without a dtype) plus booleans from comparisons;
the graph is always kept, so `backward()` may run twice on it; `.grad` is only filled for
leaves; `grad_fn` is the operation's name, not an object; in-place changes are allowed only
where no recorded graph sees them (inside `no_grad()`, or on tensors that need no gradient).
"""

# methods.py first: it gives Tensor its operators and methods (x + y, x.sum()).
from autograd_lab.engine import methods  # noqa: F401
from autograd_lab.engine.core import Tensor, as_tensor, backpropagate, topological_order
from autograd_lab.engine.creation import (
    arange,
    eye,
    manual_seed,
    ones,
    ones_like,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from autograd_lab.engine.export import to_graph
from autograd_lab.engine.functional import (
    grad,
    hvp,
    is_grad_enabled,
    jacfwd,
    jacrev,
    jvp,
    no_grad,
    vjp,
)


def _function(name: str):
    def function(x, *args, **kwargs):
        return getattr(as_tensor(x), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Return x.{name}(...) (PyTorch's torch.{name})."
    return function


# Module-level twins of the methods, as torch.exp(x) is x.exp(). `abs` and `sum` shadow the
# builtins on purpose (torch does the same); this module never calls the builtins.
abs = _function("abs")
exp = _function("exp")
log = _function("log")
sin = _function("sin")
cos = _function("cos")
tanh = _function("tanh")
relu = _function("relu")
sign = _function("sign")
sum = _function("sum")
mean = _function("mean")
norm = _function("norm")
dot = _function("dot")
matmul = _function("matmul")
reciprocal = _function("reciprocal")

__all__ = [
    "Tensor",
    "abs",
    "arange",
    "as_tensor",
    "backpropagate",
    "cos",
    "dot",
    "exp",
    "eye",
    "grad",
    "hvp",
    "is_grad_enabled",
    "jacfwd",
    "jacrev",
    "jvp",
    "log",
    "manual_seed",
    "matmul",
    "mean",
    "no_grad",
    "norm",
    "ones",
    "ones_like",
    "randn",
    "reciprocal",
    "relu",
    "sign",
    "sin",
    "sum",
    "tanh",
    "tensor",
    "to_graph",
    "topological_order",
    "vjp",
    "zeros",
    "zeros_like",
]
