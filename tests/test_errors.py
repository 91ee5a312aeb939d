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


@pytest.mark.parametrize("make,match", [
    (lambda W: W.Playground(dataset="nope"),
     r"Playground: dataset must be one of circles, xor, moons, spirals, blobs; got 'nope'"),
    (lambda W: W.Playground(layers=10), r"Playground: layers must be an integer from 0 to 4; got 10"),
    (lambda W: W.Playground(neurons=2.5), r"neurons must be an integer from 1 to 8"),
    (lambda W: W.Playground(lr="fast"), r"lr must be a number from 0.001 to 10; got 'fast'"),
    (lambda W: W.BackpropStepper(lr=-1), r"BackpropStepper: lr must be a number from 0.001 to 10; got -1"),
    (lambda W: W.NeuronExplorer(w1=5), r"NeuronExplorer: w1 must be a number from -3 to 3; got 5"),
    (lambda W: W.NeuronExplorer(activation="softmax"), r"activation must be one of .*relu.*; got 'softmax'"),
    (lambda W: W.ActivationExplorer(selected=("relu", "swish")), r"selected must be among .*; got \('relu', 'swish'\)"),
    (lambda W: W.ActivationExplorer(depth=0), r"depth must be an integer from 1 to 30; got 0"),
    (lambda W: W.OptimizerRace(surface="bowl"), r"surface must be one of ill-conditioned, .*; got 'bowl'"),
    (lambda W: W.OptimizerRace(beta=True), r"beta must be a number from 0 to 0.99; got True"),
    (lambda W: W.ConvolutionExplorer(kernel="emboss"), r"kernel must be one of identity, .*; got 'emboss'"),
    (lambda W: W.ConvolutionExplorer(stride=1.5), r"stride must be an integer from 1 to 3; got 1.5"),
])
def test_explorers_reject_bad_arguments_by_name(make, match):
    from dlcourse import widgets
    with pytest.raises(ValueError, match=match):
        make(widgets)


def test_explorer_argument_check_accepts_the_edges_of_each_range():
    from dlcourse import widgets
    assert widgets.Playground(layers=4, lr=10, noise=0.0).layers.value == 4
    assert widgets.ActivationExplorer(selected="relu").select.value == ("relu",)


def test_load_checkpoint_names_damaged_and_foreign_files(tmp_path):
    import dlcourse as dl
    from dlcourse import train
    model = dl.models.MLP(2, (8,), 2)
    good = tmp_path / "good.pt"
    train.save_checkpoint(good, model)
    (tmp_path / "half.pt").write_bytes(good.read_bytes()[:200])
    (tmp_path / "text.pt").write_text("not a checkpoint")
    torch.save({"weights": model.state_dict()}, tmp_path / "other.pt")
    for name in ("half.pt", "text.pt"):
        with pytest.raises(ValueError, match="not a dlcourse checkpoint, or the file is damaged"):
            train.load_checkpoint(tmp_path / name, model)
    with pytest.raises(ValueError, match=r"expected the keys model, optimizer and history .*found \['weights'\]"):
        train.load_checkpoint(tmp_path / "other.pt", model)


def test_load_checkpoint_from_another_architecture_changes_nothing(tmp_path):
    import dlcourse as dl
    from dlcourse import train
    train.save_checkpoint(tmp_path / "wide.pt", dl.models.MLP(2, (16, 8), 2))
    narrow = dl.models.MLP(2, (8, 8), 2)
    before = {k: v.clone() for k, v in narrow.state_dict().items()}
    with pytest.raises(ValueError, match="different architecture"):
        train.load_checkpoint(tmp_path / "wide.pt", narrow)
    assert all(torch.equal(before[k], v) for k, v in narrow.state_dict().items())
