"""Checks for lesson 06, CNNs for images."""
import numpy as np

from ._key import S
from ._core import _array, _call, _number, _same_array, _same_count, _Wrong, exercise, _rng

# ex06_output_size: H = 36, kernel 5, stride 2, padding 2, dilation 2
_SIZE_MISTAKES = {
    18: "you left out the dilation: with d = 2 the 5 taps span d (k - 1) + 1 = 9 pixels, not 5.",
    14: "you left out the padding: 2 zeros are added on each side, so H + 2p = 40.",
    15: "you either dropped the final + 1 or padded only one side (2p, not p).",
    17: "you rounded up; the formula rounds down (a window that does not fit is not computed).",
    32: "you ignored the stride: with s = 2 the window moves two pixels at a time.",
}


@exercise("H_out = floor((H + 2p - d (k - 1) - 1) / s) + 1, with H = 36, k = 5, s = 2, p = 2, d = 2.")
def ex06_output_size(answer):
    got = _number(answer, "a whole number")
    if got != int(got):
        raise _Wrong(f"you got {got:g}, which is not a whole number: the formula rounds down (floor).")
    if not S.ex06_output_size.matches(got, rtol=1e-12) and int(got) in _SIZE_MISTAKES:
        raise _Wrong(_SIZE_MISTAKES[int(got)])
    _same_count(answer, S.ex06_output_size, verb="got")
    return "right: dilation widens the window, padding adds a border, the stride divides, and floor drops the rest."


_PARAM_MISTAKES = {
    3 * 16 * 5 * 5: "you counted the weights only: each of the 16 filters also has one bias.",
    16 * 5 * 5 + 16: "each filter covers all 3 input channels: its weights are in_channels × 5 × 5.",
    16 * 5 * 5: "each filter covers all 3 input channels, and each filter has one bias.",
    3 * 5 * 5 + 1: "that is one filter; the layer has 16 of them.",
    3 * 16 * 5 * 5 + 3 * 16: "there is one bias per output channel (16), not per pair of channels.",
}


@exercise("The weight has shape (out_channels, in_channels, 5, 5); add one bias per output channel.")
def ex06_conv_parameters(answer):
    got = _number(answer, "a whole number")
    if not S.ex06_conv_parameters.matches(got, rtol=1e-12) and got in _PARAM_MISTAKES:
        raise _Wrong(_PARAM_MISTAKES[int(got)])
    _same_count(answer, S.ex06_conv_parameters)
    return "right: 16 filters, each 3 × 5 × 5 weights and a bias; the image size does not enter the count."


@exercise("Reshape (H, W) to (H/2, 2, W/2, 2) and take the max over axes 1 and 3, or loop over 2×2 blocks.")
def ex06_max_pool(answer):
    img = _rng(4).standard_normal((6, 8))
    got = _call(answer, img)
    blocks = img.reshape(3, 2, 4, 2)
    if np.shape(got) == (5, 7):
        raise _Wrong("your output has shape (5, 7): the window moved one pixel at a time; use stride 2 "
                     "(blocks that do not overlap).")
    if np.shape(got) == (3, 4) and np.allclose(np.asarray(got, dtype=float), blocks.mean(axis=(1, 3))):
        raise _Wrong("you averaged each block (average pooling); max pooling keeps the largest value.")
    _same_array(got, S.ex06_max_pool(img), "pooled image")
    return "each output keeps the strongest response of its 2×2 block."


def _pool_backward_reference(x, grad_out):
    from ..nn import MaxPool2d
    pool = MaxPool2d(2)
    pool(x)
    return pool.backward(grad_out)


@exercise("Which of a block's four inputs changed its output? Only that one receives the output's gradient. "
          "np.argmax over the four values of a block returns the first maximum, as the tie rule asks.")
def ex06_max_pool_backward(answer):
    rng = _rng(16)
    # fresh inputs, not the ones in the notebook; the last one has gone through a ReLU, so whole blocks are 0
    inputs = [rng.standard_normal(shape) for shape in [(2, 3, 4, 6), (1, 2, 8, 4)]]
    inputs.append(np.maximum(rng.standard_normal((2, 2, 6, 6)) - 0.5, 0.0))
    for x in inputs:
        shape = x.shape
        g = rng.standard_normal((*shape[:2], shape[2] // 2, shape[3] // 2))
        got = _array(_call(answer, x, g), shape, "gradient")
        up = g.repeat(2, axis=2).repeat(2, axis=3)
        if np.allclose(got, up):
            raise _Wrong("you sent the gradient to all four pixels of each block; only the maximum "
                         "influenced the output, so only it gets the gradient.")
        if np.allclose(got, up / 4):
            raise _Wrong("you shared the gradient equally (÷ 4): that is average pooling's backward.")
        want = _pool_backward_reference(x, g)
        if np.allclose(got, (want != 0).astype(float)):
            raise _Wrong("you marked the maxima with 1 but did not multiply by grad_out (chain rule).")
        block_max = x.reshape(*shape[:2], shape[2] // 2, 2, shape[3] // 2, 2).max(axis=(3, 5))
        if not np.allclose(got, want) and np.allclose(got, up * (x == block_max.repeat(2, axis=2).repeat(2, axis=3))):
            raise _Wrong("right where a block has one maximum, but where several inputs tie (here whole blocks "
                         "are 0 after a ReLU) you sent the gradient to every tied input: send it only to the "
                         "first maximum in row-major order.")
        _same_array(got, want, "gradient")
    return "matches dl.nn.MaxPool2d.backward: each block's gradient goes to its maximum, the other three get 0."


BUDGET = {"max_parameters": 1500, "target": 0.95, "epochs": 10, "lr": 3e-3, "batch_size": 32, "seed": 0}


def _train_on_digits(model, epochs, lr, batch_size, seed):
    """Train ``model`` on the digits' training part (Adam, seeded) and return its validation accuracy."""
    import torch

    from .._env import numpy_seed
    from ..data import load_digits
    d = load_digits()
    dtype = next(model.parameters()).dtype
    as_t = lambda a: torch.tensor(a, dtype=dtype)
    X, y, Xv, yv = as_t(d.X_train), torch.tensor(d.y_train), as_t(d.X_val), torch.tensor(d.y_val)
    with torch.random.fork_rng(), numpy_seed(seed):
        torch.manual_seed(seed)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        g = torch.Generator().manual_seed(seed)
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=g)
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            return float((model(Xv).argmax(1) == yv).float().mean())


@exercise("Count each layer's parameters before training: a Conv2d costs in × out × k × k + out whatever the "
          "image size, but the Linear after Flatten costs (channels × height × width) × 10 + 10. Where does "
          "the CNN above spend most of its 13,754?")
def ex06_budget_cnn(answer):
    import torch
    b = BUDGET
    with torch.random.fork_rng():
        torch.manual_seed(b["seed"])
        model = _call(answer)
    if not isinstance(model, torch.nn.Module):
        raise _Wrong(f"make_model() should return a torch.nn.Module, got {type(model).__name__}.")
    n = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if n == 0:
        raise _Wrong("your model has no trainable parameters.")
    if n > b["max_parameters"]:
        raise _Wrong(f"parameter budget failed: your model has {n:,} parameters, the limit is "
                     f"{b['max_parameters']:,}. Shrink the Linear layer after Flatten (pool more, or use fewer channels).")
    try:
        out = model(torch.zeros(2, 1, 8, 8, dtype=next(model.parameters()).dtype))
    except Exception as e:
        raise _Wrong(f"your model fails on a batch of shape (2, 1, 8, 8): {type(e).__name__}: {e}") from None
    if tuple(out.shape) != (2, 10):
        raise _Wrong(f"your model maps a batch (2, 1, 8, 8) to shape {tuple(out.shape)}; expected (2, 10), "
                     "one score per digit.")
    acc = _train_on_digits(model, b["epochs"], b["lr"], b["batch_size"], b["seed"])
    if not np.isfinite(acc) or acc < b["target"]:
        raise _Wrong(f"accuracy target failed: {n:,} parameters (within the limit of {b['max_parameters']:,}), but "
                     f"{acc:.1%} validation accuracy after {b['epochs']} epochs; the target is {b['target']:.0%}.")
    return (f"{n:,} parameters (limit {b['max_parameters']:,}) and {acc:.1%} validation accuracy after "
            f"{b['epochs']} epochs (target {b['target']:.0%}).")
