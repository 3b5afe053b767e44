"""The training fast path gives Keras's own result, bit for bit, or is not taken.

Each case trains the same model twice from the same seed: once by Keras's `fit`, once by
`fastfit.fit_fast`, and compares every final weight and every per-epoch history value exactly.
The cases the path cannot make exact must be declined, with their reason, before the model is
touched. (Kernel tier: real TensorFlow, and MNIST for the image cases.)
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.kernel

tf = keras = fastfit = None  # imported by the fixture: collecting this file must not load TensorFlow

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
XOR_Y = np.array([[0], [1], [1], [0]], "float32")


class Keeper:
    """Stands in for the runtime's EpochKeeper: remembers what the fast path told it."""

    def __init__(self):
        self.chunks = []

    def chunk_end(self, model, done, chunk_logs, verbose, steps):
        self.chunks.append((done, len(chunk_logs)))


@pytest.fixture(scope="module", autouse=True)
def tensorflow():
    global tf, keras, fastfit
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    from grader.inside import fastfit

    tf.config.experimental.enable_op_determinism()  # as the runtime does before the student's code


@pytest.fixture(scope="module")
def digits(mnist_dir):
    with np.load(mnist_dir / "mnist.npz") as f:
        x, y = f["x_train"][:3000].reshape(-1, 784) / 255.0, f["y_train"][:3000]
        xv, yv = f["x_test"][:500].reshape(-1, 784) / 255.0, f["y_test"][:500]
    return x, y, xv, yv


def xor_net(activation="relu", deep=False, optimizer="sgd"):
    hidden = [keras.layers.Dense(10, activation=activation) for _ in range(7 if deep else 1)]
    model = keras.Sequential([keras.Input((2,)), *hidden, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1) if optimizer == "sgd" else optimizer,
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def mnist_net(hidden=(256, 256), init="glorot_uniform", dropout=0.0, batch_norm=False, optimizer="adam",
              built=True):
    layers = [keras.Input((784,))] if built else []
    for units in hidden:
        layers.append(keras.layers.Dense(units, activation="relu", kernel_initializer=init))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization())
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_both(make, call):
    """(Keras's weights and history, the fast path's), each from the same seed."""
    results = []
    for fast in (False, True):
        keras.utils.set_random_seed(0)
        model = make()
        history = fastfit.fit_fast(model, dict(call), Keeper(), keras, tf) if fast else model.fit(**call)
        results.append((model.get_weights(), history.history, list(history.epoch)))
    return results


def assert_identical(keras_result, fast_result):
    (w0, h0, e0), (w1, h1, e1) = keras_result, fast_result
    assert len(w0) == len(w1)
    for a, b in zip(w0, w1):
        assert np.array_equal(a, b), f"max |Δw| = {np.abs(a - b).max()}"
    assert h0 == h1  # every epoch's loss and metrics, exactly, keys included
    assert e0 == e1


XOR_CASES = {
    "shallow relu, shuffled": (lambda: xor_net("relu"), {"epochs": 150}),
    "shallow sigmoid, unshuffled": (lambda: xor_net("sigmoid"), {"epochs": 150, "shuffle": False}),
    "deep relu, batch of 3 (a partial batch)": (lambda: xor_net("relu", deep=True), {"epochs": 100, "batch_size": 3}),
    "deep sigmoid, adam, validation data": (lambda: xor_net("sigmoid", deep=True, optimizer="adam"),
                                            {"epochs": 60, "validation_data": (XOR_X, XOR_Y)}),
}


@pytest.mark.parametrize("case", XOR_CASES)
def test_xor_nets_train_to_the_same_weights_and_history(case):
    make, call = XOR_CASES[case]
    assert_identical(*train_both(make, {"x": XOR_X, "y": XOR_Y, "verbose": 0, **call}))


MNIST_CASES = {
    "softmax regression, sgd, batch 100": (lambda: mnist_net(hidden=(), optimizer="sgd"), {"batch_size": 100}),
    "mlp, adam, default batch (a partial batch)": (lambda: mnist_net(), {}),
    "he initialisation, unshuffled": (lambda: mnist_net(init="he_normal"), {"shuffle": False, "batch_size": 128}),
    "xavier, dropout": (lambda: mnist_net(init="glorot_normal", dropout=0.3), {"batch_size": 100}),
    "batch norm, validation split": (lambda: mnist_net(batch_norm=True), {"validation_split": 0.1}),
    "batch norm, validation data": (lambda: mnist_net(batch_norm=True, dropout=0.2), {"validation_data": True}),
    "a batch larger than the data": (lambda: mnist_net(), {"batch_size": 5000}),
    "a model built by its first batch": (lambda: mnist_net(built=False, hidden=(64,)), {"batch_size": 64}),
}


@pytest.mark.parametrize("case", MNIST_CASES)
def test_mnist_nets_train_to_the_same_weights_and_history(case, digits):
    x, y, xv, yv = digits
    make, call = MNIST_CASES[case]
    call = {"x": x, "y": y, "epochs": 2, "verbose": 0, **call}
    if call.get("validation_data") is True:
        call["validation_data"] = (xv, yv)
    assert_identical(*train_both(make, call))


def _one_hot(y):
    return np.eye(10, dtype="float32")[y]


def _scheduled():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    return mnist_net(optimizer=keras.optimizers.Adam(learning_rate=schedule))


def _per_execution():
    model = mnist_net()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=4)
    return model


def _categorical():
    model = mnist_net()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


# (the model, the fits in order: each a dict of fit arguments; "one_hot": labels one-hot encoded)
SEQUENCES = {
    "two fits, the second from initial_epoch with a validation split and verbose=2": (
        mnist_net, [{"epochs": 1, "batch_size": 100}, {"epochs": 3, "initial_epoch": 1, "validation_split": 0.2,
                                                      "verbose": 2, "batch_size": 100}]),
    "a learning-rate schedule across two fits": (_scheduled, [{"epochs": 1}, {"epochs": 2, "initial_epoch": 1}]),
    "steps_per_execution=4": (_per_execution, [{"epochs": 2, "batch_size": 64}]),
    "one-hot labels, categorical crossentropy, then a second fit": (
        _categorical, [{"epochs": 1, "one_hot": True}, {"epochs": 1, "one_hot": True, "validation_split": 0.1}]),
}


@pytest.mark.parametrize("case", SEQUENCES)
def test_consecutive_fits_train_to_the_same_weights_or_are_declined(case, digits, capsys):
    """Both paths from the same seed, fit after fit on the same model: every weight and history the
    same, and so the same accuracy to the last digit; a fit the fast path cannot promise is declined
    before it changes the model, and Keras's loop trains it instead (as the runtime does)."""
    x, y, xv, yv = digits
    make, fits = SEQUENCES[case]
    results, accuracies = [], []
    for fast in (False, True):
        keras.utils.set_random_seed(0)
        model = make()
        histories = []
        for fit in fits:
            call = {"x": x, "y": _one_hot(y) if fit.get("one_hot") else y, "verbose": 0,
                    **{k: v for k, v in fit.items() if k != "one_hot"}}
            try:
                history = fastfit.fit_fast(model, dict(call), Keeper(), keras, tf) if fast else model.fit(**call)
            except fastfit.Declined:
                history = model.fit(**call)
            histories.append((history.history, list(history.epoch)))
        results.append((model.get_weights(), histories))
        accuracies.append(float(np.mean(np.argmax(model.predict(xv, verbose=0), axis=1) == yv)))
    (w0, h0), (w1, h1) = results
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1))
    assert h0 == h1
    assert accuracies[0] == accuracies[1]


def test_many_epochs_run_in_growing_chunks():
    keras.utils.set_random_seed(0)
    keeper = Keeper()
    history = fastfit.fit_fast(xor_net(), {"x": XOR_X, "y": XOR_Y, "epochs": 400, "verbose": 0}, keeper, keras, tf)
    assert len(history.epoch) == 400
    assert keeper.chunks[0] == (1, 1) and keeper.chunks[-1][0] == 400
    assert max(n for _, n in keeper.chunks) > 10  # epochs fused, not one call per epoch


def _dataset():
    return tf.data.Dataset.from_tensor_slices((XOR_X, XOR_Y)).batch(4)


def _generator():
    while True:
        yield XOR_X, XOR_Y


DECLINED = {
    "a callback": ({"callbacks": "early stopping"}, "a callback is given (EarlyStopping)"),
    "a tf.data pipeline": ({"x": "dataset", "y": None}, "the input is a"),
    "a Python generator": ({"x": "generator", "y": None, "steps_per_epoch": 1}, "steps_per_epoch is set"),
    "a generator alone": ({"x": "generator", "y": None}, "the input is a generator, not arrays"),
    "class weights": ({"class_weight": {0: 1.0, 1: 2.0}}, "class_weight is set"),
    "sample weights": ({"sample_weight": np.ones(4, "float32")}, "sample_weight is set"),
    "validation every other epoch": ({"validation_data": (XOR_X, XOR_Y), "validation_freq": 2},
                                     "validation_freq is not 1"),
}


@pytest.mark.parametrize("case", DECLINED)
def test_what_the_path_cannot_promise_is_declined_before_the_model_changes(case):
    extra, reason = DECLINED[case]
    keras.utils.set_random_seed(0)
    model = xor_net()
    before = [w.copy() for w in model.get_weights()]
    call = {"x": XOR_X, "y": XOR_Y, "epochs": 3, "verbose": 0, **extra}
    if isinstance(call["x"], str):
        call["x"] = _dataset() if call["x"] == "dataset" else _generator()
    if call.get("callbacks"):
        call["callbacks"] = [keras.callbacks.EarlyStopping(monitor="loss")]
    with pytest.raises(fastfit.Declined) as declined:
        fastfit.fit_fast(model, call, Keeper(), keras, tf)
    assert str(declined.value).startswith(reason)
    assert declined.value.template in str(declined.value.as_fact()["id"])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_subclass_with_its_own_train_step_is_declined():
    class OwnStep(keras.Sequential):
        def train_step(self, data):
            return super().train_step(data)

    model = OwnStep([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(fastfit.Declined, match="its own train_step"):
        fastfit.fit_fast(model, {"x": XOR_X, "y": XOR_Y, "epochs": 2}, Keeper(), keras, tf)


def test_an_unseeded_shuffle_is_declined():
    """Without a global seed, Keras draws a new order every epoch: nothing to reproduce. (The
    runtime always sets one, and with op determinism on TensorFlow refuses unseeded shuffles; the
    check stands behind both.)"""
    from tensorflow.python.framework import config

    model = xor_net()
    call = {"x": np.arange(64, dtype="float32").reshape(32, 2) / 64, "y": np.zeros((32, 1), "float32"),
            "epochs": 2, "batch_size": 8, "verbose": 0}
    config.disable_op_determinism()
    tf.random.set_seed(None)
    try:
        with pytest.raises(fastfit.Declined, match="shuffle differs between epochs"):
            fastfit.fit_fast(model, dict(call), Keeper(), keras, tf)
        config.enable_op_determinism()
        with pytest.raises(fastfit.Declined, match="Keras refused the input"):
            fastfit.fit_fast(model, dict(call), Keeper(), keras, tf)
        with pytest.raises(RuntimeError, match="require a seed"):  # and Keras's own loop says why
            model.fit(**call)
    finally:
        config.enable_op_determinism()
        keras.utils.set_random_seed(0)


def test_a_failure_midway_restores_every_variable_and_declines():
    class Broken(Keeper):
        def chunk_end(self, *args):
            raise RuntimeError("a bug in the bookkeeping")

    keras.utils.set_random_seed(0)
    model = xor_net(optimizer="adam")
    model.fit(XOR_X, XOR_Y, epochs=1, verbose=0)  # optimizer state exists and is not zero
    before = [v.numpy().copy() for v in [*model.variables, *model.optimizer.variables]]
    with pytest.raises(fastfit.Declined, match="the fast path failed"):
        fastfit.fit_fast(model, {"x": XOR_X, "y": XOR_Y, "epochs": 5, "verbose": 0}, Broken(), keras, tf)
    after = [v.numpy() for v in [*model.variables, *model.optimizer.variables]]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


XOR_MODULE = '''
import numpy as np
import tensorflow as tf

x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)

tf.model = tf.keras.Sequential()
tf.model.add(tf.keras.layers.Dense(units=10, input_dim=2, activation='relu'))
tf.model.add(tf.keras.layers.Dense(units=1, activation='sigmoid'))
tf.model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), metrics=['accuracy'])
tf.model.fit(x_data, y_data, epochs=500, verbose=0)

stopper = tf.keras.callbacks.EarlyStopping(monitor='loss', patience=3)
second = tf.keras.Sequential([tf.keras.layers.Dense(10, input_dim=2, activation='sigmoid'),
                              tf.keras.layers.Dense(1, activation='sigmoid')])
second.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
second.fit(x_data, y_data, epochs=200, verbose=0, callbacks=[stopper])
'''


def test_the_report_says_how_each_model_trained_and_faithful_measures_the_same(tmp_path, mnist_dir):
    import json

    from test_cli import grader

    path = tmp_path / "xor.py"
    path.write_text(XOR_MODULE)
    docs = {}
    for mode, extra in (("fast", ()), ("faithful", ("--faithful",))):
        result = grader("check", str(path), "-a", "lab09-xor", "--json", "--data-dir", str(mnist_dir), *extra)
        assert result.returncode in (0, 1), result.stderr[-2000:]
        docs[mode] = json.loads(result.stdout)
    fast, faithful = docs["fast"]["models"], docs["faithful"]["models"]
    assert [r["accelerated"] for r in fast] == [True, False]
    assert "fast path" in fast[0]["training"]
    assert fast[1]["training"] == "trained by Keras's own loop: a callback is given (EarlyStopping)"
    assert [r["accelerated"] for r in faithful] == [False, False]
    assert all("--faithful" in r["training"] for r in faithful)
    for a, b in zip(fast, faithful):  # the same training, so the same measurement and the same history
        assert a["test_accuracy"] == b["test_accuracy"] and a["history"] == b["history"]
        assert a["epochs"] == b["epochs"]
    assert docs["fast"]["score"] == docs["faithful"]["score"]
