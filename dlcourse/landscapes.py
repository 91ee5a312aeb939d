"""2-D loss surfaces for watching optimizers move.

Each surface has ``loss(w)`` and ``grad(w)`` for ``w`` of shape ``(2,)``, and
``loss_grid(W1, W2)`` for contour plots. ``ModelSlice`` is a real model's loss:
a two-weight logistic regression on toy data, built from dlcourse.nn so its
gradient comes from the same backward pass the course teaches.
"""
import numpy as np

from . import nn
from .data import make_blobs


class Surface:
    name = ""
    xlim = (-2.0, 2.0)
    ylim = (-2.0, 2.0)
    start = (-1.5, 1.5)
    minimum = None  # (w1, w2) of the global minimum, where known

    def floor(self):
        """The lowest loss (for plotting 'loss above the minimum' on a log scale)."""
        return float(self.loss(np.array(self.minimum)))

    def loss_grid(self, W1, W2):
        return self.loss(np.stack([W1, W2]))


class IllConditioned(Surface):
    """0.5 * (w1^2 + kappa * w2^2): a long narrow valley; plain SGD zig-zags across it."""
    name = "ill-conditioned quadratic"
    start = (-1.8, 0.6)
    minimum = (0.0, 0.0)

    def __init__(self, kappa=20.0):
        self.kappa = float(kappa)

    def loss(self, w):
        return 0.5 * (w[0] ** 2 + self.kappa * w[1] ** 2)

    def grad(self, w):
        return np.array([w[0], self.kappa * w[1]])


class Rosenbrock(Surface):
    """0.1 [(1 - w1)^2 + 10 (w2 - w1^2)^2]: a curved banana valley with its minimum at (1, 1).

    (The classic uses 100 instead of 10; that valley takes thousands of steps to follow.)
    """
    name = "Rosenbrock"
    xlim = (-2.0, 2.0)
    ylim = (-1.0, 3.0)
    start = (-1.5, 2.5)
    minimum = (1.0, 1.0)

    def loss(self, w):
        return 0.1 * ((1 - w[0]) ** 2 + 10 * (w[1] - w[0] ** 2) ** 2)

    def grad(self, w):
        return 0.1 * np.array([-2 * (1 - w[0]) - 40 * w[0] * (w[1] - w[0] ** 2),
                               20 * (w[1] - w[0] ** 2)])


class Saddle(Surface):
    """w1^2 - w2^2 + 0.25 w2^4: a saddle at the origin between two minima at w2 = +-sqrt(2)."""
    name = "saddle"
    start = (-1.8, 0.02)
    minimum = (0.0, np.sqrt(2.0))

    def loss(self, w):
        return w[0] ** 2 - w[1] ** 2 + 0.25 * w[1] ** 4

    def grad(self, w):
        return np.array([2 * w[0], -2 * w[1] + w[1] ** 3])


class ModelSlice(Surface):
    """Mean BCE-with-logits loss of ``Linear(2, 1, bias=False)`` on two Gaussian blobs.

    The two weights of the model *are* the two coordinates, so the picture is the
    exact loss surface of a real (tiny) model, not an illustration.
    """
    name = "real model: logistic regression"
    xlim = (-3.0, 4.0)
    ylim = (-3.0, 4.0)
    start = (-2.5, -2.5)

    def __init__(self, n_samples=200, seed=0):
        self.X, y = make_blobs(n_samples, noise=1.0, centers=((-1.0, -0.5), (1.0, 0.5)), seed=seed)
        self.y = y.astype(np.float64).reshape(-1, 1)
        self.model = nn.Linear(2, 1, bias=False)
        self.loss_fn = nn.BCEWithLogitsLoss()

    def loss(self, w):
        self.model.weight.data[...] = np.reshape(w, (1, 2))
        return float(self.loss_fn(self.model(self.X), self.y))

    def grad(self, w):
        self.model.zero_grad()
        self.loss(w)
        self.model.backward(self.loss_fn.backward())
        return self.model.weight.grad.reshape(2).copy()

    def floor(self):
        # convex: a few hundred Newton-free Adam steps from the origin get within 1e-9 of the minimum
        from .optim import Adam
        path = run_optimizer(self, lambda ps: Adam(ps, lr=0.1), (0.0, 0.0), 500)
        return self.loss(path[-1])

    def loss_grid(self, W1, W2):
        logits = np.einsum("nd,dij->nij", self.X, np.stack([W1, W2]))  # every grid point at once
        t = self.y.reshape(-1, 1, 1)
        per = np.maximum(logits, 0) - logits * t + np.log1p(np.exp(-np.abs(logits)))
        return per.mean(axis=0)


SURFACES = {"ill-conditioned": IllConditioned, "rosenbrock": Rosenbrock, "saddle": Saddle,
            "model slice": ModelSlice}


def get_surface(name):
    try:
        return SURFACES[name]()
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose one of {sorted(SURFACES)}") from None


def run_optimizer(surface, make_optimizer, start, steps):
    """Path ``(steps + 1, 2)`` of an optimizer from dlcourse.optim on ``surface``.

    ``make_optimizer(params)`` builds it. The path stops early if it leaves every
    sensible range (divergence), so the caller can say so.
    """
    w = nn.Parameter(np.array(start, dtype=np.float64))
    opt = make_optimizer([w])
    path = [w.data.copy()]
    for _ in range(steps):
        w.grad[...] = surface.grad(w.data)
        opt.step()
        path.append(w.data.copy())
        if not np.all(np.isfinite(w.data)) or np.abs(w.data).max() > 1e6:
            break
    return np.array(path)
