"""Reference solutions for lesson 06, CNNs for images."""
import numpy as np

ex06_output_size = (36 + 2 * 2 - 2 * (5 - 1) - 1) // 2 + 1  # 16
ex06_conv_parameters = 3 * 16 * 5 * 5 + 16  # 1216: weights (out, in, kh, kw) plus one bias per filter


def ex06_max_pool(img):
    """2x2 max pooling with stride 2 of an (H, W) array with even H and W."""
    h, w = img.shape
    return img.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))


def ex06_max_pool_backward(x, grad_out):
    """Gradient of 2x2 max pooling (stride 2): x (N, C, H, W), grad_out (N, C, H/2, W/2) -> (N, C, H, W).

    Each block's gradient goes to its first maximum in row-major order (a tie sends it to one input only).
    """
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    winner = blocks.argmax(axis=-1)[..., None] == np.arange(4)  # argmax returns the first maximum
    grad = (grad_out[..., None] * winner).reshape(n, c, h // 2, w // 2, 2, 2)
    return grad.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


def ex06_budget_cnn():
    """1,010 parameters: two 8-channel conv blocks with batch norm, then one Linear from 8 x 2 x 2 features."""
    from torch import nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 2 * 2, 10))


__all__ = ["ex06_output_size", "ex06_conv_parameters", "ex06_max_pool", "ex06_max_pool_backward", "ex06_budget_cnn"]
