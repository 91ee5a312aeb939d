"""The character corpus, its batches and the reverse/sort sequence tasks."""
import numpy as np
import pytest

from dlcourse import data


@pytest.fixture(scope="module")
def corpus():
    return data.load_char_corpus()


def test_corpus_is_english_prose_with_a_small_vocabulary(corpus):
    assert len(corpus.text) > 300_000
    assert 60 <= corpus.vocab_size <= 150
    assert corpus.text.count(" the ") > 1000
    assert len(corpus.train) + len(corpus.val) == len(corpus.text)
    assert abs(len(corpus.val) / len(corpus.text) - 0.1) < 1e-3
    assert "CharCorpus(" in repr(corpus)


def test_encode_decode_round_trip(corpus):
    s = "Hello, world: x = [1, 2]"
    ids = corpus.encode(s)
    assert ids.dtype == np.int64 and ids.shape == (len(s),)
    assert corpus.decode(ids) == s
    assert corpus.decode(list(ids)) == s
    assert corpus.decode(np.concatenate([corpus.train[:50], corpus.val[:50]])) == (
        corpus.text[:50] + corpus.text[len(corpus.train):len(corpus.train) + 50])


def test_batches_are_shifted_windows_and_seeded(corpus):
    x, y = next(corpus.batches("train", batch_size=4, block_size=16, seed=3))
    assert x.shape == y.shape == (4, 16) and x.dtype == np.int64
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    for row_x, row_y in zip(x, y):  # each window is a real stretch of the training text
        window = corpus.decode(np.r_[row_x, row_y[-1]])
        assert window in corpus.text[:len(corpus.train)]
    again = next(corpus.batches("train", batch_size=4, block_size=16, seed=3))
    other = next(corpus.batches("train", batch_size=4, block_size=16, seed=4))
    np.testing.assert_array_equal(again[0], x)
    assert not np.array_equal(other[0], x)
    xv, _ = next(corpus.batches("val", batch_size=2, block_size=8, seed=0))
    assert corpus.decode(xv[0]) in corpus.text[len(corpus.train):]


def test_small_corpus_split():
    c = data.CharCorpus("abcabcabca", val_fraction=0.2)
    assert c.chars == ["a", "b", "c"] and c.vocab_size == 3
    assert c.decode(c.train) == "abcabcab" and c.decode(c.val) == "ca"


@pytest.mark.parametrize("call, words", [
    (lambda c: c.encode("snowman ☃"), "'☃' not in the vocabulary"),
    (lambda c: c.encode(5), "takes a str, got int"),
    (lambda c: c.decode([0, 999]), "ids must lie in"),
    (lambda c: c.decode([[1, 2]]), "1-D sequence"),
    (lambda c: next(c.batches("valid")), "'train', 'val' or 'test'"),
    (lambda c: next(c.batches(batch_size=0)), "batch_size must be an integer >= 1, got 0"),
    (lambda c: next(c.batches("val", block_size=10 ** 6)), "block_size must be below"),
])
def test_corpus_errors_name_the_problem(corpus, call, words):
    with pytest.raises((ValueError, TypeError), match=words.replace("[", r"\[").replace("(", r"\(")):
        call(corpus)


def test_corpus_constructor_errors():
    with pytest.raises(ValueError, match="val_fraction must lie in"):
        data.CharCorpus("abcdef", val_fraction=1.5)
    with pytest.raises(ValueError, match="at least 2 characters"):
        data.CharCorpus("a")


def test_reverse_and_sort_tasks():
    X, Y = data.make_sequence_task("reverse", n_samples=50, length=6, n_symbols=7, seed=1)
    assert X.shape == Y.shape == (50, 6) and X.dtype == Y.dtype == np.int64
    assert X.min() >= 0 and X.max() <= 6
    np.testing.assert_array_equal(Y, X[:, ::-1])
    X2, Y2 = data.make_sequence_task("sort", n_samples=50, length=6, n_symbols=7, seed=1)
    np.testing.assert_array_equal(X2, X)  # same seed, same inputs: only the target differs
    np.testing.assert_array_equal(Y2, np.sort(X, axis=1))
    assert not np.array_equal(data.make_sequence_task(seed=2)[0], data.make_sequence_task(seed=1)[0])


@pytest.mark.parametrize("kwargs, words", [
    (dict(kind="copy"), "kind must be one of reverse, sort"),
    (dict(length=1), "length must be an integer >= 2"),
    (dict(n_symbols=2.5), "n_symbols must be an integer"),
    (dict(n_samples=True), "n_samples must be an integer"),
])
def test_sequence_task_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        data.make_sequence_task(**kwargs)


def test_test_split_is_the_tail_and_leaves_train_alone(corpus):
    three = data.load_char_corpus(val_fraction=0.05, test_fraction=0.05)
    np.testing.assert_array_equal(three.train, corpus.train)  # same training text as the two-way split
    np.testing.assert_array_equal(np.concatenate([three.val, three.test]), corpus.val)
    assert abs(len(three.test) - len(three.val)) <= 1 and "test 23," in repr(three)
    assert len(corpus.test) == 0
    x, _ = next(three.batches("test", batch_size=2, block_size=8))
    assert corpus.decode(x[0]) in corpus.text[-len(three.test):]


@pytest.mark.parametrize("test_fraction", [-0.1, 0.9, "0.1"])
def test_bad_test_fraction(test_fraction):
    with pytest.raises(ValueError, match="test_fraction must lie in"):
        data.CharCorpus("some text here", val_fraction=0.1, test_fraction=test_fraction)
