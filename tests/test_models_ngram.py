"""The n-gram baseline: normalised probabilities, the known unigram formula, hand-counted values, errors."""
import numpy as np
import pytest

from dlcourse.models import CharNGram


def test_probabilities_of_every_continuation_sum_to_one():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 5, 400)
    model = CharNGram(3, 5).fit(train)
    for context in ([], [2], [1, 3], [4, 4, 0], [0, 1, 2, 3]):  # seen, unseen and short histories
        p = [np.exp(-model.nll(np.array(context + [c]))[-1]) for c in range(5)]
        assert abs(sum(p) - 1) < 1e-12


def test_order_one_is_the_add_one_unigram():
    train = np.array([0, 0, 1, 2, 0])
    nll = CharNGram(1, 4).fit(train).nll(np.array([0, 3]))
    np.testing.assert_allclose(nll, -np.log([(3 + 1) / (5 + 4), (0 + 1) / (5 + 4)]))


def test_witten_bell_by_hand():
    # after 0 the training text has 1, 1, 2: count(h)=3, two distinct continuations
    train = np.array([0, 1, 0, 1, 0, 2])
    model = CharNGram(2, 3).fit(train)
    uni = (np.array([3, 2, 1]) + 1) / (6 + 3)
    nll = model.nll(np.array([0, 1]))
    assert np.isclose(nll[1], -np.log((2 + 2 * uni[1]) / (3 + 2)))
    nll = model.nll(np.array([2, 0]))  # history 2 never had a successor: back off to the unigram
    assert np.isclose(nll[1], -np.log(uni[0]))


def test_longer_history_fits_its_own_text_better():
    text = np.tile(np.array([0, 1, 2, 0, 2, 1]), 50)
    losses = [CharNGram(n, 3).fit(text).nll(text).mean() for n in (1, 2, 3)]
    assert losses[0] > losses[1] > losses[2]


@pytest.mark.parametrize("kwargs, words", [
    (dict(order=0, vocab_size=5), "order must be a positive integer"),
    (dict(order=2, vocab_size=True), "vocab_size must be a positive integer"),
    (dict(order=20, vocab_size=103), "below 2**62"),
])
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("*", r"\*")):
        CharNGram(**kwargs)


def test_bad_ids_and_order_of_calls():
    model = CharNGram(2, 3)
    with pytest.raises(RuntimeError, match="call fit"):
        model.nll(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 2\]"):
        model.fit(np.array([0, 3]))
    with pytest.raises(ValueError, match="1-D array of integer ids"):
        model.fit(np.array([0.5, 1.0]))
