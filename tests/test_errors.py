"""Bad input gets a clear error naming what was expected and what came."""
import numpy as np
import pytest
import torch

from dlcourse import nn
from dlcourse.gradcheck import check_module, numerical_gradient, rel_error


@pytest.mark.parametrize("make,x,err,match", [
    (lambda: nn.Linear(4, 2), np.zeros((32, 3)), ValueError, r"Linear\(in_features=4\) got input of shape \(32, 3\): last dimension must be 4"),
    (lambda: nn.Linear(4, 2), np.float64(1.0), ValueError, "last dimension"),
    (lambda: nn.Linear(4, 2), np.array(["a", "b", "c", "d"]), TypeError, "numeric"),
    (lambda: nn.Linear(4, 2), None, TypeError, "None"),
    (lambda: nn.Linear(4, 2), torch.zeros(3, 4), TypeError, "torch.Tensor"),
    (lambda: nn.ReLU(), np.array([True, False]), TypeError, "dtype bool"),
    (lambda: nn.Softmax(dim=2), np.zeros((3, 4)), ValueError, r"dim=2"),
])
def test_forward_rejects_bad_input(make, x, err, match):
    with pytest.raises(err, match=match):
        make()(x)


@pytest.mark.parametrize("args", [(0, 3), (3, -1), (2.5, 3), ("4", 3), (True, 3)])
def test_linear_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="positive integer"):
        nn.Linear(*args)


@pytest.mark.parametrize("module", [nn.Linear(3, 2), nn.Tanh(), nn.Softmax(), nn.MSELoss()])
def test_backward_before_forward(module):
    with pytest.raises(RuntimeError, match="before forward"):
        module.backward(np.ones((1, 2)))


def test_backward_rejects_wrong_grad_shape():
    lin = nn.Linear(3, 2)
    lin(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"grad_output of shape \(4, 3\).*shape \(4, 2\)"):
        lin.backward(np.zeros((4, 3)))
    act = nn.ReLU()
    act(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="must match the forward output"):
        act.backward(np.zeros(3))


def test_loss_input_errors():
    with pytest.raises(ValueError, match="reshape the target"):
        nn.MSELoss()(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="probabilities in"):
        nn.BCELoss()(np.array([1.5, 0.2]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="probabilities in"):
        nn.BCELoss()(np.array([np.nan, 0.2]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        nn.CrossEntropyLoss()(np.zeros(3), np.array([1]))
    with pytest.raises(TypeError, match="integer class indices"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"must lie in \[0, 2\]"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="target must have shape"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    loss = nn.MSELoss()
    loss(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="scalar"):
        loss.backward(np.ones(3))


def test_module_misuse():
    class NoSuper(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.zeros(2))
    with pytest.raises(RuntimeError, match="super"):
        NoSuper()

    class NoForward(nn.Module):
        pass
    with pytest.raises(TypeError, match="no forward"):
        NoForward()(np.zeros(2))
    with pytest.raises(TypeError, match="argument 1"):
        nn.Sequential(nn.ReLU(), torch.nn.ReLU())


def test_load_state_dict_errors_leave_weights_alone():
    lin = nn.Linear(2, 3)
    before = lin.weight.data.copy()
    with pytest.raises(KeyError, match="missing keys"):
        lin.load_state_dict({"weight": np.zeros((3, 2))})
    with pytest.raises(ValueError, match=r"'weight' has shape \(2, 3\)"):
        lin.load_state_dict({"weight": np.zeros((2, 3)), "bias": np.zeros(3)})
    with pytest.raises(ValueError, match="'bias' has shape"):
        lin.load_state_dict({"weight": np.zeros((3, 2)), "bias": np.zeros(4)})  # weight fine, bias not
    np.testing.assert_array_equal(lin.weight.data, before)


def test_gradcheck_helpers_validate():
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match="float NumPy array"):
        numerical_gradient(lambda: 0.0, [1, 2])
    with pytest.raises(TypeError, match="dlcourse.nn module"):
        check_module(torch.nn.ReLU(), np.zeros(2))
