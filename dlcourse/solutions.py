"""Reference solutions to the notebook exercises, one per name in dlcourse.check.

Try the exercise first: the checks give hints. Values are plain answers; functions
are one clear way to write the requested code (others pass too).
"""
import numpy as np

# -- 00 welcome -----------------------------------------------------------------------
ex00_zeros = np.zeros((3, 4))
ex00_matmul_shape = (5, 2)
ex00_seeded_draw = float(np.random.RandomState(7).rand())  # what dl.seed(7); np.random.rand() gives


# -- 01 neurons, weights and biases -----------------------------------------------------
ex01_pre_activation = 0.5 * 1.0 + (-0.25) * 2.0 + 1.0 * (-1.0) + 0.1   # w·x + b = -0.9


def ex01_neuron(x, w, b):
    """Sigmoid neuron for a batch: x (N, d), w (d,), b scalar -> (N,)."""
    z = x @ w + b
    return 1.0 / (1.0 + np.exp(-z))


ex01_parameter_count = (10 * 32 + 32) + (32 * 32 + 32) + (32 * 1 + 1)  # 1441
ex01_weight_shape = (5, 10)  # nn.Linear(10, 5).weight: (out_features, in_features)


# -- 02 activation functions ---------------------------------------------------------------
def ex02_relu_grad(x):
    return (x > 0).astype(float)


def ex02_softmax(z):
    """Row-wise softmax of z (N, C); subtracting the row max avoids overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ex02_output_activation = {"binary": "sigmoid", "multiclass": "softmax", "regression": "identity"}
ex02_sigmoid_max_slope = 0.25  # sigmoid'(0) = 0.5 * (1 - 0.5)


# -- 03 loss and optimisation ----------------------------------------------------------------
ex03_mse = ((2 - 1) ** 2 + (0 - 0) ** 2 + (1 - 3) ** 2) / 3
ex03_cross_entropy = float(-np.log(np.exp(2.0) / np.exp([2.0, 1.0, 0.1]).sum()))


def ex03_momentum_step(w, grad, buf, lr, momentum):
    """One step of torch's SGD with momentum (buf starts as None)."""
    buf = grad.copy() if buf is None else momentum * buf + grad
    return w - lr * buf, buf


ex03_divergence_lr = 0.1  # f(w) = 10 w^2: w <- w (1 - 20 lr), unstable once |1 - 20 lr| > 1


# -- 04 forward and backward propagation -------------------------------------------------------
# y = tanh(x * w + b) at x = 1.0, w = 0.5, b = -0.2: dy/dz = 1 - tanh(0.3)^2, then dz/dx = w, dz/dw = x, dz/db = 1
_dy_dz = 1 - np.tanh(1.0 * 0.5 - 0.2) ** 2
ex04_chain_rule = {"x": _dy_dz * 0.5, "w": _dy_dz * 1.0, "b": _dy_dz}


def ex04_linear_backward(x, W, grad_out):
    """Gradients of y = x W^T + b: x (N, in), W (out, in), grad_out (N, out)."""
    return grad_out @ W, grad_out.T @ x, grad_out.sum(axis=0)


def ex04_output_delta(p, y):
    """dL/dz for a sigmoid output p = sigmoid(z) with binary cross-entropy against y."""
    return p - y


# -- 05 ANN for tabular data --------------------------------------------------------------------
def ex05_standardize(X_train, X_other):
    """Scale both with the *training* mean and std (never statistics of the data you evaluate on)."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


# confusion matrix [[TN, FP], [FN, TP]] = [[50, 10], [5, 35]]
ex05_precision_recall = {"precision": 35 / (35 + 10), "recall": 35 / (35 + 5)}
ex05_loss_for_task = {"churn": "BCEWithLogitsLoss", "digits": "CrossEntropyLoss", "demand": "MSELoss"}


# -- 06 CNN for images -----------------------------------------------------------------------------
ex06_output_size = (28 + 2 * 1 - 1 * (5 - 1) - 1) // 2 + 1  # 13
ex06_conv_parameters = 3 * 16 * 5 * 5 + 16  # 1216: weights (out, in, kh, kw) plus one bias per filter


def ex06_max_pool(img):
    """2x2 max pooling with stride 2 of an (H, W) array with even H and W."""
    h, w = img.shape
    return img.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
